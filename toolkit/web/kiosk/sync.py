"""Receiving what a tablet kept while offline: pages and choices, in order, each exactly once.

The tablet sends ``{"ref", "key", "items": [...]}``. ``key`` is the session's
sync key (:func:`~toolkit.web.kiosk.rendering.sync_key`), so pages of an
earlier session still arrive after the browser moved on to the next
participant; cookies play no part. Items are applied in the order the
participant produced them:

- ``{"kind": "page", "id": SUBMISSION_KEY, "n": 2, "action": "next"|"back",
  "fields": {...}, "answered_at": ISO-8601}`` saves a page (a replayed key
  changes nothing), with the tablet's answer time and the server's;
- ``{"kind": "choice", "id", "choice": "talk"|"continue"|"stop", "at"}``;
- ``{"kind": "lock", "id", "at"}`` and ``{"kind": "lang", "id", "lang"}``.

The answer says which ids are done (the tablet deletes them) and which
failed for good, with the reason; a server error leaves the rest for a retry.
"""

from __future__ import annotations

import hmac
import threading
import time
from datetime import datetime
from datetime import UTC

from flask import abort
from flask import jsonify
from flask import request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from toolkit.languages import LANGUAGES
from toolkit.store.audit import record
from toolkit.store.capture import save_page
from toolkit.store.crisis import ask_for_staff
from toolkit.store.crisis import continue_survey
from toolkit.store.crisis import stop_survey
from toolkit.store.drafts import save_draft
from toolkit.store.engine import begin_write
from toolkit.store.errors import StoreError
from toolkit.store.kiosk import close_session
from toolkit.store.models import KioskSession
from toolkit.store.page_times import PageTimes
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.rendering import page_parts
from toolkit.web.kiosk.rendering import sync_key
from toolkit.web.survey_forms import answers_from
from toolkit.web.survey_forms import check_untampered
from toolkit.web.survey_forms import draft_fields

MAX_ITEMS = 200
KINDS = ("page", "choice", "lock", "lang")
SYNC_SLOTS = threading.BoundedSemaphore(1)
"""Queues are sent by one request at a time per server process: when many tablets come back
online together, the others are asked to retry shortly, so participants answering online
are never left waiting for a free server thread."""
RETRY_AFTER_S = 1
ITEM_PAUSE_S = 0.02
"""A pause between queued items, write lock released: a page being saved online by a
participant gets in between them (SQLite's waiting writers poll, they do not queue)."""


class BadItem(ValueError):
    """An item no tablet of ours sends; it fails for good."""


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@bp.route("/sync", methods=["POST"])
def sync():
    """Apply a tablet's queued items for one session; answer which are done and which failed.

    ``503`` with ``Retry-After`` when this process is already applying another queue.
    """
    if not SYNC_SLOTS.acquire(blocking=False):
        return jsonify({"error": "busy; send again shortly"}), 503, {"Retry-After": str(RETRY_AFTER_S)}
    try:
        return _sync()
    finally:
        SYNC_SLOTS.release()


def _sync():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) or not isinstance(data.get("ref"), str):
        abort(400, "Send {ref, key, items}.")
    if len(data["items"]) > MAX_ITEMS:
        abort(413, f"At most {MAX_ITEMS} items at a time.")
    db = get_db()
    ks = db.scalar(select(KioskSession).where(KioskSession.ref == data["ref"][:32]))
    key = data.get("key")
    if ks is None or not isinstance(key, str) or not hmac.compare_digest(key, sync_key(ks.ref)):
        return jsonify({"error": "unknown session or wrong key"}), 404
    db.rollback()  # end the read; each item below is its own write transaction (SQLite: BEGIN IMMEDIATE)
    done: list[str] = []
    failed: list[dict] = []
    wrote = False
    for item in data["items"]:
        item_id = str(item.get("id", ""))[:64] if isinstance(item, dict) else ""
        if wrote:
            time.sleep(ITEM_PAUSE_S)
        begin_write(db)
        try:
            wrote = _apply(ks, item)
            db.commit()
            done.append(item_id)
        except (BadItem, StoreError) as exc:
            db.rollback()
            failed.append({"id": item_id, "reason": str(exc)})
            begin_write(db)
            record(
                db,
                "offline_item_refused",
                program_id=ks.participant.program_id,
                kiosk_session_id=ks.id,
                reason=str(exc)[:200],
            )
            db.commit()
    return jsonify({"done": done, "failed": failed})


def _apply(ks: KioskSession, item: object) -> bool:
    """Apply one item; False when it was a page already saved (a replay: nothing written)."""
    if not isinstance(item, dict) or item.get("kind") not in KINDS:
        raise BadItem("item: not one of page, choice, lock, lang")
    kind = item["kind"]
    db = get_db()
    db.refresh(ks)
    if kind == "page":
        return _apply_page(ks, item)
    if kind == "choice":
        choice = item.get("choice")
        if choice == "talk":
            when = PageTimes.from_device(ks, _time(item.get("at")), offline=True)
            ask_for_staff(db, ks, at=when.answered_at, offline=True)
        elif choice == "continue":
            continue_survey(db, ks, offline=True)
        elif choice == "stop":
            stop_survey(db, ks, offline=True)
        else:
            raise BadItem("choice: not talk, continue or stop")
    elif kind == "lock":
        if ks.status == "active":
            close_session(db, ks, "paused", reason="idle (offline)")
    elif item.get("lang") in LANGUAGES:
        ks.language = item["lang"]
    else:
        raise BadItem("lang: not a kiosk language")
    return True


def _apply_page(ks: KioskSession, item: dict) -> bool:
    n, key, fields = item.get("n"), item.get("id"), item.get("fields")
    if not isinstance(n, int) or not isinstance(key, str) or not 8 <= len(key) <= 64 or not isinstance(fields, dict):
        raise BadItem("page: needs n, id (the submission key) and fields")
    if not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 20 for k, v in fields.items()):
        raise BadItem("page: fields must be short texts")
    db = get_db()
    plan, inst, form_class, questions = page_parts(ks, n, ks.language)
    formdata = MultiDict(fields)
    check_untampered(formdata, inst, plan["items"], ks.participant.program.risk_decline)
    form = form_class(formdata=formdata, meta={"csrf": False})
    answers, missing = answers_from(form, questions)
    form.validate()
    invalid = [
        q.item_id for q in questions if q.kind == "count" and form[q.item_id].errors and q.item_id not in missing
    ]
    if missing or invalid:  # an unfinished page, left with Back: a draft
        return save_draft(db, ks, n, draft_fields(formdata, questions), rendered_key=key)
    when = PageTimes.from_device(ks, _time(item.get("answered_at")), offline=True)
    return not save_page(db, get_registry(), ks, n, answers, key, when).replayed
