"""The participant's choices after the crisis message: talk to someone now, go on, or stop."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.errors import SessionClosedError
from toolkit.store.kiosk import close_session
from toolkit.store.kiosk import touch
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import KioskSession
from toolkit.store.models import utcnow
from toolkit.store.outbox import enqueue

CHOICES = ("talk", "continue", "stop")


def session_alerts(session: Session, ks: KioskSession) -> list[Alert]:
    """The alerts raised on this participant's answers at this session's wave, newest first."""
    return list(
        session.scalars(
            select(Alert)
            .join(Administration, Alert.administration_id == Administration.id)
            .where(
                Administration.participant_id == ks.participant_id,
                Administration.wave_id == ks.wave_id,
            )
            .order_by(Alert.raised_at.desc(), Alert.id.desc())
        )
    )


def ask_for_staff(session: Session, ks: KioskSession) -> list[Alert]:
    """The participant would like to talk to someone now (not committed).

    Every alert of the session not yet marked is marked *participant asked
    for staff* and a notification is queued at once; the session is held
    until a staff member unlocks the tablet. Returns the alerts marked.
    """
    _require_active(ks)
    now = utcnow()
    marked = []
    for alert in session_alerts(session, ks):
        if alert.asked_for_staff_at is None:
            alert.asked_for_staff_at = now
            enqueue(session, alert, ks.participant.program, "staff_requested")
            marked.append(alert)
    ks.held_at = now
    touch(ks)
    record(
        session,
        "participant_asked_for_staff",
        program_id=ks.participant.program_id,
        kiosk_session_id=ks.id,
        alerts=[a.id for a in marked],
    )
    return marked


def continue_survey(session: Session, ks: KioskSession) -> bool:
    """Leave the crisis message and go on (not committed); True when no page is left.

    When the alert fired on the last page, going on finishes the session.
    """
    _require_active(ks)
    ks.crisis_page = None
    if ks.furthest_page >= ks.page_count:
        close_session(session, ks, "complete")
        return True
    touch(ks)
    return False


def stop_survey(session: Session, ks: KioskSession, staff_id: int | None = None) -> None:
    """End the session here (not committed): what was answered is kept.

    The session is *stopped by the participant*, or complete when every page
    had been answered already. ``staff_id`` names the staff member who ended
    it for the participant.
    """
    _require_active(ks)
    done = ks.furthest_page >= ks.page_count
    reason = "ended by staff" if staff_id else "stopped by the participant"
    close_session(session, ks, "complete" if done else "stopped", staff_id=staff_id, reason=reason)


def _require_active(ks: KioskSession) -> None:
    if ks.status != "active":
        raise SessionClosedError(f"session {ks.ref} is {ks.status}; ask staff to resume it")
