"""Server workers killed mid-request: every page acknowledged to a tablet is stored exactly once.

``outcomes serve --workers 4`` runs on 127.0.0.1 while 24 simulated tablets
(threads, each with its own participants) are handed over and answer survey
pages back to back. Half of them post pages as a plain form (acknowledged by
a redirect to the next page), half as the kiosk's script does (acknowledged
by ``{"go": URL}``). Meanwhile a killer thread sends SIGKILL to 12 gunicorn
workers, 0.3 to 0.8 s apart (longer while every worker is still starting);
gunicorn starts new ones. A request cut by a kill is sent again, the same
page with the same submission key, on a new connection, as the kiosk does.

The kills start once every tablet has signed staff in and saved a page, so
each is a known browser with its own sign-in limit, as a set-up tablet is: a
sign-in cut by a kill stays counted as a failed attempt, and twenty-four
tablets behind one address would otherwise soon be kept waiting.

Afterwards the database is read directly: every acknowledged page is stored
once with the answers the tablet sent, nothing is stored that no tablet
sent, and a SQLite file passes its integrity check. Runs on SQLite, and on
PostgreSQL when DATABASE_URL_TEST is set; see docs/reliability.md.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from pathlib import Path

import pytest
from serve_process import ServeProcess
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.store.models import Participant
from toolkit.store.models import Program

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
tablet_client = importlib.import_module("tablet_client")  # the benchmarks' tablet: cookie, keep-alive

pytestmark = pytest.mark.slow

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL_TEST") else [])
OUTCOMES = [str(Path(sys.executable).with_name("outcomes"))]
BATTERY = "gad7,gse,k6,phq8,state_hope"  # five pages, no safety rule: no crisis screen interrupts
PAGES_PER_SESSION = 5
TABLETS = 24
WORKERS = 4
KILLS = 12
KILL_GAP_S = (0.3, 0.8)
READY_S = 1.0  # a worker this old has loaded the app and is serving
WARM_UP_S = 20  # at most this long until every tablet has saved a page (staff signed in on each)
TAIL_S = 1.5  # tablets keep going this long after the last kill
ENOUGH_PAGES = 100  # ... and, within the deadline, until this many pages were acknowledged
PAGES_PER_TABLET = 80  # a cap: the tablets stop when the kills are done, or at this
PARTICIPANTS_PER_TABLET = PAGES_PER_TABLET // PAGES_PER_SESSION + 3  # spares for hand-overs cut by a kill
ATTEMPTS = 30  # sends of one request before a tablet gives up
HANDOVER_ATTEMPTS = 12
BROWSER_COOKIE = "outcomes_browser"
REQUEST_TIMEOUT_S = 20
DEADLINE_S = 45  # the tablets' phase, whatever happens
SEED = 20261201


@dataclass
class Page:
    """One page a tablet sent: its session, index, submission key and answers, and how it went."""

    ref: str
    n: int
    key: str
    answers: dict[str, str]
    sends: int = 0
    first_retry_at: float | None = None  # wall-clock time of the first re-send
    acknowledged: bool = False


@dataclass
class Record:
    """What all tablets did: pages sent, sessions finished, failed requests and errors.

    A failure is ``(sent, failed, path)``: when the failed send started and
    when it broke (``time.monotonic()``), and what it asked for.
    """

    pages: list[Page] = field(default_factory=list)
    finished: set[str] = field(default_factory=set)
    failures: list[tuple[float, float, str]] = field(default_factory=list)
    handover_retries: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self) -> list[Page]:
        """The pages acknowledged so far."""
        with self.lock:
            return [p for p in self.pages if p.acknowledged]


class TabletConnection(http.client.HTTPConnection):
    """A tablet browser's connection: keeps the known-browser cookie; may post pages as the kiosk's script.

    A tablet that was set up signs staff in as a known browser (its own
    sign-in limit, see docs/kiosk.md); with ``fetch`` its page posts carry
    ``X-Kiosk-Fetch: 1`` and are answered ``{"go": URL}``.
    """

    def __init__(self, port: int, fetch: bool) -> None:
        super().__init__("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        self.fetch = fetch
        self.browser = ""

    def request(self, method, url, body=None, headers=None, *, encode_chunked=False):
        """Send the request with the browser cookie (``/auth``) and the script's header (page posts)."""
        headers = dict(headers or {})
        if self.fetch and method == "POST" and url.startswith("/kiosk/page/"):
            headers["X-Kiosk-Fetch"] = "1"
        if self.browser and url.startswith("/auth"):
            headers["Cookie"] = "; ".join(c for c in (headers.get("Cookie"), self.browser) if c)
        super().request(method, url, body, headers, encode_chunked=encode_chunked)

    def getresponse(self):
        """The response; a new known-browser cookie in it is kept."""
        response = super().getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(f"{BROWSER_COOKIE}="):
                self.browser = value.split(";", 1)[0]
        return response


class FaultTablet(tablet_client.Tablet):
    """A tablet that sends a request again, unchanged, on a new connection when the old one breaks."""

    def __init__(self, port: int, record: Record, fetch: bool) -> None:
        super().__init__(port)
        self.conn = TabletConnection(port, fetch)
        self.record = record
        self.sends = 0
        self.first_retry_at: float | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """Send until an answer arrives; ``sends`` and ``first_retry_at`` tell how it went."""
        self.sends, self.first_retry_at = 0, None
        while True:
            self.sends += 1
            if self.sends > 1 and self.first_retry_at is None:
                self.first_retry_at = time.time()
            sent = time.monotonic()
            try:
                return self._request(method, path, form)
            except (OSError, http.client.HTTPException):
                self.conn.close()  # reconnects on the next send
                with self.record.lock:
                    self.record.failures.append((sent, time.monotonic(), f"{method} {path}"))
                if self.sends >= ATTEMPTS:
                    raise
                time.sleep(0.02 * self.sends)


class TabletRun:
    """One simulated tablet: hand over to each of its participants in turn and answer every page."""

    def __init__(self, i: int, port: int, record: Record, stop: threading.Event) -> None:
        self.i = i
        self.record = record
        self.stop = stop
        self.rng = random.Random(SEED + i)
        self.tablet = FaultTablet(port, record, fetch=i % 2 == 1)
        self.codes = [participant_code(i, k) for k in range(PARTICIPANTS_PER_TABLET)]
        self.sent = 0

    def run(self) -> None:
        """The tablet's thread: participants in turn until told to stop or at the page cap."""
        try:
            for code in self.codes:
                if self.stop.is_set() or self.sent >= PAGES_PER_TABLET:
                    return
                html = self.hand_over(code)
                if not self.answer_session(html):
                    return
            self.fail("ran out of participants")
        except Exception as exc:  # reported by the test
            self.fail(repr(exc))

    def fail(self, message: str) -> None:
        """Note why this tablet stopped early."""
        with self.record.lock:
            self.record.errors.append(f"tablet {self.i}: {message}")

    def hand_over(self, code: str) -> str:
        """Sign staff in, start ``code`` and hand over; from the start when a kill cut it."""
        for attempt in range(HANDOVER_ATTEMPTS):
            self.tablet.cookie = ""  # a fresh browser session each time
            try:
                status, _, html = tablet_client.hand_over(self.tablet, code)
            except (RuntimeError, AttributeError):  # a form refused or not shown: cut by a kill
                status, html = 0, ""
            if status == 200 and 'name="submission_key"' in html:
                return html
            with self.record.lock:
                self.record.handover_retries += 1
            time.sleep(min(0.2 * (attempt + 1), 2.0))  # a sign-in limit may ask to wait a second or two
        raise AssertionError(f"hand-over of {code} failed {HANDOVER_ATTEMPTS} times")

    def answer_session(self, html: str) -> bool:
        """Answer the session's pages; False when the tablet should stop (before the session ends)."""
        n = 0
        while True:
            hidden = dict(tablet_client.HIDDEN.findall(html))
            assert hidden.get("page") == str(n) and "data-alert" not in html, html[:2000]
            choices = defaultdict(list)
            for name, value in tablet_client.RADIOS.findall(html):
                choices[name].append(value)
            answers = {name: self.rng.choice(values) for name, values in choices.items()}
            page = Page(ref=hidden["ref"], n=n, key=hidden["submission_key"], answers=answers)
            with self.record.lock:
                self.record.pages.append(page)
            form = {**hidden, "csrf_token": tablet_client.TOKEN.search(html).group(1), "action": "next", **answers}
            go = self.send_page(page, form)
            self.sent += 1
            if go.endswith("/kiosk/done"):
                self.tablet.request("GET", "/kiosk/done")
                with self.record.lock:
                    self.record.finished.add(page.ref)
                return True
            if self.stop.is_set() or self.sent >= PAGES_PER_TABLET:
                return False
            n += 1
            status, _, html = self.tablet.request("GET", f"/kiosk/page/{n}")
            assert status == 200, f"page {n} of {page.ref}: HTTP {status}"

    def send_page(self, page: Page, form: dict) -> str:
        """POST the page until the server acknowledges it; returns where it sends the tablet."""
        status, location, body = self.tablet.request("POST", f"/kiosk/page/{page.n}", form)
        page.sends, page.first_retry_at = self.tablet.sends, self.tablet.first_retry_at
        if status == 200 and body.startswith("{"):
            location = json.loads(body).get("go", "")  # the kiosk script's answer
        elif status not in tablet_client.REDIRECTS:
            raise AssertionError(f"page {page.n} of {page.ref}: HTTP {status} {body[:300]!r}")
        last = page.n + 1 == PAGES_PER_SESSION
        expected = "/kiosk/done" if last else f"/kiosk/page/{page.n + 1}"
        if not location.endswith(expected):
            raise AssertionError(f"page {page.n} of {page.ref}: sent to {location!r}, not {expected}")
        page.acknowledged = True
        return location


def participant_code(tablet: int, k: int) -> str:
    """The code of tablet ``tablet``'s ``k``-th participant."""
    return f"F{tablet:02d}-{k:02d}"


def workers_of(master: int) -> list[int]:
    """The pids of the processes whose parent is ``master`` (gunicorn's workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def kill_workers(master: int, kills: list[tuple[float, int]], rng: random.Random) -> None:
    """SIGKILL ``KILLS`` workers of ``master`` that are serving, ``KILL_GAP_S`` apart."""
    seen: dict[int, float] = dict.fromkeys(workers_of(master), 0.0)  # the first workers are ready
    deadline = time.monotonic() + DEADLINE_S / 2
    while len(kills) < KILLS and time.monotonic() < deadline:
        time.sleep(rng.uniform(*KILL_GAP_S))
        while time.monotonic() < deadline:
            now = time.monotonic()
            workers = workers_of(master)
            for pid in workers:
                seen.setdefault(pid, now)
            ready = [pid for pid in workers if now - seen[pid] >= READY_S]
            if ready:
                break
            time.sleep(0.05)
        else:
            return
        pid = rng.choice(ready)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        kills.append((time.monotonic(), pid))


def broken_by_kills(failures: list[tuple[float, float, str]], kills: list[float]) -> list[tuple[str, float]]:
    """The failed requests a kill broke in flight (sent before it), each with that kill's time.

    A failure is put down to the last kill before it broke; one whose send
    started after that kill met a connection already dead (idle keep-alive).
    """
    broken = []
    for sent, failed, what in failures:
        before = [at for at in kills if at <= failed]
        if before and sent < before[-1]:
            broken.append((what, before[-1]))
    return broken


def outcomes(*args: str, env: dict, stdin: str | None = None) -> None:
    """Run the ``outcomes`` command; fail with its output when it fails."""
    done = subprocess.run(
        [*OUTCOMES, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout


def set_up(url: str, folder: Path) -> dict:
    """Migrate, add the program, the staff member and every tablet's participants; the server's env."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OUTCOMES_INSTANCE": str(folder / "instance"),
        "OUTCOMES_SECURE_COOKIES": "0",
    }
    for name in ("OUTCOMES_SMTP_URL", "OUTCOMES_BASE_URL"):
        env.pop(name, None)
    outcomes("db", "upgrade", env=env)
    outcomes("programs", "add", "bench", "--name", "Bench", "--waves", "baseline", "--battery", BATTERY, env=env)
    outcomes(
        "users",
        "add",
        "staff@example.org",
        "--role",
        "staff",
        "--program",
        "bench",
        "--password-stdin",
        env=env,
        stdin=tablet_client.PASSWORD + "\n",
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        program_id = conn.scalar(select(Program.id).where(Program.slug == "bench"))
        codes = [participant_code(i, k) for i in range(TABLETS) for k in range(PARTICIPANTS_PER_TABLET)]
        conn.execute(insert(Participant), [{"program_id": program_id, "code": c, "attributes": {}} for c in codes])
    engine.dispose()
    return env


def check_store(url: str, record: Record) -> dict:
    """Compare the database with what the tablets sent; returns the figures and the problems found."""
    acked = record.acknowledged()
    sent_by_key = {p.key: p for p in record.pages}
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            saves = s.execute(
                select(KioskSession.ref, PageSave.page_index, PageSave.submission_key, PageSave.saved_at).join(
                    KioskSession, PageSave.kiosk_session_id == KioskSession.id
                )
            ).all()
            responses = s.execute(
                select(KioskSession.ref, ItemResponse.item_id, ItemResponse.value, ItemResponse.declined)
                .join(Administration, ItemResponse.administration_id == Administration.id)
                .join(KioskSession, Administration.kiosk_session_id == KioskSession.id)
            ).all()
            status = dict(s.execute(select(KioskSession.ref, KioskSession.status)).all())
        integrity = "n/a"
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                integrity = ", ".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
                if conn.execute(text("PRAGMA foreign_key_check")).first() is not None:
                    integrity += "; foreign key check failed"
    finally:
        engine.dispose()

    problems: list[str] = []
    per_page = Counter((ref, n) for ref, n, _key, _at in saves)
    duplicated = {k: c for k, c in per_page.items() if c > 1}
    stored = {key: (ref, n, at) for ref, n, key, at in saves}
    lost = [p for p in acked if stored.get(p.key, (None, None, None))[:2] != (p.ref, p.n)]
    unsent = [
        key
        for key, (ref, n, _at) in stored.items()
        if key not in sent_by_key or (sent_by_key[key].ref, sent_by_key[key].n) != (ref, n)
    ]
    if duplicated:
        problems.append(f"{len(duplicated)} pages stored more than once: {sorted(duplicated.items())[:5]}")
    if lost:
        problems.append(f"{len(lost)} acknowledged pages not stored: {[(p.ref, p.n, p.key) for p in lost[:5]]}")
    if unsent:
        problems.append(f"{len(unsent)} pages stored that no tablet sent: {unsent[:5]}")

    expected: dict[tuple[str, str], float] = {}
    for p in acked:
        for item, value in p.answers.items():
            expected[(p.ref, item)] = float(value)
    got = {(ref, item): (None if declined else value) for ref, item, value, declined in responses}
    if len(got) != len(responses):
        problems.append("an item answered twice in one session")
    wrong = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
    if wrong:
        problems.append(
            f"{len(wrong)} item responses differ from the acknowledged answers: "
            f"{[(k, expected.get(k), got.get(k)) for k in wrong[:5]]}"
        )
    unfinished = sorted(ref for ref in record.finished if status.get(ref) != "complete")
    if unfinished:
        problems.append(f"sessions finished on the tablet but not complete in the store: {unfinished[:5]}")
    if integrity not in ("n/a", "ok"):
        problems.append(f"integrity check: {integrity}")

    retried = [p for p in acked if p.sends > 1]
    replayed = [
        p for p in retried if p.key in stored and stored[p.key][2] < datetime.fromtimestamp(p.first_retry_at, UTC)
    ]
    return {
        "acknowledged": len(acked),
        "retried pages": len(retried),
        "re-sends": sum(p.sends - 1 for p in acked),
        "most sends": max((p.sends for p in acked), default=0),
        "retries that were replays": len(replayed),
        "item responses": len(responses),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "stored, never sent": len(unsent),
        "integrity": integrity,
        "problems": problems,
    }


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """An empty database URL: a SQLite file, or a private PostgreSQL schema dropped afterwards."""
    from toolkit.store.testing import scratch_schema

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outcomes.sqlite'}"
    else:
        with scratch_schema(os.environ["DATABASE_URL_TEST"]) as url:
            yield url


def test_acknowledged_pages_survive_killed_workers(database, tmp_path):
    began = time.monotonic()
    env = set_up(database, tmp_path)
    server = ServeProcess(env, tmp_path, workers=WORKERS)
    record = Record()
    kills: list[tuple[float, int]] = []
    stop = threading.Event()
    with ExitStack() as cleanup:
        server.start()
        cleanup.callback(server.stop)
        runs = [TabletRun(i, server.port, record, stop) for i in range(TABLETS)]
        tablets = [threading.Thread(target=run.run, daemon=True) for run in runs]
        started = time.monotonic()
        for th in tablets:
            th.start()
            time.sleep(0.05)  # tablets are set up one after another, not in the same instant
        while not all(run.sent for run in runs) and time.monotonic() - started < WARM_UP_S and not record.errors:
            time.sleep(0.05)
        warmed = all(run.sent for run in runs)
        killer = threading.Thread(target=kill_workers, args=(server.proc.pid, kills, random.Random(SEED)), daemon=True)
        killer.start()
        killer.join(DEADLINE_S / 2 + 5)
        time.sleep(TAIL_S)
        # a slow or busy machine may finish the kills before enough pages went through: go on until they have
        while len(record.acknowledged()) < ENOUGH_PAGES and time.monotonic() - started < DEADLINE_S * 3 / 4:
            if record.errors:
                break
            time.sleep(0.1)
        stop.set()
        for th in tablets:
            th.join(max(0.1, DEADLINE_S - (time.monotonic() - started)))
        tablet_phase = time.monotonic() - started
        stuck = [run.i for run, th in zip(runs, tablets, strict=True) if th.is_alive()]
        for run in runs:
            run.tablet.conn.close()
        alive = server.proc.poll() is None
        code = server.stop()
    log = server.log.read_text()
    figures = check_store(database, record)
    in_flight = broken_by_kills(record.failures, [at for at, _pid in kills])
    cut = len({at for _what, at in in_flight})
    pages_cut = sum(what.startswith("POST /kiosk/page/") for what, _at in in_flight)
    print(
        f"\n{database.split(':')[0]}: {TABLETS} tablets, {WORKERS} workers, {len(kills)} kills"
        f" ({cut} broke requests in flight: {len(in_flight)} requests, {pages_cut} page posts),"
        f" {figures['acknowledged']} pages acknowledged,"
        f" {figures['retried pages']} retried ({figures['re-sends']} re-sends, at most {figures['most sends']} sends,"
        f" {figures['retries that were replays']} already stored), {len(record.failures)} failed requests,"
        f" {record.handover_retries} hand-overs redone, {figures['item responses']} item responses,"
        f" lost {figures['lost']}, duplicated {figures['duplicated']}, "
        f"stored never sent {figures['stored, never sent']},"
        f" integrity {figures['integrity']}, tablets {tablet_phase:.1f} s, whole {time.monotonic() - began:.1f} s"
    )
    assert warmed, f"tablets not all at work after {WARM_UP_S} s"
    assert alive, "the gunicorn master died:\n" + log[-3000:]
    assert not stuck, f"tablets still running after {DEADLINE_S} s: {stuck}\n" + log[-3000:]
    assert not record.errors, "\n".join(record.errors[:10]) + "\n--- server log ---\n" + log[-3000:]
    assert figures["problems"] == []
    assert len(kills) >= 10, f"only {len(kills)} workers killed"
    assert cut >= 3 and pages_cut >= 3, (
        f"only {cut} of {len(kills)} kills broke a request in flight ({pages_cut} page posts)"
    )
    assert figures["acknowledged"] >= ENOUGH_PAGES
    assert code == 0, log[-3000:]
