"""Changing one's own password at ``/auth/password``, and the change required before any staff page.

A staff member whose password breaks the policy, or was set by someone else,
has ``password_change_required`` set: until they choose a new one, every
staff page sends them here. A change needs the current password (checked
within the sign-in limits), applies the policy, and ends every other browser
session of the user.
"""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import Flask
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from toolkit.store.errors import StoreError
from toolkit.store.password_change import change_own_password
from toolkit.web.auth import client_address
from toolkit.web.db import get_db
from toolkit.web.forms import PasswordChangeForm
from toolkit.web.known_browser import known_browser
from toolkit.web.prg import add_error
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form

bp = Blueprint("password", __name__, url_prefix="/auth")

OPEN_BLUEPRINTS = frozenset({"auth", "password", "kiosk"})
"""Pages that stay open while a password change is required: signing in and out, this page, the kiosk."""
OPEN_ENDPOINTS = frozenset({"static", "index"})


def init_password_change(app: Flask) -> None:
    """Register the page and the check that sends a user who must change their password to it."""
    app.register_blueprint(bp)
    app.before_request(require_password_change)


def require_password_change():
    """Before a staff page: send a signed-in user who must change their password to the change page."""
    if request.endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS:
        return None
    if current_user.is_authenticated and getattr(current_user, "password_change_required", False):
        return see_other(url_for("password.change"))
    return None


@bp.route("/password", methods=["GET"])
@login_required
def change():
    form = PasswordChangeForm(formdata=None)
    restore_form(form)
    return render_template("auth/password.html", form=form, required=current_user.password_change_required)


@bp.route("/password", methods=["POST"])
@login_required
def change_post():
    """Check the current password, apply the policy, change it; every outcome answers with a redirect."""
    form = PasswordChangeForm()
    if form.validate():
        if form.new_password.data != form.new_password_again.data:
            add_error(
                form,
                "new_password_again",
                "new password again: differs from the new password; type the same new password twice",
            )
        else:
            try:
                ended = change_own_password(
                    get_db(),
                    current_user.id,
                    form.current_password.data,
                    form.new_password.data,
                    client_address(),
                    browser=known_browser(),
                    keep_session=getattr(session, "row_id", None),
                )
            except StoreError as exc:
                get_db().rollback()
                add_error(form, exc.field, str(exc))
            else:
                others = f" {ended} other session{'' if ended == 1 else 's'} ended." if ended else ""
                flash(f"Your password was changed.{others}", "ok")
                return see_other(url_for("staff.home"))
    stash_form(form)
    return see_other(url_for("password.change"))
