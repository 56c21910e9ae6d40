"""An SMTP server on 127.0.0.1 for tests: it keeps every message it accepts, with its arrival time.

Shared by the alert-sender, serve and browser tests (``tests/conftest.py``
puts this folder on the import path). It can be stopped and started again
on the same port, like a mail server that goes down for a while.
"""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from toolkit.notify.config import SmtpServer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An SMTP server on 127.0.0.1 that keeps what it accepts; can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[float, EmailMessage]] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((time.time(), message))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [m for _t, m in self.received]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def for_ids(self, message_ids: set[str]) -> list[tuple[float, EmailMessage]]:
        """(arrival time, message) of the messages with these Message-IDs."""
        with self._lock:
            return [(t, m) for t, m in self.received if m["Message-ID"] in message_ids]

    @property
    def server(self) -> SmtpServer:
        return SmtpServer(host="127.0.0.1", port=self.port)
