"""The client's address behind a reverse proxy: how many proxies in front are trusted.

``OUTCOMES_TRUSTED_PROXIES`` (or the ``TRUSTED_PROXIES`` setting) is the number
of proxies in front of the app, each of which appends the address it saw to
``X-Forwarded-For``. With 0 (the default) those headers are ignored and the
client is the address that connected; with N, the app takes the address the
Nth proxy from the app saw (Werkzeug's ``ProxyFix``), and the scheme from
``X-Forwarded-Proto``.
"""

from __future__ import annotations

import os

ENV = "OUTCOMES_TRUSTED_PROXIES"
MAX_HOPS = 5


def trusted_proxy_hops(setting: int | str | None = None) -> int:
    """The number of trusted proxies: ``setting``, else ``$OUTCOMES_TRUSTED_PROXIES``, else 0.

    Raises ValueError naming the variable and the fix for anything but a small whole number.
    """
    raw = setting if setting is not None else os.environ.get(ENV, "0")
    text = str(raw).strip() or "0"
    if not text.isdigit() or int(text) > MAX_HOPS:
        raise ValueError(
            f"{ENV}: '{raw}' is not a number of proxies; set it to 0 (no proxy in front),"
            f" or to how many proxies forward requests to the app (usually 1, at most {MAX_HOPS})"
        )
    return int(text)
