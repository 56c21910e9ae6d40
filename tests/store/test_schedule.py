"""Wave schedules: parsing and formatting specs, due dates, windows, and who is due."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import UTC

import pytest

from toolkit.store.errors import StoreError
from toolkit.store.schedule import due_date
from toolkit.store.schedule import due_waves
from toolkit.store.schedule import format_waves
from toolkit.store.schedule import local_date
from toolkit.store.schedule import parse_waves
from toolkit.store.schedule import participants_due
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
            "waves: '3month:+90' — due on day 90, which is not after 6month (day 182); give each wave a later day than the one before it",
        ),
        (
            "baseline,3month:+0",
            "waves: '3month:+0' — due on day 0, which is not after baseline (day 0); give each wave a later day than the one before it",
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


WAVES = parse_waves("baseline,1month:+30,3month:+90,exit")
START = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("done", "today", "due"),
    [
        ({"baseline"}, date(2026, 1, 30), []),  # the day before the due date
        ({"baseline"}, date(2026, 1, 31), ["1month"]),  # due from the due date
        ({"baseline"}, date(2026, 6, 1), ["1month", "3month"]),  # overdue stays due until done
        ({"baseline", "1month"}, date(2026, 6, 1), ["3month"]),
        ({"baseline", "3month"}, date(2026, 6, 1), []),  # 1month was passed by: missed, not due
        ({"baseline", "exit"}, date(2026, 6, 1), []),  # after exit nothing is due
        (set(), date(2026, 6, 1), ["1month", "3month"]),  # baseline unfinished: not a follow-up
    ],
)
def test_due_waves(done, today, due):
    assert [w.name for w in due_waves(WAVES, START, done, today)] == due


def test_waves_without_a_due_date_are_never_due():
    waves = parse_waves("baseline,discharge,exit")
    assert due_waves(waves, START, {"baseline"}, date(2036, 1, 1)) == []


def test_participants_due_counts_only_those_with_a_baseline():
    baselines = {1: date(2026, 1, 1), 2: date(2026, 3, 1), 3: date(2026, 1, 1)}
    done = {1: ["baseline"], 2: ["baseline"], 3: ["baseline", "1month"], 4: []}
    due = participants_due(WAVES, baselines, done, date(2026, 2, 15))
    assert {pid: [w.name for w in waves] for pid, waves in due.items()} == {1: ["1month"]}


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


def test_dashboard_counts_follow_ups_from_their_due_date(session, registry):
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
        "baseline,1month:+30,exit",
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
    assert dashboard_counts(session, prog, today=date(2026, 3, 29))["due"] == 0
    assert dashboard_counts(session, prog, today=date(2026, 3, 30)) == {"enrolled": 4, "due": 1, "alerts": 0}
    due = followups_due(session, prog, date(2026, 4, 9))
    assert {pid: [w.name for w in waves] for pid, waves in due.items()} == {early.id: ["1month"], late.id: ["1month"]}
