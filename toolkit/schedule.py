"""Wave schedules: specs such as ``baseline,3month:+90,exit``, due dates, windows and who is due.

A spec lists a program's waves in order. ``NAME:+DAYS`` gives a wave a due
date that many days after the participant's baseline; ``[-BEFORE,+AFTER]``
adds a window around it (``6month:+182[-30,+60]``). The first wave is the
baseline, due on day 0; a wave without ``:+DAYS`` has no due date (an exit
given at discharge, for example).

Everything here is plain computation, shared by the store (program settings,
follow-ups due) and the analysis (reporting periods, wave windows); the
database side (baseline dates and completed waves) is in
:mod:`toolkit.store.queries`, and :mod:`toolkit.store.schedule` raises the
store's error for a bad spec.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
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


def today_in(time_zone: str) -> date:
    """Today's date in ``time_zone``."""
    return datetime.now(ZoneInfo(time_zone)).date()


def due_waves(waves: Sequence[Scheduled], baseline: date, done: Collection[str], today: date) -> list[Scheduled]:
    """The follow-up waves due for one participant on ``today``.

    A wave is due from its due date until it is done. The baseline (the
    first wave) is not a follow-up, waves without a due date are never due,
    and a wave the participant passed by (a later wave is done) is missed,
    not due.
    """
    last_done = max((i for i, w in enumerate(waves) if w.name in done), default=-1)
    out = []
    for i, wave in enumerate(waves):
        if i == 0 or i <= last_done or wave.name in done:
            continue
        due = due_date(baseline, wave)
        if due is not None and due <= today:
            out.append(wave)
    return out


def participants_due(
    waves: Sequence[Scheduled],
    baselines: Mapping[int, date],
    done: Mapping[int, Collection[str]],
    today: date,
) -> dict[int, list[Scheduled]]:
    """Participant id -> the follow-up waves due on ``today``, for participants with any due.

    ``baselines`` maps participant ids to their baseline dates (participants
    without a baseline have no due dates); ``done`` maps them to the names
    of the waves they have completed.
    """
    out: dict[int, list[Scheduled]] = {}
    for pid, baseline in baselines.items():
        due = due_waves(waves, baseline, done.get(pid, ()), today)
        if due:
            out[pid] = due
    return out
