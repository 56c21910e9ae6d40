"""End to end in Debian's Chromium at a tablet viewport: hand-over, a Spanish battery with a
safety alert, the lock screen, and staff acknowledging the alert. Screenshots go to
test-artifacts/; kiosk and staff pages are checked with axe-core (no serious or critical violations).

Set-up: ``apt-get install -y chromium`` and
``npm install --prefix .cache/axe-core --no-audit --no-fund --no-save axe-core@4``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".cache/axe-core/node_modules/axe-core/axe.min.js"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"


def missing(reason: str) -> None:
    """Skip locally; under CI a missing browser or axe-core is a set-up failure, never a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
OUTCOMES = [str(Path(sys.executable).with_name("outcomes"))]


def _outcomes(*args: str, env: dict, stdin: str | None = None) -> None:
    done = subprocess.run([*OUTCOMES, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr + done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``outcomes serve`` on 127.0.0.1 with a fresh SQLite database, a program and a staff user."""
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`")
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'outcomes.sqlite'}", "OUTCOMES_INSTANCE": str(folder / "instance")}
    _outcomes("db", "upgrade", env=env)
    _outcomes("programs", "add", "east", "--name", "Eastside Respite", "--waves", "baseline,exit", "--battery", "phq9,gad7,service_use", env=env)
    _outcomes("users", "add", "peer@example.org", "--role", "staff", "--program", "east", "--password-stdin", env=env, stdin=PASSWORD + "\n")
    port = _free_port()
    log = open(folder / "serve.log", "w")  # noqa: SIM115 (closed below)
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
        log.close()
        pytest.fail("outcomes serve did not start: " + (folder / "serve.log").read_text())
    yield {"url": f"http://127.0.0.1:{port}", "env": env, "db": folder / "outcomes.sqlite"}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "install", "--prefix", str(ROOT / ".cache/axe-core"), "--no-audit", "--no-fund", "--no-save", "axe-core@4"],
            capture_output=True, timeout=180, check=False,
        )
    if not AXE.exists():
        missing("axe-core is missing; run `npm install --prefix .cache/axe-core --no-save axe-core@4`")
    return AXE.read_text()


@pytest.fixture
def tablet():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True, bypass_csp=True)
        yield context.new_page()
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_check(page, source: str) -> None:
    page.add_script_tag(content=source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)


def sign_in(page, base: str) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=email]", "peer@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def answer_all(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_spanish_battery_with_alert_end_to_end(server, tablet, axe_source):
    import sqlite3

    page, base = tablet, server["url"]
    sign_in(page, base)
    shot(page, "01-staff-programs")
    axe_check(page, axe_source)
    page.click("text=Eastside Respite")
    page.fill("input[name=add-code]", "E001")
    page.click("button:has-text('Enrol')")
    page.fill("input[name=start-participant]", "E001")
    page.select_option("select[name=start-language]", "es")
    shot(page, "02-staff-program")
    axe_check(page, axe_source)
    page.click("text=Hand over tablet")

    # PHQ-9 in Spanish; first try Next with two answers missing
    page.wait_for_selector("text=Página 1 de 3")
    assert page.locator("html").get_attribute("lang") == "es"
    shot(page, "03-kiosk-phq9-es")
    axe_check(page, axe_source)
    answer_all(page, {f"phq9_{i}": "1" for i in range(1, 8)})
    page.click("button[value=next]")
    page.wait_for_selector(".need-answer")
    assert "2 preguntas" in page.inner_text(".need-answer")
    shot(page, "04-kiosk-missing-answers")
    axe_check(page, axe_source)
    answer_all(page, {"phq9_8": "0", "phq9_9": "2"})
    page.click("button[value=next]")

    # the crisis message, then the survey goes on
    page.wait_for_selector(".crisis")
    assert "988" in page.inner_text(".crisis")
    shot(page, "05-kiosk-crisis-es")
    axe_check(page, axe_source)
    page.click("text=Continuar con la encuesta")
    page.wait_for_selector("text=Página 2 de 3")
    answer_all(page, {f"gad7_{i}": "0" for i in range(1, 8)})
    shot(page, "06-kiosk-gad7-es")
    page.click("button[value=next]")
    page.wait_for_selector("text=Página 3 de 3")
    for field in page.locator("input[type=number]").all():
        field.fill("1")
    shot(page, "07-kiosk-service-use-es")
    axe_check(page, axe_source)
    page.click("button[value=next]")

    page.wait_for_selector("text=Gracias. Ha terminado.")
    assert "988" in page.inner_text("main")
    shot(page, "08-kiosk-thanks-es")
    axe_check(page, axe_source)
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("input[type=radio]:checked, input[type=number]").count() == 0
    assert "lista para la siguiente persona" in page.inner_text("body") or "ready for the next person" in page.inner_text("body")
    shot(page, "09-kiosk-back-after-end")
    axe_check(page, axe_source)

    # what was stored
    with sqlite3.connect(server["db"]) as con:
        n_responses = con.execute("SELECT count(*) FROM item_responses").fetchone()[0]
        alerts = con.execute("SELECT item_id, value, acknowledged_at FROM alerts").fetchall()
        langs = {r[0] for r in con.execute("SELECT language FROM administrations")}
    n_service = n_responses - 16
    assert n_service >= 1 and alerts == [("phq9_9", 2.0, None)] and langs == {"es"}

    # staff see the banner and acknowledge
    sign_in(page, base)
    assert "1 safety alert needs attention" in page.inner_text(".alert-banner")
    page.click("text=Eastside Respite")
    page.click("text=Review and acknowledge")
    shot(page, "10-staff-alerts")
    axe_check(page, axe_source)
    page.fill("textarea[name=note]", "Talked with E001 in person; safety plan reviewed; 988 card given.")
    page.click("button:has-text('Acknowledge')")
    page.wait_for_selector("text=Alert acknowledged.")
    assert page.locator(".alert-banner").count() == 0
    shot(page, "11-staff-alert-acknowledged")
    axe_check(page, axe_source)
    with sqlite3.connect(server["db"]) as con:
        assert con.execute("SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL AND note LIKE 'Talked%'").fetchone()[0] == 1


def test_lock_screen_and_sign_in_are_accessible(server, tablet, axe_source):
    page = tablet
    page.goto(server["url"] + "/")
    page.wait_for_selector("text=ready for the next person")
    shot(page, "00-kiosk-lock")
    axe_check(page, axe_source)
    page.click("text=Staff sign in")
    page.wait_for_selector("input[name=email]")
    shot(page, "00-staff-sign-in")
    axe_check(page, axe_source)
