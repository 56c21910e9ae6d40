"""The follow-up worklist and the program page's follow-up rates: access, content, filters and the target."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest
from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import add_participant
from toolkit.store.programs import update_program
from toolkit.store.users import create_user

PASSWORD = "correct horse battery"
WORKLIST = "/staff/p/east/followups"


def give(db, participant, wave, days_ago: int, instruments=("phq9", "webmood")) -> None:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    for inst in instruments:
        db.add(
            Administration(
                participant=participant,
                wave=wave,
                instrument_id=inst,
                instrument_version=1,
                status="complete",
                mode="import",
                submission_key=f"{participant.code}-{wave.name}-{inst}",
                started_at=when,
                completed_at=when,
            )
        )


@pytest.fixture
def scheduled(db, registry):
    """East with a windowed 3-month wave (opens day 60, due day 90, closes day 150) and four participants.

    E001 (baseline 100 days ago): overdue; E002 (200 days ago): missed; E003 (200 days ago, 3-month on
    day 95): done in window; E004 (70 days ago): due. E005 has no baseline.
    """
    east = db.scalar(select(Program).where(Program.slug == "east"))
    update_program(db, registry, east, waves="baseline,3month:+90[-30,+60],exit")
    baseline, month3, _exit = east.waves
    people = {p.code: p for p in db.scalars(select(Participant).where(Participant.program_id == east.id))}
    for code in ("E003", "E004", "E005"):
        people[code] = add_participant(db, east, code)
    give(db, people["E001"], baseline, 100)
    give(db, people["E002"], baseline, 200)
    give(db, people["E003"], baseline, 200)
    give(db, people["E003"], month3, 105)
    give(db, people["E004"], baseline, 70)
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    db.commit()
    return east


def rows(html: str) -> list[tuple[str, str, str]]:
    """(participant, wave, state) of each worklist row, in order."""
    return re.findall(
        r"<tr>\s*<td>([^<]+)</td>\s*<td>[^<]*</td>\s*<td>([^<]+)</td>\s*<td><span[^>]*>([^<]+)</span>", html
    )


@pytest.mark.parametrize("email", ["east@example.org", "eva@example.org", "admin@example.org"])
def test_staff_evaluators_and_admins_of_the_program_see_the_worklist(client, web, scheduled, email):
    web.sign_in(email)
    page = client.get(WORKLIST)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert rows(html) == [
        ("E001", "3month", "overdue"),
        ("E004", "3month", "due"),
        ("E002", "3month", "missed"),
        ("E003", "3month", "done in window"),
        ("E001", "exit", "not scheduled"),
        ("E002", "exit", "not scheduled"),
        ("E003", "exit", "not scheduled"),
        ("E004", "exit", "not scheduled"),
    ]
    assert "<form" not in html.split("<main", 1)[1].replace('class="signout"', "")  # read only: no forms
    assert "1 enrolled without a baseline yet" in html
    assert "Showing 1–8 of 8" in html


def test_a_row_shows_due_date_window_and_done_date(client, web, scheduled):
    web.sign_in("east@example.org")
    html = client.get(WORKLIST + "?state=done+in+window").get_data(as_text=True)
    baseline = (datetime.now(UTC) - timedelta(days=200)).date()
    done = (datetime.now(UTC) - timedelta(days=105)).date()
    due, opens, closes = (baseline + timedelta(days=d) for d in (90, 60, 150))
    assert rows(html) == [("E003", "3month", "done in window")]
    row = html.split("<tbody>")[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["E003", "", "3month", "done in window", str(due), f"{opens} to {closes}", str(done)]


def test_counts_per_state_and_filters(client, web, scheduled):
    web.sign_in("east@example.org")
    html = client.get(WORKLIST).get_data(as_text=True)
    counts = dict(
        re.findall(r'<a href="/staff/p/east/followups[^"]*"[^>]*>([^<]+?) <span class="count">(\d+)</span>', html)
    )
    assert counts == {
        "All follow-ups": "8",
        "Due or overdue": "2",
        "Overdue": "1",
        "Due": "1",
        "Missed": "1",
        "Done in window": "1",
        "Not scheduled": "4",
    }
    open_ = client.get(WORKLIST + "?state=open").get_data(as_text=True)
    assert rows(open_) == [("E001", "3month", "overdue"), ("E004", "3month", "due")]
    assert 'href="/staff/p/east/followups?state=open" aria-current="page"' in open_
    assert rows(client.get(WORKLIST + "?state=missed").get_data(as_text=True)) == [("E002", "3month", "missed")]
    empty = client.get(WORKLIST + "?state=done+out+of+window").get_data(as_text=True)
    assert rows(empty) == [] and "No follow-ups in this state." in empty


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=soon", "state: &#39;soon&#39; is not a follow-up state; choose one of the list"),
        ("state=%3Cscript%3E", "state: &#39;&lt;script&gt;&#39; is not a follow-up state"),
        ("page=0", "page: &#39;0&#39; is not a page number"),
        ("page=two", "page: &#39;two&#39; is not a page number"),
        ("page=%D9%A3", "page: &#39;٣&#39; is not a page number"),
    ],
)
def test_a_bad_filter_or_page_is_refused_with_the_reason(client, web, scheduled, query, message):
    web.sign_in("east@example.org")
    page = client.get(f"{WORKLIST}?{query}")
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)


def test_a_page_past_the_last_is_not_found(client, web, scheduled):
    web.sign_in("east@example.org")
    assert client.get(WORKLIST + "?page=1").status_code == 200
    assert client.get(WORKLIST + "?page=2").status_code == 404


def test_long_worklists_are_paged(client, web, db, scheduled, monkeypatch):
    monkeypatch.setattr("toolkit.web.followups.PAGE_SIZE", 3)
    web.sign_in("east@example.org")
    first = client.get(WORKLIST).get_data(as_text=True)
    assert "Showing 1–3 of 8" in first and len(rows(first)) == 3
    assert 'href="/staff/p/east/followups?page=2" rel="next">Next 3<' in first
    last = client.get(WORKLIST + "?page=3").get_data(as_text=True)
    assert "Showing 7–8 of 8" in last and len(rows(last)) == 2
    assert 'href="/staff/p/east/followups?page=2" rel="prev"' in last and 'rel="next"' not in last


def test_another_programs_staff_get_not_found_and_strangers_sign_in(client, web, scheduled):
    assert client.get(WORKLIST).status_code in (302, 303)
    assert "/auth/login" in client.get(WORKLIST).headers["Location"]
    web.sign_in("west@example.org")
    assert client.get(WORKLIST).status_code == 404
    assert client.get("/staff/p/nowhere/followups").status_code == 404
    assert client.get("/staff/p/west/followups").status_code == 200


def test_the_program_page_links_the_worklist_and_shows_rates_against_the_target(client, web, db, scheduled):
    web.sign_in("eva@example.org")
    html = client.get("/staff/p/east/").get_data(as_text=True)
    assert 'href="/staff/p/east/followups">Follow-up worklist</a>' in html
    assert re.search(r'Follow-ups due</dt><dd><a href="/staff/p/east/followups\?state=open"[^>]*>2</a>', html)
    # closed windows: E002 (missed) and E003 (done in window); E001 and E004 are still open
    rate = "<strong>3month</strong>: 1 of 2 in window (50&nbsp;%) — target 80&nbsp;%"
    assert rate in html and '<span class="below">· below target</span>' in html
    scheduled.followup_target_pct = 50
    db.commit()
    html = client.get("/staff/p/east/").get_data(as_text=True)
    assert (
        "<strong>3month</strong>: 1 of 2 in window (50&nbsp;%) — target 50&nbsp;%" in html
        and "below target" not in html
    )


def test_the_program_page_without_windows_shows_no_rates(client, web):
    web.sign_in("east@example.org")
    html = client.get("/staff/p/east/").get_data(as_text=True)
    assert "Follow-ups done in their window" not in html
    assert "Follow-up worklist" in html
