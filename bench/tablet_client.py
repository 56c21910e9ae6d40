"""What the benchmarks share: a tablet as an HTTP client, starting servers, percentiles.

A :class:`Tablet` is one browser: a keep-alive connection and the session
cookie. :func:`hand_over` signs staff in and hands the tablet over to a
participant, as on a real tablet.
"""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

OUTCOMES = str(Path(sys.executable).with_name("outcomes"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'name="(submission_key|ref|page)" type="hidden" value="([^"]*)"')
RADIOS = re.compile(r'<input type="radio" name="([a-z0-9_]+)" value="([^"]+)"')
REDIRECTS = (302, 303)


class Tablet:
    """One browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """Send a request; like a browser, reconnect once if the server closed the idle connection."""
        try:
            return self._request(method, path, form)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            self.conn.close()
            return self._request(method, path, form)

    def post_json(self, path: str, body: str) -> tuple[int, int, str]:
        """POST a JSON body (no cookie, as the kiosk's queue is sent); returns status, Retry-After and text."""
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = self.conn.getresponse()
                return response.status, int(response.getheader("Retry-After") or 0), response.read().decode()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("outcomes_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text


def wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*args: str, env: dict, stdin: str | None = None) -> None:
    subprocess.run([OUTCOMES, *args], env=env, input=stdin, text=True, check=True, capture_output=True)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else float("nan")


def run(*args: str, env: dict, stdin: str | None = None) -> None:
    """Run the ``outcomes`` command; stop the benchmark with its message when it fails."""
    subprocess.run([OUTCOMES, *args], env=env, input=stdin, text=True, check=True, capture_output=True)


def hand_over(t: Tablet, code: str, program: str = "bench") -> tuple[int, str, str]:
    """Sign in, start ``code``'s baseline and hand over; returns the first kiosk page."""
    _, _, html = t.request("GET", "/auth/login")
    status, _, body = t.request(
        "POST",
        "/auth/login",
        {"email": "staff@example.org", "password": PASSWORD, "csrf_token": TOKEN.search(html).group(1)},
    )
    if status not in REDIRECTS or t.cookie == "":
        raise RuntimeError(f"sign-in failed for {code}: HTTP {status} {body[:300]!r}")
    _, _, html = t.request("GET", f"/staff/p/{program}/")
    form = {
        "start-participant": code,
        "start-wave": "baseline",
        "start-language": "en",
        "csrf_token": TOKEN.search(html).group(1),
    }
    status, _location, _ = t.request("POST", f"/staff/p/{program}/sessions", form)
    if status not in REDIRECTS:
        raise RuntimeError(f"hand-over failed for {code}: {status}")
    return t.request("GET", "/kiosk/page/0")


def start_server(env: dict, folder: Path, workers: int, threads: int) -> subprocess.Popen:
    """``outcomes serve`` on a free port of 127.0.0.1 (errors to ``folder/serve.log``); waits until it listens.

    The port is in the returned process's ``port`` attribute.
    """
    port = free_port()
    with open(folder / "serve.log", "w") as log:
        server = subprocess.Popen(
            [OUTCOMES, "serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    server.port = port
    wait_port(port)
    return server
