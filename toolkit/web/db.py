"""One database session per request, and the instrument registry, for the views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask import Flask
from flask import g
from flask import request
from sqlalchemy.orm import Session

from toolkit.store.engine import begin_write
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker

if TYPE_CHECKING:
    from toolkit.instruments import Registry

SLOW_HASH_ENDPOINTS = frozenset({"auth.login_post", "kiosk.unlock_post"})
OWN_TRANSACTIONS = frozenset(
    {
        "kiosk.sync",  # one short write transaction per queued item
        "exports.download",  # reads, ends its transaction, then writes only the audit event
        "kiosk.service_worker",
        "kiosk.manifest",
        "kiosk.offline_lock",  # read nothing
        "kiosk.offline_pack",
        "kiosk.offline_page",
        "kiosk.offline_screen",  # read only
    }
)
"""Kiosk requests that do not take SQLite's write lock for the whole request."""


def init_db(app: Flask) -> None:
    """Create the app's engine and session factory; close each request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["outcomes.engine"] = engine
    app.extensions["outcomes.sessions"] = make_sessionmaker(engine)

    @app.before_request
    def _write_transaction() -> None:
        # Requests that may read and then write take SQLite's write lock up front,
        # so concurrent tablets wait their turn instead of failing with "locked".
        # Checking a password or PIN is slow on purpose: those take it only to write.
        if request.endpoint in SLOW_HASH_ENDPOINTS or request.endpoint in OWN_TRANSACTIONS:
            return
        if request.method == "POST" or request.blueprint == "kiosk":
            begin_write(get_db())

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.close()


def get_db() -> Session:
    """The request's database session (opened on first use)."""
    if "db" not in g:
        g.db = current_app.extensions["outcomes.sessions"]()
    return g.db


def get_registry() -> Registry:
    """The instrument registry: ``app.config['REGISTRY']`` or the shipped instruments."""
    registry = current_app.config.get("REGISTRY")
    if registry is None:
        from toolkit.instruments import default_registry

        registry = current_app.config["REGISTRY"] = default_registry()
    return registry
