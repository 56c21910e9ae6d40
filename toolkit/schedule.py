"""Wave schedules: specs such as ``baseline,3month:+90,exit``, due dates, windows and follow-up states.

A spec lists a program's waves in order. ``NAME:+DAYS`` gives a wave a due
date that many days after the participant's baseline; ``[-BEFORE,+AFTER]``
adds a window around it (``6month:+182[-30,+60]``). The first wave is the
baseline, due on day 0; a wave without ``:+DAYS`` has no due date (an exit
given at discharge, for example).

Everything here is plain computation, shared by the store (program settings,
the follow-up worklist and rates) and the analysis (reporting periods, wave
windows); the database side (baseline dates and done waves) is in
:mod:`toolkit.store.followups`, and :mod:`toolkit.store.schedule` raises the
store's error for a bad spec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import UTC
from typing import Protocol
from zoneinfo import ZoneInfo

from toolkit.errors import ToolkitError

MAX_NAME = 40
MAX_DAYS = 3650
HOW = "write NAME:+DAYS, e.g. 3month:+90 or 6month:+182[-30,+60]"

_SPEC = re.compile(
    r"^(?P<name>[^:\[\]+,\x00-\x1f\x7f]*?)\s*"
    r"(?::\s*\+(?P<due>[0-9]+))?\s*"
    r"(?:\[\s*-(?P<before>[0-9]+)\s*,\s*\+(?P<after>[0-9]+)\s*\])?$"
)
_TOP_LEVEL_COMMA = re.compile(r",(?![^\[\]]*\])")


class Scheduled(Protocol):
    """Anything with a wave's name and schedule: a :class:`WaveSpec` or a stored ``Wave``."""

    name: str
    due_days: int | None
    window_before_days: int | None
    window_after_days: int | None


@dataclass(frozen=True)
class WaveSpec:
    """One wave of a schedule: its name, due day after baseline (or None) and window."""

    name: str
    due_days: int | None = None
    window_before_days: int | None = None
    window_after_days: int | None = None

    def __str__(self) -> str:
        text = self.name if self.due_days is None else f"{self.name}:+{self.due_days}"
        if self.window_before_days is not None:
            text += f"[-{self.window_before_days},+{self.window_after_days}]"
        return text


class ScheduleError(ToolkitError):
    """A wave schedule that cannot be read (bad input, exit code 2); ``field`` is ``"waves"``."""

    field = "waves"


def _fail(item: str, problem: str) -> ScheduleError:
    return ScheduleError(f"waves: '{item}' — {problem}")


def split_specs(text: str) -> list[str]:
    """The wave specs in ``text``, split at commas outside ``[...]``, blanks dropped."""
    return [part.strip() for part in _TOP_LEVEL_COMMA.split(text) if part.strip()]


def _parse_one(item: str, first: bool) -> WaveSpec:
    match = _SPEC.match(item)
    if match is None:
        raise _fail(item, HOW)
    name = match["name"].strip()
    if not name:
        raise _fail(item, f"the wave needs a name; {HOW}")
    if len(name) > MAX_NAME:
        raise _fail(item, f"a wave name has at most {MAX_NAME} characters; shorten it")
    numbers = [int(n) for n in (match["due"], match["before"], match["after"]) if n is not None]
    if any(n > MAX_DAYS for n in numbers):
        raise _fail(item, f"{max(numbers)} days is more than {MAX_DAYS} (10 years); use fewer days")
    due = int(match["due"]) if match["due"] is not None else None
    before = int(match["before"]) if match["before"] is not None else None
    after = int(match["after"]) if match["after"] is not None else None
    if first:
        if due not in (None, 0):
            raise _fail(item, f"the first wave is the baseline, due on day 0; write {name} or {name}:+0")
        due = 0
    if before is not None and due is None:
        raise _fail(item, f"a window needs a due date; write {name}:+DAYS[-{before},+{after}]")
    if before is not None and due is not None and before > due:
        raise _fail(
            item,
            f"the window would open on day {due - before}, before the baseline; use at most [-{due},+{after}]",
        )
    return WaveSpec(name, due, before, after)


def parse_waves(waves: str | Sequence[str | WaveSpec]) -> list[WaveSpec]:
    """Parse a schedule: ``"baseline,3month:+90,exit"`` or the same as a list of specs.

    A list is joined with commas first, so a spec split at the comma of its
    window still reads correctly. Raises :class:`ScheduleError` naming the
    spec at fault and how to write it.
    """
    if not isinstance(waves, str):
        waves = ",".join(str(w) for w in waves)
    items = split_specs(waves)
    if not items:
        raise ScheduleError("waves: no waves given — name at least a baseline, e.g. baseline,3month:+90,exit")
    specs = [_parse_one(item, i == 0) for i, item in enumerate(items)]
    seen: set[str] = set()
    last: WaveSpec | None = None
    for item, spec in zip(items, specs, strict=True):
        if spec.name in seen:
            raise _fail(spec.name, "named twice; name each wave once")
        seen.add(spec.name)
        if spec.due_days is None:
            continue
        if last is not None and spec.due_days <= last.due_days:
            raise _fail(
                item,
                f"due on day {spec.due_days}, which is not after {last.name} (day {last.due_days});"
                " give each wave a later day than the one before it",
            )
        last = spec
    return specs


def format_waves(waves: Sequence[Scheduled]) -> str:
    """The spec text of a schedule (the inverse of :func:`parse_waves`).

    >>> format_waves(parse_waves("baseline, 3month:+90, 6month:+182[-30,+60], exit"))
    'baseline,3month:+90,6month:+182[-30,+60],exit'
    """
    parts = []
    for i, w in enumerate(waves):
        spec = WaveSpec(w.name, w.due_days, w.window_before_days, w.window_after_days)
        bare = i == 0 and spec.due_days in (None, 0) and spec.window_before_days is None
        parts.append(spec.name if bare else str(spec))
    return ",".join(parts)


def as_spec(wave: Scheduled) -> WaveSpec:
    """The :class:`WaveSpec` of a stored wave."""
    return WaveSpec(wave.name, wave.due_days, wave.window_before_days, wave.window_after_days)


def due_date(baseline: date, wave: Scheduled) -> date | None:
    """The date ``wave`` is due for a participant whose baseline was on ``baseline`` (None: no due date)."""
    if wave.due_days is None:
        return None
    return baseline + timedelta(days=wave.due_days)


def window_dates(baseline: date, wave: Scheduled) -> tuple[date, date] | None:
    """The first and last day of ``wave``'s window for this baseline (None: no window)."""
    due = due_date(baseline, wave)
    if due is None or wave.window_before_days is None or wave.window_after_days is None:
        return None
    return (
        due - timedelta(days=wave.window_before_days),
        due + timedelta(days=wave.window_after_days),
    )


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar date of ``moment`` in ``time_zone`` (naive moments are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone)).date()


def noon_in(day: date, time_zone: str) -> datetime:
    """Noon of ``day`` in ``time_zone``, in UTC: when a form or file dated only by its day is taken to be from.

    >>> noon_in(date(2026, 7, 1), "America/New_York").isoformat()
    '2026-07-01T16:00:00+00:00'
    """
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def today_in(time_zone: str) -> date:
    """Today's date in ``time_zone``."""
    return datetime.now(ZoneInfo(time_zone)).date()


NOT_SCHEDULED = "not scheduled"
NOT_YET_DUE = "not yet due"
DUE = "due"
OVERDUE = "overdue"
MISSED = "missed"
DONE_IN_WINDOW = "done in window"
DONE_OUT_OF_WINDOW = "done out of window"
DONE = "done"
FOLLOWUP_STATES = (OVERDUE, DUE, NOT_YET_DUE, MISSED, DONE_IN_WINDOW, DONE_OUT_OF_WINDOW, DONE, NOT_SCHEDULED)
"""Every follow-up state, most urgent first."""
OPEN_STATES = (DUE, OVERDUE)
"""The states that count as "follow-ups due": the follow-up can be given now and has not been."""


def followup_state(wave: Scheduled, baseline: date, done_on: date | None, today: date) -> str:
    """The state of one participant's follow-up ``wave`` on ``today``.

    ``baseline`` is the participant's baseline date and ``done_on`` the date
    the wave was done (None: not done). All bounds are whole days and
    inclusive. A wave with a window (opening ``window_before_days`` before
    the due date, closing ``window_after_days`` after it) is:

    - ``not yet due`` before the window opens;
    - ``due`` from the day the window opens to the due date;
    - ``overdue`` from the day after the due date to the day the window closes;
    - ``missed`` from the day after the window closes, when not done;
    - ``done in window`` when done between the first and the last day of the
      window, ``done out of window`` when done before or after it.

    A wave with a due date but no window is ``not yet due`` before its due
    date, ``due`` on it, ``overdue`` after it until done (never ``missed``),
    and ``done`` when done. A wave without a due date (an exit given at
    discharge) is ``done`` or ``not scheduled``.
    """
    return state_from_dates(due_date(baseline, wave), window_dates(baseline, wave), done_on, today)


def state_from_dates(due: date | None, window: tuple[date, date] | None, done_on: date | None, today: date) -> str:
    """:func:`followup_state` from a follow-up's due date and window (first and last day), already worked out."""
    if due is None:
        return NOT_SCHEDULED if done_on is None else DONE
    if window is None:
        if done_on is not None:
            return DONE
        return NOT_YET_DUE if today < due else DUE if today == due else OVERDUE
    opens, closes = window
    if done_on is not None:
        return DONE_IN_WINDOW if opens <= done_on <= closes else DONE_OUT_OF_WINDOW
    if today < opens:
        return NOT_YET_DUE
    if today <= due:
        return DUE
    return OVERDUE if today <= closes else MISSED
