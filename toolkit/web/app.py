"""The application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask import render_template
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import CSRFProtect

from toolkit.store.engine import database_url
from toolkit.store.engine import default_instance_path
from toolkit.web.db import init_db
from toolkit.web.i18n import init_babel
from toolkit.web.security import init_headers
from toolkit.web.security import load_secret_key

csrf = CSRFProtect()


def _defaults() -> dict[str, Any]:
    return {
        "SESSION_COOKIE_NAME": "outcomes_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("OUTCOMES_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a locked tablet may wait hours before staff sign in
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ("en", "es"),
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

    init_db(app)
    init_headers(app)
    init_babel(app)
    csrf.init_app(app)

    from toolkit.web import admin
    from toolkit.web import auth
    from toolkit.web import kiosk
    from toolkit.web import staff

    auth.init_login(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(kiosk.bp)
    app.add_url_rule("/", endpoint="index", view_func=kiosk.home)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_template("error.html", code=400, title="Form expired", message=(
            "This form was not accepted because its security token is missing or out of date."
            " Go back, reload the page and try again."
        )), 400

    for code, title in ((400, "Bad request"), (403, "Not allowed"), (404, "Not found"), (405, "Not allowed"), (409, "Conflict"), (413, "Too large"), (429, "Too many attempts")):
        app.register_error_handler(code, _error_page(code, title))
    return app


def _error_page(code: int, title: str):
    def handler(exc):
        message = getattr(exc, "description", "") or title
        return render_template("error.html", code=code, title=title, message=message), code

    return handler
