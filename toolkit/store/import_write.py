"""Writing an import plan (:mod:`toolkit.store.imports`) in the caller's transaction.

New participants, administrations with mode ``import`` (dated from the
file's ``date`` column at noon in the program's time zone, else now),
answers, replaced answers with their old and new values, alerts marked
``import`` for risk answers that fire, the import record and one audit
event. Rows are inserted in bulk, so large files import quickly.
Alerts dated within :data:`NOTIFY_WITHIN_DAYS` days (or undated) are also
queued for the program's alert contacts, like a tablet's; older ones are
shown on the alerts page to acknowledge without a message, so importing
years of legacy data does not send years of alerts.
"""

from __future__ import annotations

import hashlib
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.imports import ImportPlan
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import ReplacedAnswer
from toolkit.store.models import Site
from toolkit.store.outbox import enqueue

NOTIFY_WITHIN_DAYS = 14


def _moment(day: date | None, zone: str, now: datetime) -> datetime:
    if day is None:
        return now
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _submission_key(sha256: str, pid: int, wave_id: int, instrument: str) -> str:
    return "import-" + hashlib.sha256(f"{sha256}:{pid}:{wave_id}:{instrument}".encode()).hexdigest()[:57]


def _participants(session: Session, plan: ImportPlan) -> dict[str, int]:
    """Stored code -> participant id, enrolling the new codes (with their site and group from the file)."""
    program = plan.program
    sites = {s.name: s.id for s in program.sites}
    first = {}
    for wave in plan.table.waves:
        first.setdefault(wave.participant, wave)
    for code in plan.new_codes:
        name = first[code].site
        if name and name not in sites:
            site = Site(program_id=program.id, name=name)
            session.add(site)
            session.flush()
            sites[name] = site.id
    if plan.new_codes:
        session.execute(
            insert(Participant),
            [
                {
                    "program_id": program.id,
                    "code": code,
                    "site_id": sites.get(first[code].site or ""),
                    "group": first[code].group,
                    "attributes": {},
                }
                for code in plan.new_codes
            ],
        )
    rows = session.execute(select(Participant.code, Participant.id).where(Participant.program_id == program.id))
    return dict(rows.all())


def write_import(
    session: Session, plan: ImportPlan, *, replace: bool, staff_id: int | None = None, actor: str = "command line"
) -> ImportRecord:
    """Write ``plan`` (which must be ready) and return its import record; the caller commits.

    Answers that conflict with stored ones are written only with
    ``replace``; the old and new values are kept in ``replaced_answers``.
    """
    if not plan.ready or (plan.conflicts and not replace):
        raise ValueError("the import plan has problems, undecided codes or conflicts; resolve them first")
    program, table = plan.program, plan.table
    now = datetime.now(UTC)
    rec = ImportRecord(
        program_id=program.id,
        file_name=table.path[-255:],
        sha256=table.sha256,
        described=table.described[:120],
        staff_id=staff_id,
        actor=actor[:60],
        imported_at=now,
        participants_added=len(plan.new_codes),
    )
    session.add(rec)
    session.flush()
    ids = _participants(session, plan)
    wave_ids = {w.name: w.id for w in program.waves}
    new_rows, adm_of = [], {}
    for p in plan.writes:
        if p.existing_id is not None:
            adm_of[id(p)] = p.existing_id
            continue
        pid, wave_id = ids[plan.codes[p.wave.participant]], wave_ids[p.wave.wave]
        moment = _moment(p.wave.date, program.time_zone, now)
        new_rows.append(
            {
                "participant_id": pid,
                "wave_id": wave_id,
                "instrument_id": p.instrument,
                "instrument_version": p.version,
                "status": "complete",
                "mode": "import",
                "language": "en",
                "submission_key": _submission_key(table.sha256, pid, wave_id, p.instrument),
                "import_id": rec.id,
                "started_at": moment,
                "completed_at": moment,
            }
        )
    if new_rows:
        keys = {r["submission_key"] for r in new_rows}
        session.execute(insert(Administration), new_rows)
        made = dict(
            session.execute(
                select(Administration.submission_key, Administration.id).where(Administration.import_id == rec.id)
            ).all()
        )
        if set(made) != keys:
            raise RuntimeError("the imported administrations could not be read back; nothing was written")
        for p in plan.writes:
            if p.existing_id is None:
                pid, wave_id = ids[plan.codes[p.wave.participant]], wave_ids[p.wave.wave]
                adm_of[id(p)] = made[_submission_key(table.sha256, pid, wave_id, p.instrument)]
    answers, replaced = _answers(session, plan, adm_of, rec.id, now)
    rec.administrations, rec.answers, rec.replaced = len(new_rows), answers, replaced
    rec.alerts = _alerts(session, plan, adm_of, now)
    record(
        session,
        "import",
        staff_id=staff_id,
        program_id=program.id,
        import_id=rec.id,
        administrations=rec.administrations,
        answers=rec.answers,
        replaced=rec.replaced,
        alerts=rec.alerts,
        participants_added=rec.participants_added,
    )
    return rec


def _answers(
    session: Session, plan: ImportPlan, adm_of: dict[int, int], import_id: int, now: datetime
) -> tuple[int, int]:
    conflicts = {(c.participant, c.wave, c.item) for c in plan.conflicts}
    rows, replaced = [], 0
    for p in plan.writes:
        adm = adm_of[id(p)]
        answered = _moment(p.wave.date, plan.program.time_zone, now)
        for a in p.answers:
            if (plan.codes[p.wave.participant], p.wave.wave, a.item) in conflicts:
                old = session.scalar(
                    select(ItemResponse).where(ItemResponse.administration_id == adm, ItemResponse.item_id == a.item)
                )
                session.add(
                    ReplacedAnswer(
                        import_id=import_id,
                        administration_id=adm,
                        item_id=a.item,
                        old_value=old.value,
                        old_declined=old.declined,
                        new_value=a.value,
                        new_declined=a.declined,
                    )
                )
                old.value, old.declined, old.changed_at = a.value, a.declined, now
                replaced += 1
                continue
            rows.append(
                {
                    "administration_id": adm,
                    "item_id": a.item,
                    "value": a.value,
                    "declined": a.declined,
                    "answered_at": answered,
                }
            )
    if rows:
        session.execute(insert(ItemResponse), rows)
    return len(rows) + replaced, replaced


def _alerts(session: Session, plan: ImportPlan, adm_of: dict[int, int], now: datetime) -> int:
    """Alerts for the risk answers that fire, in administrations this import wrote or changed."""
    written = {(id(p.wave), a.item): adm_of[id(p)] for p in plan.writes for a in p.answers}
    count = 0
    for fire in plan.fires:
        adm = written.get((id(fire.wave), fire.answer.item))
        if adm is None:
            continue
        if session.scalar(select(Alert.id).where(Alert.administration_id == adm, Alert.item_id == fire.answer.item)):
            continue
        raised = _moment(fire.wave.date, plan.program.time_zone, now)
        alert = Alert(
            administration_id=adm,
            item_id=fire.answer.item,
            value=float(fire.answer.value),
            level=fire.level,
            raised_at=raised,
            received_at=now,
            source="import",
        )
        session.add(alert)
        session.flush()
        if fire.wave.date is None or now - raised <= timedelta(days=NOTIFY_WITHIN_DAYS):
            enqueue(session, alert, plan.program, "alert")
        record(
            session,
            "alert_raised",
            program_id=plan.program.id,
            item=fire.answer.item,
            level=fire.level,
            source="import",
        )
        count += 1
    return count
