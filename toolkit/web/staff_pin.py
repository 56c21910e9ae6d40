"""The staff member's kiosk PIN: set, change or remove it."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from toolkit.store.errors import StoreError
from toolkit.store.models import StaffUser
from toolkit.store.pins import clear_pin
from toolkit.store.pins import set_pin
from toolkit.web.db import get_db
from toolkit.web.forms import PinForm
from toolkit.web.security import roles_required

bp = Blueprint("staff_pin", __name__, url_prefix="/staff/pin")


@bp.route("", methods=["GET"])
@roles_required()
def pin():
    user = get_db().get(StaffUser, current_user.id)
    return render_template("staff/pin.html", form=PinForm(formdata=None), has_pin=user.pin_hash is not None)


@bp.route("", methods=["POST"])
@roles_required()
def pin_post():
    db = get_db()
    user = db.get(StaffUser, current_user.id)
    if request.form.get("action") == "remove":
        clear_pin(db, user)
        db.commit()
        flash("Your PIN was removed. Unlock tablets with your password.", "ok")
        return redirect(url_for("staff_pin.pin"), code=303)
    form = PinForm()
    if not form.validate_on_submit():
        first = next(iter(form.errors.items()), ("form", ["Fill in every field."]))
        flash(f"{form[first[0]].label.text if first[0] in form else 'Form'}: {first[1][0]}", "error")
        return redirect(url_for("staff_pin.pin"), code=303)
    if form.pin.data != form.pin_again.data:
        flash("The same PIN again: the two PINs differ; type the same PIN twice.", "error")
        return redirect(url_for("staff_pin.pin"), code=303)
    try:
        set_pin(db, user, form.password.data, form.pin.data)
    except StoreError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("staff_pin.pin"), code=303)
    db.commit()
    flash("Your PIN is set. It unlocks tablets you have signed in on, for the next participant.", "ok")
    return redirect(url_for("staff_pin.pin"), code=303)
