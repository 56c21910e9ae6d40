"""The webhook: signed JSON posted to a local HTTP server; any answer but 2xx is a failure."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from notify_data import CODE
from notify_data import raise_alert
from notify_data import rows
from sqlalchemy import select

from toolkit.notify.delivery import deliver_due
from toolkit.notify.errors import DeliveryError
from toolkit.notify.webhook import post_webhook
from toolkit.store.models import Program
from toolkit.store.models import utcnow

SECRET = "s3cret-for-hmac"


class Hook:
    """An HTTP server on 127.0.0.1 that keeps each POST and answers with ``status``."""

    def __init__(self) -> None:
        self.status = 204
        self.requests: list[tuple[dict, bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/alerts"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def hook():
    hook = Hook()
    yield hook
    hook.close()


@pytest.fixture
def webhook_program(sessions, program, hook):
    with sessions() as s:
        prog = s.scalar(select(Program))
        prog.alert_emails = []
        prog.alert_webhook_url = hook.url
        prog.alert_webhook_secret = SECRET
        s.commit()


def verify(headers: dict, body: bytes) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-outcomes-signature"], expected)


def test_signed_post_with_the_alert_facts(sessions, config, hook, webhook_program):
    alert_id = raise_alert(sessions)
    result = deliver_due(sessions, config)
    assert len(result.sent) == 1
    [(headers, body)] = hook.requests
    assert verify(headers, body)
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert payload["alert_id"] == alert_id and payload["kind"] == "alert"
    assert payload["program"] == "Eastside Respite" and payload["level"] == "urgent"
    assert str(payload["timestamp"]) == headers["x-outcomes-timestamp"]
    assert payload["message_id"] == rows(sessions)[0].message_id
    assert CODE not in body.decode()


def test_a_tampered_body_fails_verification(sessions, config, hook, webhook_program):
    raise_alert(sessions)
    deliver_due(sessions, config)
    [(headers, body)] = hook.requests
    assert not verify(headers, body.replace(b"urgent", b"routine"))


def test_non_2xx_is_a_failure_and_is_retried(sessions, config, hook, webhook_program):
    raise_alert(sessions)
    hook.status = 500
    t0 = utcnow()
    assert len(deliver_due(sessions, config, now=t0).failed) == 1
    [row] = rows(sessions)
    assert row.state == "failing" and row.last_error == f"http://127.0.0.1:{hook.server.server_port} answered HTTP 500"
    hook.status = 200
    assert len(deliver_due(sessions, config, now=t0 + timedelta(seconds=2)).sent) == 1
    assert len(hook.requests) == 2
    assert rows(sessions)[0].state == "sent"


def test_a_redirect_is_a_failure(hook):
    hook.status = 302
    with pytest.raises(DeliveryError, match="answered HTTP 302"):
        post_webhook(hook.url, b"{}", secret=SECRET, timestamp=1)


def test_without_a_secret_there_is_no_signature(hook):
    post_webhook(hook.url, b"{}", secret=None, timestamp=1)
    [(headers, _)] = hook.requests
    assert "x-outcomes-signature" not in headers and headers["x-outcomes-timestamp"] == "1"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "not a url"])
def test_only_http_urls(url):
    with pytest.raises(DeliveryError, match="webhook URL is not http"):
        post_webhook(url, b"{}", secret=None, timestamp=1)


def test_connection_refused_is_a_short_reason():
    from smtp_sink import free_port

    port = free_port()
    with pytest.raises(DeliveryError) as caught:
        post_webhook(f"http://127.0.0.1:{port}/", b"{}", secret=None, timestamp=1)
    assert str(caught.value) == f"http://127.0.0.1:{port}: connection refused"


def test_logs_show_the_webhook_host_only(sessions, config, hook, webhook_program, caplog):
    raise_alert(sessions)
    with caplog.at_level("INFO", logger="toolkit.notify"):
        deliver_due(sessions, config)
    [line] = [r.getMessage() for r in caplog.records if "sent to" in r.getMessage()]
    assert line.endswith(f"sent to webhook http://127.0.0.1:{hook.server.server_port}/...")
    assert "/hooks/alerts" not in caplog.text
