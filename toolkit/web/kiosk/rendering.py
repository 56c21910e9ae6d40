"""Rendering a survey page, online or as the offline copy a tablet keeps for its session.

Both come from the same template. A page carries what the tablet's script
needs to go on without the network: the session's sync key, the addresses
of the offline copies of the neighbouring pages, and the safety rules of its
risk items, so a risk answer shows the crisis message at once, offline too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from flask import render_template
from flask import url_for
from werkzeug.datastructures import MultiDict

from toolkit.store.answers import page_instrument
from toolkit.store.models import KioskSession
from toolkit.web.db import get_registry
from toolkit.web.i18n import local
from toolkit.web.survey_forms import page_form_class

OFFLINE_SCREENS = ("support", "waiting", "done", "help")


def sync_key(ref: str) -> str:
    """The key a tablet sends queued pages of session ``ref`` with (derived, never stored)."""
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, f"kiosk-sync:{ref}".encode(), hashlib.sha256).hexdigest()[:40]


def page_parts(ks: KioskSession, n: int, lang: str, reached_only: bool = True):
    """The plan entry, instrument, form class and questions of page ``n`` in ``lang``.

    A page the participant has not reached yet is refused (tampering) unless
    ``reached_only`` is False, as for the offline copies of the whole session.
    """
    if reached_only:
        page, inst = page_instrument(get_registry(), ks, n)
    else:
        page = ks.plan[n]
        inst = get_registry().get(page["instrument"], page["version"])
    risk_decline = ks.participant.program.risk_decline
    form_class, questions = page_form_class(inst, tuple(page["items"]), lang, risk_decline)
    return page, inst, form_class, questions


def offline_url(ks: KioskSession, lang: str, screen: str, n: int | None = None) -> str:
    """The address of an offline copy: a page (``screen='page'``) or another kiosk screen."""
    if screen == "page":
        return url_for("kiosk.offline_page", ref=ks.ref, lang=lang, n=n)
    return url_for("kiosk.offline_screen", ref=ks.ref, lang=lang, screen=screen)


def offline_urls(ks: KioskSession) -> list[str]:
    """Every offline copy of the session, in every kiosk language (what the tablet caches)."""
    urls = []
    for lang in current_app.config["LANGUAGES"]:
        urls += [offline_url(ks, lang, "page", n) for n in range(ks.page_count)]
        urls += [offline_url(ks, lang, screen) for screen in OFFLINE_SCREENS]
    return urls


def render_page(ks: KioskSession, n: int, lang: str, data: MultiDict | None, missing=(), offline: bool = False) -> str:
    """The HTML of page ``n`` in ``lang`` showing ``data`` (none for an offline copy)."""
    plan, inst, form_class, questions = page_parts(ks, n, lang, reached_only=not offline)
    form = form_class(formdata=data or MultiDict())
    if missing:
        form.validate()  # the messages of the fields still to answer
    form.submission_key.data = secrets.token_urlsafe(18)
    form.ref.data = ks.ref
    form.page.data = str(n)
    program = ks.participant.program
    rules = {
        q.item_id: f"{inst.item(q.item_id).alert.op} {inst.item(q.item_id).alert.threshold:g}"
        for q in questions
        if inst.item(q.item_id).alert is not None
    }
    return render_template(
        "kiosk/page.html",
        ks=ks,
        n=n,
        lang=lang,
        page=plan,
        inst=inst,
        title=local(inst.administer_as, lang) or inst.short_title,
        instructions=local(inst.instructions, lang),
        form=form,
        questions=questions,
        missing=set(missing),
        rules=rules,
        offline=offline,
        sync_key=sync_key(ks.ref),
        links={
            "prev": offline_url(ks, lang, "page", n - 1) if n > 0 else "",
            "next": offline_url(ks, lang, "page", n + 1) if n + 1 < ks.page_count else "",
            "support": offline_url(ks, lang, "support"),
            "done": offline_url(ks, lang, "done"),
            "pack": url_for("kiosk.offline_pack", ref=ks.ref),
            "sync": url_for("kiosk.sync"),
            "langs": {code: offline_url(ks, code, "page", n) for code in current_app.config["LANGUAGES"]},
        },
        idle=program.idle_timeout_s,
        read_aloud=program.read_aloud,
        progress=round(100 * n / ks.page_count),
    )


def screen_context(ks: KioskSession, lang: str) -> dict:
    """What a crisis or waiting screen needs to go on offline: the session, its key, the choices' copies.

    ``continue`` goes to the page after the one that raised the alert; an
    offline copy of the crisis message, rendered before any alert, leaves it
    to the tablet's script, which knows that page.
    """
    after = ks.crisis_page
    if after is None:
        go_on = ""
    elif after < ks.page_count:
        go_on = offline_url(ks, lang, "page", after)
    else:
        go_on = offline_url(ks, lang, "done")
    return {
        "ref": ks.ref,
        "sync_key": sync_key(ks.ref),
        "sync_url": url_for("kiosk.sync"),
        "targets": {
            "talk": offline_url(ks, lang, "waiting"),
            "stop": offline_url(ks, lang, "done"),
            "continue": go_on,
            "page_pattern": offline_url(ks, lang, "page", 0)[:-1] + "{n}",
            "done": offline_url(ks, lang, "done"),
        },
    }
