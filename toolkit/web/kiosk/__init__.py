"""The participant-facing kiosk: lock screen, survey pages, crisis path, end screen, PIN unlock.

A browser holds a kiosk session only through the random token that staff
hand over; every page checks it, and it is destroyed when the battery is
finished or stopped, when the tablet idles, or when staff sign in. Pages are
never cached (``Cache-Control: no-store``), so Back after the end shows
nothing, and every POST answers with a redirect, so Back never offers to
send a form again.
"""

from __future__ import annotations

from flask import Blueprint
from flask import redirect
from flask import url_for

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def home():
    """``/``: the kiosk (which shows the lock screen when no session is active)."""
    return redirect(url_for("kiosk.start"))


from toolkit.web.kiosk import crisis  # noqa: E402,F401  (registers routes on bp)
from toolkit.web.kiosk import offline  # noqa: E402,F401
from toolkit.web.kiosk import screens  # noqa: E402,F401
from toolkit.web.kiosk import survey  # noqa: E402,F401
from toolkit.web.kiosk import sync  # noqa: E402,F401
from toolkit.web.kiosk import unlock  # noqa: E402,F401
