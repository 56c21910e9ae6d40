"""Wave schedules: parsing and formatting specs, due dates, windows, and follow-up states at every edge."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest

from toolkit.store.errors import StoreError
from toolkit.store.schedule import due_date
from toolkit.store.schedule import followup_state
from toolkit.store.schedule import format_waves
from toolkit.store.schedule import local_date
from toolkit.store.schedule import parse_waves
from toolkit.store.schedule import split_specs
from toolkit.store.schedule import WaveSpec
from toolkit.store.schedule import window_dates

HOW = "write NAME:+DAYS, e.g. 3month:+90 or 6month:+182[-30,+60]"


def test_parse_names_offsets_and_windows():
    assert parse_waves("baseline,3month:+90,6month:+182[-30,+60],exit") == [
        WaveSpec("baseline", 0),
        WaveSpec("3month", 90),
        WaveSpec("6month", 182, 30, 60),
        WaveSpec("exit", None),
    ]


def test_first_wave_is_the_baseline_on_day_0():
    assert parse_waves("intake") == [WaveSpec("intake", 0)]
    assert parse_waves("intake:+0[-0,+14]") == [WaveSpec("intake", 0, 0, 14)]
    assert parse_waves("intake[-0,+14]") == [WaveSpec("intake", 0, 0, 14)]


def test_spaces_blanks_and_lists_are_accepted():
    assert parse_waves(" baseline , 3 month : +90 ,, exit ") == [
        WaveSpec("baseline", 0),
        WaveSpec("3 month", 90),
        WaveSpec("exit"),
    ]
    # a list split naively at the window's comma still reads as one spec
    assert parse_waves(["baseline", "6month:+182[-30", "+60]"]) == [
        WaveSpec("baseline", 0),
        WaveSpec("6month", 182, 30, 60),
    ]
    assert parse_waves([WaveSpec("baseline", 0), WaveSpec("exit")]) == [WaveSpec("baseline", 0), WaveSpec("exit")]


def test_split_keeps_windows_whole():
    assert split_specs("a,b:+9[-1,+2],c") == ["a", "b:+9[-1,+2]", "c"]


def test_format_is_the_inverse_of_parse():
    text = "baseline,3month:+90,6month:+182[-30,+60],exit"
    assert format_waves(parse_waves(text)) == text
    assert format_waves(parse_waves("intake[-0,+14],exit")) == "intake:+0[-0,+14],exit"
    assert str(WaveSpec("6month", 182, 30, 60)) == "6month:+182[-30,+60]"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("baseline,3month:90", f"waves: '3month:90' — {HOW}"),
        ("baseline,3month+90", f"waves: '3month+90' — {HOW}"),
        ("baseline,3month:-90", f"waves: '3month:-90' — {HOW}"),
        ("baseline,6month:+182[30,60]", f"waves: '6month:+182[30,60]' — {HOW}"),
        ("baseline,6month:+182[-30,+60", f"waves: '6month:+182[-30' — {HOW}"),
        ("baseline,:+90", f"waves: ':+90' — the wave needs a name; {HOW}"),
        ("baseline," + "x" * 41, f"waves: '{'x' * 41}' — a wave name has at most 40 characters; shorten it"),
        ("", "waves: no waves given — name at least a baseline, e.g. baseline,3month:+90,exit"),
        (" , ", "waves: no waves given — name at least a baseline, e.g. baseline,3month:+90,exit"),
        ("baseline,exit,exit", "waves: 'exit' — named twice; name each wave once"),
        (
            "baseline:+7,exit",
            "waves: 'baseline:+7' — the first wave is the baseline, due on day 0; write baseline or baseline:+0",
        ),
        (
            "baseline,6month:+182,3month:+90",
            "waves: '3month:+90' — due on day 90, which is not after 6month (day 182); give each wave a later day "
            "than the one before it",
        ),
        (
            "baseline,3month:+0",
            "waves: '3month:+0' — due on day 0, which is not after baseline (day 0); give each wave a later day "
            "than the one before it",
        ),
        ("baseline,exit[-7,+7]", "waves: 'exit[-7,+7]' — a window needs a due date; write exit:+DAYS[-7,+7]"),
        (
            "baseline,2week:+14[-30,+7]",
            "waves: '2week:+14[-30,+7]' — the window would open on day -16, before the baseline; use at most [-14,+7]",
        ),
        ("baseline,later:+4000", "waves: 'later:+4000' — 4000 days is more than 3650 (10 years); use fewer days"),
    ],
)
def test_errors_name_the_spec_and_say_how_to_fix_it(spec, message):
    with pytest.raises(StoreError) as info:
        parse_waves(spec)
    assert str(info.value) == message
    assert info.value.field == "waves"


def test_due_dates_and_windows():
    start = date(2026, 1, 31)
    assert due_date(start, WaveSpec("3month", 90)) == date(2026, 5, 1)
    assert due_date(start, WaveSpec("exit")) is None
    assert window_dates(start, WaveSpec("6month", 182, 30, 60)) == (date(2026, 7, 2), date(2026, 9, 30))
    assert window_dates(start, WaveSpec("3month", 90)) is None
    assert window_dates(start, WaveSpec("exit")) is None


def test_local_date_uses_the_program_time_zone():
    late_evening_in_new_york = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    assert local_date(late_evening_in_new_york, "UTC") == date(2026, 3, 2)
    assert local_date(late_evening_in_new_york, "America/New_York") == date(2026, 3, 1)


START = date(2026, 1, 1)
SIX_MONTHS = WaveSpec("6month", 182, 30, 60)  # window opens on day 152, due on day 182, closes on day 242


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (151, "not yet due"),  # the day before the window opens
        (152, "due"),  # the window opens
        (153, "due"),
        (181, "due"),  # the day before the due date
        (182, "due"),  # the due date
        (183, "overdue"),  # the day after the due date
        (241, "overdue"),
        (242, "overdue"),  # the window's last day
        (243, "missed"),  # the day after the window closes
    ],
)
def test_a_windowed_follow_up_not_done(today, state):
    assert followup_state(SIX_MONTHS, START, None, day(today)) == state


@pytest.mark.parametrize(
    ("done", "state"),
    [
        (151, "done out of window"),  # a day early
        (152, "done in window"),  # on the day the window opens
        (182, "done in window"),
        (242, "done in window"),  # on its last day
        (243, "done out of window"),  # a day late
    ],
)
def test_a_windowed_follow_up_done(done, state):
    assert followup_state(SIX_MONTHS, START, day(done), day(400)) == state
    assert followup_state(SIX_MONTHS, START, day(done), day(done)) == state  # the same on the day it was done


@pytest.mark.parametrize(
    ("today", "state"),
    [(89, "not yet due"), (90, "due"), (91, "overdue"), (3000, "overdue")],  # never missed without a window
)
def test_a_follow_up_without_a_window(today, state):
    assert followup_state(WaveSpec("3month", 90), START, None, day(today)) == state
    assert followup_state(WaveSpec("3month", 90), START, day(today), day(today)) == "done"


def test_a_wave_without_a_due_date_is_done_or_not_scheduled():
    exit_ = WaveSpec("exit")
    assert followup_state(exit_, START, None, day(5000)) == "not scheduled"
    assert followup_state(exit_, START, day(20), day(5000)) == "done"


@pytest.mark.parametrize(("today", "state"), [(29, "not yet due"), (30, "due"), (31, "missed")])
def test_a_window_of_one_day(today, state):
    assert followup_state(WaveSpec("1month", 30, 0, 0), START, None, day(today)) == state


def _complete(session, participant, wave, instruments, when):
    from toolkit.store.models import Administration

    for inst in instruments:
        session.add(
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


def test_dashboard_counts_follow_ups_due_or_overdue(session, registry):
    from toolkit.store.programs import add_participant
    from toolkit.store.programs import create_program
    from toolkit.store.queries import baseline_dates
    from toolkit.store.queries import dashboard_counts
    from toolkit.store.queries import followups_due

    prog = create_program(
        session,
        registry,
        "north",
        "North",
        "baseline,1month:+30[-7,+14],exit",
        ["phq9", "mood"],
        time_zone="America/New_York",
    )
    baseline, month, _exit = prog.waves
    early = add_participant(session, prog, "N1")
    late = add_participant(session, prog, "N2")
    followed = add_participant(session, prog, "N3")
    add_participant(session, prog, "N4")  # enrolled, no baseline yet
    # 02:00 UTC on 1 March is still 28 February in New York: that is N1's baseline date
    _complete(session, early, baseline, ["phq9", "mood"], datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    _complete(session, late, baseline, ["phq9"], datetime(2026, 3, 10, 15, 0, tzinfo=UTC))  # half done still dates it
    _complete(session, followed, baseline, ["phq9", "mood"], datetime(2026, 2, 1, 15, 0, tzinfo=UTC))
    _complete(session, followed, month, ["phq9", "mood"], datetime(2026, 3, 3, 15, 0, tzinfo=UTC))
    session.commit()

    assert baseline_dates(session, prog) == {
        early.id: date(2026, 2, 28),
        late.id: date(2026, 3, 10),
        followed.id: date(2026, 2, 1),
    }
    # N1's window opens on 23 March (due 30 March, closes 13 April); N2's opens on 2 April
    assert dashboard_counts(session, prog, today=date(2026, 3, 22))["due"] == 0
    assert dashboard_counts(session, prog, today=date(2026, 3, 23)) == {"enrolled": 4, "due": 1, "alerts": 0}
    assert followups_due(session, prog, date(2026, 4, 9)) == {early.id: ["1month"], late.id: ["1month"]}  # overdue, due
    assert followups_due(session, prog, date(2026, 4, 14)) == {late.id: ["1month"]}  # N1 missed it
