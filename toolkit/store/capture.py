"""Saving one kiosk page: answers, administrations, alerts and audit in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from toolkit.store.alerting import update_alerts
from toolkit.store.answers import DECLINED
from toolkit.store.answers import page_instrument
from toolkit.store.answers import validate_answers
from toolkit.store.audit import record
from toolkit.store.drafts import discard_draft
from toolkit.store.engine import begin_write
from toolkit.store.errors import SessionClosedError
from toolkit.store.errors import TamperedInputError
from toolkit.store.kiosk import close_session
from toolkit.store.kiosk import touch
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.store.page_times import PageTimes

if TYPE_CHECKING:
    from toolkit.instruments import Registry
    from toolkit.instruments.schema import Instrument


@dataclass
class SaveResult:
    """What saving a page did.

    ``crisis`` is True when an answer on the page raised a safety alert or
    changed a risk answer to one that fires: the session then waits at the
    crisis message (``KioskSession.crisis_page``) for the participant's choice.
    """

    page_index: int
    replayed: bool = False
    new_alerts: list[Alert] = field(default_factory=list)
    crisis: bool = False
    complete: bool = False

    @property
    def next_page(self) -> int:
        return self.page_index + 1


def _administration(session: Session, ks: KioskSession, inst: Instrument, when: PageTimes) -> Administration:
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
            started_at=when.answered_at,
        )
        session.add(adm)
        session.flush()
    return adm


def _store_answers(
    session: Session,
    ks: KioskSession,
    adm: Administration,
    answers: Mapping[str, float | None],
    when: PageTimes,
) -> dict[str, tuple[float | None, bool]]:
    """Insert or update the answers; returns the old ``(value, declined)`` of each changed item."""
    changed: dict[str, tuple[float | None, bool]] = {}
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
                    administration_id=adm.id,
                    item_id=item_id,
                    value=new_value,
                    declined=declined,
                    answered_at=when.answered_at,
                )
            )
        elif when.offline and (when.clock_flag or (row.changed_at or row.answered_at) > when.answered_at):
            # answered again later (or, with an untrustworthy tablet clock, perhaps later):
            # the answer already stored stands
            continue
        elif row.value != new_value or row.declined != declined:
            changed[item_id] = (row.value, row.declined)
            record(
                session,
                "response_changed",
                program_id=ks.participant.program_id,
                kiosk_session_id=ks.id,
                item=item_id,
                administration=adm.id,
            )  # which answer changed, and when; never the answers themselves
            row.value, row.declined, row.changed_at = new_value, declined, when.answered_at
    return changed


def save_page(
    session: Session,
    registry: Registry,
    ks: KioskSession,
    page_index: int,
    answers: Mapping[str, float | None],
    submission_key: str,
    when: PageTimes | None = None,
) -> SaveResult:
    """Store one page of answers and commit; a replayed ``submission_key`` changes nothing.

    Answers map item id to a value, or to :data:`DECLINED`. The responses,
    any alert that fires with its notifications, the audit of changed
    answers and the session's progress are written in one transaction, and
    the page's draft is deleted. ``when`` carries the device and server
    times (now, by default). Raises :class:`TamperedInputError` or
    :class:`MissingAnswersError` before writing anything.

    Two saves of one page at the same moment with different keys (two taps
    from two renderings of the page) can collide on the answers' unique
    constraints; the one that loses is rolled back and saved again on top of
    the answers the other stored, so both are answered normally. The same
    key sent twice at once collides on the key itself; its retry finds the
    stored page and answers as a replay.
    """
    when = when or PageTimes.now()
    try:
        return _save_once(session, registry, ks, page_index, answers, submission_key, when)
    except IntegrityError:
        session.rollback()
        begin_write(session)  # read again, then write: one write transaction (SQLite)
        return _save_once(session, registry, ks, page_index, answers, submission_key, when)


def _save_once(
    session: Session,
    registry: Registry,
    ks: KioskSession,
    page_index: int,
    answers: Mapping[str, float | None],
    submission_key: str,
    when: PageTimes,
) -> SaveResult:
    if not submission_key or len(submission_key) > 64:
        raise TamperedInputError("submission key: missing or too long; reload the page")
    prior = session.scalar(select(PageSave).where(PageSave.submission_key == submission_key))
    if prior is not None:
        return _replayed(ks, prior)
    if not accepts_pages(ks, when.offline):
        raise SessionClosedError(f"session {ks.ref} is {ks.status}; ask staff to resume it")
    validate_answers(registry, ks, page_index, answers)
    page, inst = page_instrument(registry, ks, page_index)
    session.add(
        PageSave(
            kiosk_session_id=ks.id,
            page_index=page_index,
            submission_key=submission_key,
            saved_at=when.received_at,
            answered_at=when.answered_at,
            device_answered_at=when.device_answered_at,
            offline=when.offline,
            clock_flag=when.clock_flag,
        )
    )
    session.flush()  # the same key saved meanwhile: IntegrityError, and save_page's retry replays it
    adm = _administration(session, ks, inst, when)
    changed = _store_answers(session, ks, adm, answers, when)
    alerts = update_alerts(session, ks, adm, inst, answers, changed, when)
    session.flush()
    answered = session.scalar(
        select(func.count()).select_from(ItemResponse).where(ItemResponse.administration_id == adm.id)
    )
    if answered >= len(inst.items) and adm.status != "complete":
        adm.status, adm.completed_at = "complete", when.answered_at
    discard_draft(session, ks, page_index)
    result = SaveResult(page_index=page_index, new_alerts=alerts.new)
    result.crisis = bool(alerts.new) or alerts.refired
    ks.current_page = page_index + 1
    ks.furthest_page = max(ks.furthest_page, page_index + 1)
    if result.crisis:
        ks.crisis_page = page_index + 1
    if ks.furthest_page >= ks.page_count and ks.crisis_page is None:
        close_session(session, ks, "complete")
        result.complete = True
    elif ks.status == "active":
        touch(ks)
    session.commit()
    return result


def accepts_pages(ks: KioskSession, offline: bool) -> bool:
    """True when the session takes pages: an active one; a paused one too for pages answered offline.

    A tablet that lost the network keeps answering; meanwhile the server
    pauses the idle session. Those pages still belong to it when they arrive.
    """
    return ks.status == "active" or (offline and ks.status == "paused")


def _replayed(ks: KioskSession, prior: PageSave) -> SaveResult:
    if prior.kiosk_session_id != ks.id:
        raise TamperedInputError("submission key: belongs to another session; reload the page")
    return SaveResult(page_index=prior.page_index, replayed=True, complete=ks.status in ("complete", "stopped"))
