"""Checks of a program's settings: each returns the value to store or raises a field's error.

Messages start with the setting's name as people read it ("time zone:",
"alert emails:") and end with the fix; the error's ``field`` is the
parameter name of :func:`toolkit.store.programs.update_program`, so a form
can show the message under the right field.
"""

from __future__ import annotations

import functools
import re
import secrets
import zoneinfo
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from toolkit.store.errors import StoreError
from toolkit.store.models import PAGE_MODES
from toolkit.store.models import Program

LABELS = {
    "name": "name",
    "slug": "slug",
    "waves": "waves",
    "battery": "battery",
    "instrument_choice": "instrument choice",
    "page_mode": "page mode",
    "idle_timeout_s": "idle timeout",
    "crisis_en": "crisis message (English)",
    "crisis_es": "crisis message (Spanish)",
    "time_zone": "time zone",
    "alert_emails": "alert emails",
    "escalate_emails": "escalation emails",
    "escalate_after_s": "escalate after",
    "alert_webhook_url": "alert webhook URL",
    "alert_webhook_secret": "alert webhook secret",
    "risk_decline": "risk items may be declined",
    "read_aloud": "read aloud",
    "followup_target_pct": "follow-up target",
}
"""How each setting is named in messages, by its parameter name."""

IDLE_RANGE = (30, 3600)
ESCALATE_RANGE = (3, 24 * 3600)
TARGET_RANGE = (1, 100)
MAX_NAME = 200
MAX_CRISIS = 2000
MAX_EMAILS = 20
MAX_URL = 500
EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"'.]+(\.[^@\s,;<>\"'.]+)+$")


SETTING_ATTRS = {"crisis_en": "crisis_message_en", "crisis_es": "crisis_message_es"}
"""Program attributes whose parameter name differs (the rest are named alike)."""


def check_settings(**given: Any) -> dict[str, Any]:
    """The given settings, checked and normalized, by parameter name; None means not given.

    A blank crisis message or webhook URL comes back as None (the default;
    no webhook), which is a value to store, unlike a setting not given.
    """
    checks = {
        "name": check_name,
        "page_mode": check_page_mode,
        "idle_timeout_s": check_idle_timeout,
        "crisis_en": lambda v: check_crisis(v, "en"),
        "crisis_es": lambda v: check_crisis(v, "es"),
        "time_zone": check_time_zone,
        "alert_emails": lambda v: check_emails("alert_emails", v),
        "escalate_emails": lambda v: check_emails("escalate_emails", v),
        "escalate_after_s": check_escalate_after,
        "alert_webhook_url": check_webhook_url,
        "risk_decline": bool,
        "read_aloud": bool,
        "followup_target_pct": check_followup_target,
    }
    return {field: checks[field](value) for field, value in given.items() if value is not None}


def _seconds(n: object) -> str:
    return f"{n} second" if n == 1 else f"{n} seconds"


def fail(field: str, problem: str) -> StoreError:
    """A :class:`StoreError` for ``field``: ``"<label>: <problem>"``."""
    return StoreError(f"{LABELS.get(field, field)}: {problem}", field=field)


def check_name(name: str) -> str:
    """The program's name, stripped; 1-200 characters."""
    name = (name or "").strip()
    if not name:
        raise fail("name", "the program needs a name; write the name staff and funders know it by")
    if len(name) > MAX_NAME:
        raise fail("name", f"{len(name)} characters is too long; use at most {MAX_NAME}")
    return name


def check_page_mode(mode: str) -> str:
    """``section`` (one instrument per page) or ``item`` (one question per screen)."""
    if mode not in PAGE_MODES:
        raise fail("page_mode", f"'{mode}' is not a page mode; use one of {', '.join(PAGE_MODES)}")
    return mode


def check_idle_timeout(seconds: int) -> int:
    """Seconds without a touch before the tablet locks: 30-3600."""
    low, high = IDLE_RANGE
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not low <= seconds <= high:
        raise fail("idle_timeout_s", f"{_seconds(seconds)} is out of range; use between {low} and {high} seconds")
    return seconds


def check_crisis(text: str, language: str) -> str | None:
    """A custom crisis message, or None (blank) for the default 988 Lifeline text."""
    text = (text or "").strip()
    if len(text) > MAX_CRISIS:
        raise fail(f"crisis_{language}", f"{len(text)} characters is too long; keep it under {MAX_CRISIS}")
    return text or None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(name: str) -> str:
    """An IANA time zone name such as ``America/New_York``."""
    name = (name or "").strip()
    if name not in _zones():
        from toolkit.instruments.rules import did_you_mean

        hint = did_you_mean(name, _zones()).removeprefix("; ")
        raise fail(
            "time_zone",
            f"'{name}' is not a time zone; " + (hint or "use an IANA name such as America/New_York or Europe/Madrid"),
        )
    return name


def check_emails(field: str, addresses: Iterable[str]) -> list[str]:
    """Email addresses, stripped, lowercased and without repeats; an empty list is allowed."""
    out: list[str] = []
    for raw in addresses:
        address = raw.strip().lower()
        if not address:
            continue
        if len(address) > 254 or not EMAIL.match(address):
            raise fail(field, f"'{raw.strip()}' does not look like an email address; write it as name@example.org")
        if address not in out:
            out.append(address)
    if len(out) > MAX_EMAILS:
        raise fail(field, f"{len(out)} addresses is too many; use at most {MAX_EMAILS} (a mailing list counts as one)")
    return out


def check_escalate_after(seconds: int) -> int:
    """Seconds an urgent alert may wait unacknowledged before escalation: 3 s to 24 h."""
    low, high = ESCALATE_RANGE
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not low <= seconds <= high:
        raise fail(
            "escalate_after_s",
            f"{_seconds(seconds)} is out of range; use between {low} seconds (0.05 minutes)"
            f" and {high // 3600} hours ({high // 60} minutes)",
        )
    return seconds


def check_followup_target(percent: int) -> int:
    """The share of follow-ups to give within their windows: a whole percent, 1-100."""
    low, high = TARGET_RANGE
    if isinstance(percent, bool) or not isinstance(percent, int) or not low <= percent <= high:
        raise fail(
            "followup_target_pct",
            f"{percent} is not a whole percent from {low} to {high}; write a number such as 80 (SAMHSA's GPRA target)",
        )
    return percent


def check_webhook_url(url: str) -> str | None:
    """An ``https://`` or ``http://`` URL for alert webhooks, or None (blank) for no webhook."""
    url = (url or "").strip()
    if not url:
        return None
    example = "for example https://hooks.example.org/outcomes"
    if len(url) > MAX_URL or any(c.isspace() for c in url):
        raise fail("alert_webhook_url", f"'{url[:80]}' is not a single URL of at most {MAX_URL} characters; {example}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https"):
        raise fail("alert_webhook_url", f"'{url}' must start with https:// or http://; {example}")
    if not host:
        raise fail("alert_webhook_url", f"'{url}' has no host name; {example}")
    return url


def renew_webhook_secret(program: Program) -> dict[str, dict[str, Any]]:
    """Make a signing secret when a webhook is first set; drop it when the webhook goes.

    Returns the change for the audit log, which never holds the secret itself.
    """
    had = program.alert_webhook_secret is not None
    if program.alert_webhook_url and not had:
        program.alert_webhook_secret = secrets.token_urlsafe(32)
        return {"alert_webhook_secret": {"old": None, "new": "(generated)"}}
    if not program.alert_webhook_url and had:
        program.alert_webhook_secret = None
        return {"alert_webhook_secret": {"old": "(set)", "new": None}}
    return {}
