"""Saving one kiosk page: answers, administrations, alerts and audit in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from toolkit.instruments import Registry
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import Item
from toolkit.store.audit import record
from toolkit.store.errors import MissingAnswersError
from toolkit.store.errors import SessionClosedError
from toolkit.store.errors import TamperedInputError
from toolkit.store.kiosk import close_session
from toolkit.store.kiosk import touch
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.store.models import utcnow
from toolkit.store.outbox import enqueue

DECLINED = None
"""The answer value that means "prefer not to say"."""


@dataclass
class SaveResult:
    """What saving a page did."""

    page_index: int
    replayed: bool = False
    new_alerts: list[Alert] = field(default_factory=list)
    complete: bool = False

    @property
    def next_page(self) -> int:
        return self.page_index + 1


def allows_decline(inst: Instrument, item: Item) -> bool:
    """True when the item may be answered "prefer not to say"."""
    return item.allow_decline if item.allow_decline is not None else inst.allow_decline


def check_answer(inst: Instrument, item: Item, value: float | None) -> None:
    """Raise :class:`TamperedInputError` unless ``value`` is a possible answer to ``item``."""
    if value is DECLINED:
        if not allows_decline(inst, item):
            raise TamperedInputError(
                f"{item.id}: this question cannot be declined; choose one of the answers"
            )
        return
    scale = inst.response_scales[item.scale]
    if isinstance(scale, ChoiceScale):
        ok = float(value) in scale.values
    else:
        ok = float(value).is_integer() and scale.min <= value <= scale.max
    if not ok:
        raise TamperedInputError(f"{item.id}: {value!r} is not an answer on this question's scale")


def page_instrument(
    registry: Registry, ks: KioskSession, page_index: int
) -> tuple[dict, Instrument]:
    """The plan entry and instrument of a page; a page out of reach is tampering."""
    if not 0 <= page_index < ks.page_count or page_index > ks.furthest_page:
        raise TamperedInputError(
            f"page {page_index}: not a page of this session yet; go back to the current page"
        )
    page = ks.plan[page_index]
    return page, registry.get(page["instrument"], page["version"])


def validate_answers(
    registry: Registry, ks: KioskSession, page_index: int, answers: Mapping[str, float | None]
) -> None:
    """Check a page's answers: exactly the page's items, each with a possible value."""
    page, inst = page_instrument(registry, ks, page_index)
    unknown = sorted(set(answers) - set(page["items"]))
    if unknown:
        raise TamperedInputError(
            f"{', '.join(unknown)}: not a question on page {page_index}; reload the page"
        )
    for item_id, value in answers.items():
        check_answer(inst, inst.item(item_id), value)
    missing = [i for i in page["items"] if i not in answers]
    if missing:
        raise MissingAnswersError(missing)


def _administration(session: Session, ks: KioskSession, inst: Instrument) -> Administration:
    adm = session.scalar(
        select(Administration).where(
            Administration.participant_id == ks.participant_id,
            Administration.wave_id == ks.wave_id,
            Administration.instrument_id == inst.id,
        )
    )
    if adm is None:
        adm = Administration(
            participant_id=ks.participant_id,
            wave_id=ks.wave_id,
            instrument_id=inst.id,
            instrument_version=inst.version,
            mode="tablet",
            language=ks.language,
            submission_key=secrets.token_hex(16),
            kiosk_session_id=ks.id,
        )
        session.add(adm)
        session.flush()
    return adm


def _store_answers(
    session: Session, ks: KioskSession, adm: Administration, answers: Mapping[str, float | None]
) -> None:
    existing = {
        r.item_id: r
        for r in session.scalars(
            select(ItemResponse).where(
                ItemResponse.administration_id == adm.id, ItemResponse.item_id.in_(list(answers))
            )
        )
    }
    for item_id, value in answers.items():
        row = existing.get(item_id)
        declined = value is DECLINED
        new_value = None if declined else float(value)
        if row is None:
            session.add(
                ItemResponse(
                    administration_id=adm.id, item_id=item_id, value=new_value, declined=declined
                )
            )
        elif row.value != new_value or row.declined != declined:
            record(
                session,
                "response_changed",
                program_id=ks.participant.program_id,
                kiosk_session_id=ks.id,
                item=item_id,
                administration=adm.id,
                old=None if row.declined else row.value,
                old_declined=row.declined,
                new=new_value,
                new_declined=declined,
            )
            row.value, row.declined, row.changed_at = new_value, declined, utcnow()


def _raise_alerts(
    session: Session,
    ks: KioskSession,
    adm: Administration,
    inst: Instrument,
    answers: Mapping[str, float | None],
) -> list[Alert]:
    fired = [
        (inst.item(i), v)
        for i, v in answers.items()
        if inst.item(i).alert is not None and inst.item(i).alert.fires(v)
    ]
    if not fired:
        return []
    have = set(session.scalars(select(Alert.item_id).where(Alert.administration_id == adm.id)))
    new = []
    for item, value in fired:
        if item.id in have:
            continue
        alert = Alert(
            administration_id=adm.id, item_id=item.id, value=float(value), level=item.alert.level
        )
        session.add(alert)
        enqueue(session, alert, ks.participant.program, "alert")
        new.append(alert)
        record(
            session,
            "alert_raised",
            program_id=ks.participant.program_id,
            kiosk_session_id=ks.id,
            item=item.id,
            value=float(value),
        )
    return new


def save_page(
    session: Session,
    registry: Registry,
    ks: KioskSession,
    page_index: int,
    answers: Mapping[str, float | None],
    submission_key: str,
) -> SaveResult:
    """Store one page of answers and commit; a replayed ``submission_key`` changes nothing.

    Answers map item id to a value, or to :data:`DECLINED`. The responses,
    any alert that fires, the audit of changed answers and the session's
    progress are written in one transaction. Raises :class:`TamperedInputError`
    or :class:`MissingAnswersError` before writing anything.
    """
    if not submission_key or len(submission_key) > 64:
        raise TamperedInputError("submission key: missing or too long; reload the page")
    prior = session.scalar(select(PageSave).where(PageSave.submission_key == submission_key))
    if prior is not None:
        return _replayed(ks, prior)
    if ks.status != "active":
        raise SessionClosedError(f"session {ks.ref} is {ks.status}; ask staff to resume it")
    validate_answers(registry, ks, page_index, answers)
    page, inst = page_instrument(registry, ks, page_index)
    try:
        session.add(
            PageSave(kiosk_session_id=ks.id, page_index=page_index, submission_key=submission_key)
        )
        session.flush()
    except IntegrityError:
        session.rollback()
        prior = session.scalar(select(PageSave).where(PageSave.submission_key == submission_key))
        if prior is None:
            raise
        return _replayed(ks, prior)
    adm = _administration(session, ks, inst)
    _store_answers(session, ks, adm, answers)
    alerts = _raise_alerts(session, ks, adm, inst, answers)
    session.flush()
    answered = session.scalar(
        select(func.count())
        .select_from(ItemResponse)
        .where(ItemResponse.administration_id == adm.id)
    )
    if answered >= len(inst.items) and adm.status != "complete":
        adm.status, adm.completed_at = "complete", utcnow()
    result = SaveResult(page_index=page_index, new_alerts=alerts)
    ks.current_page = page_index + 1
    ks.furthest_page = max(ks.furthest_page, page_index + 1)
    if ks.furthest_page >= ks.page_count:
        close_session(session, ks, "complete")
        result.complete = True
    else:
        touch(ks)
    session.commit()
    return result


def _replayed(ks: KioskSession, prior: PageSave) -> SaveResult:
    if prior.kiosk_session_id != ks.id:
        raise TamperedInputError("submission key: belongs to another session; reload the page")
    return SaveResult(page_index=prior.page_index, replayed=True, complete=ks.status == "complete")


def session_alerts(session: Session, ks: KioskSession, page_index: int | None = None) -> int:
    """Alerts raised on the answers of this kiosk session (on one page when ``page_index`` is given)."""
    query = (
        select(func.count())
        .select_from(Alert)
        .join(Administration, Alert.administration_id == Administration.id)
        .where(Administration.participant_id == ks.participant_id, Administration.wave_id == ks.wave_id)
    )
    if page_index is not None:
        query = query.where(Alert.item_id.in_(ks.plan[page_index]["items"]))
    return session.scalar(query)
