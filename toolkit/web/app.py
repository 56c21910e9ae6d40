"""The application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from flask import Flask
from flask import g
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from toolkit.languages import LANGUAGES
from toolkit.store.engine import database_url
from toolkit.store.engine import default_instance_path
from toolkit.web.db import init_db
from toolkit.web.i18n import init_babel
from toolkit.web.kiosk_fetch import init_fetch_submits
from toolkit.web.proxies import trusted_proxy_hops
from toolkit.web.security import init_headers
from toolkit.web.security import load_secret_key
from toolkit.web.sessions import init_sessions
from toolkit.web.timefmt import init_time_filters

csrf = CSRFProtect()


def _defaults() -> dict[str, Any]:
    return {
        "SESSION_COOKIE_NAME": "outcomes_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure by default (HTTPS in front); OUTCOMES_SECURE_COOKIES=0 for plain-HTTP local use
        "SESSION_COOKIE_SECURE": os.environ.get("OUTCOMES_SECURE_COOKIES", "1") != "0",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a locked tablet may wait hours before staff sign in
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": LANGUAGES,
    }


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web app.

    ``config`` overrides settings; ``DATABASE_URL`` (else the environment
    variable of that name, else ``instance/outcomes.sqlite``) chooses the
    database and ``REGISTRY`` the instruments. The schema must already be
    migrated (``outcomes db upgrade``; ``outcomes serve`` does it).
    """
    config = dict(config or {})
    instance = str(config.pop("INSTANCE_PATH", None) or default_instance_path())
    app = Flask(__name__, instance_path=os.path.abspath(instance))
    app.config.update(_defaults())
    app.config.update(config)
    app.config.setdefault("DATABASE_URL", database_url(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    hops = trusted_proxy_hops(app.config.get("TRUSTED_PROXIES"))
    if hops:  # the client's address and scheme as the trusted proxies saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    init_db(app)
    init_sessions(app)
    init_headers(app)
    init_babel(app)
    init_time_filters(app)
    csrf.init_app(app)

    from toolkit.web import admin
    from toolkit.web import audit_log
    from toolkit.web import auth
    from toolkit.web import exports
    from toolkit.web import imports
    from toolkit.web import kiosk
    from toolkit.web import paper
    from toolkit.web import password
    from toolkit.web import staff
    from toolkit.web import staff_pin

    auth.init_login(app)
    app.register_blueprint(auth.bp)
    password.init_password_change(app)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff_pin.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(audit_log.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(kiosk.bp)
    # a tablet sends pages kept offline with its session's sync key, not a cookie or form token
    csrf.exempt("toolkit.web.kiosk.sync.sync")
    init_fetch_submits(app)
    app.add_url_rule("/", endpoint="index", view_func=kiosk.home)

    app.register_error_handler(CSRFError, _error_page(400))
    for code in ERROR_TITLES:
        app.register_error_handler(code, _error_page(code))
    return app


ERROR_TITLES = {
    400: lazy_gettext("Bad request"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Too large"),
    429: lazy_gettext("Too many attempts"),
}


def _is_kiosk() -> bool:
    return request.blueprint == "kiosk" or request.path.startswith("/kiosk")


def _error_page(code: int):
    """An error page: on kiosk pages in the participant's language with a calm way back."""

    def handler(exc):
        expired = isinstance(exc, CSRFError)
        if _is_kiosk():
            lang = session.get("kiosk_lang")
            if lang in current_app.config["LANGUAGES"]:
                g.language = lang
            title = _("This page has expired") if expired else _("Something went wrong")
            message = _("Nothing you saved is lost. Tap the button to go back to the survey, or ask a staff member.")
            back = url_for("kiosk.start")
            return render_template("error.html", code=code, title=title, message=message, back=back, kiosk=True), code
        if expired:
            title = _("Form expired")
            message = _(
                "This form was not accepted because its security token is missing or out of date. Go back, reload "
                "the page and try again."
            )
        else:
            title = str(ERROR_TITLES.get(code, code))
            message = getattr(exc, "description", "") or title
        return render_template("error.html", code=code, title=title, message=message, back=url_for("index")), code

    return handler
