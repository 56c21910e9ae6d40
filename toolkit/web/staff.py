"""Staff pages: programs, participants, starting and resuming kiosk sessions, alerts, follow-ups."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from toolkit.store.close_code_enrol import close_participants
from toolkit.store.errors import StoreError
from toolkit.store.followups import followup_rates
from toolkit.store.followups import program_followups
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import add_participant
from toolkit.store.queries import dashboard_counts
from toolkit.store.queries import unacknowledged_alerts
from toolkit.store.queries import unfinished_sessions
from toolkit.store.queries import waves_done
from toolkit.web.db import get_db
from toolkit.web.forms import ParticipantForm
from toolkit.web.forms import StartSessionForm
from toolkit.web.handover import last_language
from toolkit.web.handover import next_wave
from toolkit.web.handover import resume_survey
from toolkit.web.handover import start_survey
from toolkit.web.prg import add_error
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required
from toolkit.web.security import visible_program_ids
from toolkit.web.security import WRITERS

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.app_context_processor
def banner() -> dict:
    """The unacknowledged-alert count for the red banner of every staff page."""
    if not current_user.is_authenticated:
        return {}
    return {"alert_count": unacknowledged_alerts(get_db(), visible_program_ids())}


def _programs() -> list[Program]:
    ids = visible_program_ids()
    query = select(Program).order_by(Program.name)
    if ids is not None:
        query = query.where(Program.id.in_(ids))
    return list(get_db().scalars(query))


@bp.route("/")
@roles_required()
def home():
    programs = _programs()
    db = get_db()
    return render_template("staff/home.html", programs=[(p, dashboard_counts(db, p)) for p in programs])


def _start_form(program: Program) -> StartSessionForm:
    form = StartSessionForm(prefix="start")
    form.wave.choices = [SelectChoice(w.name, w.name) for w in program.waves]
    return form


@bp.route("/p/<slug>/", methods=["GET", "POST"])
@roles_required()
def program(slug: str):
    prog = program_or_404(slug)
    db = get_db()
    form = ParticipantForm(prefix="add")
    if form.is_submitted():
        if current_user.role not in WRITERS:
            abort(404)  # evaluators read; they do not enrol
        if form.validate():
            code = form.code.data.strip()
            if request.form.get("add-confirm", "") != code and close_participants(db, prog, code):
                # a code close to an enrolled one: ask "did you mean ...?" before enrolling
                add_error(form, None, f"code: {code} is close to a participant already enrolled; answer the question")
                stash_form(form)
                return see_other(url_for("staff.program", slug=slug))
            try:
                add_participant(
                    db, prog, form.code.data, site=form.site.data, group=form.group.data, staff_id=current_user.id
                )
                db.commit()
                flash(f"Participant {form.code.data} enrolled.", "ok")
                return see_other(url_for("staff.program", slug=slug))
            except StoreError as exc:
                db.rollback()
                add_error(form, exc.field, str(exc))
        stash_form(form)
        return see_other(url_for("staff.program", slug=slug))
    restore_form(form)
    typed = (form.code.data or "").strip()
    close = close_participants(db, prog, typed) if form.form_errors and typed else []
    participants = db.scalars(
        select(Participant).where(Participant.program_id == prog.id).order_by(Participant.code)
    ).all()
    done = waves_done(db, prog)
    found = program_followups(db, prog)
    return render_template(
        "staff/program.html",
        can_write=current_user.role in WRITERS,
        program=prog,
        counts=dashboard_counts(db, prog, followups=found),
        rates=followup_rates(prog, found),
        participants=[(p, next_wave(prog, done.get(p.id, []))) for p in participants],
        done=done,
        form=form,
        close=close,
        new_code=typed,
        start_form=_start_form(prog),
        unfinished=unfinished_sessions(db, prog),
    )


@bp.route("/p/<slug>/sessions", methods=["POST"])
@roles_required(*WRITERS)
def start(slug: str):
    """Start a survey for the participant and wave chosen on the program page, and hand over."""
    prog = program_or_404(slug)
    db = get_db()
    form = _start_form(prog)
    if not form.validate_on_submit():
        abort(400, "Choose a participant and a wave.")
    participant = db.scalar(
        select(Participant).where(Participant.program_id == prog.id, Participant.code == form.participant.data.strip())
    )
    if participant is None:
        flash(f"No participant '{form.participant.data}' in {prog.name}; enrol them first.", "error")
        return redirect(url_for("staff.program", slug=slug), code=303)
    return _start(prog, participant, prog.wave(form.wave.data), form.language.data)


@bp.route("/p/<slug>/participants/<id:pid>/start", methods=["POST"])
@roles_required(*WRITERS)
def start_next(slug: str, pid: int):
    """The Start button of a participant's row: their next wave, in their last language."""
    prog = program_or_404(slug)
    participant = get_db().get(Participant, pid)
    if participant is None or participant.program_id != prog.id:
        abort(404)
    wave = prog.wave(request.form.get("wave", ""))
    if wave is None:
        abort(400, "Choose a wave.")
    return _start(prog, participant, wave, last_language(participant.id))


def _start(prog: Program, participant: Participant, wave, language: str):
    try:
        return start_survey(participant, wave, language, current_user.id)
    except StoreError as exc:
        get_db().rollback()
        flash(str(exc), "error")
        return redirect(url_for("staff.program", slug=prog.slug), code=303)


@bp.route("/p/<slug>/sessions/<ref>/resume", methods=["POST"])
@roles_required(*WRITERS)
def resume(slug: str, ref: str):
    prog = program_or_404(slug)
    db = get_db()
    ks = db.scalar(select(KioskSession).where(KioskSession.ref == ref))
    if ks is None or ks.participant.program_id != prog.id:
        abort(404)
    try:
        return resume_survey(ks, current_user.id)
    except StoreError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.program", slug=slug), code=303)


from toolkit.web import followups  # noqa: E402,F401  (the follow-up worklist of this blueprint)
from toolkit.web import staff_alerts  # noqa: E402,F401  (the alert pages of this blueprint)
