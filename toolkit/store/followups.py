"""Follow-ups from the store: when each participant did each wave, every follow-up's state, and rates.

A participant's **wave date** is the program-local date of the latest
``completed_at`` of their administrations at that wave (the latest
``started_at`` when none is completed); the **baseline date** is the wave
date of the first wave. A wave is **done** when every battery instrument
was completed at it. The states are those of
:func:`toolkit.schedule.followup_state`.

Everything is read with two set-based queries (one row per participant and
wave, one per participant), whatever the number of participants.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.schedule import DONE
from toolkit.schedule import DONE_IN_WINDOW
from toolkit.schedule import DONE_OUT_OF_WINDOW
from toolkit.schedule import DUE
from toolkit.schedule import FOLLOWUP_STATES
from toolkit.schedule import MISSED
from toolkit.schedule import NOT_YET_DUE
from toolkit.schedule import OPEN_STATES
from toolkit.schedule import OVERDUE
from toolkit.schedule import Scheduled
from toolkit.schedule import state_from_dates
from toolkit.store.models import Administration
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Site
from toolkit.store.schedule import as_spec
from toolkit.store.schedule import due_date
from toolkit.store.schedule import local_date
from toolkit.store.schedule import today_in
from toolkit.store.schedule import WaveSpec
from toolkit.store.schedule import window_dates


@dataclass(frozen=True)
class WaveVisit:
    """One participant at one wave: administrations completed, and the wave date."""

    completed: int
    on: date


def wave_visits(session: Session, program: Program) -> dict[tuple[int, int], WaveVisit]:
    """(participant id, wave id) -> the visit, for every participant and wave with an administration."""
    moment = func.coalesce(func.max(Administration.completed_at), func.max(Administration.started_at))
    completed = func.sum(case((Administration.status == "complete", 1), else_=0))
    rows = session.execute(
        select(Administration.participant_id, Administration.wave_id, completed, moment)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(Participant.program_id == program.id)
        .group_by(Administration.participant_id, Administration.wave_id)
    ).all()
    return {(pid, wid): WaveVisit(int(n or 0), _local(when, program.time_zone)) for pid, wid, n, when in rows}


def baseline_days(session: Session, program: Program) -> dict[str, date]:
    """Participant code -> the day of their first-wave visit, for the program's participants who have one."""
    if not program.waves:
        return {}
    first = program.waves[0].id
    codes = dict(
        session.execute(select(Participant.id, Participant.code).where(Participant.program_id == program.id)).all()
    )
    return {codes[pid]: visit.on for (pid, wid), visit in wave_visits(session, program).items() if wid == first}


def _local(moment: datetime | str, time_zone: str) -> date:
    if isinstance(moment, str):  # SQLite may hand an aggregate back as text
        moment = datetime.fromisoformat(moment)
    return local_date(moment, time_zone)


@dataclass(frozen=True)
class FollowupRow:
    """One participant's follow-up wave: its state on the day asked, due date, window and done date."""

    participant_id: int
    code: str
    site: str | None
    wave: str
    position: int
    state: str
    due: date | None
    opens: date | None
    closes: date | None
    done_on: date | None


@dataclass(frozen=True)
class Followups:
    """Every follow-up of a program's participants with a baseline, on ``today``."""

    today: date
    rows: list[FollowupRow]
    enrolled: int
    without_baseline: int


def program_followups(session: Session, program: Program, today: date | None = None) -> Followups:
    """Each follow-up wave of each participant with a baseline date, in participant and wave order.

    ``today`` defaults to today in the program's time zone. The first wave is
    the baseline, not a follow-up; participants without a visit at it have
    no baseline date and no follow-ups yet.
    """
    today = today or today_in(program.time_zone)
    visits = wave_visits(session, program)
    people = session.execute(
        select(Participant.id, Participant.code, Site.name)
        .outerjoin(Site, Participant.site_id == Site.id)
        .where(Participant.program_id == program.id)
        .order_by(Participant.code)
    ).all()
    rows: list[FollowupRow] = []
    without = 0
    if not program.waves:
        return Followups(today, rows, len(people), len(people))
    first = program.waves[0].id
    done_at = max(1, len(program.battery))
    followups = [(w.id, w.position, as_spec(w)) for w in program.waves[1:]]  # plain values: no ORM reads per row
    for pid, code, site in people:
        baseline = visits.get((pid, first))
        if baseline is None:
            without += 1
            continue
        for wave_id, position, spec in followups:
            visit = visits.get((pid, wave_id))
            done_on = visit.on if visit is not None and visit.completed >= done_at else None
            rows.append(_row(pid, code, site, spec, position, baseline.on, done_on, today))
    return Followups(today, rows, len(people), without)


def _row(
    pid: int,
    code: str,
    site: str | None,
    wave: WaveSpec,
    position: int,
    baseline: date,
    done_on: date | None,
    today: date,
) -> FollowupRow:
    due, window = due_date(baseline, wave), window_dates(baseline, wave)
    return FollowupRow(
        participant_id=pid,
        code=code,
        site=site,
        wave=wave.name,
        position=position,
        state=state_from_dates(due, window, done_on, today),
        due=due,
        opens=window[0] if window else None,
        closes=window[1] if window else None,
        done_on=done_on,
    )


def participants_with_open_followups(followups: Followups) -> dict[int, list[str]]:
    """Participant id -> names of their follow-ups ``due`` or ``overdue``, for participants with any."""
    out: dict[int, list[str]] = {}
    for row in followups.rows:
        if row.state in OPEN_STATES:
            out.setdefault(row.participant_id, []).append(row.wave)
    return out


@dataclass(frozen=True)
class WaveRate:
    """A windowed follow-up wave's rate: done in window out of those counted, against the target.

    ``counted`` is the participants whose window has closed plus those done in
    window while it is still open; ``percent`` is None while nobody is counted.
    """

    wave: str
    done_in_window: int
    counted: int
    target_pct: int

    @property
    def percent(self) -> float | None:
        """Done in window as a percentage of ``counted`` (None when nobody is counted)."""
        return 100 * self.done_in_window / self.counted if self.counted else None

    @property
    def below_target(self) -> bool:
        """Whether the rate is under the target (exactly; never because of rounding)."""
        return self.counted > 0 and self.done_in_window * 100 < self.target_pct * self.counted

    @property
    def percent_text(self) -> str:
        """The percentage for display: whole percent, one decimal when rounding would reach the target."""
        value = self.percent
        if value is None:
            return ""
        if self.below_target and round(value) >= self.target_pct:
            return f"{int(value * 10) / 10:.1f}"
        return f"{value:.0f}"


def followup_rates(program: Program, followups: Followups) -> list[WaveRate]:
    """One rate per follow-up wave with a window, in wave order, against the program's target."""
    rates = []
    for wave in program.waves[1:]:
        if not _has_window(wave):
            continue
        rows = [r for r in followups.rows if r.wave == wave.name]
        in_window = sum(r.state == DONE_IN_WINDOW for r in rows)
        closed = sum(r.closes is not None and r.closes < followups.today for r in rows)
        early = sum(r.state == DONE_IN_WINDOW and r.closes >= followups.today for r in rows)
        rates.append(WaveRate(wave.name, in_window, closed + early, program.followup_target_pct))
    return rates


def _has_window(wave: Scheduled) -> bool:
    return wave.due_days is not None and wave.window_before_days is not None and wave.window_after_days is not None


URGENCY = {OVERDUE: 0, DUE: 0, NOT_YET_DUE: 1, MISSED: 2, DONE_OUT_OF_WINDOW: 3, DONE_IN_WINDOW: 4, DONE: 4}
"""Sort order of the worklist: what can be given now first, then what comes next, then the past."""


@dataclass(frozen=True)
class Worklist:
    """A page of the follow-up worklist: counts per state of all rows, and the rows shown."""

    counts: dict[str, int]
    matching: int
    rows: list[FollowupRow]
    first: int
    followups: Followups


def _urgency(row: FollowupRow) -> tuple:
    deadline = row.closes or row.due or date.max
    if row.state == NOT_YET_DUE:
        deadline = row.opens or row.due or date.max
    elif URGENCY.get(row.state, 5) >= 2:
        deadline = date.max - (deadline - date.min)  # the past: most recent first
    return (URGENCY.get(row.state, 5), deadline, row.code, row.position)


def worklist(followups: Followups, states: Collection[str] = (), *, offset: int = 0, limit: int = 200) -> Worklist:
    """The follow-ups in ``states`` (all for none), most urgent first, ``limit`` rows from ``offset``.

    Due and overdue come first, the window closing soonest first (the due
    date for a wave without a window); then not yet due, opening soonest
    first; then missed and done, the most recent first.
    """
    counts = dict.fromkeys(FOLLOWUP_STATES, 0)
    for row in followups.rows:
        counts[row.state] += 1
    chosen = [r for r in followups.rows if not states or r.state in states]
    chosen.sort(key=_urgency)
    return Worklist(counts, len(chosen), chosen[offset : offset + limit], offset, followups)
