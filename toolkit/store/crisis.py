"""The participant's choices after the crisis message: talk to someone now, go on, or stop."""

from __future__ import annotations

from datetime import datetime

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


def ask_for_staff(session: Session, ks: KioskSession, at: datetime | None = None, offline: bool = False) -> list[Alert]:
    """The participant would like to talk to someone now (not committed).

    Every alert of the session not yet marked is marked *participant asked
    for staff* and a notification is queued at once; the session is held
    until a staff member unlocks the tablet. ``at`` is when they asked (the
    tablet's time, for a choice made offline). Returns the alerts marked.
    """
    _require_open(ks, offline)
    now = at or utcnow()
    marked = []
    for alert in session_alerts(session, ks):
        if alert.asked_for_staff_at is None:
            alert.asked_for_staff_at = now
            enqueue(session, alert, ks.participant.program, "staff_requested")
            marked.append(alert)
    ks.held_at = now
    if ks.status == "active":
        touch(ks)
    record(
        session,
        "participant_asked_for_staff",
        program_id=ks.participant.program_id,
        kiosk_session_id=ks.id,
        alerts=[a.id for a in marked],
    )
    return marked


def continue_survey(session: Session, ks: KioskSession, offline: bool = False) -> bool:
    """Leave the crisis message and go on (not committed); True when no page is left.

    When the alert fired on the last page, going on finishes the session.
    """
    _require_open(ks, offline)
    ks.crisis_page = None
    if ks.furthest_page >= ks.page_count:
        close_session(session, ks, "complete")
        return True
    if ks.status == "active":
        touch(ks)
    return False


def stop_survey(session: Session, ks: KioskSession, staff_id: int | None = None, offline: bool = False) -> None:
    """End the session here (not committed): what was answered is kept.

    The session is *stopped by the participant*, or complete when every page
    had been answered already. ``staff_id`` names the staff member who ended
    it for the participant.
    """
    _require_open(ks, offline)
    done = ks.furthest_page >= ks.page_count
    reason = "ended by staff" if staff_id else "stopped by the participant"
    close_session(session, ks, "complete" if done else "stopped", staff_id=staff_id, reason=reason)


def _require_open(ks: KioskSession, offline: bool) -> None:
    """An active session; a paused one too for a choice made offline (the server paused it meanwhile)."""
    if not (ks.status == "active" or (offline and ks.status == "paused")):
        raise SessionClosedError(f"session {ks.ref} is {ks.status}; ask staff to resume it")
