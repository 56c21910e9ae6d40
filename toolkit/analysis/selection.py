"""What an analysis is given to work on: the waves it compares and follows, and the administrations it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from toolkit.analysis.periods import select_administrations
from toolkit.analysis.wave_order import analysed_waves
from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.schedule import WaveSpec


def check_waves(wide: pd.DataFrame, pre: str, post: str) -> None:
    """Raise :class:`InputFileError` unless both waves occur in ``wide`` and differ."""
    found = sorted(wide["wave"].dropna().astype(str).unique().tolist())
    listed = ", ".join(f"'{w}'" for w in found) or "none"
    problems = []
    if pre == post:
        problems.append(
            Problem("--pre/--post", f"both name wave '{pre}'; choose two different waves (waves found: {listed})")
        )
    for flag, wave in (("--pre", pre), ("--post", post)):
        if wave not in found:
            problems.append(
                Problem(flag, f"wave '{wave}' is not in the file; waves found: {listed}. Use one of those names")
            )
    if problems:
        raise InputFileError(problems)


def check_unique_rows(wide: pd.DataFrame) -> None:
    """Raise :class:`InputFileError` when a participant has two rows for the same wave."""
    key = wide[["participant", "wave"]].astype(str)
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        rows = [int(i) for i in wide.index[dup][:20]]
        raise InputFileError(
            [
                Problem(
                    f"row {i}",
                    f"participant '{key.iat[pos, 0]}' has a second row for wave '{key.iat[pos, 1]}';"
                    " keep one row per participant and wave",
                )
                for i, pos in zip(rows, np.flatnonzero(dup)[:20], strict=True)
            ]
        )


@dataclass(frozen=True)
class WaveChoice:
    """What to follow over time: the waves (None: all, see :func:`analysed_waves`), the schedule and the period.

    ``period_from`` and ``period_to`` are inclusive; ``in_window`` leaves out
    administrations outside their wave's window (:mod:`toolkit.analysis.periods`).
    """

    waves: tuple[str, ...] | None = None
    schedule: tuple[WaveSpec, ...] | None = None
    period_from: date | None = None
    period_to: date | None = None
    in_window: bool = False


def select_and_order(
    wide: pd.DataFrame, pre: str, post: str, choice: WaveChoice
) -> tuple[pd.DataFrame, list[str], dict]:
    """The rows kept by the period and windows, the analysed waves in order, and the ``selection`` block.

    Raises :class:`InputFileError` for an unknown wave, a period for data
    without dates, or an unreadable date.
    """
    check_waves(wide, pre, post)
    check_unique_rows(wide)
    waves = analysed_waves(wide, pre, post, choice.waves, choice.schedule)
    kept, selection = select_administrations(
        wide, waves[0], choice.schedule, choice.period_from, choice.period_to, choice.in_window
    )
    if len(kept) < len(wide):
        check_waves_kept(kept, pre, post)
    return kept, waves, selection


def check_waves_kept(kept: pd.DataFrame, pre: str, post: str) -> None:
    """Raise :class:`InputFileError` when the period or the windows left no administration of ``pre`` or ``post``."""
    found = set(kept["wave"].dropna().astype(str))
    missing = [w for w in (pre, post) if w not in found]
    if missing:
        raise InputFileError(
            [
                Problem(
                    "--from/--to",
                    f"no administration of wave '{w}' is left in the period and windows;"
                    " widen the period or drop --in-window",
                )
                for w in missing
            ]
        )
