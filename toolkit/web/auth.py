"""Staff sign-in and sign-out (Flask-Login, argon2 hashes, sign-in limits by exponential delay)."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from toolkit.store.sign_in import authenticate
from toolkit.store.sign_in_limits import describe_wait
from toolkit.store.users import dummy_hash
from toolkit.web.db import get_db
from toolkit.web.forms import LoginForm
from toolkit.web.known_browser import known_browser
from toolkit.web.known_browser import remember_browser
from toolkit.web.tablet import bind_tablet

bp = Blueprint("auth", __name__, url_prefix="/auth")


class SignedIn(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, user: StaffUser) -> None:
        self.id = user.id
        self.email = user.email
        self.role = user.role
        self.program_ids = [p.id for p in user.programs]
        self.password_change_required = bool(user.password_change_required)

    def can_see(self, program: Program) -> bool:
        """True when this user may see and change ``program``'s data."""
        return self.role == "admin" or program.id in self.program_ids


def init_login(app: Flask) -> None:
    """Set up Flask-Login: users are reloaded from the database on every request."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Please sign in."

    @manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        user = get_db().get(StaffUser, int(user_id))
        return SignedIn(user) if user is not None and user.active else None

    dummy_hash()  # made now, so the first unknown email is not slower than the rest


def client_address() -> str:
    """The client's address (behind trusted proxies, the one they saw; see :mod:`toolkit.web.proxies`)."""
    return (request.remote_addr or "unknown")[:64]


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the staff home page.

    Browsers drop tabs and newlines from a URL and read a backslash as a
    slash, so such a "path" can lead off-site: the target must parse as a
    bare path, with no scheme, no host, and no control or backslash characters.
    """
    home = url_for("staff.home")
    if not target or len(target) > 2000 or any(c < " " or c in "\\\x7f" for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return home
    return target


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
            flash("Type your email and your password (at most 128 characters).", "error")
        session["login_email"] = (form.email.data or "")[:254]
        return redirect(again, code=303)
    db = get_db()
    result = authenticate(db, form.email.data, form.password.data, client_address(), known_browser())
    if result.user is None:
        if result.wait_s:
            flash(
                f"Sign-in: too many failed attempts for this account or from this network. "
                f"Wait {describe_wait(result.wait_s)}, then try again.",
                "error",
            )
        else:
            flash("That email and password do not match an active account.", "error")
        session["login_email"] = form.email.data[:254]
        return redirect(again, code=303)
    user = result.user
    begin_write(db)  # read the tablet's session, then pause it: one write transaction
    ks = find_session(db, session.get("kiosk"))
    if ks is not None:  # staff took the tablet back mid-survey: pause, staff can resume
        close_session(db, ks, "paused", staff_id=user.id, reason="staff signed in")
        db.commit()
    session.clear()
    login_user(SignedIn(user))
    bind_tablet(user.id)
    remember_browser(user.id)
    if user.password_change_required:
        flash("Choose a new password before you go on.", "error")
        return redirect(url_for("password.change"), code=303)
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("kiosk.lock"), code=303)
