"""The dates a report covers, in words, from the analysis result's selection.

The cover never shows a free label: it says the reporting period when one
was asked for, otherwise the span of the analysed administrations, otherwise
that no dates were recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.analysis.model import Selection
from toolkit.report import formatting as fmt

NO_DATES = "Dates not recorded"


def long_date(iso: str) -> str:
    """An ISO date (or date-time) written out: ``"1 January 2026"``.

    >>> long_date("2026-03-31")
    '31 March 2026'
    """
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


def _span(start: str, end: str) -> str:
    return f"{long_date(start)} {fmt.DASH} {long_date(end)}"


def period_text(selection: Selection | None) -> str:
    """What the cover says about dates.

    ``"1 January 2026 – 31 March 2026"`` for a reporting period (``"From …"``
    or ``"Up to …"`` when only one end was given); ``"All administrations,
    3 February 2025 – 28 November 2026"`` without a period; ``"Dates not
    recorded"`` when the data carry no dates.
    """
    if selection is None:
        return NO_DATES
    start, end = selection.period_from, selection.period_to
    if start and end:
        return _span(start, end)
    if start:
        return f"From {long_date(start)}"
    if end:
        return f"Up to {long_date(end)}"
    if selection.first_date and selection.last_date:
        return f"All administrations, {_span(selection.first_date, selection.last_date)}"
    return NO_DATES


def has_period(selection: Selection | None) -> bool:
    """True when the analysis was limited to a reporting period."""
    return selection is not None and bool(selection.period_from or selection.period_to)


def _counted(n: Any, one: str, many: str) -> str:
    text = fmt.count(n)
    return f"{text} {one if text == '1' else many}"


def selection_sentences(selection: Selection | None, first_wave: str) -> list[str]:
    """What the methods section says about the cohort and the wave windows ([] when nothing was selected).

    ``first_wave`` is the first analysed wave as the report names it.
    Counts are formatted (a withheld count shows as its text).
    """
    if selection is None or not (has_period(selection) or selection.in_window):
        return []
    first = first_wave.lower()
    if has_period(selection):
        rule = (
            f"The report covers the people whose first ({first}) administration fell in the reporting period,"
            f" {period_text(selection)}: {_counted(selection.cohort, 'person', 'people')}. A later wave counts when it"
            " falls inside its window around the date it is due, even after the period ends; a wave without a window"
            " (such as an exit at discharge) counts when it took place by the end of the period."
        )
        left = (
            f"Left out: {_counted(selection.excluded_outside_period, 'person', 'people')} whose first wave fell"
            " outside the period, with all their administrations; "
        )
    else:
        rule = (
            f"Administrations outside their wave's window (around the date the wave is due after {first}) were"
            f" left out, and so were later waves of people without a dated {first}. The analysis covers"
            f" {_counted(selection.cohort, 'person', 'people')}."
        )
        left = "Left out: "
    left += (
        f"{_counted(selection.excluded_out_of_window, 'administration', 'administrations')} outside the window of"
        " its wave;"
        f" {_counted(selection.excluded_without_date, 'administration', 'administrations')} without a date."
    )
    return [rule, left]
