"""Secret key, response headers, and the role and program-scope checks of staff views."""

from __future__ import annotations

import os
import secrets
from functools import wraps
from pathlib import Path

from flask import abort
from flask import Flask
from flask import request
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from toolkit.store.models import Program
from toolkit.web.db import get_db

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def load_secret_key(instance_path: str) -> str:
    """``$OUTCOMES_SECRET_KEY``, else a random key kept in ``instance/secret_key`` (created once).

    The key is written to a private temporary file and hard-linked into place,
    so processes starting together never read a half-written key: exactly one
    link succeeds and every process reads that file.
    """
    env = os.environ.get("OUTCOMES_SECRET_KEY")
    if env:
        return env
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path}: the secret key file is empty; delete it and start again")
    return key


def init_headers(app: Flask) -> None:
    """No caching of any page (answers must not survive in the browser), plus hardening headers.

    Also registers the ``<id:...>`` URL converter and the NUL-character guard.
    """
    app.url_map.converters["id"] = IdConverter
    app.before_request(refuse_nul_characters)

    @app.after_request
    def _headers(response):
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers["Pragma"] = "no-cache"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.is_secure:  # over HTTPS (or behind a trusted proxy that says so): HTTPS only from now on
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


MAX_ID = 2**31 - 1
"""The largest id in a URL: the largest value of an integer column on PostgreSQL."""

WRITERS = ("admin", "staff")
"""Roles that enrol participants, hand tablets over and acknowledge alerts; evaluators only read."""


class IdConverter(IntegerConverter):
    """``<id:name>``: a non-negative integer that fits a database integer (else: not found)."""

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=0, max=MAX_ID)


def roles_required(*roles: str):
    """A view decorator: signed in, and (when roles are given) one of ``roles``; else not found.

    Out of scope is "not found" (404), never "forbidden": the answer does not
    tell whether the thing exists.
    """

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if roles and current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def program_or_404(slug: str) -> Program:
    """The program with this slug if the signed-in user may see it; 404 when none, or out of scope."""
    program = get_db().scalar(select(Program).where(Program.slug == slug[:40]))
    if program is None or not current_user.can_see(program):
        abort(404)
    return program


def refuse_nul_characters() -> None:
    """400 for a request with a NUL character in its path, a form field, the query or a JSON body.

    No text of ours holds one, and PostgreSQL refuses to store it; refusing it
    here gives one clear answer instead of an error deep inside.
    """
    if request.method in ("POST", "PUT", "PATCH"):
        body = request.get_data(cache=True)
        if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
            abort(400, "A form field holds a NUL character, which no text may hold. Remove it and send again.")
    query = request.query_string.decode("latin-1")
    if "\x00" in request.path or "\x00" in query or "%00" in query:
        abort(400, "The address holds a NUL character. Remove it and try again.")


def visible_program_ids() -> list[int] | None:
    """Ids of the programs the user may see (None: all, for admins)."""
    if current_user.role == "admin":
        return None
    return list(current_user.program_ids)
