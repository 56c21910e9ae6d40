"""The wide response table and the alert summary."""

from __future__ import annotations

import math
from datetime import timedelta

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
    assert list(wide.columns) == ["participant", "wave", "site", "group", *items]
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
    assert list(wide.columns) == ["participant", "wave", "site", "group"]


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
