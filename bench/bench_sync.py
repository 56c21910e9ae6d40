"""Offline queues: how fast a tablet's queued pages reach the store, and what that costs others.

Starts ``outcomes serve`` on 127.0.0.1 with a fresh SQLite database and a
5-instrument battery (5 pages per participant). A simulated tablet starts
each session online (as the kiosk requires), answers every page offline and
keeps the pages in its queue, then sends the queue to ``/kiosk/sync`` the way
the kiosk's script does: in order, session by session, up to 50 items a
request.

1. One tablet with 100 queued pages (20 participants): time to send them
   all, then the same queue again (a lost acknowledgement: every page is a
   no-op replay). Reference: the same number of POSTs to a bare Flask app
   inserting one row each, sent one after another.
2. 20 tablets send their queues (25 pages each) at the same moment while 10
   other tablets are in use online (a page every 2 s or so each): p50/p95/p99
   of the online tablets' page saves, against the same tablets with no queue
   being sent (the baseline) and the bare POST; and the time per queued page.

The database is then checked: every queued page saved exactly once.

Run: .venv/bin/python bench/bench_sync.py [--pages 100] [--tablets 20] [--live 10] [--think 2]
[--database postgresql+psycopg://...]  (an empty database; SQLite in a temporary folder by default)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import threading
import time
from datetime import datetime
from datetime import UTC
from pathlib import Path

from bench_web import bare_reference
from tablet_client import hand_over
from tablet_client import HIDDEN
from tablet_client import PASSWORD
from tablet_client import pct
from tablet_client import RADIOS
from tablet_client import REDIRECTS
from tablet_client import run
from tablet_client import start_server
from tablet_client import Tablet
from tablet_client import TOKEN

BATTERY = "phq9,gad7,gse,state_hope,qpr15"
PAGES = 5
BATCH = 50
BASELINE_S = 20.0
LIVE_SESSIONS = 20
REF = 'data-ref="'
KEY = 'data-sync-key="'


def set_up(folder: Path, codes: list[str], database: str | None) -> dict:
    url = database or f"sqlite:///{folder / 'outcomes.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "OUTCOMES_INSTANCE": str(folder / "instance")}
    run("db", "upgrade", env=env)
    run("programs", "add", "bench", "--name", "Bench", "--waves", "baseline", "--battery", BATTERY, env=env)
    run(
        "users",
        "add",
        "staff@example.org",
        "--role",
        "staff",
        "--program",
        "bench",
        "--password-stdin",
        env=env,
        stdin=PASSWORD + "\n",
    )
    from sqlalchemy import insert

    from toolkit.store.engine import make_engine
    from toolkit.store.models import Participant

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Participant), [{"program_id": 1, "code": c, "attributes": {}} for c in codes])
    engine.dispose()
    return env


def between(html: str, start: str) -> str:
    i = html.index(start) + len(start)
    return html[i : html.index('"', i)]


def answer_offline(t: Tablet, code: str) -> tuple[str, str, list[dict]]:
    """Start ``code`` online, then answer every page from the offline copies; returns (ref, key, items)."""
    _, _, first = hand_over(t, code)
    ref, key = between(first, REF), between(first, KEY)
    items = []
    for n in range(PAGES):
        _, _, html = t.request("GET", f"/kiosk/offline/{ref}/en/page/{n}")
        fields = {}
        for name, value in RADIOS.findall(html):
            fields.setdefault(name, value)  # the first answer of each question (never an alert)
        items.append(
            {
                "kind": "page",
                "id": f"{ref}-{n}-{random.getrandbits(48):012x}",
                "n": n,
                "action": "next",
                "fields": fields,
                "answered_at": datetime.now(UTC).isoformat(),
            }
        )
    return ref, key, items


def queue_for(t: Tablet, codes: list[str]) -> list[tuple[str, str, list[dict]]]:
    return [answer_offline(t, c) for c in codes]


def send(t: Tablet, queue: list[tuple[str, str, list[dict]]], per_page: list[float] | None = None) -> int:
    """Send a tablet's queue like the kiosk's script; returns how many items were acknowledged."""
    acknowledged = 0
    for ref, key, items in queue:
        for i in range(0, len(items), BATCH):
            batch = items[i : i + BATCH]
            body = json.dumps({"ref": ref, "key": key, "items": batch})
            start = time.perf_counter()
            while True:
                status, retry_after, text = t.post_json("/kiosk/sync", body)
                if status != 503:
                    break
                time.sleep(retry_after + random.uniform(0, 2))  # as the kiosk's script does
            took = time.perf_counter() - start
            answer = json.loads(text)
            if status != 200 or answer["failed"]:
                raise RuntimeError(f"sync {ref}: HTTP {status} {answer}")
            acknowledged += len(answer["done"])
            if per_page is not None:
                per_page.extend([took / len(batch)] * len(batch))
    return acknowledged


def live_tablet(port: int, codes: list[str], stop: threading.Event, latencies: list[float], think: float) -> None:
    """A tablet in use online until ``stop``: participant after participant, a page every ``think`` s or so."""
    t = Tablet(port)
    for code in codes:
        _, _, html = hand_over(t, code)
        for n in range(PAGES):
            if stop.is_set():
                return
            form = dict(HIDDEN.findall(html))
            form["csrf_token"] = TOKEN.search(html).group(1)
            form["action"] = "next"
            for name, value in RADIOS.findall(html):
                form.setdefault(name, value)
            if stop.wait(random.uniform(0.5, 1.5) * think):
                return
            start = time.perf_counter()
            status, location, _ = t.request("POST", f"/kiosk/page/{n}", form)
            latencies.append(time.perf_counter() - start)
            if status not in REDIRECTS or location.endswith("/kiosk/done"):
                break
            _, _, html = t.request("GET", f"/kiosk/page/{n + 1}")


def live_for(port: int, groups: list[list[str]], seconds: float | None, until: threading.Event | None, think: float):
    """Run the online tablets for ``seconds`` (or until ``until`` is set); their page-save latencies."""
    latencies: list[float] = []
    stop = until or threading.Event()
    threads = [threading.Thread(target=live_tablet, args=(port, codes, stop, latencies, think)) for codes in groups]
    for th in threads:
        th.start()
    if seconds is not None:
        time.sleep(seconds)
        stop.set()
    return latencies, threads


def check(url: str, expected: int) -> list[str]:
    from sqlalchemy import text

    from toolkit.store.engine import make_engine

    engine = make_engine(url)
    problems = []
    with engine.connect() as con:
        offline = con.execute(text("SELECT count(*) FROM page_saves WHERE offline")).scalar()
        dup = con.execute(
            text(
                "SELECT count(*) FROM (SELECT kiosk_session_id, page_index FROM page_saves"
                " GROUP BY 1, 2 HAVING count(*) > 1) d"
            )
        ).scalar()
    engine.dispose()
    if offline != expected:
        problems.append(f"{offline} offline pages saved, {expected} sent")
    if dup:
        problems.append(f"{dup} pages saved more than once")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="pages queued on the one tablet (a multiple of 5)")
    parser.add_argument("--tablets", type=int, default=20, help="tablets sending their queues at once")
    parser.add_argument("--queued", type=int, default=25, help="pages queued on each of those tablets")
    parser.add_argument("--live", type=int, default=10, help="tablets in use online meanwhile")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds per page on the online tablets")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database", default=None, help="an empty PostgreSQL database URL (default: SQLite in a temporary folder)"
    )
    args = parser.parse_args()
    one = [f"ONE{i:03d}" for i in range(args.pages // PAGES)]
    many = [[f"M{k:02d}P{i:02d}" for i in range(args.queued // PAGES)] for k in range(args.tablets)]
    live = [[f"LIVE{i:02d}S{j:02d}" for j in range(LIVE_SESSIONS)] for i in range(args.live)]
    live_alone = [[f"ALONE{i:02d}S{j:02d}" for j in range(LIVE_SESSIONS)] for i in range(args.live)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        online = [c for codes in live + live_alone for c in codes]
        env = set_up(folder, one + [c for codes in many for c in codes] + online, args.database)
        server = start_server(env, folder, args.workers, args.threads)
        port = server.port
        try:
            log = folder / "serve.log"
            # 1. one tablet, 100 queued pages
            tablet = Tablet(port)
            queue = queue_for(tablet, one)
            start = time.perf_counter()
            sent = send(tablet, queue)
            first_send = time.perf_counter() - start
            start = time.perf_counter()
            resent = send(tablet, queue)
            replay = time.perf_counter() - start
            # 2. many tablets at once, with tablets in use online
            queues = []
            for codes in many:
                t = Tablet(port)
                queues.append((t, queue_for(t, codes)))
            per_page: list[float] = []
            errors: list[str] = []
            go = threading.Barrier(len(queues) + 1)

            def sender(t: Tablet, q: list) -> None:
                go.wait()
                try:
                    send(t, q, per_page)
                except Exception as exc:  # reported below
                    errors.append(repr(exc))

            # the same online tablets with no queue being sent: the baseline
            alone_latencies, alone = live_for(port, live_alone, BASELINE_S, None, args.think)
            for th in alone:
                th.join(timeout=60)
            stop = threading.Event()
            live_latencies, lives = live_for(port, live, None, stop, args.think)
            time.sleep(1.0)  # the online tablets are answering
            senders = [threading.Thread(target=sender, args=(t, q)) for t, q in queues]
            for th in senders:
                th.start()
            go.wait()
            storm_start = time.perf_counter()
            for th in senders:
                th.join(timeout=300)
            storm = time.perf_counter() - storm_start
            stop.set()
            for th in lives:
                th.join(timeout=60)
        except Exception:
            print("server log:\n" + "\n".join(log.read_text().splitlines()[-150:]))
            raise
        finally:
            server.terminate()
            server.wait(timeout=15)
        total_queued = args.pages + args.tablets * args.queued
        problems = check(env["DATABASE_URL"], total_queued)
        bare = bare_reference(folder, args.workers, args.threads, 1, args.pages, 0)
    bare_total = sum(bare)
    backend = "PostgreSQL" if args.database else "SQLite WAL"
    print(f"battery {BATTERY} ({PAGES} pages); gunicorn {args.workers} workers x {args.threads} threads, {backend}")
    print(
        f"one tablet, {sent} queued pages ({len(one)} participants): sent in {first_send:.2f} s"
        f" ({1000 * first_send / sent:.1f} ms a page); resent (all replays) in {replay:.2f} s, {resent} acknowledged"
    )
    print(
        f"bare Flask POST inserting one row, {len(bare)} one after another: {bare_total:.2f} s; "
        f"ratio {first_send / bare_total:.1f}x"
    )
    print(
        f"{args.tablets} tablets sending {args.queued} pages each at once: all sent in {storm:.2f} s;"
        f" time per queued page p50 {pct(per_page, 50):.1f} ms, p95 {pct(per_page, 95):.1f} ms, "
        f"p99 {pct(per_page, 99):.1f} ms"
    )
    print(
        f"{args.live} tablets online alone for {BASELINE_S:g} s (baseline): "
        f"page save p50 {pct(alone_latencies, 50):.1f} ms,"
        f" p95 {pct(alone_latencies, 95):.1f} ms, p99 {pct(alone_latencies, 99):.1f} ms ({len(alone_latencies)} saves)"
    )
    print(
        f"meanwhile {args.live} tablets online, page save p50 {pct(live_latencies, 50):.1f} ms, "
        f"p95 {pct(live_latencies, 95):.1f} ms,"
        f" p99 {pct(live_latencies, 99):.1f} ms ({len(live_latencies)} saves); bare POST p99 {pct(bare, 99):.1f} ms"
    )
    print("errors: " + ("; ".join(e[:200] for e in errors[:5]) if errors else "none"))
    print(
        "database check: "
        + ("; ".join(problems) if problems else f"all {total_queued} queued pages saved exactly once")
    )


if __name__ == "__main__":
    main()
