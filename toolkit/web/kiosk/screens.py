"""Screens around the survey: the lock screen, the end screen, help and crisis numbers, waiting for staff.

Every screen after the last page is the same for every participant: nothing
on it depends on what they answered, so the next person to pick up the
tablet learns nothing about the last one.
"""

from __future__ import annotations

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from toolkit.store.kiosk import close_session
from toolkit.store.models import Program
from toolkit.store.programs import crisis_message
from toolkit.store.programs import DEFAULT_CRISIS
from toolkit.web.db import get_db
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.rendering import screen_context
from toolkit.web.kiosk.state import active_session
from toolkit.web.kiosk.state import DONE_KEY
from toolkit.web.kiosk.state import FINISHED_KEY
from toolkit.web.kiosk.state import LANG_KEY
from toolkit.web.kiosk.state import use_language
from toolkit.web.kiosk.state import where_now
from toolkit.web.kiosk.unlock import pin_unlock_available
from toolkit.web.tablet import tablet_binding

END_SCREEN_IDLE_S = 60


@bp.route("/lock", methods=["GET", "POST"])
def lock():
    """The lock screen; POST (from the idle timer) pauses the session first."""
    if request.method == "POST":
        ks = active_session()
        if ks is not None:
            close_session(get_db(), ks, "paused", reason="idle")
            get_db().commit()
        for key in ("kiosk", DONE_KEY, LANG_KEY, FINISHED_KEY, "kiosk_staff"):
            session.pop(key, None)
        return redirect(url_for("kiosk.lock"), code=303)
    if session.get("kiosk") and active_session() is not None:
        return redirect(url_for("kiosk.start"))
    return render_template(
        "kiosk/lock.html",
        greetings=lock_greetings(current_app.config["LANGUAGES"]),
        pin_unlock=pin_unlock_available(),
    )


def lock_greetings(languages: list[str]) -> list[dict[str, str]]:
    """The lock screen's message in every kiosk language: whoever picks up the tablet next may read either."""
    greetings = []
    for lang in languages:
        with force_locale(lang):
            greetings.append(
                {
                    "lang": lang,
                    "title": _("This tablet is ready for the next person"),
                    "lead": _("A staff member will set it up for you."),
                    "help": _("Help and crisis numbers"),
                }
            )
    return greetings


@bp.route("/done")
def done():
    """Thank-you screen after the last page (or after "Stop here"); the tablet is locked behind it."""
    info = session.pop(DONE_KEY, None)
    if info is None:
        return redirect(url_for("kiosk.lock"))
    use_language(info["lang"])
    return render_template("kiosk/done.html", idle=END_SCREEN_IDLE_S, pin_unlock=pin_unlock_available())


@bp.route("/help")
def help_numbers():
    """Help and crisis numbers, for everyone, from every kiosk screen.

    During a survey it shows the program's message in the participant's
    language and leads back to where they were; on the lock screen it shows
    the message in every kiosk language.
    """
    ks = active_session()
    if ks is not None:
        program = ks.participant.program
        messages = [{"lang": ks.language, "text": crisis_message(program, ks.language)}]
        return render_template(
            "kiosk/help.html", messages=messages, back=url_for("kiosk.start"), idle=program.idle_timeout_s
        )
    program = _tablet_program()
    lang = session.get(LANG_KEY)
    languages = [lang] if lang in current_app.config["LANGUAGES"] else list(current_app.config["LANGUAGES"])
    if len(languages) == 1:
        use_language(languages[0])
    messages = [
        {
            "lang": code,
            "text": crisis_message(program, code) if program else DEFAULT_CRISIS.get(code, DEFAULT_CRISIS["en"]),
        }
        for code in languages
    ]
    # no session to protect: back to the lock screen after a minute, with no form (and no session)
    return render_template(
        "kiosk/help.html", messages=messages, back=url_for("kiosk.lock"), return_after=END_SCREEN_IDLE_S
    )


def _tablet_program() -> Program | None:
    binding = tablet_binding()
    if binding is None or binding.program_id is None:
        return None
    return get_db().get(Program, binding.program_id)


@bp.route("/waiting")
def waiting():
    """ "Someone is on the way": the participant asked to talk to someone; staff unlock to go on."""
    ks = active_session()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    if ks.held_at is None:
        return where_now(ks)
    program = ks.participant.program
    return render_template(
        "kiosk/waiting.html",
        message=crisis_message(program, ks.language),
        idle=program.idle_timeout_s,
        pin_unlock=pin_unlock_available(),
        **screen_context(ks, ks.language),
    )
