"""Wave schedules for the store: :mod:`toolkit.schedule`, with a bad spec raised as a :class:`StoreError`.

The store's callers (program settings, the command line, the web forms)
catch :class:`~toolkit.store.errors.StoreError` and show its message under
the ``waves`` field; the plain computation lives in :mod:`toolkit.schedule`,
where the analysis can use it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.schedule import as_spec
from toolkit.schedule import due_date
from toolkit.schedule import followup_state
from toolkit.schedule import format_waves
from toolkit.schedule import local_date
from toolkit.schedule import parse_waves as _parse_waves
from toolkit.schedule import Scheduled
from toolkit.schedule import ScheduleError
from toolkit.schedule import split_specs
from toolkit.schedule import today_in
from toolkit.schedule import WaveSpec
from toolkit.schedule import window_dates
from toolkit.store.errors import StoreError

__all__ = [
    "Scheduled",
    "WaveSpec",
    "as_spec",
    "due_date",
    "followup_state",
    "format_waves",
    "local_date",
    "parse_waves",
    "split_specs",
    "today_in",
    "window_dates",
]


def parse_waves(waves: str | Sequence[str | WaveSpec]) -> list[WaveSpec]:
    """:func:`toolkit.schedule.parse_waves`, raising :class:`StoreError` (field ``waves``) for a bad spec."""
    try:
        return _parse_waves(waves)
    except ScheduleError as exc:
        raise StoreError(str(exc), field="waves") from None
