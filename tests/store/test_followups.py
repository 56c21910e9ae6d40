"""Follow-ups from the store: wave dates, every follow-up's state, the worklist and rates against the target."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import UTC

import pytest
from sqlalchemy import event

from toolkit.store.followups import followup_rates
from toolkit.store.followups import program_followups
from toolkit.store.followups import wave_visits
from toolkit.store.followups import WaveRate
from toolkit.store.followups import worklist
from toolkit.store.models import Administration
from toolkit.store.programs import add_participant
from toolkit.store.programs import create_program

START = date(2026, 1, 1)
TODAY = START + timedelta(days=160)
SCHEDULE = "intake,3month:+90[-30,+60],6month:+182[-30,+60],discharge"
# 3month: opens day 60, due day 90, closes day 150; 6month: opens 152, due 182, closes 242 (days after baseline)


def give(session, participant, wave, day: int, *, instruments=("phq9",), status="complete"):
    """Administrations of ``participant`` at ``wave``, on ``day`` days after 1 January 2026 (noon UTC)."""
    when = datetime.combine(START + timedelta(days=day), time(12), tzinfo=UTC)
    for inst in instruments:
        session.add(
            Administration(
                participant=participant,
                wave=wave,
                instrument_id=inst,
                instrument_version=1,
                status=status,
                mode="import",
                submission_key=f"{participant.code}-{wave.name}-{inst}",
                started_at=when,
                completed_at=when if status == "complete" else None,
            )
        )


@pytest.fixture
def gpra(session, registry):
    """Program gpra with seven participants at different points of their follow-ups, on day 160."""
    prog = create_program(session, registry, "gpra", "GPRA", SCHEDULE, ["phq9"])
    intake, month3, month6, _discharge = prog.waves
    people = {code: add_participant(session, prog, code, site="Main") for code in "ABCDEFG"}
    for code in "ABCD":
        give(session, people[code], intake, 0)
    give(session, people["A"], month3, 80)  # in window
    give(session, people["A"], month6, 155)  # in window, which is still open
    give(session, people["B"], month3, 155)  # late: out of window
    give(session, people["D"], month3, 140)  # in window; C never came back: missed
    give(session, people["F"], intake, 100)  # 3month window opens on day 160: due today
    give(session, people["G"], intake, 50)  # 3month due on day 140, window open until day 200: overdue
    give(session, people["G"], month6, 158, status="in_progress")  # started, not finished: not done
    session.commit()  # E has no baseline
    return prog


def states(found) -> dict[tuple[str, str], str]:
    return {(r.code, r.wave): r.state for r in found.rows}


def test_every_follow_up_of_participants_with_a_baseline(session, gpra):
    found = program_followups(session, gpra, TODAY)
    assert (found.enrolled, found.without_baseline) == (7, 1)
    assert states(found) == {
        ("A", "3month"): "done in window",
        ("A", "6month"): "done in window",
        ("A", "discharge"): "not scheduled",
        ("B", "3month"): "done out of window",
        ("B", "6month"): "due",
        ("B", "discharge"): "not scheduled",
        ("C", "3month"): "missed",
        ("C", "6month"): "due",
        ("C", "discharge"): "not scheduled",
        ("D", "3month"): "done in window",
        ("D", "6month"): "due",
        ("D", "discharge"): "not scheduled",
        ("F", "3month"): "due",
        ("F", "6month"): "not yet due",
        ("F", "discharge"): "not scheduled",
        ("G", "3month"): "overdue",
        ("G", "6month"): "not yet due",
        ("G", "discharge"): "not scheduled",
    }
    g3 = next(r for r in found.rows if (r.code, r.wave) == ("G", "3month"))
    assert (g3.due, g3.opens, g3.closes, g3.done_on) == (date(2026, 5, 21), date(2026, 4, 21), date(2026, 7, 20), None)
    a3 = next(r for r in found.rows if (r.code, r.wave) == ("A", "3month"))
    assert a3.done_on == START + timedelta(days=80) and a3.site == "Main"


def test_a_wave_is_done_only_when_every_battery_instrument_is_complete(session, registry):
    prog = create_program(session, registry, "two", "Two", "intake,1month:+30[-7,+7]", ["phq9", "gad7"])
    person = add_participant(session, prog, "P1")
    give(session, person, prog.waves[0], 0)
    give(session, person, prog.waves[1], 30, instruments=("phq9",))
    session.commit()
    found = program_followups(session, prog, START + timedelta(days=40))
    assert states(found) == {("P1", "1month"): "missed"}
    visit = wave_visits(session, prog)[(person.id, prog.waves[1].id)]
    assert (visit.completed, visit.on) == (1, START + timedelta(days=30))


def test_worklist_counts_every_state_and_puts_the_most_urgent_first(session, gpra):
    work = worklist(program_followups(session, gpra, TODAY))
    assert work.counts == {
        "overdue": 1,
        "due": 4,
        "not yet due": 2,
        "missed": 1,
        "done in window": 3,
        "done out of window": 1,
        "done": 0,
        "not scheduled": 6,
    }
    order = [(r.code, r.wave) for r in work.rows]
    assert order[:12] == [
        ("G", "3month"),  # overdue, window closes day 200
        ("B", "6month"),  # due, closes day 242
        ("C", "6month"),
        ("D", "6month"),
        ("F", "3month"),  # due, closes day 250
        ("G", "6month"),  # not yet due, opens day 202
        ("F", "6month"),  # opens day 252
        ("C", "3month"),  # missed
        ("B", "3month"),  # done out of window
        ("A", "6month"),  # done in window, the most recent window first
        ("A", "3month"),
        ("D", "3month"),
    ]
    assert work.matching == 18 and work.first == 0


def test_worklist_filters_by_state_and_pages(session, gpra):
    found = program_followups(session, gpra, TODAY)
    due = worklist(found, ("due", "overdue"))
    assert [(r.code, r.state) for r in due.rows] == [
        ("G", "overdue"),
        ("B", "due"),
        ("C", "due"),
        ("D", "due"),
        ("F", "due"),
    ]
    assert due.counts["not scheduled"] == 6  # counts are of every follow-up, whatever the filter
    second = worklist(found, ("due", "overdue"), offset=2, limit=2)
    assert [r.code for r in second.rows] == ["C", "D"] and second.matching == 5 and second.first == 2
    assert worklist(found, ("missed",)).matching == 1


def test_rates_count_closed_windows_and_those_done_while_open(session, gpra):
    rates = followup_rates(gpra, program_followups(session, gpra, TODAY))
    assert rates == [WaveRate("3month", 2, 4, 80), WaveRate("6month", 1, 1, 80)]
    assert rates[0].percent == 50 and rates[0].below_target and rates[0].percent_text == "50"
    assert rates[1].percent == 100 and not rates[1].below_target
    gpra.followup_target_pct = 50
    assert not followup_rates(gpra, program_followups(session, gpra, TODAY))[0].below_target  # 50 % meets 50 %


def test_rates_before_any_window_closes_and_waves_without_windows(session, registry):
    prog = create_program(session, registry, "plain", "Plain", "intake,3month:+90,6month:+182[-30,+60],exit", ["phq9"])
    give(session, add_participant(session, prog, "P1"), prog.waves[0], 0)
    session.commit()
    (rate,) = followup_rates(prog, program_followups(session, prog, START + timedelta(days=10)))
    assert rate == WaveRate("6month", 0, 0, 80)
    assert rate.percent is None and not rate.below_target and rate.percent_text == ""


@pytest.mark.parametrize(
    ("done", "counted", "target", "text", "below"),
    [
        (41, 58, 80, "71", True),
        (199, 250, 80, "79.6", True),  # rounds to 80 but is below 80: shown with a decimal
        (4, 5, 80, "80", False),
        (1, 3, 34, "33", True),
    ],
)
def test_rate_text_never_rounds_up_to_the_target(done, counted, target, text, below):
    rate = WaveRate("3month", done, counted, target)
    assert (rate.percent_text, rate.below_target) == (text, below)


def test_follow_ups_are_read_with_the_same_few_queries_for_any_number_of_participants(session, engine, gpra):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def queries() -> int:
        session.expire_all()
        statements.clear()
        program_followups(session, gpra, TODAY)
        return len(statements)

    event.listen(engine, "before_cursor_execute", count)
    try:
        few = queries()
        for i in range(40):
            person = add_participant(session, gpra, f"X{i:03}")
            give(session, person, gpra.waves[0], i)
            give(session, person, gpra.waves[1], 90 + i)
        session.commit()
        many = queries()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few == many <= 6  # the program, its waves and battery, the visits, the participants
