"""Reporting periods and wave windows: which administrations an analysis keeps.

The cohort of a period is everyone whose first-wave (baseline) date falls in
it, both ends included. A later wave counts when it lies inside its window
(the schedule's due day after the baseline, minus and plus the window's
days); a wave without a window (an exit given at discharge, or a wave the
schedule does not name) counts when it is dated on or after the baseline and
not after the period's end. ``in_window`` alone keeps every participant with a
dated baseline but leaves out administrations outside their windows (a
later wave of someone without a dated baseline cannot be placed, so it is
left out too).

Everything is computed on whole columns (no loop over participants). The
counts of what was left out become the result's ``selection``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.exchange.wide_file import DATE_FORMAT
from toolkit.exchange.wide_file import parse_dates
from toolkit.schedule import WaveSpec
from toolkit.schedule import window_dates

_EPOCH = date(2000, 1, 1)
NO_DATES_FIX = (
    "add a 'date' column with the day of each administration, written YYYY-MM-DD (e.g. 2026-01-31),"
    " or leave out --from, --to and --in-window"
)


def check_period(period_from: date | None, period_to: date | None) -> None:
    """Raise :class:`InputFileError` when the period ends before it starts."""
    if period_from is not None and period_to is not None and period_to < period_from:
        raise InputFileError(
            [
                Problem(
                    "--from/--to",
                    f"the period ends ({period_to.isoformat()}) before it starts ({period_from.isoformat()});"
                    " give --from the earlier date",
                )
            ]
        )


def administration_dates(wide: pd.DataFrame) -> pd.Series:
    """The ``date`` column as datetime64 (NaT where blank); :class:`InputFileError` naming row and column otherwise."""
    dates, bad = parse_dates(wide["date"])
    if len(bad):
        raise InputFileError(
            [
                Problem(
                    f"row {i}, column 'date'",
                    f"'{wide.at[i, 'date']}' is not a date; write it as YYYY-MM-DD (e.g. 2026-01-31) or leave it blank",
                )
                for i in bad[:20]
            ]
        )
    return dates


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime(DATE_FORMAT)


def _selection(
    period_from: date | None,
    period_to: date | None,
    in_window: bool,
    kept: pd.DataFrame,
    dates: pd.Series | None,
    outside: int = 0,
    out_of_window: int = 0,
    without_date: int = 0,
) -> dict:
    return {
        "period_from": period_from.isoformat() if period_from else None,
        "period_to": period_to.isoformat() if period_to else None,
        "first_date": _iso(dates.min()) if dates is not None and dates.notna().any() else None,
        "last_date": _iso(dates.max()) if dates is not None and dates.notna().any() else None,
        "in_window": in_window,
        "cohort": int(kept["participant"].astype(str).nunique()),
        "excluded_outside_period": outside,
        "excluded_out_of_window": out_of_window,
        "excluded_without_date": without_date,
    }


def _window_offsets(wave_names: np.ndarray, schedule: Sequence[WaveSpec], anchor_days: int) -> tuple:
    """Per row: first and last day of its wave's window, in days after the baseline (NaN: no window)."""
    lo = np.full(len(wave_names), np.nan)
    hi = np.full(len(wave_names), np.nan)
    for spec in schedule:
        window = window_dates(_EPOCH, spec)
        if window is None:
            continue
        rows = wave_names == spec.name
        lo[rows] = (window[0] - _EPOCH).days - anchor_days
        hi[rows] = (window[1] - _EPOCH).days - anchor_days
    return lo, hi


def select_administrations(
    wide: pd.DataFrame,
    first_wave: str,
    schedule: Sequence[WaveSpec] | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    in_window: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """The rows of ``wide`` an analysis keeps, and the ``selection`` block that says what was left out.

    ``first_wave`` is the baseline of the cohort and of the windows. Without
    a period and without ``in_window`` every row is kept. With either, rows
    without a date are left out (``excluded_without_date``, administrations);
    people without a dated baseline in the period are left out with all their
    rows (``excluded_outside_period``, people); a cohort member's later wave
    outside its window is left out (``excluded_out_of_window``,
    administrations). ``cohort`` is the number of people kept.

    Raises
    ------
    InputFileError
        A period or ``in_window`` for data without a ``date`` column, a
        period that ends before it starts, or a date that cannot be read.

    Examples
    --------
    >>> wide = pd.DataFrame({"participant": ["a", "a", "b", "b"], "wave": ["baseline", "3month"] * 2,
    ...                      "date": ["2026-01-01", "2026-04-05", "2025-12-31", "2026-04-01"]})
    >>> spec = [WaveSpec("baseline", 0), WaveSpec("3month", 91, 30, 60)]
    >>> kept, sel = select_administrations(wide, "baseline", spec, date(2026, 1, 1), date(2026, 3, 31))
    >>> kept["participant"].tolist(), sel["cohort"], sel["excluded_outside_period"]
    (['a', 'a'], 1, 1)
    """
    check_period(period_from, period_to)
    filtering = period_from is not None or period_to is not None or in_window
    has_dates = "date" in wide.columns
    if not has_dates:
        if filtering:
            flag = "--from/--to" if (period_from or period_to) else "--in-window"
            raise InputFileError(
                [
                    Problem(
                        flag, f"the responses have no 'date' column, so no administration can be placed; {NO_DATES_FIX}"
                    )
                ]
            )
        return wide, _selection(None, None, False, wide, None)
    dates = administration_dates(wide)
    if not filtering:
        return wide, _selection(None, None, False, wide, dates)
    dated = dates.notna().to_numpy()
    person, _ = pd.factorize(wide["participant"].astype(str))
    wave = wide["wave"].astype(str).to_numpy()
    day = np.full(len(wide), np.nan)
    day[dated] = (dates[dated] - pd.Timestamp(_EPOCH)).dt.days.to_numpy(dtype=float)
    is_base = dated & (wave == first_wave)
    baseline = np.full(person.max() + 1 if person.size else 0, np.nan)
    baseline[person[is_base]] = day[is_base]
    base_day = baseline[person] if person.size else np.zeros(0)
    in_period = ~np.isnan(base_day)
    if period_from is not None:
        in_period &= base_day >= (period_from - _EPOCH).days
    if period_to is not None:
        in_period &= base_day <= (period_to - _EPOCH).days
    specs = list(schedule or [])
    first = next((s for s in specs if s.name == first_wave), None)
    anchor = first.due_days if first is not None and first.due_days is not None else 0
    lo, hi = _window_offsets(wave, specs, anchor)
    after = day - base_day
    windowed = ~np.isnan(lo)
    ok = np.where(windowed, (after >= lo) & (after <= hi), after >= 0)
    if period_to is not None:
        ok &= windowed | (day <= (period_to - _EPOCH).days)
    ok |= wave == first_wave
    ok &= dated
    has_period = period_from is not None or period_to is not None
    if not has_period:  # --in-window alone: without a dated baseline, no later wave can be placed in its window
        ok &= ~np.isnan(base_day)
        in_period = np.ones(len(wide), dtype=bool)
    keep_person = np.zeros(baseline.size, dtype=bool)
    keep_person[person[in_period & dated]] = True
    all_people = np.unique(person[dated]) if dated.any() else np.zeros(0, dtype=int)
    keep = dated & in_period & ok
    counted = dated & in_period
    kept = wide[keep]
    return kept, _selection(
        period_from,
        period_to,
        True,
        kept,
        dates[keep],
        outside=int(all_people.size - keep_person[all_people].sum()),
        out_of_window=int((counted & ~ok).sum()),
        without_date=int((~dated).sum()),
    )
