"""Browser sessions kept in the database, so that ending one ends it everywhere at once.

The cookie holds a random value; the table holds its SHA-256 and the
session's data (:class:`~toolkit.store.models.WebSession`). A copied cookie
therefore stops working the moment the row is gone: at sign-out, when the
tablet is handed to a participant, when the staff member's password changes
or their account is deactivated, and after the idle time or the lifetime of a
staff session.

Whenever a view clears the session (signing in, signing out, handing over),
it gets a new random value and the old row is deleted, so a value seen
before a sign-in is worthless after it. Rows are written through a session of
their own, in a short write transaction, never inside the request's.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime
from datetime import timedelta

from flask import Flask
from flask import g
from flask import Request
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from sqlalchemy import delete
from sqlalchemy import or_
from werkzeug.datastructures import CallbackDict
from werkzeug.wrappers import Response

from toolkit.store.engine import begin_write
from toolkit.store.models import utcnow
from toolkit.store.models import WebSession

USER_KEY = "_user_id"  # where Flask-Login keeps the signed-in staff member
TOUCH_EVERY = timedelta(minutes=1)
ANONYMOUS_IDLE = timedelta(hours=24)


def _minutes(name: str, default: int) -> timedelta:
    value = os.environ.get(name)
    if value is None:
        return timedelta(minutes=default)
    if not value.isdigit() or not 1 <= int(value) <= 7 * 24 * 60:
        raise RuntimeError(
            f"{name}: '{value}' is not a number of minutes from 1 to 10080; unset it for the default ({default})"
        )
    return timedelta(minutes=int(value))


def session_limits() -> tuple[timedelta, timedelta]:
    """Staff idle time and session lifetime.

    From ``OUTCOMES_STAFF_IDLE_MINUTES`` (default 30) and ``OUTCOMES_SESSION_MINUTES`` (default 720).
    """
    return _minutes("OUTCOMES_STAFF_IDLE_MINUTES", 30), _minutes("OUTCOMES_SESSION_MINUTES", 12 * 60)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """The session of one request: a dict that knows whether it changed or was cleared."""

    def __init__(self, initial: dict | None = None, row_id: str | None = None, stale: bool = False) -> None:
        def on_update(session: ServerSession) -> None:
            session.modified = True

        super().__init__(initial or {}, on_update)
        self.row_id = row_id
        self.stale = stale  # last seen long enough ago to note it again
        self.rotate = False
        self.modified = False

    def clear(self) -> None:
        """Empty the session; it will be saved under a new random value."""
        super().clear()
        self.rotate = True


class DatabaseSessionInterface(SessionInterface):
    """Flask sessions stored in ``web_sessions``, found by the hash of a random cookie value."""

    def __init__(self, app: Flask) -> None:
        self.sessions = app.extensions["outcomes.sessions"]
        self.idle, self.lifetime = session_limits()

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or len(value) > 100:
            return ServerSession()
        row_id = _digest(value)
        with self.sessions() as db:
            row = db.get(WebSession, row_id)
            if row is None:
                return ServerSession()
            now = utcnow()
            if self._expired(row, now):
                session = ServerSession()
                session.row_id, session.rotate = row_id, True  # deleted when saved
                return session
            return ServerSession(dict(row.data or {}), row_id, stale=now - row.last_seen_at > TOUCH_EVERY)

    def _expired(self, row: WebSession, now: datetime) -> bool:
        if row.user_id is None:
            return now - row.last_seen_at > ANONYMOUS_IDLE
        started = row.signed_in_at or row.created_at
        return now - row.last_seen_at > self.idle or now - started > self.lifetime

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if not session and session.row_id is None and not session.rotate:
            return  # nothing to keep, nothing to forget: no row, no cookie
        if not (session.modified or session.rotate or session.stale):
            return
        request_db = g.get("db")
        if request_db is not None:
            # The view has committed what it meant to; what is left would be rolled back at
            # teardown anyway. End it now so this write does not wait on the request's lock.
            request_db.rollback()
        with self.sessions() as db:
            begin_write(db)
            if session.rotate or not session:
                if session.row_id is not None:
                    db.execute(delete(WebSession).where(WebSession.id == session.row_id))
                session.row_id = None
            if not session:
                db.commit()
                response.delete_cookie(name, domain=domain, path=path)
                return
            value = None
            now = utcnow()
            user_id = session.get(USER_KEY)
            user_id = int(user_id) if user_id is not None and str(user_id).isdigit() else None
            row = db.get(WebSession, session.row_id) if session.row_id else None
            if row is None:
                value = secrets.token_urlsafe(32)
                row = WebSession(id=_digest(value), created_at=now, signed_in_at=now if user_id else None)
                db.add(row)
                _purge(db, now, self.idle, self.lifetime)  # new sessions are rare: tidy up then
            elif user_id and row.user_id != user_id:
                row.signed_in_at = now
            row.user_id, row.data, row.last_seen_at = user_id, dict(session), now
            db.commit()
        if value is not None:
            response.set_cookie(
                name,
                value,
                httponly=True,
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
                domain=domain,
                path=path,
            )


def _purge(db, now: datetime, idle: timedelta, lifetime: timedelta) -> int:
    """Delete rows of sessions that can no longer be used (in the caller's write transaction)."""
    return db.execute(
        delete(WebSession).where(
            or_(
                WebSession.last_seen_at < now - max(idle, ANONYMOUS_IDLE),
                WebSession.signed_in_at < now - lifetime,
            )
        )
    ).rowcount


def init_sessions(app: Flask) -> None:
    """Keep the app's sessions in the database (call after the database is set up)."""
    app.session_interface = DatabaseSessionInterface(app)
