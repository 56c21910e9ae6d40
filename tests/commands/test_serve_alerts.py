"""The real ``outcomes serve --workers 2`` delivers alert e-mails to an SMTP sink on 127.0.0.1.

A tablet raises PHQ-9 item 9 alerts over HTTP; the sink counts messages by
Message-ID. Covered: prompt delivery, an SMTP outage, a SIGKILL of the whole
server between the outbox write and the send, escalation timing, start-up
warnings and the lease released on a clean stop. Runs on SQLite, and on
PostgreSQL when DATABASE_URL_TEST is set.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from serve_process import ServeProcess
from smtp_sink import free_port
from smtp_sink import Sink
from sqlalchemy import select

from toolkit.notify.delivery import CLAIM_S
from toolkit.notify.lease import RELEASED
from toolkit.store.engine import begin_write
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import Notification
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import SenderLease

pytestmark = pytest.mark.slow

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL_TEST") else [])
OUTCOMES = [str(Path(sys.executable).with_name("outcomes"))]
PASSWORD = "correct horse battery"
STAFF = "lead@example.org"
ESCALATE_AFTER_S = 3


def wait_for(condition: Callable[[], object], seconds: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    tail = "\n--- server log ---\n" + log.read_text()[-3000:] if log else ""
    raise AssertionError(f"waited {seconds} s for {what}{tail}")


class Server(ServeProcess):
    """``outcomes serve --workers 2`` in its own process group (so SIGKILL takes master and workers)."""

    def __init__(self, env: dict, folder: Path) -> None:
        super().__init__(env, folder, workers=2)


class Tablet:
    """A browser without JavaScript: urllib with a cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode()

    @staticmethod
    def field(html: str, name: str) -> str:
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', html
        )
        assert match, f"no field {name} in the page:\n{html[:2000]}"
        return match.group(1)

    def raise_alert(self, slug: str, code: str) -> None:
        """Sign in, hand over for ``code`` and answer the PHQ-9 with item 9 = 1 (returns after the save)."""
        _, page = self.request("/auth/login")
        status, page = self.request(
            "/auth/login", {"email": STAFF, "password": PASSWORD, "csrf_token": self.field(page, "csrf_token")}
        )
        assert status == 200 and "sign out" in page.lower(), page[:2000]
        _, page = self.request(f"/staff/p/{slug}/")
        start = {
            "start-participant": code,
            "start-wave": "baseline",
            "start-language": "en",
            "csrf_token": self.field(page, "csrf_token"),
        }
        status, page = self.request(f"/staff/p/{slug}/sessions", start)
        assert status == 200 and "phq9_9" in page, page[:2000]
        fields = {name: self.field(page, name) for name in ("csrf_token", "submission_key", "ref", "page")}
        answers = {f"phq9_{i}": "0" for i in range(1, 9)} | {"phq9_9": "1"}
        status, page = self.request(f"/kiosk/page/{fields['page']}", {**fields, **answers, "action": "next"})
        assert status == 200, page[:2000]


class Stack:
    """A database with programs east and west, the sink, the server and a way to read the outbox."""

    def __init__(self, url: str, folder: Path) -> None:
        self.sink = Sink()
        self.sink.start()
        self.url = url
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "OUTCOMES_INSTANCE": str(folder / "instance"),
            "OUTCOMES_SMTP_URL": f"smtp://127.0.0.1:{self.sink.port}",
            "OUTCOMES_MAIL_FROM": "alerts@example.org",
            "OUTCOMES_MAIL_RETRY_MAX_S": "2",
            "OUTCOMES_SECURE_COOKIES": "0",  # plain HTTP on 127.0.0.1: urllib sends no Secure cookie
        }
        self.server = Server(self.env, folder)
        self.env["OUTCOMES_BASE_URL"] = self.server.url
        outcomes("db", "upgrade", env=self.env)
        for slug, name in (("east", "Eastside Respite"), ("west", "Westside Drop-in")):
            outcomes("programs", "add", slug, "--name", name, "--waves", "baseline", "--battery", "phq9", env=self.env)
        outcomes("users", "add", STAFF, "--role", "admin", "--password-stdin", env=self.env, stdin=PASSWORD + "\n")
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions() as s:
            begin_write(s)
            for prog in s.scalars(select(Program)):
                prog.alert_emails = [f"duty-{prog.slug}@example.org", f"backup-{prog.slug}@example.org"]
                if prog.slug == "west":  # only west escalates, after a few seconds
                    prog.escalate_emails, prog.escalate_after_s = ["director@example.org"], ESCALATE_AFTER_S
            s.commit()
        self.codes = (f"SECRET-{i:03d}" for i in range(1000))

    def participant(self, slug: str) -> str:
        code = next(self.codes)
        with self.sessions() as s:
            begin_write(s)  # the running server writes too: read-then-write must hold the lock from the start
            prog = s.scalar(select(Program).where(Program.slug == slug))
            s.add(Participant(program_id=prog.id, code=code))
            s.commit()
        return code

    def outbox(self, code: str) -> list[Notification]:
        with self.sessions() as s:
            return list(
                s.scalars(
                    select(Notification)
                    .join(Alert, Notification.alert_id == Alert.id)
                    .join(Administration, Alert.administration_id == Administration.id)
                    .join(Participant, Administration.participant_id == Participant.id)
                    .where(Participant.code == code)
                    .order_by(Notification.id)
                )
            )

    def alert(self, code: str) -> Alert:
        with self.sessions() as s:
            return s.scalar(
                select(Alert)
                .join(Administration, Alert.administration_id == Administration.id)
                .join(Participant, Administration.participant_id == Participant.id)
                .where(Participant.code == code)
            )

    def close(self) -> None:
        self.server.stop()
        self.sink.stop()
        self.engine.dispose()


def outcomes(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*OUTCOMES, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done


@pytest.fixture(scope="module", params=BACKENDS)
def stack(request, tmp_path_factory):
    from toolkit.store.testing import scratch_schema

    folder = tmp_path_factory.mktemp(f"serve-{request.param}")
    with ExitStack() as cleanup:
        if request.param == "sqlite":
            url = f"sqlite:///{folder / 'outcomes.sqlite'}"
        else:
            url = cleanup.enter_context(scratch_schema(os.environ["DATABASE_URL_TEST"]))
        stack = Stack(url, folder)
        cleanup.callback(stack.close)
        stack.server.start()
        yield stack


def delivered_once(stack: Stack, rows: list[Notification]) -> list[tuple[float, object]]:
    """The sink's messages for ``rows``, asserting each Message-ID arrived exactly once."""
    ids = {r.message_id for r in rows}
    received = stack.sink.for_ids(ids)
    counts = Counter(m["Message-ID"] for _, m in received)
    assert counts == Counter(dict.fromkeys(ids, 1)), f"expected each of {sorted(ids)} once, got {dict(counts)}"
    return received


def test_alert_email_arrives_within_5_seconds(stack):
    code = stack.participant("east")
    Tablet(stack.server.url).raise_alert("east", code)
    saved = time.time()
    rows = stack.outbox(code)
    assert [r.recipient for r in rows] == ["duty-east@example.org", "backup-east@example.org"]
    wait_for(
        lambda: len(stack.sink.for_ids({r.message_id for r in rows})) == 2,
        5,
        "two alert e-mails within 5 s of the save",
        stack.server.log,
    )
    received = delivered_once(stack, rows)
    assert max(t for t, _ in received) - saved < 5
    for _, message in received:
        assert code not in message.as_string()
        assert message["Subject"] == "Safety alert (urgent): Eastside Respite"
        assert f"{stack.server.url}/staff/p/east/alerts#alert-" in message.get_content()


def test_messages_queued_during_an_outage_arrive_once(stack):
    stack.sink.stop()
    code = stack.participant("east")
    Tablet(stack.server.url).raise_alert("east", code)
    wait_for(
        lambda: all(r.attempts >= 2 for r in stack.outbox(code)),
        15,
        "two failed attempts while the sink is down",
        stack.server.log,
    )
    for row in stack.outbox(code):
        assert row.state == "failing" and "refused the connection" in row.last_error
    stack.sink.start()
    wait_for(
        lambda: all(r.sent_at for r in stack.outbox(code)), 10, "delivery after the sink is back", stack.server.log
    )
    time.sleep(1.5)  # a duplicate would show up now
    delivered_once(stack, stack.outbox(code))


def test_sigkill_between_outbox_write_and_send(stack):
    stack.sink.stop()
    code = stack.participant("east")
    Tablet(stack.server.url).raise_alert("east", code)
    stack.server.kill()  # the alert and its outbox rows are committed; nothing could be sent
    rows = stack.outbox(code)
    assert len(rows) == 2 and not any(r.sent_at for r in rows)
    # a claim left by the killed sender keeps others off the row until it runs out
    claimed = any(r.claimed_until for r in rows)
    stack.sink.start()
    stack.server.start()
    wait_for(
        lambda: all(r.sent_at for r in stack.outbox(code)),
        30 + (CLAIM_S if claimed else 0),
        "delivery after the restart (the killed holder's lease must run out first)",
        stack.server.log,
    )
    time.sleep(1.5)
    delivered_once(stack, rows)


def test_escalation_after_the_configured_time_and_not_before(stack):
    code = stack.participant("west")
    Tablet(stack.server.url).raise_alert("west", code)
    raised = stack.alert(code).raised_at.timestamp()
    alert_rows = stack.outbox(code)
    wait_for(
        lambda: len(stack.sink.for_ids({r.message_id for r in alert_rows})) == 2,
        5,
        "the alert e-mails",
        stack.server.log,
    )

    time.sleep(max(0.0, raised + ESCALATE_AFTER_S - 1.0 - time.time()))
    assert stack.alert(code).escalated_at is None, "escalated before the configured time"
    assert [r.kind for r in stack.outbox(code)] == ["alert", "alert"]

    def escalation_sent():
        return [r for r in stack.outbox(code) if r.kind == "escalation" and r.sent_at]

    [row] = wait_for(escalation_sent, ESCALATE_AFTER_S + 10, "the escalation e-mail", stack.server.log)
    alert = stack.alert(code)
    assert (alert.escalated_at - alert.raised_at).total_seconds() >= ESCALATE_AFTER_S
    [(arrived, message)] = delivered_once(stack, [row])
    assert arrived - raised >= ESCALATE_AFTER_S
    assert row.recipient == "director@example.org"
    assert message["Subject"].strip() == "Not acknowledged after 3 seconds: urgent safety alert, Westside Drop-in"
    assert code not in message.as_string()


def test_startup_warnings_and_lease_released_on_clean_stop(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'outcomes.sqlite'}",
        "OUTCOMES_INSTANCE": str(tmp_path / "instance"),
    }
    for name in ("OUTCOMES_SMTP_URL", "OUTCOMES_BASE_URL", "OUTCOMES_MAIL_FROM", "OUTCOMES_MAIL_RETRY_MAX_S"):
        env.pop(name, None)
    outcomes("db", "upgrade", env=env)
    outcomes("programs", "add", "quiet", "--name", "Quiet Program", "--waves", "baseline", "--battery", "phq9", env=env)
    server = Server(env, tmp_path)
    server.start()
    engine = make_engine(env["DATABASE_URL"])
    try:
        sessions = make_sessionmaker(engine)

        def lease_held():
            with sessions() as s:
                row = s.get(SenderLease, "notifications")
                return row is not None and row.expires_at > RELEASED

        wait_for(lease_held, 10, "a worker to take the lease", server.log)
        assert server.stop() == 0, server.log.read_text()
        with sessions() as s:
            assert s.get(SenderLease, "notifications").expires_at == RELEASED, "the lease was not released"
    finally:
        server.stop()
        engine.dispose()
    warnings = [line for line in server.log.read_text().splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: OUTCOMES_SMTP_URL: not set, so alert e-mails wait in the outbox and reach nobody;"
        " set it to e.g. smtp://mail.example.org:587?starttls=1",
        "warning: program quiet: no alert recipients, so its safety alerts reach nobody by e-mail;"
        " add one with `outcomes programs edit quiet --alert-email ADDR`",
    ]


def test_a_bad_smtp_url_stops_serve_before_it_starts(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'outcomes.sqlite'}",
        "OUTCOMES_INSTANCE": str(tmp_path / "instance"),
        "OUTCOMES_SMTP_URL": "smtp//x",
    }
    done = subprocess.run(
        [*OUTCOMES, "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "error: OUTCOMES_SMTP_URL: 'smtp//x' is not smtp://[user:pass@]host:port[?starttls=1];" in done.stderr
