"""Staff pages: programs, participants, starting and resuming kiosk sessions, alerts."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import logout_user
from sqlalchemy import select
from wtforms import SelectChoice

from toolkit.errors import UnknownInstrumentError
from toolkit.store.audit import record
from toolkit.store.errors import StoreError
from toolkit.store.kiosk import resume_session
from toolkit.store.kiosk import start_session
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import utcnow
from toolkit.store.programs import add_participant
from toolkit.store.queries import dashboard_counts
from toolkit.store.queries import unacknowledged_alerts
from toolkit.store.queries import waves_done
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.forms import AcknowledgeForm
from toolkit.web.forms import ParticipantForm
from toolkit.web.forms import StartSessionForm
from toolkit.web.security import program_or_403
from toolkit.web.security import roles_required
from toolkit.web.security import visible_program_ids

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
    prog = program_or_403(slug)
    db = get_db()
    form = ParticipantForm(prefix="add")
    if form.validate_on_submit():
        try:
            add_participant(db, prog, form.code.data, site=form.site.data, group=form.group.data, staff_id=current_user.id)
            db.commit()
            flash(f"Participant {form.code.data} enrolled.", "ok")
            return redirect(url_for("staff.program", slug=slug))
        except StoreError as exc:
            db.rollback()
            form.code.errors.append(str(exc))
    participants = db.scalars(select(Participant).where(Participant.program_id == prog.id).order_by(Participant.code)).all()
    unfinished = db.scalars(
        select(KioskSession)
        .join(Participant, KioskSession.participant_id == Participant.id)
        .where(Participant.program_id == prog.id, KioskSession.status.in_(("active", "paused")))
        .order_by(KioskSession.created_at.desc())
    ).all()
    return render_template(
        "staff/program.html",
        program=prog,
        counts=dashboard_counts(db, prog),
        participants=participants,
        done=waves_done(db, prog),
        form=form,
        start_form=_start_form(prog),
        unfinished=unfinished,
    ), 400 if form.errors else 200


def _hand_over(token: str):
    """Sign staff out of this browser and give it to the participant."""
    logout_user()
    session.clear()
    session["kiosk"] = token
    return redirect(url_for("kiosk.start"))


@bp.route("/p/<slug>/sessions", methods=["POST"])
@roles_required()
def start(slug: str):
    prog = program_or_403(slug)
    db = get_db()
    form = _start_form(prog)
    if not form.validate_on_submit():
        abort(400, "Choose a participant and a wave.")
    participant = db.scalar(select(Participant).where(Participant.program_id == prog.id, Participant.code == form.participant.data.strip()))
    if participant is None:
        flash(f"No participant '{form.participant.data}' in {prog.name}; enrol them first.", "error")
        return redirect(url_for("staff.program", slug=slug))
    try:
        _ks, token = start_session(db, get_registry(), participant, prog.wave(form.wave.data), current_user.id, form.language.data)
    except StoreError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("staff.program", slug=slug))
    db.commit()
    return _hand_over(token)


@bp.route("/p/<slug>/sessions/<ref>/resume", methods=["POST"])
@roles_required()
def resume(slug: str, ref: str):
    prog = program_or_403(slug)
    db = get_db()
    ks = db.scalar(select(KioskSession).where(KioskSession.ref == ref))
    if ks is None or ks.participant.program_id != prog.id:
        abort(404)
    try:
        token = resume_session(db, ks, current_user.id)
    except StoreError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.program", slug=slug))
    db.commit()
    return _hand_over(token)


@bp.route("/p/<slug>/alerts")
@roles_required()
def alerts(slug: str):
    prog = program_or_403(slug)
    rows = get_db().execute(
        select(Alert, Participant.code, Administration)
        .join(Administration, Alert.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(Participant.program_id == prog.id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.raised_at.desc())
    ).all()
    return render_template("staff/alerts.html", program=prog, rows=rows, form=AcknowledgeForm(), describe=_describe_alert)


def _describe_alert(alert: Alert, adm: Administration) -> dict:
    """The instrument, question and answer of an alert, in English, for staff."""
    from toolkit.instruments.schema import ChoiceScale
    from toolkit.web.i18n import local

    try:
        inst = get_registry().get(adm.instrument_id, adm.instrument_version)
        item = inst.item(alert.item_id)
    except (UnknownInstrumentError, KeyError):  # an instrument no longer installed: show the ids
        return {"instrument": adm.instrument_id, "question": alert.item_id, "answer": f"{alert.value:g}"}
    scale = inst.response_scales[item.scale]
    answer = f"{alert.value:g}"
    if isinstance(scale, ChoiceScale):
        label = next((local(o.label, "en") for o in scale.options if float(o.value) == alert.value), "")
        answer = f"{answer} ({label})" if label else answer
    number = inst.items.index(item) + 1
    return {"instrument": f"{inst.short_title} item {number}", "question": local(item.text, "en"), "answer": answer}


@bp.route("/p/<slug>/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@roles_required()
def acknowledge(slug: str, alert_id: int):
    prog = program_or_403(slug)
    db = get_db()
    alert = db.get(Alert, alert_id)
    if alert is None:
        abort(404)
    if alert.administration.participant.program_id != prog.id:
        abort(403)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(form.note.errors[0] if form.note.errors else "Write a note.", "error")
        return redirect(url_for("staff.alerts", slug=slug))
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id, alert.note = utcnow(), current_user.id, form.note.data.strip()
        record(db, "alert_acknowledged", staff_id=current_user.id, program_id=prog.id, alert=alert.id, note=form.note.data.strip())
        db.commit()
        flash("Alert acknowledged.", "ok")
    return redirect(url_for("staff.alerts", slug=slug))
