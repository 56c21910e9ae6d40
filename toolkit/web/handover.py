"""Handing a tablet to a participant: start or resume a kiosk session and give the browser its token.

Used by the staff program page and by the kiosk's PIN-unlocked
next-participant screen, so both hand over the same way: any staff sign-in
in the browser ends, the browser keeps only the kiosk token, and the tablet
stays bound to the staff member and program for the next PIN unlock.
"""

from __future__ import annotations

from flask import redirect
from flask import session
from flask import url_for
from flask_login import logout_user
from sqlalchemy import select

from toolkit.store.kiosk import resume_session
from toolkit.store.kiosk import start_session
from toolkit.store.models import Administration
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Wave
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.tablet import bind_tablet


def hand_over(token: str, staff_id: int, program: Program):
    """Give this browser to a participant holding ``token``; returns the redirect to the kiosk."""
    logout_user()
    session.clear()
    session["kiosk"] = token
    bind_tablet(staff_id, program.id)
    return redirect(url_for("kiosk.start"), code=303)


def start_survey(participant: Participant, wave: Wave, language: str, staff_id: int):
    """Start ``participant`` at ``wave`` and hand over (commits); StoreError when it cannot start."""
    db = get_db()
    _ks, token = start_session(db, get_registry(), participant, wave, staff_id, language)
    db.commit()
    return hand_over(token, staff_id, participant.program)


def resume_survey(ks: KioskSession, staff_id: int):
    """Resume a paused or active session on this browser and hand over (commits)."""
    db = get_db()
    token = resume_session(db, ks, staff_id)
    db.commit()
    return hand_over(token, staff_id, ks.participant.program)


def next_wave(program: Program, done: list[str]) -> Wave | None:
    """The first wave of ``program`` the participant has not completed, or None."""
    return next((w for w in program.waves if w.name not in done), None)


def last_language(participant_id: int) -> str:
    """The language of the participant's latest answers (English for a new participant)."""
    lang = get_db().scalar(
        select(Administration.language)
        .where(Administration.participant_id == participant_id)
        .order_by(Administration.started_at.desc(), Administration.id.desc())
        .limit(1)
    )
    return lang or "en"
