"""Known browsers: a signed cookie naming the accounts that signed in on this browser before.

A sign-in from a browser where that account signed in before is limited on
its own (see :mod:`toolkit.store.sign_in_limits`): someone guessing from
elsewhere, or from behind the same address, cannot keep its owner waiting.
The cookie holds a random browser id and up to :data:`MAX_ACCOUNTS` account
ids, signed with the app's secret key, sent only to the ``/auth`` pages.
"""

from __future__ import annotations

import secrets

from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from toolkit.web.cookies import set_cookie_when_sent

COOKIE = "outcomes_browser"
MAX_AGE_S = 180 * 24 * 3600
MAX_ACCOUNTS = 10


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="outcomes-known-browser")


def known_browser() -> tuple[str, frozenset[int]] | None:
    """This browser's id and the accounts that signed in on it, or None (no cookie, forged or expired)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_S)
        return str(data["id"]), frozenset(int(u) for u in data["users"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def remember_browser(user_id: int) -> None:
    """Add ``user_id`` to this browser's known accounts when the response is sent."""
    known = known_browser()
    browser_id = known[0] if known else secrets.token_urlsafe(16)
    old = [u for u in (known[1] if known else ()) if u != user_id]
    value = _serializer().dumps({"id": browser_id, "users": [user_id, *old][:MAX_ACCOUNTS]})
    set_cookie_when_sent(COOKIE, value, max_age_s=MAX_AGE_S, path="/auth")
