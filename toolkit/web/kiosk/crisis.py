"""The crisis message after a safety alert, and the participant's three choices.

The state lives in the database (``KioskSession.crisis_page``), not in the
browser: reloading the message shows it again, and no survey page can be
reached until the participant has chosen.
"""

from __future__ import annotations

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from toolkit.notify.service import wake as notify_now
from toolkit.store.crisis import ask_for_staff
from toolkit.store.crisis import CHOICES
from toolkit.store.crisis import continue_survey
from toolkit.store.crisis import stop_survey
from toolkit.store.programs import crisis_message
from toolkit.web.db import get_db
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.rendering import screen_context
from toolkit.web.kiosk.state import active_session
from toolkit.web.kiosk.state import finish
from toolkit.web.kiosk.state import where_now


@bp.route("/support")
def support():
    """The crisis message with its choices, while the session waits for one."""
    ks = active_session()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    if ks.crisis_page is None or ks.held_at is not None:
        return where_now(ks)
    program = ks.participant.program
    return render_template(
        "kiosk/support.html",
        message=crisis_message(program, ks.language),
        idle=program.idle_timeout_s,
        **screen_context(ks, ks.language),
    )


@bp.route("/support", methods=["POST"])
def choose():
    """Carry out the participant's choice: talk to someone now, continue, or stop here."""
    ks = active_session()
    if ks is None:
        return redirect(url_for("kiosk.lock"), code=303)
    choice = request.form.get("choice")
    if choice not in CHOICES:
        abort(400, "Choose one of the buttons.")
    if ks.crisis_page is None or ks.held_at is not None:
        return where_now(ks)  # already chosen (a second tap, or Back to this screen)
    db = get_db()
    if choice == "talk":
        ask_for_staff(db, ks)
        db.commit()
        notify_now()
        return redirect(url_for("kiosk.waiting"), code=303)
    if choice == "stop":
        stop_survey(db, ks)
        db.commit()
        return finish(ks)
    finished = continue_survey(db, ks)
    db.commit()
    return finish(ks) if finished else where_now(ks)
