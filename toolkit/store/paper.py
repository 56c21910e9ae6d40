"""Storing a paper form that staff entered: administrations with mode ``paper``, answers, alerts, audit.

A paper form is one participant's answers at one wave, on the date written
on the form. Each instrument with at least one answer becomes an
administration (``mode='paper'``, ``status='complete'``) dated at noon of
that date in the program's time zone (or now, for a form dated today before
noon); a blank item is not stored. An administration that already exists
for the participant, wave and instrument is never overwritten: the form is
refused. Risk answers that fire raise alerts (``source='paper'``); alerts of
forms dated within :data:`toolkit.store.alerting.NOTIFY_WITHIN_DAYS` days are also queued for the
program's alert contacts, like a tablet's, older ones are only shown on the
alerts page. Everything is written in the caller's transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.languages import LANGUAGES
from toolkit.schedule import noon_in
from toolkit.schedule import today_in
from toolkit.store.alerting import notifies
from toolkit.store.alerting import raise_entered_alert
from toolkit.store.answers import check_answer
from toolkit.store.audit import record
from toolkit.store.errors import StoreError
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import PaperEntry
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Wave

if TYPE_CHECKING:
    from toolkit.instruments import Registry
    from toolkit.instruments.schema import Instrument

PaperAnswers = Mapping[str, Mapping[str, float | None]]
"""Instrument id -> item id -> value (None: "prefer not to say"); a blank item is absent."""

EARLIEST_FORM_DATE = date(1990, 1, 1)
HOW_ENTERED = {"tablet": "answered on a tablet", "paper": "entered from paper", "import": "imported from a file"}
"""How an administration of each mode came to be, for messages."""


@dataclass
class StoredPaper:
    """What storing a paper form wrote."""

    administrations: list[int] = field(default_factory=list)
    answers: int = 0
    alerts: int = 0
    notified: bool = False


def battery_instruments(registry: Registry, program: Program) -> list[Instrument]:
    """The instruments of the program's battery, in order."""
    return [registry.for_administration(e.instrument_id, e.instrument_version) for e in program.battery]


def existing_administrations(session: Session, participant: Participant, wave: Wave) -> list[Administration]:
    """The administrations the participant already has at ``wave`` (any mode, finished or not)."""
    query = select(Administration).where(
        Administration.participant_id == participant.id, Administration.wave_id == wave.id
    )
    return list(session.scalars(query.order_by(Administration.id)))


def open_entry(session: Session, participant: Participant, wave: Wave) -> PaperEntry | None:
    """The paper form of ``participant`` at ``wave`` waiting for its second entry, if any."""
    return session.scalar(
        select(PaperEntry).where(
            PaperEntry.participant_id == participant.id,
            PaperEntry.wave_id == wave.id,
            PaperEntry.status.in_(("pending", "compare")),
        )
    )


def check_form_date(program: Program, form_date: date) -> None:
    """Raise :class:`StoreError` for a form date in the future (program time) or before 1990."""
    today = today_in(program.time_zone)
    if form_date > today:
        raise StoreError(
            f"form date: {form_date.isoformat()} is after today ({today.isoformat()} in {program.time_zone});"
            " enter the date written on the form",
            field="form_date",
        )
    if form_date < EARLIEST_FORM_DATE:
        raise StoreError(
            f"form date: {form_date.isoformat()} is before {EARLIEST_FORM_DATE.year}; check the year on the form",
            field="form_date",
        )


def check_paper_form(
    session: Session,
    registry: Registry,
    program: Program,
    participant: Participant,
    wave: Wave,
    *,
    language: str,
    form_date: date,
    answers: PaperAnswers,
    entry_id: int | None = None,
) -> dict[str, Instrument]:
    """Check a paper form before anything is written; returns its instruments by id.

    Raises :class:`StoreError` (``field`` set where a form field is at
    fault) for another program's participant or wave, an unknown language, a
    date in the future, an instrument outside the battery, a value off the
    item's scale, an administration that already exists, a form of the same
    participant and wave waiting for its second entry (other than
    ``entry_id``), or a form with every question blank.
    """
    if participant.program_id != program.id:
        raise StoreError(f"participant: {participant.code} is not enrolled in {program.slug}", field="participant")
    if wave.program_id != program.id:
        raise StoreError(f"wave: '{wave.name}' is not a wave of {program.slug}; choose one of its waves", field="wave")
    if language not in LANGUAGES:
        raise StoreError(f"language: '{language}' is not offered; choose {' or '.join(LANGUAGES)}", field="language")
    check_form_date(program, form_date)
    battery = {inst.id: inst for inst in battery_instruments(registry, program)}
    unknown = sorted(set(answers) - set(battery))
    if unknown:
        raise StoreError(f"{', '.join(unknown)}: not in {program.slug}'s battery; reload the page")
    for inst_id, given in answers.items():
        inst = battery[inst_id]
        for item_id, value in given.items():
            if item_id not in {item.id for item in inst.items}:
                raise StoreError(f"{item_id}: not a question of {inst.short_title}; reload the page")
            check_answer(inst, inst.item(item_id), value, program.risk_decline)
    taken = {a.instrument_id: a for a in existing_administrations(session, participant, wave)}
    for inst_id, given in answers.items():
        if given and inst_id in taken:
            raise StoreError(
                f"{battery[inst_id].short_title}: {participant.code} already has it at {wave.name}"
                f" ({HOW_ENTERED.get(taken[inst_id].mode, taken[inst_id].mode)}); it is not overwritten",
                field="wave",
            )
    waiting = open_entry(session, participant, wave)
    if waiting is not None and waiting.id != entry_id:
        raise StoreError(
            f"wave: a paper form of {participant.code} at {wave.name} is waiting for its second entry;"
            " enter it again from the list of forms waiting, or discard it",
            field="wave",
        )
    if not any(answers.values()):
        raise StoreError("answers: every question is blank; enter the answers written on the form")
    return {inst_id: battery[inst_id] for inst_id in answers}


def form_moment(program: Program, form_date: date, now: datetime) -> datetime:
    """Noon of ``form_date`` in the program's time zone, in UTC (now, if that is still to come)."""
    return min(noon_in(form_date, program.time_zone), now)


def store_paper_form(
    session: Session,
    registry: Registry,
    program: Program,
    participant: Participant,
    wave: Wave,
    *,
    language: str,
    form_date: date,
    answers: PaperAnswers,
    staff_id: int | None,
    entry: PaperEntry | None = None,
    now: datetime | None = None,
) -> StoredPaper:
    """Check and write a paper form (see :func:`check_paper_form`); the caller commits.

    ``entry`` is the double entry the form comes from: its two staff members
    are named in the audit event.
    """
    instruments = check_paper_form(
        session,
        registry,
        program,
        participant,
        wave,
        language=language,
        form_date=form_date,
        answers=answers,
        entry_id=entry.id if entry is not None else None,
    )
    now = now or datetime.now(UTC)
    moment = form_moment(program, form_date, now)
    notify = notifies(moment, now)
    stored = StoredPaper(notified=False)
    for inst_id, given in answers.items():
        if not given:
            continue
        inst = instruments[inst_id]
        adm = Administration(
            participant_id=participant.id,
            wave_id=wave.id,
            instrument_id=inst.id,
            instrument_version=inst.version,
            status="complete",
            mode="paper",
            language=language,
            submission_key="paper-" + secrets.token_hex(24),
            started_at=moment,
            completed_at=moment,
        )
        session.add(adm)
        session.flush()
        stored.administrations.append(adm.id)
        for item_id, value in given.items():
            session.add(
                ItemResponse(
                    administration_id=adm.id,
                    item_id=item_id,
                    value=None if value is None else float(value),
                    declined=value is None,
                    answered_at=moment,
                )
            )
            stored.answers += 1
            rule = inst.item(item_id).alert
            if rule is not None and rule.fires(value):
                raise_entered_alert(
                    session,
                    program,
                    adm.id,
                    item_id,
                    float(value),
                    rule.level,
                    raised_at=moment,
                    now=now,
                    source="paper",
                    notify=notify,
                )
                stored.alerts += 1
    stored.notified = notify and stored.alerts > 0
    first, second = (entry.entered_by_id, entry.second_by_id) if entry is not None else (staff_id, None)
    record(
        session,
        "paper_entered",
        staff_id=staff_id,
        program_id=program.id,
        participant=participant.id,
        wave=wave.id,
        administrations=stored.administrations,
        answers=stored.answers,
        alerts=stored.alerts,
        entry=entry.id if entry is not None else None,
        first_entry_by=first,
        second_entry_by=second,
    )
    session.flush()
    return stored
