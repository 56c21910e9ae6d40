"""What a tablet keeps to go on without the network: the web app manifest, the service worker,
and offline copies of its session's pages and screens in every kiosk language.

The copies hold questions and messages only, never answers: the tablet's
script fills in what this participant ticked from the tablet's own storage.
They are served only to the browser that holds the session.
"""

from __future__ import annotations

from pathlib import Path

from flask import abort
from flask import current_app
from flask import g
from flask import jsonify
from flask import render_template
from flask import Response
from flask import url_for

from toolkit.store.programs import crisis_message
from toolkit.web.kiosk import bp
from toolkit.web.kiosk.rendering import OFFLINE_SCREENS
from toolkit.web.kiosk.rendering import offline_urls
from toolkit.web.kiosk.rendering import render_page
from toolkit.web.kiosk.rendering import screen_context
from toolkit.web.kiosk.state import active_session

STATIC_FOR_OFFLINE = (
    "style.css",
    "kiosk-store.js",
    "kiosk-sync.js",
    "kiosk.js",
    "read-aloud.js",
    "icon-192.png",
    "icon-512.png",
)


def _held(ref: str, lang: str):
    """The session this browser holds, if it is ``ref``; the copy is rendered in ``lang``."""
    ks = active_session()
    if ks is None or ks.ref != ref or lang not in current_app.config["LANGUAGES"]:
        abort(404)
    g.language = lang
    return ks


@bp.route("/offline/<ref>/<lang>/page/<id:n>")
def offline_page(ref: str, lang: str, n: int):
    """The offline copy of page ``n``: the questions, no answers."""
    ks = _held(ref, lang)
    if not 0 <= n < ks.page_count:
        abort(404)
    return render_page(ks, n, lang, None, offline=True)


@bp.route("/offline/<ref>/<lang>/<screen>")
def offline_screen(ref: str, lang: str, screen: str):
    """The offline copy of the crisis message, the waiting screen, the end screen or help."""
    ks = _held(ref, lang)
    if screen not in OFFLINE_SCREENS:
        abort(404)
    program = ks.participant.program
    message = crisis_message(program, lang)
    context = {"offline": True, "idle": program.idle_timeout_s, **screen_context(ks, lang)}
    context["targets"]["continue"] = ""  # the tablet's script knows which page comes next
    if screen == "support":
        return render_template("kiosk/support.html", message=message, **context)
    if screen == "waiting":
        return render_template("kiosk/waiting.html", message=message, pin_unlock=None, **context)
    if screen == "done":
        context["idle"] = 60
        return render_template("kiosk/done.html", pin_unlock=None, **context)
    return render_template("kiosk/help.html", messages=[{"lang": lang, "text": message}], back="", **context)


@bp.route("/offline/<ref>/pack.json")
def offline_pack(ref: str):
    """The addresses the tablet caches when a session starts, so all of it works offline."""
    ks = active_session()
    if ks is None or ks.ref != ref:
        abort(404)
    static = [url_for("static", filename=name) for name in STATIC_FOR_OFFLINE]
    return jsonify(
        {
            "ref": ks.ref,
            "pages": ks.page_count,
            "urls": offline_urls(ks),
            "shared": [url_for("kiosk.offline_lock"), url_for("kiosk.manifest"), *static],
        }
    )


@bp.route("/offline-lock")
def offline_lock():
    """The lock screen as the tablet keeps it: never a redirect, never anyone's session."""
    from toolkit.web.kiosk.screens import lock_greetings

    return render_template(
        "kiosk/lock.html", greetings=lock_greetings(current_app.config["LANGUAGES"]), pin_unlock=None
    )


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from /kiosk/ so that it may look after every kiosk page."""
    script = (Path(current_app.static_folder) / "sw.js").read_bytes()
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: the kiosk can be installed on a tablet's home screen."""
    data = {
        "name": "Peer outcomes kiosk",
        "short_name": "Kiosk",
        "start_url": url_for("kiosk.start"),
        "scope": url_for("kiosk.start"),
        "display": "standalone",
        "background_color": "#f7f6f2",
        "theme_color": "#1f4f46",
        "icons": [
            {"src": url_for("static", filename="icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response
