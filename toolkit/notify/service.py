"""The sender of this process: started by ``outcomes serve`` in each worker, stopped at its exit.

:func:`start` and :func:`stop` are what the gunicorn hooks call;
:func:`wake` lets code in the same process ask for an immediate poll (it
does nothing when no sender runs here, e.g. under the Flask test client).
:func:`startup_warnings` lists what ``outcomes serve`` should point out
before it starts.
"""

from __future__ import annotations

import threading

from sqlalchemy import select

from toolkit.notify.config import NotifyConfig
from toolkit.notify.sender import Sender
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Program
from toolkit.store.outbox import recipients

_lock = threading.Lock()
_sender: Sender | None = None


def start(database_url: str, config: NotifyConfig) -> Sender:
    """Start this process's sender on ``database_url`` (once; later calls return the same one)."""
    global _sender
    with _lock:
        if _sender is None:
            _sender = Sender(make_engine(database_url), config)
            _sender.start()
        return _sender


def stop(timeout: float = 15.0) -> None:
    """Stop this process's sender, release its lease and close its connections (if one runs)."""
    global _sender
    with _lock:
        sender, _sender = _sender, None
    if sender is not None:
        sender.stop(timeout)
        sender.engine.dispose()


def wake() -> None:
    """Ask this process's sender, if any, to poll the outbox now."""
    sender = _sender
    if sender is not None:
        sender.wake()


def current() -> Sender | None:
    """This process's sender, or None."""
    return _sender


def startup_warnings(database_url: str, config: NotifyConfig) -> list[str]:
    """One line per problem that keeps alerts from reaching anyone by e-mail.

    A missing mail server; each program without alert recipients (neither
    e-mail addresses nor a webhook).
    """
    lines = []
    if config.smtp is None:
        lines.append(
            "OUTCOMES_SMTP_URL: not set, so alert e-mails wait in the outbox and reach nobody;"
            " set it to e.g. smtp://mail.example.org:587?starttls=1"
        )
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            programs = session.scalars(select(Program).order_by(Program.slug)).all()
            for program in programs:
                if not recipients(program, "alert"):
                    lines.append(
                        f"program {program.slug}: no alert recipients, so its safety alerts reach"
                        f" nobody by e-mail; add one with `outcomes programs edit {program.slug}"
                        " --alert-email ADDR`"
                    )
    finally:
        engine.dispose()
    return lines
