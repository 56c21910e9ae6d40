"""``outcomes alerts test-email``: one message through the configured SMTP server."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from toolkit.cli import main


class Handler:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink():
    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def run(*args, env):
    base = {
        "OUTCOMES_SMTP_URL": None,
        "OUTCOMES_MAIL_FROM": None,
        "OUTCOMES_BASE_URL": None,
        "OUTCOMES_MAIL_RETRY_MAX_S": None,
    }
    return CliRunner().invoke(main, list(args), env={**base, **env}, catch_exceptions=False)


def test_sends_one_message(sink):
    handler, port = sink
    result = run(
        "alerts",
        "test-email",
        "duty@example.org",
        env={"OUTCOMES_SMTP_URL": f"smtp://127.0.0.1:{port}", "OUTCOMES_MAIL_FROM": "alerts@example.org"},
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"smtp://127.0.0.1:{port} accepted the test message to duty@example.org (from alerts@example.org)"
    )
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["duty@example.org"] and envelope.mail_from == "alerts@example.org"
    assert b"Subject: Test message from peer-outcomes" in envelope.content


def test_without_a_server_says_what_to_set():
    result = run("alerts", "test-email", "duty@example.org", env={})
    assert result.exit_code == 1
    assert "OUTCOMES_SMTP_URL: not set; set it to the mail server" in result.output


def test_a_server_that_is_down_is_reported():
    port = free_port()
    result = run(
        "alerts", "test-email", "duty@example.org", env={"OUTCOMES_SMTP_URL": f"smtp://u:hunter2@127.0.0.1:{port}"}
    )
    assert result.exit_code == 1
    assert (
        f"smtp://u@127.0.0.1:{port}: the test message to duty@example.org was not accepted (127.0.0.1:{port} refused "
        "the connection" in result.output
    )
    assert "hunter2" not in result.output


def test_a_bad_address_is_refused(sink):
    _, port = sink
    result = run("alerts", "test-email", "not-an-address", env={"OUTCOMES_SMTP_URL": f"smtp://127.0.0.1:{port}"})
    assert result.exit_code == 2
    assert "'not-an-address' is not an e-mail address" in result.output
