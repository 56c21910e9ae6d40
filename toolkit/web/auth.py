"""Staff sign-in and sign-out (Flask-Login, argon2 hashes, a rate limit per email and address)."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import Flask
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import login_user
from flask_login import LoginManager
from flask_login import logout_user
from flask_login import UserMixin

from toolkit.store.engine import begin_write
from toolkit.store.kiosk import close_session
from toolkit.store.kiosk import find_session
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.store.users import authenticate
from toolkit.store.users import too_many_failures
from toolkit.web.db import get_db
from toolkit.web.forms import LoginForm
from toolkit.web.tablet import bind_tablet

bp = Blueprint("auth", __name__, url_prefix="/auth")


class SignedIn(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, user: StaffUser) -> None:
        self.id = user.id
        self.email = user.email
        self.role = user.role
        self.program_ids = [p.id for p in user.programs]

    def can_see(self, program: Program) -> bool:
        """True when this user may see and change ``program``'s data."""
        return self.role == "admin" or program.id in self.program_ids


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Please sign in."

    @manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        user = get_db().get(StaffUser, int(user_id))
        return SignedIn(user) if user is not None and user.active else None


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET"])
def login():
    form = LoginForm(formdata=None)
    form.email.data = session.pop("login_email", None)
    return render_template("auth/login.html", form=form)


@bp.route("/login", methods=["POST"])
def login_post():
    """Check the email and password; every outcome answers with a redirect."""
    form = LoginForm()
    again = url_for("auth.login", next=request.args.get("next"))
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash("The sign-in form had expired. Please sign in again.", "error")
        else:
            flash("Type your email and your password.", "error")
        session["login_email"] = (form.email.data or "")[:254]
        return redirect(again, code=303)
    db = get_db()
    if too_many_failures(db, form.email.data, _client_ip()):
        flash("Too many failed sign-ins for this email from this device. Wait 15 minutes, then try again.", "error")
        return redirect(again, code=303)
    user = authenticate(db, form.email.data, form.password.data, _client_ip())
    if user is None:
        flash("That email and password do not match an active account.", "error")
        session["login_email"] = form.email.data[:254]
        return redirect(again, code=303)
    begin_write(db)  # read the tablet's session, then pause it: one write transaction
    ks = find_session(db, session.get("kiosk"))
    if ks is not None:  # staff took the tablet back mid-survey: pause, staff can resume
        close_session(db, ks, "paused", staff_id=user.id, reason="staff signed in")
        db.commit()
    session.clear()
    login_user(SignedIn(user))
    bind_tablet(user.id)
    return redirect(_safe_next(request.args.get("next")), code=303)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("kiosk.lock"), code=303)
