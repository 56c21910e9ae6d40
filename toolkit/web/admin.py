"""Admin pages: staff users and programs."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from toolkit.store.audit import record
from toolkit.store.errors import StoreError
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.store.programs import create_program
from toolkit.store.users import create_user
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.forms import ProgramForm
from toolkit.web.forms import UserForm
from toolkit.web.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    db = get_db()
    form = UserForm()
    form.programs.choices = [SelectChoice(p.slug, p.name) for p in db.scalars(select(Program).order_by(Program.name))]
    if form.validate_on_submit():
        try:
            create_user(db, form.email.data, form.password.data, form.role.data, form.programs.data)
            db.commit()
            flash(f"User {form.email.data} added.", "ok")
            return redirect(url_for("admin.users"))
        except StoreError as exc:
            db.rollback()
            form.email.errors.append(str(exc))
    rows = db.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("staff/users.html", form=form, users=rows), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int):
    db = get_db()
    user = db.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        abort(400, "You cannot deactivate your own account.")
    user.active = not user.active
    record(db, "user_activated" if user.active else "user_deactivated", staff_id=current_user.id, user=user.email)
    db.commit()
    return redirect(url_for("admin.users"))


@bp.route("/programs", methods=["GET", "POST"])
@roles_required("admin")
def programs():
    db = get_db()
    registry = get_registry()
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            create_program(
                db,
                registry,
                form.slug.data,
                form.name.data,
                form.waves.data.split(","),
                form.battery.data.split(","),
                page_mode=form.page_mode.data,
                idle_timeout_s=form.idle_timeout_s.data,
                crisis_en=form.crisis_en.data,
                crisis_es=form.crisis_es.data,
                staff_id=current_user.id,
            )
            db.commit()
            flash(f"Program {form.name.data} added.", "ok")
            return redirect(url_for("admin.programs"))
        except StoreError as exc:
            db.rollback()
            form.slug.errors.append(str(exc))
    rows = db.scalars(select(Program).order_by(Program.name)).all()
    available = [i for i in registry if i.administrable]
    return render_template("staff/programs.html", form=form, programs=rows, available=available), 400 if form.errors else 200
