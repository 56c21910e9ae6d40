"""The follow-up worklist and the program page's rates in Chromium: readable at the tablet size, no axe violations."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import UTC

from browsing import axe_check
from browsing import outcomes
from browsing import shot
from browsing import sign_in
from sqlalchemy import select

from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import Program
from toolkit.store.programs import add_participant


def _followups(server) -> None:
    """Program ``gpra`` (intake, 3month with a window, discharge) with participants at several states."""
    outcomes(
        "programs",
        "add",
        "gpra",
        "--name",
        "GPRA Follow-ups",
        "--waves",
        "intake,3month:+90[-30,+60],discharge",
        "--battery",
        "phq9",
        env=server.env,
    )
    user = ["users", "add", "gpra@example.org", "--role", "evaluator", "--program", "gpra", "--password-stdin"]
    outcomes(*user, env=server.env, stdin="correct horse battery\n")
    engine = make_engine(server.database_url)
    with make_sessionmaker(engine)() as s:
        program = s.scalar(select(Program).where(Program.slug == "gpra"))
        intake, month3, _discharge = program.waves
        now = datetime.now(UTC)
        for i, (baseline_days_ago, month3_days_ago) in enumerate([(100, None), (200, None), (200, 105), (70, None)]):
            person = add_participant(s, program, f"G{i + 1:03}", site="Main")
            for wave, days_ago in ((intake, baseline_days_ago), (month3, month3_days_ago)):
                if days_ago is not None:
                    when = now - timedelta(days=days_ago)
                    s.add(
                        Administration(
                            participant=person,
                            wave=wave,
                            instrument_id="phq9",
                            instrument_version=1,
                            status="complete",
                            mode="import",
                            submission_key=f"g{i}-{wave.name}",
                            started_at=when,
                            completed_at=when,
                        )
                    )
        s.commit()
    engine.dispose()


def test_worklist_and_rates_read_well_and_pass_axe(server, tablet, axe_source):
    _followups(server)
    page, base = tablet, server.url
    sign_in(page, base, "gpra@example.org")
    page.goto(base + "/staff/p/gpra/")
    assert "3month: 1 of 2 in window (50\u00a0%) — target 80\u00a0% · below target" in page.inner_text(".rates")
    axe_check(page, axe_source)
    shot(page, "followups-program", full_page=False)
    page.click("text=Follow-up worklist")
    assert page.locator("table.worklist tbody tr").count() == 8
    assert page.locator("table.worklist tbody tr").first.inner_text().split("\t")[:4] == [
        "G001",
        "Main",
        "3month",
        "overdue",
    ]
    axe_check(page, axe_source)
    shot(page, "followups-worklist")
    page.click("nav.states >> text=Missed")
    assert page.locator("table.worklist tbody tr").count() == 1
    assert page.locator("nav.states a[aria-current=page]").inner_text().startswith("Missed")
    width = page.evaluate("document.querySelector('table.worklist').getBoundingClientRect().right")
    assert width <= 820  # the whole row fits the tablet's width
