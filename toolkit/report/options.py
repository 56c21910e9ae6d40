"""What the person running a report chooses: names, waves, threshold, logo.

The dates on the cover come from the analysis (its reporting period or the
dates analysed), never from a free label here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

DEFAULT_SUPPRESSION = 11


@dataclass(frozen=True)
class ReportOptions:
    """Options of one report.

    ``pre_wave`` and ``post_wave`` are the wave ids the analysis compared;
    ``pre_label`` and ``post_label`` are how the report names them (by
    default the ids with a capital letter). ``suppress`` is the smallest
    count shown: counts from 1 to ``suppress - 1`` and statistics on fewer
    than ``suppress`` people are withheld.
    """

    program_name: str
    pre_wave: str = "baseline"
    post_wave: str = "exit"
    pre_label: str = ""
    post_label: str = ""
    sites: tuple[str, ...] = ()
    suppress: int = DEFAULT_SUPPRESSION
    logo: Path | None = None
    generated: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        if not self.program_name.strip():
            raise ValueError("program_name: the report needs a program name; pass --program-name")
        if self.suppress < 1:
            raise ValueError(
                f"suppress: {self.suppress} is not a valid threshold; use a whole number of 1 or more (default 11)"
            )
        if self.logo is not None and not Path(self.logo).is_file():
            raise ValueError(f"{self.logo}: logo file not found; pass the path of a PNG, JPEG or SVG file")

    @property
    def pre_name(self) -> str:
        """The baseline wave as the report names it."""
        return self.pre_label or _title(self.pre_wave)

    @property
    def post_name(self) -> str:
        """The follow-up wave as the report names it."""
        return self.post_label or _title(self.post_wave)


def _title(wave: str) -> str:
    text = wave.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
