"""What an import file holds, in one shape whatever its format: administrations and their located answers.

Every reader (wide or long CSV/XLSX, SPSS, Stata, REDCap, FHIR) produces an
:class:`ImportTable`; the checks and the store work on it alone. A table
lists its participant-waves (:class:`ImportedWave`) and holds its answers
either on each wave (readers of small files append :class:`ImportedAnswer`
objects) or, for large files, as one columnar frame built in bulk
(:meth:`ImportTable.answer_frame` gives the frame either way). Each answer
keeps where it came from (row and column as the user sees them), so every
problem can be reported as ``FILE:ROW:COLUMN: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import TYPE_CHECKING

from toolkit.errors import Problem

if TYPE_CHECKING:
    import pandas as pd

#: The columns of :meth:`ImportTable.wave_frame`: ``date`` is a datetime64 day (NaT when the file has none).
WAVE_COLUMNS = ("participant", "wave", "row", "date", "site", "group")
#: The columns of :meth:`ImportTable.answer_frame`: ``wave`` is an index into ``ImportTable.waves``;
#: ``value`` is NaN for a declined answer; ``row`` and ``column`` say where the answer was.
ANSWER_COLUMNS = ("wave", "item", "value", "declined", "row", "column")


@dataclass(frozen=True)
class Cell:
    """Where a value was in the file: the row (line for CSV, sheet row for XLSX, 1 = header) and column."""

    row: int
    column: str

    def where(self, path: str) -> str:
        """``FILE:ROW:COLUMN``."""
        return f"{path}:{self.row}:{self.column}"


@dataclass(frozen=True)
class ImportedAnswer:
    """One item's answer: a number, or declined (``value`` None)."""

    item: str
    value: float | None
    declined: bool
    cell: Cell


@dataclass
class ImportedWave:
    """One participant at one wave: identifiers, the administration's date, and (for small readers) the answers."""

    participant: str
    wave: str
    row: int
    date: date | None = None
    site: str | None = None
    group: str | None = None
    answers: list[ImportedAnswer] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(participant, wave)."""
        return self.participant, self.wave


@dataclass
class ImportTable:
    """An import file read into administrations, with the problems found while reading it.

    ``described`` says what the file was taken to be (``wide CSV, UTF-16,
    semicolon-separated``), so a wrong guess is visible; ``sha256`` is the
    digest of the file's bytes, which makes a second import of the same file
    a no-op. ``wave_rows`` and ``answers`` are the columnar frames of the
    participant-waves and of all answers when a reader built them in bulk
    (None: they are in ``waves``, as objects).
    """

    path: str
    sha256: str
    described: str
    waves: list[ImportedWave] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    wave_rows: pd.DataFrame | None = None
    answers: pd.DataFrame | None = None
    #: True when a cell is named by its column alone (``FILE:entry[0].item[linkId=q1]``), as in FHIR files.
    path_locations: bool = False

    def where(self, row: int, column: str) -> str:
        """Where a cell is, for a message: ``FILE:ROW:COLUMN`` (or ``FILE:COLUMN`` with ``path_locations``)."""
        return f"{self.path}:{column}" if self.path_locations else f"{self.path}:{row}:{column}"

    def wave_frame(self) -> pd.DataFrame:
        """Every participant-wave, one row each (its index is the ``wave`` of the answer frame)."""
        import pandas as pd

        if self.wave_rows is None:
            frame = pd.DataFrame(
                [(w.participant, w.wave, w.row, w.date, w.site, w.group) for w in self.waves],
                columns=list(WAVE_COLUMNS),
            )
            frame["date"] = pd.to_datetime(frame["date"])
            self.wave_rows = frame.astype({"participant": object, "wave": object, "row": "int64"})
        return self.wave_rows

    @property
    def wave_count(self) -> int:
        """How many participant-waves the file holds."""
        return len(self.wave_frame())

    def answer_frame(self) -> pd.DataFrame:
        """Every answer, one row each, with the columns of :data:`ANSWER_COLUMNS`."""
        import numpy as np
        import pandas as pd

        if self.answers is None:
            rows = [
                (i, a.item, np.nan if a.value is None else float(a.value), a.declined, a.cell.row, a.cell.column)
                for i, wave in enumerate(self.waves)
                for a in wave.answers
            ]
            frame = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
            self.answers = frame.astype({"wave": "int64", "value": "float64", "declined": "bool", "row": "int64"})
        return self.answers

    @property
    def answer_count(self) -> int:
        """How many answers (declined ones included) the file holds."""
        return len(self.answer_frame())
