"""Unlocking a kiosk with a staff PIN, and the next-participant screen it opens.

The PIN belongs to the staff member this tablet is bound to (the last full
sign-in on it). It opens only this screen, for two minutes: start or resume
a participant of that staff member's programs, or take over the survey on
the tablet (continue it or end it). It never opens the staff pages.
"""

from __future__ import annotations

import time

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from sqlalchemy import select

from toolkit.languages import LANGUAGES
from toolkit.store.audit import record
from toolkit.store.crisis import continue_survey
from toolkit.store.crisis import stop_survey
from toolkit.store.errors import StoreError
from toolkit.store.kiosk import find_session
from toolkit.store.kiosk import touch
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.store.pins import check_pin
from toolkit.store.queries import unfinished_sessions
from toolkit.store.queries import waves_done
from toolkit.web.db import get_db
from toolkit.web.handover import last_language
from toolkit.web.handover import next_wave
from toolkit.web.handover import resume_survey
from toolkit.web.handover import start_survey
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.state import finish
from toolkit.web.security import WRITERS
from toolkit.web.tablet import tablet_binding
from toolkit.web.timefmt import local_time

GRANT_KEY = "kiosk_staff"
GRANT_SECONDS = 120
STAFF_SCREEN_IDLE_S = 90
"""Participant codes must not stay on a shared screen: these screens lock after 90 s untouched."""


def _bound_user() -> StaffUser | None:
    binding = tablet_binding()
    if binding is None:
        return None
    user = get_db().get(StaffUser, binding.staff_id)
    if user is None or not user.active or not user.pin_hash or user.role not in WRITERS:
        return None  # evaluators read; they do not hand tablets over
    return user


def mask_email(email: str) -> str:
    """``c•••@example.org``: enough for staff to recognise their account on a shared screen."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


def pin_unlock_available() -> str | None:
    """The masked email of the staff member whose PIN unlocks this tablet, or None."""
    user = _bound_user()
    return mask_email(user.email) if user is not None else None


def _granted_user() -> StaffUser | None:
    grant = session.get(GRANT_KEY)
    if not grant or grant[1] < time.time():
        session.pop(GRANT_KEY, None)
        return None
    user = get_db().get(StaffUser, grant[0])
    return user if user is not None and user.active else None


@bp.route("/unlock", methods=["GET"])
def unlock():
    user = _bound_user()
    if user is None:
        return redirect(url_for("auth.login"))
    return render_template("kiosk/unlock.html", who=mask_email(user.email), idle=STAFF_SCREEN_IDLE_S)


@bp.route("/unlock", methods=["POST"])
def unlock_post():
    user = _bound_user()
    if user is None:
        return redirect(url_for("auth.login"), code=303)
    db = get_db()
    result = check_pin(db, user, request.form.get("pin", "")[:16])
    db.commit()
    if result.ok:
        session[GRANT_KEY] = [user.id, time.time() + GRANT_SECONDS]
        return redirect(url_for("kiosk.next_participant"), code=303)
    if result.locked_until is not None:
        until = local_time(result.locked_until, _program_zone(user))
        flash(f"Too many wrong PINs: the PIN is locked until {until}. Sign in with your password.", "error")
    else:
        flash(f"That PIN is not right. {result.failures_left} tries left before the PIN is locked.", "error")
    return redirect(url_for("kiosk.unlock"), code=303)


def _program_zone(user: StaffUser) -> str:
    return user.programs[0].time_zone if user.programs else "UTC"


def _programs(user: StaffUser) -> list[Program]:
    if user.role == "admin":
        return list(get_db().scalars(select(Program).order_by(Program.name)))
    return sorted(user.programs, key=lambda p: p.name)


@bp.route("/next")
def next_participant():
    """Start or resume the next participant (after a PIN unlock)."""
    user = _granted_user()
    if user is None:
        return redirect(url_for("kiosk.lock"))
    programs = _programs(user)
    if not programs:
        abort(404)
    chosen = next((p for p in programs if p.slug == request.args.get("program")), None)
    binding = tablet_binding()
    if chosen is None and binding is not None:
        chosen = next((p for p in programs if p.id == binding.program_id), None)
    program = chosen or programs[0]
    db = get_db()
    done = waves_done(db, program)
    people = db.scalars(
        select(Participant).where(Participant.program_id == program.id).order_by(Participant.code)
    ).all()
    rows = [(p, next_wave(program, done.get(p.id, [])), last_language(p.id)) for p in people]
    return render_template(
        "kiosk/next.html",
        user=user,
        programs=programs,
        program=program,
        rows=rows,
        unfinished=unfinished_sessions(db, program),
        current=find_session(db, session.get("kiosk")),
        idle=STAFF_SCREEN_IDLE_S,
    )


def _use_grant() -> StaffUser:
    user = _granted_user()
    if user is None:
        abort(404)
    session.pop(GRANT_KEY, None)
    return user


def _program_for(user: StaffUser, program_id: int) -> Program:
    program = next((p for p in _programs(user) if p.id == program_id), None)
    if program is None:
        abort(404)
    return program


@bp.route("/next/start", methods=["POST"])
def next_start():
    user = _use_grant()
    db = get_db()
    participant = db.get(Participant, request.form.get("participant", type=int) or 0)
    if participant is None:
        abort(404)
    program = _program_for(user, participant.program_id)
    wave = program.wave(request.form.get("wave", ""))
    language = request.form.get("language", "en")
    if wave is None or language not in LANGUAGES:
        abort(400, "Choose a wave and a language.")
    try:
        return start_survey(participant, wave, language, user.id)
    except StoreError as exc:
        db.rollback()
        session[GRANT_KEY] = [user.id, time.time() + GRANT_SECONDS]
        flash(str(exc), "error")
        return redirect(url_for("kiosk.next_participant", program=program.slug), code=303)


@bp.route("/next/resume/<ref>", methods=["POST"])
def next_resume(ref: str):
    user = _use_grant()
    db = get_db()
    ks = db.scalar(select(KioskSession).where(KioskSession.ref == ref))
    if ks is None:
        abort(404)
    _program_for(user, ks.participant.program_id)
    try:
        return resume_survey(ks, user.id)
    except StoreError as exc:
        flash(str(exc), "error")
        return redirect(url_for("kiosk.lock"), code=303)


@bp.route("/next/current", methods=["POST"])
def next_current():
    """The survey held on this tablet: give it back to the participant, or end it."""
    user = _use_grant()
    db = get_db()
    ks = find_session(db, session.get("kiosk"))
    if ks is None:
        return redirect(url_for("kiosk.lock"), code=303)
    _program_for(user, ks.participant.program_id)
    if request.form.get("choice") == "end":
        stop_survey(db, ks, staff_id=user.id)
        db.commit()
        session.pop("kiosk", None)
        return redirect(url_for("kiosk.lock"), code=303)
    ks.held_at = None
    record(db, "session_handed_back", staff_id=user.id, program_id=ks.participant.program_id, kiosk_session_id=ks.id)
    if ks.crisis_page is not None and continue_survey(db, ks):
        db.commit()
        return finish(ks)
    touch(ks)
    db.commit()
    return redirect(url_for("kiosk.start"), code=303)
