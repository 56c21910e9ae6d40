"""Forms the kiosk's script sends with ``fetch``: their redirects become ``{"go": URL}``.

The script submits kiosk forms itself, so that a dropped network is noticed
and the page can be kept on the tablet instead of lost. The server handles
those submissions exactly like a form post and still answers with a
redirect; this turns that redirect into JSON the script follows, so the
browser's history holds only the pages (GET), never a form post.
"""

from __future__ import annotations

from flask import Flask
from flask import jsonify
from flask import request

HEADER = "X-Kiosk-Fetch"


def init_fetch_submits(app: Flask) -> None:
    """Answer redirects of requests marked with the ``X-Kiosk-Fetch`` header as JSON."""

    @app.after_request
    def _redirect_as_json(response):
        if request.headers.get(HEADER) == "1" and 300 <= response.status_code < 400:
            go = jsonify({"go": response.headers["Location"]})
            for cookie in response.headers.getlist("Set-Cookie"):
                go.headers.add("Set-Cookie", cookie)
            return go
        return response
