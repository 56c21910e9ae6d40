"""The wide response table and the alert summary."""

from __future__ import annotations

import math
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest
from sqlalchemy import select

from toolkit.store.capture import DECLINED
from toolkit.store.capture import save_page
from toolkit.store.kiosk import start_session
from toolkit.store.models import Alert
from toolkit.store.models import Participant
from toolkit.store.models import StaffUser
from toolkit.store.programs import add_participant
from toolkit.store.queries import alert_summary
from toolkit.store.queries import dashboard_counts
from toolkit.store.queries import waves_done
from toolkit.store.queries import wide_responses


def run_wave(session, registry, participant, wave, phq9, mood):
    staff = session.scalar(select(StaffUser))
    ks, _ = start_session(session, registry, participant, wave, staff.id)
    session.commit()
    save_page(session, registry, ks, 0, {f"phq9_{i + 1}": float(v) for i, v in enumerate(phq9)}, f"{ks.ref}-0")
    if mood is not None:
        save_page(session, registry, ks, 1, mood, f"{ks.ref}-1")


@pytest.fixture
def filled(session, registry, program):
    p1 = session.scalar(select(Participant).where(Participant.code == "P001"))
    p2 = add_participant(session, program, "P002")
    session.commit()
    baseline, exit_ = program.waves
    run_wave(
        session, registry, p1, baseline, [1, 2, 3, 0, 1, 2, 3, 0, 1], {"mood_1": 2.0, "mood_2": DECLINED, "mood_3": 5.0}
    )
    run_wave(session, registry, p1, exit_, [0] * 9, {"mood_1": 3.0, "mood_2": 3.0, "mood_3": 0.0})
    run_wave(session, registry, p2, baseline, [2] * 9, None)  # stopped after the first page
    return program


def test_wide_responses_has_one_row_per_participant_and_wave(session, filled):
    wide = wide_responses(session, "east")
    items = [f"phq9_{i}" for i in range(1, 10)] + ["mood_1", "mood_2", "mood_3"]
    assert list(wide.columns) == ["participant", "wave", "site", "group", "date", *items]
    assert wide["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert list(zip(wide.participant, wide.wave, strict=True)) == [
        ("P001", "baseline"),
        ("P001", "exit"),
        ("P002", "baseline"),
    ]
    assert all(str(wide[c].dtype) == "float64" for c in items)
    first = wide.iloc[0]
    assert first.site == "Main St" and first.group == "peer"
    assert [first[f"phq9_{i}"] for i in range(1, 10)] == [1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert math.isnan(first.mood_2)  # declined
    assert first.mood_3 == 5.0
    last = wide.iloc[2]
    assert math.isnan(last.mood_1) and last.phq9_9 == 2.0  # not reached
    assert last.site is None or (isinstance(last.site, float) and math.isnan(last.site))


def test_wide_responses_filters_waves(session, filled):
    wide = wide_responses(session, "east", waves=["exit"])
    assert list(wide.wave) == ["exit"] and list(wide.participant) == ["P001"]


def test_wide_responses_of_an_empty_program(session, program):
    wide = wide_responses(session, "east")
    assert len(wide) == 0
    assert list(wide.columns) == ["participant", "wave", "site", "group", "date"]


def test_alert_summary_counts_and_median_hours(session, filled):
    # P001 baseline (phq9_9 = 1) and P002 baseline (phq9_9 = 2) raised alerts
    alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    assert len(alerts) == 2
    assert alert_summary(session, "east") == {"raised": 2, "acknowledged": 0, "median_hours_to_acknowledge": None}
    alerts[0].acknowledged_at = alerts[0].raised_at + timedelta(hours=2)
    alerts[1].acknowledged_at = alerts[1].raised_at + timedelta(hours=5)
    session.commit()
    summary = alert_summary(session, "east")
    assert summary["raised"] == 2 and summary["acknowledged"] == 2
    assert summary["median_hours_to_acknowledge"] == pytest.approx(3.5)  # median of 2 h and 5 h


def test_dashboard_counts_and_waves_done(session, filled):
    done = waves_done(session, filled)
    codes = {session.get(Participant, pid).code: names for pid, names in done.items()}
    assert codes == {"P001": ["baseline", "exit"]}
    assert dashboard_counts(session, filled) == {"enrolled": 2, "due": 0, "alerts": 2}


def _administration(session, participant, wave, instrument, started, completed, values):
    from toolkit.store.models import Administration
    from toolkit.store.models import ItemResponse

    session.add(
        Administration(
            participant=participant,
            wave=wave,
            instrument_id=instrument,
            instrument_version=1,
            status="complete" if completed else "in_progress",
            mode="import",
            submission_key=f"{participant.code}-{wave.name}-{instrument}",
            started_at=started,
            completed_at=completed,
            responses=[ItemResponse(item_id=item, value=value) for item, value in values.items()],
        )
    )


def test_wide_responses_date_is_the_program_local_date_of_the_latest_completion(session, registry):
    from toolkit.store.programs import create_program

    prog = create_program(
        session, registry, "north", "North", "baseline,3month:+90", ["phq9", "mood"], time_zone="America/New_York"
    )
    n1 = add_participant(session, prog, "N1")
    n2 = add_participant(session, prog, "N2")
    baseline, month3 = prog.waves
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    # N1's baseline: phq9 on 1 March, mood finished at 02:30 UTC on 3 March (still 2 March in New York)
    _administration(session, n1, baseline, "phq9", at(2026, 3, 1, 15), at(2026, 3, 1, 15, 10), {"phq9_1": 1.0})
    _administration(session, n1, baseline, "mood", at(2026, 3, 2, 23), at(2026, 3, 3, 2, 30), {"mood_1": 2.0})
    # N1's 3-month wave: started at 04:30 UTC on 1 June (31 May in New York), never finished
    _administration(session, n1, month3, "phq9", at(2026, 6, 1, 3, 30), None, {"phq9_1": 0.0})
    # N2: completed at 05:00 UTC on 10 March (midnight in New York): 10 March; a later start does not count
    _administration(session, n2, baseline, "phq9", at(2026, 3, 10, 4), at(2026, 3, 10, 5), {"phq9_1": 3.0})
    _administration(session, n2, baseline, "mood", at(2026, 3, 12, 15), None, {"mood_1": 1.0})
    session.commit()

    wide = wide_responses(session, "north")
    assert list(zip(wide.participant, wide.wave, wide.date, strict=True)) == [
        ("N1", "baseline", "2026-03-02"),
        ("N1", "3month", "2026-05-31"),
        ("N2", "baseline", "2026-03-10"),
    ]
    prog.time_zone = "UTC"
    session.commit()
    assert list(wide_responses(session, "north").date) == ["2026-03-03", "2026-06-01", "2026-03-10"]


def test_program_schedule_lists_the_waves_in_order(session, registry):
    from toolkit.store.programs import create_program
    from toolkit.store.queries import program_schedule
    from toolkit.store.schedule import WaveSpec

    create_program(session, registry, "north", "North", "baseline,3month:+90,6month:+182[-30,+60],exit", ["phq9"])
    session.commit()
    assert program_schedule(session, "north") == [
        WaveSpec("baseline", 0),
        WaveSpec("3month", 90),
        WaveSpec("6month", 182, 30, 60),
        WaveSpec("exit"),
    ]
