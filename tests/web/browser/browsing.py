"""Helpers for the browser tests: the server, screenshots, axe-core, signing in, answering."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from serve_process import OUTCOMES
from serve_process import ServeProcess

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".cache/axe-core/node_modules/axe-core/axe.min.js"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"


def missing(reason: str) -> None:
    """Skip locally; under CI a missing browser or axe-core is a set-up failure, never a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def outcomes(*args: str, env: dict, stdin: str | None = None) -> str:
    """Run the ``outcomes`` command; fail the test with its output when it fails."""
    done = subprocess.run(
        [*OUTCOMES, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


class Server(ServeProcess):
    """An ``outcomes serve`` (one worker) for the browser tests, and a look into its database."""

    def __init__(self, folder: Path, env: dict, database_url: str) -> None:
        super().__init__(env, folder, workers=1)
        self.database_url = database_url

    def sql(self, query: str, **params) -> list[tuple]:
        """Rows of a query on the server's database."""
        from sqlalchemy import text

        from toolkit.store.engine import make_engine

        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(query), params)]
        finally:
            engine.dispose()


def wait_until(page, expression: str, arg=None, timeout_s: float = 30.0, what: str = "") -> None:
    """Poll an async JavaScript ``expression`` (a function of ``arg``) until it yields a truthy value.

    ``page.wait_for_function`` takes a returned promise itself as truthy, so
    it cannot wait on IndexedDB or Cache Storage; this awaits the value.
    """
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError as exc:  # the page moved on while being asked: ask the next one
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        page.wait_for_timeout(150)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what or expression}")


def new_tablet(browser):
    """A fresh browser context at a tablet viewport with touch (a tablet of its own)."""
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True, bypass_csp=True
    )
    return context, context.new_page()


def shot(page, name: str, full_page: bool = True) -> None:
    """A screenshot in test-artifacts/ (the whole page, or what the tablet's screen shows)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def axe_check(page, source: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    page.add_script_tag(content=source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)


def sign_in(page, base: str, email: str = "peer@example.org", password: str = PASSWORD) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def answer_all(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f'input[name="{name}"][value="{value}"]').check()


def hand_over(page, base: str, code: str, program: str = "east", language: str = "en", cached: bool = False) -> str:
    """Sign in, enrol ``code`` in ``program``, start its baseline in ``language`` and hand over.

    Returns the session's ref; with ``cached``, first waits until the tablet
    keeps the session's pages for offline use.
    """
    sign_in(page, base)
    page.goto(f"{base}/staff/p/{program}/")
    page.fill("input[name=add-code]", code)
    page.click("button:has-text('Enrol')")
    enrolled = page.locator(f"text=Participant {code} enrolled.")
    enrolled.or_(page.locator("text=Is this the same person?")).first.wait_for()
    if not enrolled.count():  # a code close to one enrolled before: "did you mean ...?"
        page.click(f"button:has-text('Enrol {code} as a new person')")
        enrolled.wait_for()
    page.fill("input[name=start-participant]", code)
    page.select_option("select[name=start-language]", language)
    page.click("text=Hand over tablet")
    page.wait_for_selector("#page-form")
    ref = page.get_attribute("#page-form", "data-ref")
    if cached:
        wait_until(
            page,
            "ref => KioskStore.get('sessions', ref).then(s => !!(s && s.cached))",
            ref,
            what="the session's pages cached",
        )
    return ref
