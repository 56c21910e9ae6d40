"""The tablet's binding: which staff member last set this browser up, for PIN unlock.

A full sign-in on a browser binds it to that staff member (and handing it
over, to the program too). The binding lives in its own signed cookie, kept
for 30 days, so it survives hand-overs, the lock screen and browser restarts.
It only lets that staff member's PIN unlock the kiosk's next-participant
screen; it never opens the staff pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from toolkit.web.cookies import set_cookie_when_sent

COOKIE = "outcomes_tablet"
MAX_AGE_S = 30 * 24 * 3600


@dataclass(frozen=True)
class TabletBinding:
    """The staff member (and program, once a tablet was handed over) a browser is bound to."""

    staff_id: int
    program_id: int | None = None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="outcomes-tablet")


def tablet_binding() -> TabletBinding | None:
    """This browser's binding, or None when it has none (or a forged or expired one)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_S)
        return TabletBinding(int(data["staff"]), data.get("program"))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def bind_tablet(staff_id: int, program_id: int | None = None) -> None:
    """Bind this browser to ``staff_id`` (and ``program_id``) when the response is sent."""
    value = _serializer().dumps({"staff": staff_id, "program": program_id})
    set_cookie_when_sent(COOKIE, value, max_age_s=MAX_AGE_S, path="/")
