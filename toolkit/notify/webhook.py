"""Posting a notification's JSON to a program's webhook, signed with its secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from toolkit.notify.errors import DeliveryError

TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-Outcomes-Signature"
TIMESTAMP_HEADER = "X-Outcomes-Timestamp"
USER_AGENT = "peer-outcomes-alerts/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx, so a failure (the body is never re-sent)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def encode_body(payload: dict) -> bytes:
    """The exact bytes that are posted and signed (compact JSON, keys sorted)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``body`` keyed with ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post_webhook(url: str, body: bytes, *, secret: str | None, timestamp: int, timeout: float = TIMEOUT_S) -> None:
    """POST ``body`` to ``url``; returns on a 2xx answer.

    Headers: ``Content-Type: application/json``, ``X-Outcomes-Timestamp``
    (Unix seconds, also inside the signed body) and, when the program has a
    secret, ``X-Outcomes-Signature``. Raises :class:`DeliveryError` with a
    short reason on any other answer or a network failure.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError("webhook URL is not http(s)://host/...; fix the program's webhook URL")
    where = f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        raise DeliveryError(f"{where} answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"{where}: {_why(exc.reason)}") from None
    except TimeoutError:
        raise DeliveryError(f"{where} did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise DeliveryError(f"{where}: {exc.strerror or exc.__class__.__name__}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"{where} answered HTTP {status}")


def _why(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError):
        return reason.strerror or reason.__class__.__name__
    return str(reason)[:120]
