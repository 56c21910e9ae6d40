"""Admin pages: staff users, and programs (list, add, settings)."""

from __future__ import annotations

import os
import zoneinfo

from flask import abort
from flask import Blueprint
from flask import flash
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from toolkit.store.audit import record
from toolkit.store.errors import StoreError
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.store.program_settings import LABELS
from toolkit.store.programs import create_program
from toolkit.store.programs import DEFAULT_CRISIS
from toolkit.store.programs import update_program
from toolkit.store.schedule import format_waves
from toolkit.store.schedule import split_specs
from toolkit.store.users import create_user
from toolkit.store.websessions import end_sessions_of
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.forms import UserForm
from toolkit.web.prg import add_error
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.program_forms import battery_rows
from toolkit.web.program_forms import FORM_FIELDS
from toolkit.web.program_forms import form_for
from toolkit.web.program_forms import new_program_data
from toolkit.web.program_forms import NewProgramForm
from toolkit.web.program_forms import settings_data
from toolkit.web.program_forms import settings_from_form
from toolkit.web.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")

USER_FORM_FIELDS = {"program": "programs"}
"""Store error fields -> fields of the add-user form, where they differ (the rest are named alike)."""


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    db = get_db()
    form = UserForm()
    form.programs.choices = [SelectChoice(p.slug, p.name) for p in db.scalars(select(Program).order_by(Program.name))]
    if form.is_submitted():
        if form.validate():
            try:
                create_user(
                    db,
                    form.email.data,
                    form.password.data,
                    form.role.data,
                    form.programs.data,
                    change_required=True,
                    by_staff_id=current_user.id,
                )
                db.commit()
                flash(f"User {form.email.data} added. They choose their own password at first sign-in.", "ok")
                return see_other(url_for("admin.users"))
            except StoreError as exc:
                db.rollback()
                add_error(form, USER_FORM_FIELDS.get(exc.field, exc.field), str(exc))
        stash_form(form)
        return see_other(url_for("admin.users"))
    restore_form(form)
    rows = db.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("staff/users.html", form=form, users=rows)


@bp.route("/users/<id:user_id>/active", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int):
    db = get_db()
    user = db.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        abort(400, "You cannot deactivate your own account.")
    user.active = not user.active
    if not user.active:
        end_sessions_of(db, user.id)  # signed out everywhere at once
    record(db, "user_activated" if user.active else "user_deactivated", staff_id=current_user.id, user=user.email)
    db.commit()
    return see_other(url_for("admin.users"))


def _program_or_404(slug: str) -> Program:
    program = get_db().scalar(select(Program).where(Program.slug == slug))
    if program is None:
        abort(404)
    return program


def _page(template: str, form, rows, **context):
    return render_template(
        template,
        form=form,
        rows=rows,
        time_zones=sorted(zoneinfo.available_timezones()),
        mail_configured=bool(os.environ.get("OUTCOMES_SMTP_URL")),
        default_crisis=DEFAULT_CRISIS,
        **context,
    )


@bp.route("/programs")
@roles_required("admin")
def programs():
    rows = get_db().scalars(select(Program).order_by(Program.name)).all()
    waves = {p.id: ", ".join(split_specs(format_waves(p.waves))) for p in rows}
    return render_template("staff/programs.html", programs=rows, waves=waves)


@bp.route("/programs/new")
@roles_required("admin")
def new_program():
    rows = battery_rows(get_registry())
    form = form_for(rows, NewProgramForm, formdata=None, data=new_program_data(rows))
    restore_form(form)
    return _page("staff/program_new.html", form, rows)


@bp.route("/programs/new", methods=["POST"])
@roles_required("admin")
def add_program():
    db = get_db()
    rows = battery_rows(get_registry())
    form = form_for(rows, NewProgramForm)
    if form.validate():
        settings = settings_from_form(form, rows)
        name, waves, battery = settings.pop("name"), settings.pop("waves"), settings.pop("battery")
        try:
            program = create_program(
                db,
                get_registry(),
                form.slug.data.strip(),
                name,
                waves,
                battery,
                staff_id=current_user.id,
                **settings,
            )
            db.commit()
            flash(f"Program {program.name} added.", "ok")
            return see_other(url_for("admin.program_settings", slug=program.slug))
        except StoreError as exc:
            db.rollback()
            add_error(form, FORM_FIELDS.get(exc.field, exc.field), str(exc))
    stash_form(form)
    return see_other(url_for("admin.new_program"))


@bp.route("/programs/<slug>/settings")
@roles_required("admin")
def program_settings(slug: str):
    program = _program_or_404(slug)
    rows = battery_rows(get_registry(), program)
    form = form_for(rows, formdata=None, data=settings_data(program))
    restore_form(form)
    return _page("staff/program_settings.html", form, rows, prog=program)


@bp.route("/programs/<slug>/settings", methods=["POST"])
@roles_required("admin")
def save_program_settings(slug: str):
    db = get_db()
    program = _program_or_404(slug)
    rows = battery_rows(get_registry(), program)
    form = form_for(rows)
    if form.validate():
        try:
            changes = update_program(
                db, get_registry(), program, staff_id=current_user.id, **settings_from_form(form, rows)
            )
            db.commit()
            names = ", ".join(LABELS.get(c, c) for c in changes if c != "alert_webhook_secret")
            flash(f"Saved: {names}." if changes else "Nothing changed.", "ok")
            return see_other(url_for("admin.program_settings", slug=slug))
        except StoreError as exc:
            db.rollback()
            add_error(form, FORM_FIELDS.get(exc.field, exc.field), str(exc))
    stash_form(form)
    return see_other(url_for("admin.program_settings", slug=slug))
