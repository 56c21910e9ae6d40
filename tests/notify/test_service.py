"""The process's sender and the start-up warnings of ``outcomes serve``."""

from __future__ import annotations

import subprocess
import sys
import threading

from notify_data import wait_for
from sqlalchemy import select

from toolkit.notify import lease
from toolkit.notify import service
from toolkit.notify.config import NotifyConfig
from toolkit.store.models import Program


def test_startup_warnings(db_url, sessions, program):
    with sessions() as s:
        s.add(Program(slug="west", name="Westside Drop-in"))
        s.commit()
    lines = service.startup_warnings(db_url, NotifyConfig(smtp=None, mail_from="a@example.org", base_url=None))
    assert lines == [
        "OUTCOMES_SMTP_URL: not set, so alert e-mails wait in the outbox and reach nobody;"
        " set it to e.g. smtp://mail.example.org:587?starttls=1",
        "program west: no alert recipients, so its safety alerts reach nobody by e-mail;"
        " add one with `outcomes programs edit west --alert-email ADDR`",
    ]


def test_nothing_to_warn_about(db_url, program, config):
    assert service.startup_warnings(db_url, config) == []


def test_a_webhook_counts_as_a_recipient(db_url, sessions, program, config):
    with sessions() as s:
        prog = s.scalar(select(Program))
        prog.alert_emails, prog.alert_webhook_url = [], "https://hooks.example.org/x"
        s.commit()
    assert service.startup_warnings(db_url, config) == []


def test_start_once_then_stop_releases_the_lease(db_url, sessions, config):
    sender = service.start(db_url, config)
    try:
        assert service.start(db_url, config) is sender
        service.wake()
        wait_for(lambda: sender.holds_lease, 5, "the lease")
        assert lease.current_holder(sessions) == sender.holder
    finally:
        service.stop()
    assert service.current() is None
    assert lease.current_holder(sessions) is None
    service.stop()  # a second stop (or one in gunicorn's master) does nothing


def test_the_web_app_alone_starts_no_sender(db_url, tmp_path):
    from toolkit.web import create_app

    app = create_app(
        {"DATABASE_URL": db_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True}
    )
    assert app.test_client().get("/auth/login").status_code == 200
    app.extensions["outcomes.engine"].dispose()
    assert service.current() is None
    assert not [t for t in threading.enumerate() if t.name == "outcomes-sender"]


def test_the_sender_and_serve_import_no_heavy_libraries():
    script = (
        "import sys, toolkit.commands.serve, toolkit.commands.alerts, toolkit.notify.service;"
        "print(sorted(m for m in ('pingouin', 'matplotlib', 'weasyprint', 'pandas', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
