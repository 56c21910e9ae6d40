"""Browser tests: the real ``outcomes serve`` and Debian's Chromium through Playwright, at a tablet viewport.

Each module gets a server per database backend (SQLite, and PostgreSQL when
DATABASE_URL_TEST is set) with program ``east`` (PHQ-9, GAD-7, service use;
waves baseline and exit) and staff user peer@example.org. Screenshots go to
test-artifacts/; pages are checked with axe-core (no serious or critical
violations).

Set-up: ``apt-get install -y chromium`` and
``npm install --prefix .cache/axe-core --no-audit --no-fund --no-save axe-core@4``
(``make test`` does both).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from browsing import ARGS
from browsing import AXE
from browsing import CHROMIUM
from browsing import free_port
from browsing import missing
from browsing import new_tablet
from browsing import OUTCOMES
from browsing import outcomes
from browsing import PASSWORD
from browsing import ROOT
from browsing import Server

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL_TEST") else [])


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    """``outcomes serve`` on 127.0.0.1 with a fresh database, a program and a staff user."""
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`")
    folder = tmp_path_factory.mktemp("browser")
    with ExitStack() as stack:
        if request.param == "sqlite":
            database = f"sqlite:///{folder / 'outcomes.sqlite'}"
        else:
            from toolkit.store.testing import scratch_schema

            database = stack.enter_context(scratch_schema(os.environ["DATABASE_URL_TEST"]))
        env = {**os.environ, "DATABASE_URL": database, "OUTCOMES_INSTANCE": str(folder / "instance")}
        outcomes("db", "upgrade", env=env)
        outcomes("programs", "add", "east", "--name", "Eastside Respite", "--waves", "baseline,exit", "--battery", "phq9,gad7,service_use", env=env)
        outcomes("users", "add", "peer@example.org", "--role", "staff", "--program", "east", "--password-stdin", env=env, stdin=PASSWORD + "\n")
        port = free_port()
        log = stack.enter_context(open(folder / "serve.log", "w"))  # noqa: SIM115
        proc = subprocess.Popen([*OUTCOMES, "serve", "--port", str(port), "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail("outcomes serve did not start: " + (folder / "serve.log").read_text())
        try:
            yield Server(f"http://127.0.0.1:{port}", env, database)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "install", "--prefix", str(ROOT / ".cache/axe-core"), "--no-audit", "--no-fund", "--no-save", "axe-core@4"],
            capture_output=True, timeout=180, check=False,
        )
    if not AXE.exists():
        missing("axe-core is missing; run `npm install --prefix .cache/axe-core --no-save axe-core@4`")
    return AXE.read_text()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tablet(browser):
    context, page = new_tablet(browser)
    yield page
    context.close()


