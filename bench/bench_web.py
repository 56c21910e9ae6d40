"""Tablet load: N simulated tablets each complete a 3-instrument battery, page by page.

Starts ``outcomes serve`` on 127.0.0.1 with a fresh SQLite database, signs
each tablet in, hands it over and submits every page (GET the page, POST the
answers). Prints completed batteries per second, p50/p95/p99 page-save (POST)
latency, and the ratio to the simplest reference: a bare Flask app under the
same gunicorn settings whose POST inserts one row. Afterwards the database is
checked for lost or duplicated pages.

Run: .venv/bin/python bench/bench_web.py [--tablets 50] [--rounds 3] [--think 5] [--workers 2]
     .venv/bin/python bench/bench_web.py --startup [--repeat 7]
``--startup`` measures start-up instead: from starting ``outcomes serve`` (an
already migrated database, as on a restart) to the first ``200`` on
``/kiosk/lock``, against the simplest reference, gunicorn starting a bare
Flask app under the same settings and answering its first ``GET``.
``--rounds`` is how many participants each tablet serves in turn; between
them a staff member signs in again and hands the tablet over, as in use.
``--think`` is the mean pause (seconds) a person spends on each page before
tapping Next (drawn uniformly from 0.5x to 1.5x, so tablets do not tap in
step); 0 sends pages back to back (a stress test, not a tablet).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from tablet_client import free_port
from tablet_client import GUNICORN
from tablet_client import hand_over
from tablet_client import HIDDEN
from tablet_client import OUTCOMES
from tablet_client import PASSWORD
from tablet_client import pct
from tablet_client import RADIOS
from tablet_client import REDIRECTS
from tablet_client import run
from tablet_client import start_server
from tablet_client import Tablet
from tablet_client import TOKEN
from tablet_client import wait_port

BATTERY = "phq9,gad7,gse"

BARE_APP = """
import os, sqlite3
from flask import Flask, request, redirect
app = Flask(__name__)
DB = os.environ["BARE_DB"]
@app.post("/")
def save():
    con = sqlite3.connect(DB, timeout=5)
    con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
    with con:
        con.execute("INSERT INTO rows (payload) VALUES (?)", (request.get_data(as_text=True),))
    con.close()
    return redirect("/done")
"""


BARE_STARTUP_APP = """
from flask import Flask
app = Flask(__name__)
@app.get("/kiosk/lock")
def lock():
    return "locked"
"""


def first_200(command: list[str], env: dict, port: int, log: Path, limit_s: float = 60) -> float:
    """Seconds from starting ``command`` to the first 200 answer to ``GET /kiosk/lock`` on ``port``."""
    start = time.perf_counter()
    with open(log, "a") as err:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        while time.perf_counter() - start < limit_s:
            if proc.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {proc.returncode}; see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=limit_s)
                conn.request("GET", "/kiosk/lock")
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return time.perf_counter() - start
            except OSError:  # not listening yet
                pass
            time.sleep(0.005)
        raise SystemExit(f"no 200 from {command[0]} within {limit_s:g} s")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def startup(workers: int, threads: int, repeat: int) -> None:
    """`outcomes serve` start to first kiosk page, against gunicorn starting a bare Flask app."""
    worker_class = "gthread" if threads > 1 else "sync"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = set_up(folder, [])  # migrated, one program and one staff account
        (folder / "bare_startup.py").write_text(BARE_STARTUP_APP)
        serve, bare = [], []
        for _ in range(repeat):  # alternate, so both see the same background load
            port = free_port()
            serve.append(
                first_200(
                    [OUTCOMES, "serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
                    env,
                    port,
                    folder / "serve.log",
                )
            )
            port = free_port()
            bare.append(
                first_200(
                    [
                        GUNICORN,
                        "--chdir",
                        str(folder),
                        "-w",
                        str(workers),
                        "--threads",
                        str(threads),
                        "-k",
                        worker_class,
                        "-b",
                        f"127.0.0.1:{port}",
                        "--no-control-socket",
                        "--log-level",
                        "warning",
                        "bare_startup:app",
                    ],
                    env,
                    port,
                    folder / "bare.log",
                )
            )
    print(
        f"start-up to the first 200 on /kiosk/lock, gunicorn {workers} workers x {threads} threads, SQLite, "
        f"{repeat} starts each"
    )
    print(f"outcomes serve    : best {min(serve):.2f} s, median {statistics.median(serve):.2f} s")
    print(f"bare Flask app    : best {min(bare):.2f} s, median {statistics.median(bare):.2f} s")
    print(
        f"ratio (best): {min(serve) / min(bare):.1f}x; "
        f"target: outcomes serve < 1 s: {'met' if min(serve) < 1 else 'NOT met'}"
    )


def set_up(folder: Path, codes: list[str]) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'outcomes.sqlite'}",
        "OUTCOMES_INSTANCE": str(folder / "instance"),
    }
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
    con = sqlite3.connect(folder / "outcomes.sqlite")
    with con:
        con.executemany(
            "INSERT INTO participants (program_id, code, attributes, created_at) VALUES (1, ?, '{}', datetime('now'))",
            [(code,) for code in codes],
        )
    con.close()
    return env


def complete_battery(t: Tablet, first_page: str, think: float, latencies: list[float], errors: list[str]) -> bool:
    html, n = first_page, 0
    while True:
        form = dict(HIDDEN.findall(html))
        form["csrf_token"] = TOKEN.search(html).group(1)
        form["action"] = "next"
        for name, value in RADIOS.findall(html):
            form.setdefault(name, value)  # the first option of each question (never an alert)
        if think:
            time.sleep(random.uniform(0.5, 1.5) * think)
        start = time.perf_counter()
        status, location, _ = t.request("POST", f"/kiosk/page/{n}", form)
        latencies.append(time.perf_counter() - start)
        if status not in REDIRECTS:
            errors.append(f"page {n}: HTTP {status}")
            return False
        if location.endswith("/kiosk/done"):
            t.request("GET", "/kiosk/done")
            return True
        n += 1
        _, _, html = t.request("GET", f"/kiosk/page/{n}")


def code(tablet: int, round_no: int) -> str:
    return f"T{tablet:04d}R{round_no}"


def run_tablets(port: int, tablets: int, rounds: int, think: float, limit_s: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    done: list[int] = []
    ready = threading.Barrier(tablets + 1)
    firsts: dict[int, tuple[Tablet, str]] = {}

    def tablet(i: int) -> None:
        t = Tablet(port)
        try:
            firsts[i] = (t, hand_over(t, code(i, 0))[2])
        except Exception as exc:  # reported below
            errors.append(f"tablet {i} set-up: {exc}")
        ready.wait()
        if i not in firsts:
            return
        html = firsts[i][1]
        for r in range(rounds):
            try:
                if r:
                    html = hand_over(t, code(i, r))[2]
                if complete_battery(t, html, think, latencies, errors):
                    done.append(i)
            except Exception as exc:  # reported below
                errors.append(f"tablet {i} round {r}: {exc!r}")
                return

    threads = [threading.Thread(target=tablet, args=(i,), daemon=True) for i in range(tablets)]
    for th in threads:
        th.start()
    ready.wait()
    start = time.perf_counter()
    for th in threads:
        th.join(timeout=max(0.0, limit_s - (time.perf_counter() - start)))
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "errors": errors, "completed": len(done), "elapsed": elapsed}


def bare_reference(folder: Path, workers: int, threads: int, tablets: int, posts: int, think: float) -> list[float]:
    (folder / "bare_app.py").write_text(BARE_APP)
    db = folder / "bare.sqlite"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)")
    con.close()
    port = free_port()
    env = {**os.environ, "BARE_DB": str(db)}
    worker_class = "gthread" if threads > 1 else "sync"
    proc = subprocess.Popen(
        [
            GUNICORN,
            "--chdir",
            str(folder),
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-k",
            worker_class,
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "bare_app:app",
        ],
        env=env,
    )
    try:
        wait_port(port)
        latencies: list[float] = []
        body = {f"q{i}": "1" for i in range(10)}

        def client() -> None:
            t = Tablet(port)
            for _ in range(posts):
                if think:
                    time.sleep(random.uniform(0.5, 1.5) * think)
                start = time.perf_counter()
                t.request("POST", "/", body)
                latencies.append(time.perf_counter() - start)

        ths = [threading.Thread(target=client) for _ in range(tablets)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(timeout=300)
        return latencies
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def check_database(path: Path, completed: int, tablets: int) -> list[str]:
    """Lost or duplicated pages: every finished session has each page saved exactly once."""
    con = sqlite3.connect(path)
    problems = []
    n_pages = 3
    rows = con.execute(
        "SELECT kiosk_session_id, page_index, count(*) FROM page_saves GROUP BY 1, 2 HAVING count(*) > 1"
    ).fetchall()
    if rows:
        problems.append(f"{len(rows)} pages saved more than once")
    complete = con.execute("SELECT id FROM kiosk_sessions WHERE status = 'complete'").fetchall()
    if len(complete) != completed:
        problems.append(f"{len(complete)} sessions complete in the database, {completed} reported by tablets")
    short = con.execute(
        "SELECT count(*) FROM kiosk_sessions k WHERE status = 'complete'"
        " AND (SELECT count(*) FROM page_saves p WHERE p.kiosk_session_id = k.id) != ?",
        (n_pages,),
    ).fetchone()[0]
    if short:
        problems.append(f"{short} complete sessions without exactly {n_pages} saved pages")
    items = con.execute("SELECT count(*) FROM item_responses").fetchone()[0]
    expected_items = completed * (9 + 7 + 10)
    in_progress = con.execute("SELECT count(*) FROM kiosk_sessions WHERE status != 'complete'").fetchone()[0]
    if in_progress == 0 and items != expected_items:
        problems.append(f"{items} item responses, expected {expected_items}")
    dup = con.execute(
        "SELECT count(*) FROM (SELECT administration_id, item_id FROM item_responses GROUP BY 1, 2 HAVING count(*) > 1)"
    ).fetchone()[0]
    if dup:
        problems.append(f"{dup} duplicated item responses")
    con.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="participants each tablet serves in turn")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds on each page before Next")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--limit", type=float, default=300, help="stop waiting after this many seconds")
    parser.add_argument("--startup", action="store_true", help="measure start-up to the first kiosk page instead")
    parser.add_argument("--repeat", type=int, default=7, help="starts of each server with --startup")
    args = parser.parse_args()
    if args.startup:
        startup(args.workers, args.threads, args.repeat)
        return
    if not 1 <= args.tablets <= 200:
        raise SystemExit("--tablets: use 1 to 200")
    if not 1 <= args.rounds <= 20:
        raise SystemExit("--rounds: use 1 to 20")
    batteries = args.tablets * args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = set_up(folder, [code(i, r) for i in range(args.tablets) for r in range(args.rounds)])
        server = start_server(env, folder, args.workers, args.threads)
        port = server.port
        try:
            result = run_tablets(port, args.tablets, args.rounds, args.think, args.limit)
        finally:
            server.terminate()
            server.wait(timeout=10)
        problems = check_database(folder / "outcomes.sqlite", result["completed"], args.tablets)
        server_log = (folder / "serve.log").read_text()
        bare = bare_reference(folder, args.workers, args.threads, args.tablets, 3 * args.rounds, args.think)
    lat = result["latencies"]
    print(
        f"tablets {args.tablets} x {args.rounds} participants each, think {args.think:g} s/page, "
        f"gunicorn {args.workers} workers x {args.threads} threads, SQLite WAL"
    )
    print(
        f"completed batteries: {result['completed']}/{batteries} in {result['elapsed']:.1f} s = "
        f"{result['completed'] / result['elapsed']:.2f} batteries/s"
    )
    print(
        f"page save (POST) latency: p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms, "
        f"p99 {pct(lat, 99):.1f} ms ({len(lat)} saves)"
    )
    print(
        f"bare Flask POST inserting one row: p50 {pct(bare, 50):.1f} ms, p95 {pct(bare, 95):.1f} ms, "
        f"p99 {pct(bare, 99):.1f} ms ({len(bare)} posts)"
    )
    print(
        f"ratio page save / bare POST: p50 {pct(lat, 50) / pct(bare, 50):.1f}x, p99 {pct(lat, 99) / pct(bare, 99):.1f}x"
    )
    print("errors: " + ("; ".join(e[:200] for e in result["errors"][:5]) if result["errors"] else "none"))
    if result["errors"] and server_log.strip():
        lines = [ln for ln in server_log.splitlines() if "ERROR" in ln or "toolkit/" in ln or "Error:" in ln]
        print("server log:\n" + "\n".join(lines[:40]))
    print("database check: " + ("; ".join(problems) if problems else "no lost or duplicated pages"))
    target = pct(lat, 99) < 250 and not problems and not result["errors"] and result["completed"] == batteries
    print(
        f"target (p99 < 250 ms, every battery complete, no lost or duplicated pages): {'met' if target else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
