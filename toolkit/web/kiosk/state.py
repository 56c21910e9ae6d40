"""Which kiosk session this browser holds, where it should be, and handing a tablet over."""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import redirect
from flask import session
from flask import url_for

from toolkit.store.kiosk import find_session
from toolkit.store.models import KioskSession
from toolkit.web.db import get_db

DONE_KEY = "kiosk_done"
LANG_KEY = "kiosk_lang"
FINISHED_KEY = "kiosk_finished"  # the session this browser just finished (until the tablet locks)


def active_session() -> KioskSession | None:
    """The active kiosk session of this browser, or None; sets the page language to its language."""
    db = get_db()
    ks = find_session(db, session.get("kiosk"))
    if ks is None and session.pop("kiosk", None) is not None:
        db.commit()  # an expired session was paused
    if ks is not None:
        use_language(ks.language)
    return ks


def use_language(lang: str) -> None:
    """Render this request in ``lang`` and remember it for error pages of this browser."""
    if lang in current_app.config["LANGUAGES"]:
        g.language = lang
        if session.get(LANG_KEY) != lang:  # a session written only when it changes
            session[LANG_KEY] = lang


def where_now(ks: KioskSession):
    """A redirect to the screen the session is at: waiting for staff, the crisis message, or its page."""
    if ks.held_at is not None:
        return redirect(url_for("kiosk.waiting"))
    if ks.crisis_page is not None:
        return redirect(url_for("kiosk.support"))
    return redirect(url_for("kiosk.page", n=ks.current_page))


def finish(ks: KioskSession):
    """Go to the end screen: the same for every participant, whatever they answered."""
    session.pop("kiosk", None)
    session[DONE_KEY] = {"lang": ks.language}
    session[FINISHED_KEY] = ks.ref
    return redirect(url_for("kiosk.done"))
