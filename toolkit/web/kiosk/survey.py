"""Survey pages: show a page, save it with Next, keep ticked answers as a draft, switch language."""

from __future__ import annotations

from flask import abort
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from toolkit.languages import LANGUAGES
from toolkit.notify.service import wake as notify_now
from toolkit.store.capture import save_page
from toolkit.store.drafts import load_draft
from toolkit.store.drafts import save_draft
from toolkit.store.errors import SessionClosedError
from toolkit.store.errors import TamperedInputError
from toolkit.store.kiosk import touch
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.rendering import page_parts
from toolkit.web.kiosk.rendering import render_page
from toolkit.web.kiosk.state import active_session
from toolkit.web.kiosk.state import finish
from toolkit.web.kiosk.state import FINISHED_KEY
from toolkit.web.kiosk.state import use_language
from toolkit.web.kiosk.state import where_now
from toolkit.web.survey_forms import answers_from
from toolkit.web.survey_forms import check_untampered
from toolkit.web.survey_forms import draft_fields
from toolkit.web.survey_forms import page_formdata

MISSING_KEY = "kiosk_missing"


@bp.route("/")
def start():
    ks = active_session()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    return where_now(ks)


def _stored(ks: KioskSession, instrument_id: str, items: list[str]) -> dict:
    rows = (
        get_db()
        .execute(
            select(ItemResponse.item_id, ItemResponse.value, ItemResponse.declined)
            .join(Administration, ItemResponse.administration_id == Administration.id)
            .where(
                Administration.participant_id == ks.participant_id,
                Administration.wave_id == ks.wave_id,
                Administration.instrument_id == instrument_id,
                ItemResponse.item_id.in_(items),
            )
        )
        .all()
    )
    return {item: (value, declined) for item, value, declined in rows}


def _page(ks: KioskSession, n: int):
    """The plan entry, instrument, form class and questions of page ``n`` in the session's language."""
    return page_parts(ks, n, ks.language)


@bp.route("/page/<id:n>", methods=["GET"])
def page(n: int):
    ks = active_session()
    if ks is None:
        return redirect(url_for("kiosk.lock"))
    if ks.held_at is not None or ks.crisis_page is not None:
        return where_now(ks)
    if not 0 <= n <= min(ks.furthest_page, ks.page_count - 1):
        return redirect(url_for("kiosk.page", n=ks.current_page))
    db = get_db()
    touch(ks)
    db.commit()
    plan, inst, form_class, questions = _page(ks, n)
    data = page_formdata(questions, _stored(ks, inst.id, plan["items"]), load_draft(db, ks, n))
    missing: list[str] = []
    if session.get(MISSING_KEY) == [ks.ref, n]:  # Next was tapped with answers missing
        session.pop(MISSING_KEY)
        form = form_class(formdata=data)
        _answers, missing = answers_from(form, questions)
        form.validate()
        missing += [
            q.item_id for q in questions if q.kind == "count" and form[q.item_id].errors and q.item_id not in missing
        ]
    return render_page(ks, n, ks.language, data, missing)


@bp.route("/page/<id:n>", methods=["POST"])
def submit(n: int):
    db = get_db()
    held_token = bool(session.get("kiosk"))
    ks = active_session()
    key = request.form.get("submission_key", "")
    if ks is None:
        return _after_end(key, held_token)
    if request.form.get("ref") != ks.ref or request.form.get("page") != str(n):
        abort(400, _("This page belongs to another session or page. Reload the page."))
    if ks.held_at is not None or ks.crisis_page is not None:
        return where_now(ks)
    try:
        plan, inst, form_class, questions = _page(ks, n)
        check_untampered(request.form, inst, plan["items"], ks.participant.program.risk_decline)
    except TamperedInputError as exc:
        abort(400, str(exc))
    action = request.form.get("action", "next")
    form = form_class(formdata=request.form)
    answers, missing = answers_from(form, questions)
    form.validate()
    invalid = [
        q.item_id for q in questions if form[q.item_id].errors and q.item_id not in missing and q.kind == "count"
    ]
    complete = not missing and not invalid
    if action.startswith("lang:"):
        lang = action.removeprefix("lang:")
        if lang not in LANGUAGES:
            abort(400, "Unknown language.")
        _keep_draft(ks, n, draft_fields(request.form, questions), key)
        ks.language = lang
        use_language(lang)
        touch(ks)
        db.commit()
        return redirect(url_for("kiosk.page", n=n), code=303)
    if action == "back":
        if complete and n + 1 < ks.page_count:  # the last page is only saved by Finish
            result = _save(ks, n, answers, key)
            if result.crisis:
                return where_now(ks)
        else:
            _keep_draft(ks, n, draft_fields(request.form, questions), key)
            touch(ks)
            db.commit()
        return redirect(url_for("kiosk.page", n=max(n - 1, 0)), code=303)
    if not complete:
        _keep_draft(ks, n, draft_fields(request.form, questions), key)
        touch(ks)
        db.commit()
        session[MISSING_KEY] = [ks.ref, n]
        return redirect(url_for("kiosk.page", n=n, _anchor="missing-msg"), code=303)
    result = _save(ks, n, answers, key)
    if result.complete:
        return finish(ks)
    return where_now(ks)


def _keep_draft(ks: KioskSession, n: int, fields: dict[str, str], key: str) -> None:
    save_draft(get_db(), ks, n, fields, rendered_key=key or None)


def _save(ks: KioskSession, n: int, answers: dict, key: str):
    try:
        result = save_page(get_db(), get_registry(), ks, n, answers, key)
    except TamperedInputError as exc:
        abort(400, str(exc))
    except SessionClosedError as exc:
        abort(409, str(exc))
    if result.new_alerts:
        notify_now()
    return result


def _after_end(key: str, held_token: bool):
    """A POST after the session ended: a replay of its last page shows the end screen again."""
    db = get_db()
    prior = db.scalar(select(PageSave).where(PageSave.submission_key == key)) if key else None
    ks = db.get(KioskSession, prior.kiosk_session_id) if prior is not None else None
    if ks is not None and ks.status == "complete" and (held_token or session.get(FINISHED_KEY) == ks.ref):
        # a double tap on Finish: the key was only ever sent to the browser that held the
        # session, and this browser finished it a moment ago
        return finish(ks)
    session.pop("kiosk", None)
    return redirect(url_for("kiosk.lock"), code=303)


@bp.route("/page/<id:n>/draft", methods=["POST"])
def draft(n: int):
    """Keep the answers ticked so far on page ``n`` (sent by the page's script on every change)."""
    ks = active_session()
    if ks is None:
        return "", 410
    if request.form.get("ref") != ks.ref or request.form.get("page") != str(n):
        abort(400, "This draft belongs to another session or page.")
    try:
        plan, inst, _form_class, questions = _page(ks, n)
        check_untampered(request.form, inst, plan["items"], ks.participant.program.risk_decline)
    except TamperedInputError as exc:
        abort(400, str(exc))
    db = get_db()
    kept = save_draft(
        db, ks, n, draft_fields(request.form, questions), rendered_key=request.form.get("submission_key") or None
    )
    touch(ks)
    try:
        db.commit()
    except IntegrityError:  # two drafts of one page at once: the other one is as new as this
        db.rollback()
    return "", 204 if kept else 409


@bp.route("/still-here", methods=["POST"])
def still_here():
    """The participant tapped "I'm here": push the idle deadline forward."""
    ks = active_session()
    if ks is None:
        return "", 410
    touch(ks)
    get_db().commit()
    return "", 204
