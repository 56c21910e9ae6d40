"""The participant-facing kiosk: lock screen, survey pages, crisis message, thank-you.

A browser holds a kiosk session only through the random token that staff
hand over; every page checks it, and it is destroyed when the battery is
finished, when the tablet idles, or when staff sign in. Responses are never
cached (``Cache-Control: no-store``), so Back after the end shows nothing.
"""

from __future__ import annotations

import secrets

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from toolkit.store.capture import page_instrument
from toolkit.store.capture import save_page
from toolkit.store.capture import session_alerts
from toolkit.store.errors import SessionClosedError
from toolkit.store.errors import TamperedInputError
from toolkit.store.kiosk import close_session
from toolkit.store.kiosk import find_session
from toolkit.store.kiosk import touch
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.store.programs import crisis_message
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.i18n import local
from toolkit.web.survey_forms import answers_from
from toolkit.web.survey_forms import check_untampered
from toolkit.web.survey_forms import initial_data
from toolkit.web.survey_forms import page_form_class

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def home():
    """``/``: the kiosk (which shows the lock screen when no session is active)."""
    return redirect(url_for("kiosk.start"))


def _active() -> KioskSession | None:
    db = get_db()
    ks = find_session(db, session.get("kiosk"))
    if ks is None and session.pop("kiosk", None) is not None:
        db.commit()  # an expired session was paused
    if ks is not None:
        g.language = ks.language
    return ks


@bp.route("/")
def start():
    ks = _active()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    return redirect(url_for("kiosk.page", n=ks.current_page))


@bp.route("/lock", methods=["GET", "POST"])
def lock():
    """The lock screen; POST (from the idle timer) pauses the session first."""
    if request.method == "POST":
        ks = _active()
        if ks is not None:
            close_session(get_db(), ks, "paused", reason="idle")
            get_db().commit()
        session.pop("kiosk", None)
        session.pop("kiosk_done", None)
        return redirect(url_for("kiosk.lock"))
    if session.get("kiosk") and _active() is not None:
        return redirect(url_for("kiosk.start"))
    return render_template("kiosk/lock.html", greetings=lock_greetings(current_app.config["LANGUAGES"]))


def lock_greetings(languages: list[str]) -> list[dict[str, str]]:
    """The lock screen's message in every kiosk language: whoever picks up the tablet next may read either."""
    greetings = []
    for lang in languages:
        with force_locale(lang):
            greetings.append({
                "lang": lang,
                "title": _("This tablet is ready for the next person"),
                "lead": _("A staff member will set it up for you."),
            })
    return greetings


def _stored(ks: KioskSession, instrument_id: str, items: list[str]) -> dict:
    rows = get_db().execute(
        select(ItemResponse.item_id, ItemResponse.value, ItemResponse.declined)
        .join(Administration, ItemResponse.administration_id == Administration.id)
        .where(
            Administration.participant_id == ks.participant_id,
            Administration.wave_id == ks.wave_id,
            Administration.instrument_id == instrument_id,
            ItemResponse.item_id.in_(items),
        )
    ).all()
    return {item: (value, declined) for item, value, declined in rows}


def _render(ks: KioskSession, n: int, form=None, missing=(), status: int = 200):
    page, inst = page_instrument(get_registry(), ks, n)
    form_class, questions = page_form_class(inst, tuple(page["items"]), ks.language)
    if form is None:
        form = form_class(formdata=None, data=initial_data(questions, _stored(ks, inst.id, page["items"])))
    form.submission_key.data = secrets.token_urlsafe(18)
    form.ref.data = ks.ref
    form.page.data = str(n)
    body = render_template(
        "kiosk/page.html",
        ks=ks,
        n=n,
        page=page,
        inst=inst,
        title=local(inst.administer_as, ks.language) or inst.short_title,
        instructions=local(inst.instructions, ks.language),
        form=form,
        questions=questions,
        missing=set(missing),
        idle=ks.participant.program.idle_timeout_s,
        progress=round(100 * n / ks.page_count),
    )
    return body, status


@bp.route("/page/<int:n>", methods=["GET"])
def page(n: int):
    ks = _active()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    if not 0 <= n <= min(ks.furthest_page, ks.page_count - 1):
        return redirect(url_for("kiosk.page", n=ks.current_page))
    touch(ks)
    get_db().commit()
    return _render(ks, n)


@bp.route("/page/<int:n>", methods=["POST"])
def submit(n: int):
    db = get_db()
    held_token = bool(session.get("kiosk"))
    ks = _active()
    key = request.form.get("submission_key", "")
    if ks is None:
        return _after_end(key, held_token)
    if request.form.get("ref") != ks.ref or request.form.get("page") != str(n):
        abort(400, _("This page belongs to another session or page. Reload the page."))
    try:
        page_plan, inst = page_instrument(get_registry(), ks, n)
        check_untampered(request.form, inst, page_plan["items"])
    except TamperedInputError as exc:
        abort(400, str(exc))
    action = request.form.get("action", "next")
    form_class, questions = page_form_class(inst, tuple(page_plan["items"]), ks.language)
    form = form_class(formdata=request.form)
    if action.startswith("lang:"):
        lang = action.removeprefix("lang:")
        if lang not in ("en", "es"):
            abort(400, "Unknown language.")
        ks.language = g.language = lang
        touch(ks)
        db.commit()
        form_class, questions = page_form_class(inst, tuple(page_plan["items"]), lang)
        return _render(ks, n, form_class(formdata=request.form))
    answers, missing = answers_from(form, questions)
    form.validate()
    invalid = [q.item_id for q in questions if form[q.item_id].errors and q.item_id not in missing and q.kind == "count"]
    if action == "back":
        if not missing and not invalid:
            _save(ks, n, answers, key)
        return redirect(url_for("kiosk.page", n=max(n - 1, 0)))
    if missing or invalid:
        return _render(ks, n, form, missing=[*missing, *invalid], status=422)
    result = _save(ks, n, answers, key)
    crisis = bool(result.new_alerts) or (result.replayed and session_alerts(db, ks, result.page_index) > 0)
    if result.complete:  # the message is repeated at the end if any answer in the session raised an alert
        return _finish(ks, crisis or session_alerts(db, ks) > 0)
    if crisis:
        session["kiosk_crisis"] = result.next_page
        return redirect(url_for("kiosk.support"))
    return redirect(url_for("kiosk.page", n=result.next_page))


def _finish(ks: KioskSession, crisis: bool):
    session.pop("kiosk", None)
    session["kiosk_done"] = {"lang": ks.language, "crisis": crisis, "program": ks.participant.program_id}
    return redirect(url_for("kiosk.done"))


def _save(ks: KioskSession, n: int, answers: dict, key: str):
    try:
        return save_page(get_db(), get_registry(), ks, n, answers, key)
    except TamperedInputError as exc:
        abort(400, str(exc))
    except SessionClosedError as exc:
        abort(409, str(exc))


def _after_end(key: str, held_token: bool):
    """A POST after the session ended: a replay of its last page shows the end screen again."""
    db = get_db()
    prior = db.scalar(select(PageSave).where(PageSave.submission_key == key)) if key else None
    ks = db.get(KioskSession, prior.kiosk_session_id) if prior is not None else None
    if ks is not None and ks.status == "complete" and held_token:
        # a double tap on Finish: the key was only ever sent to the browser that held the session
        return _finish(ks, session_alerts(db, ks) > 0)
    session.pop("kiosk", None)
    return redirect(url_for("kiosk.lock"))


@bp.route("/support")
def support():
    """The crisis message, shown once after a page on which a safety alert fired."""
    ks = _active()
    if ks is None or "kiosk_crisis" not in session:
        return redirect(url_for("kiosk.start"))
    nxt = session.pop("kiosk_crisis")
    return render_template(
        "kiosk/support.html",
        ks=ks,
        message=crisis_message(ks.participant.program, ks.language),
        next_url=url_for("kiosk.page", n=nxt),
        idle=ks.participant.program.idle_timeout_s,
    )


@bp.route("/done")
def done():
    """Thank-you screen after the last page; the tablet is locked behind it."""
    info = session.pop("kiosk_done", None)
    if info is None:
        return redirect(url_for("kiosk.lock"))
    g.language = info["lang"]
    message = None
    if info["crisis"]:
        from toolkit.store.models import Program

        message = crisis_message(get_db().get(Program, info["program"]), info["lang"])
    return render_template("kiosk/done.html", message=message, idle=120)
