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
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest
from browsing import ARGS
from browsing import AXE
from browsing import CHROMIUM
from browsing import missing
from browsing import new_tablet
from browsing import outcomes
from browsing import PASSWORD
from browsing import ROOT
from browsing import Server
from smtp_sink import Sink

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL_TEST") else [])


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test in this folder drives a browser (``-m "not browser"`` leaves them out)."""
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
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
        sink = Sink()
        sink.start()
        stack.callback(sink.stop)
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "OUTCOMES_INSTANCE": str(folder / "instance"),
            "OUTCOMES_SMTP_URL": f"smtp://127.0.0.1:{sink.port}",
            "OUTCOMES_MAIL_FROM": "alerts@example.org",
        }
        outcomes("db", "upgrade", env=env)
        outcomes(
            "programs",
            "add",
            "east",
            "--name",
            "Eastside Respite",
            "--waves",
            "baseline,exit",
            "--battery",
            "phq9,gad7,service_use",
            env=env,
        )
        # west: PHQ-9 on the second page (the first page is answered online, then the network drops)
        outcomes(
            "programs",
            "add",
            "west",
            "--name",
            "Westside Drop-in",
            "--waves",
            "baseline,exit",
            "--battery",
            "gad7,phq9,service_use",
            env=env,
        )
        # flip: one question per screen, no risk item (21 screens)
        outcomes(
            "programs",
            "add",
            "flip",
            "--name",
            "Flip House",
            "--waves",
            "baseline",
            "--battery",
            "gad7,k6,phq9",
            "--instrument-choice",
            "phq8",
            "--page-mode",
            "item",
            env=env,
        )
        outcomes(
            "users",
            "add",
            "peer@example.org",
            "--role",
            "staff",
            "--program",
            "east",
            "--program",
            "west",
            "--program",
            "flip",
            "--password-stdin",
            env=env,
            stdin=PASSWORD + "\n",
        )
        outcomes(
            "programs",
            "edit",
            "east",
            "--alert-email",
            "lead@example.org",
            "--escalate-email",
            "director@example.org",
            "--time-zone",
            "America/New_York",
            env=env,
        )
        server = Server(folder, env, database)
        env["OUTCOMES_BASE_URL"] = server.url
        server.sink = sink
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(ROOT / ".cache/axe-core"),
                "--no-audit",
                "--no-fund",
                "--no-save",
                "axe-core@4",
            ],
            capture_output=True,
            timeout=180,
            check=False,
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
