"""The synthetic demo program: realistic shape, and `outcomes demo` end to end."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.demo_data import BATTERY
from toolkit.demo_data import FOUR_WAVES
from toolkit.demo_data import generate_program
from toolkit.demo_data import SITES
from toolkit.instruments import default_registry

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def wide():
    return generate_program(seed=2026, n=400)


def test_shape_waves_sites_and_items(wide):
    registry = default_registry()
    items = {i.id for inst in (*BATTERY, "service_use") for i in registry.get(inst).scored_items}
    assert items <= set(wide.columns)
    baseline = wide[wide["wave"] == "baseline"]
    assert baseline["participant"].nunique() == len(baseline) == 400
    assert set(wide["site"]) == set(SITES)
    assert set(wide["wave"]) == {"baseline", "exit"}


def test_about_a_third_leave_and_leaving_goes_with_baseline_severity(wide):
    baseline = wide[wide["wave"] == "baseline"].set_index("participant")
    stayed = set(wide.loc[wide["wave"] == "exit", "participant"])
    assert 0.25 <= 1 - len(stayed) / len(baseline) <= 0.45
    phq = baseline[[f"phq9_{i}" for i in range(1, 10)]].mean(axis=1)
    left = ~baseline.index.isin(stayed)
    assert phq[left].mean() > phq[~left].mean() + 0.1


def test_some_items_are_blank_and_a_few_people_endorse_item_9(wide):
    items = [c for c in wide.columns if c not in ("participant", "wave", "site")]
    blank = wide[items].isna().to_numpy().mean()
    assert 0.005 <= blank <= 0.03
    assert 1 <= int((wide["phq9_9"] >= 1).sum()) <= 40


def test_same_seed_same_program():
    a, b, c = generate_program(seed=5, n=50), generate_program(seed=5, n=50), generate_program(seed=6, n=50)
    assert a.equals(b)
    assert not a.equals(c)


def test_recovery_improves_moderately_and_symptoms_barely(wide):
    from toolkit.pipeline import analyze_responses

    result = analyze_responses(wide, "baseline", "exit")
    g = {s.instrument: s.g_av for s in result.scales if s.scale == "total"}
    for instrument in ("state_hope", "gse", "qpr15", "barc10", "mdes"):
        assert 0.2 <= g[instrument] <= 0.65, instrument
    for instrument in ("phq9", "gad7"):
        assert abs(g[instrument]) < 0.2, instrument
    alphas = [s.alpha_pre for s in result.scales if s.scale == "total" and s.alpha_pre is not None]
    assert all(0.75 <= a <= 0.96 for a in alphas)
    assert np.isclose(result.participants.enrolled, 400)


@pytest.fixture(scope="module")
def four():
    return generate_program(seed=2026, n=1000, waves=4, today=TODAY)


def _days_after_baseline(four: pd.DataFrame) -> pd.DataFrame:
    dates = pd.to_datetime(four["date"], format="%Y-%m-%d")
    baseline = dates[four["wave"] == "baseline"].groupby(four["participant"]).first()
    return four.assign(
        day=(dates - four["participant"].map(baseline)).dt.days, baseline=four["participant"].map(baseline)
    )


def test_four_waves_in_order_with_dates_before_today(four):
    assert list(four["wave"].unique()) == list(FOUR_WAVES)
    assert list(four.columns[:4]) == ["participant", "wave", "site", "date"]
    assert four["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert not four.duplicated(["participant", "wave"]).any()
    position = four["wave"].map({w: i for i, w in enumerate(FOUR_WAVES)})
    assert (position.groupby(four["participant"]).diff().dropna() > 0).all()  # rows in wave order
    days = _days_after_baseline(four)
    today = pd.Timestamp(TODAY)
    assert (pd.to_datetime(four["date"]) < today).all()
    first, last = days.loc[days["wave"] == "baseline", "baseline"].agg(["min", "max"])
    # baselines spread over about 15 months, ending a few weeks before today
    assert 430 <= (today - first).days <= 480 and 14 <= (today - last).days <= 35
    assert (days.loc[days["wave"] != "baseline", "day"] > 0).all()
    assert (days.groupby("participant")["day"].diff().dropna() > 0).all()  # each wave after the one before
    assert days.loc[days["wave"] == "exit", "day"].between(150, 420).all()


def test_attrition_among_those_whose_time_has_come(four):
    days = _days_after_baseline(four)
    baseline = days[days["wave"] == "baseline"].set_index("participant")["baseline"]
    elapsed = (pd.Timestamp(TODAY) - baseline).dt.days
    # 3 and 6 months: the window has closed (due + 60 days); exit: well past the usual discharge
    for wave, closed, share in (("3month", 91 + 60, 0.80), ("6month", 182 + 60, 0.65), ("exit", 340, 0.55)):
        eligible = elapsed.index[elapsed >= closed]
        seen = eligible.isin(days.loc[days["wave"] == wave, "participant"])
        assert len(eligible) >= 200, wave
        assert seen.mean() == pytest.approx(share, abs=0.07), wave
    # a few come early, but nobody more than 45 days before the 3-month due date
    assert days.loc[days["wave"] == "3month", "day"].min() >= 91 - 45


def test_some_follow_ups_fall_outside_their_windows(four):
    days = _days_after_baseline(four)
    for wave, due in (("3month", 91), ("6month", 182)):
        day = days.loc[days["wave"] == wave, "day"]
        outside = (day < due - 30) | (day > due + 60)
        assert 0.01 <= outside.mean() <= 0.12, wave
        assert day[~outside].median() == pytest.approx(due, abs=14), wave


def test_leaving_goes_with_baseline_severity(four):
    baseline = four[four["wave"] == "baseline"].set_index("participant")
    phq = baseline[[f"phq9_{i}" for i in range(1, 10)]].mean(axis=1)
    stayed = baseline.index.isin(four.loc[four["wave"] == "6month", "participant"])
    assert phq[~stayed].mean() > phq[stayed].mean() + 0.05


def test_recovery_gains_come_mostly_by_three_months_and_symptoms_move_a_little(four):
    from toolkit.pipeline import analyze_responses

    g = {}
    for post in ("3month", "exit"):
        result = analyze_responses(four, "baseline", post)
        g[post] = {s.instrument: s.g_av for s in result.scales if s.scale == "total"}
    for instrument in ("state_hope", "gse", "qpr15", "barc10", "mdes"):
        assert 0.15 <= g["exit"][instrument] <= 0.65, instrument
        assert g["3month"][instrument] >= 0.5 * g["exit"][instrument], instrument
    for instrument in ("phq9", "gad7"):
        assert abs(g["exit"][instrument]) < 0.2, instrument


def test_four_wave_program_is_reproducible_and_follows_today():
    a = generate_program(seed=5, n=50, waves=4, today=TODAY)
    b = generate_program(seed=5, n=50, waves=4, today=TODAY)
    later = generate_program(seed=5, n=50, waves=4, today=TODAY + dt.timedelta(days=10))
    assert a.equals(b)
    shift = pd.to_datetime(later["date"]).iloc[0] - pd.to_datetime(a["date"]).iloc[0]
    assert shift == pd.Timedelta(days=10)
    with pytest.raises(ValueError, match="^generate_program: waves=3"):
        generate_program(n=50, waves=3)


@pytest.mark.slow
def test_outcomes_demo_writes_database_and_report(tmp_path):
    out = tmp_path / "demo"
    run = CliRunner().invoke(main, ["demo", "--out", str(out), "--participants", "120"])
    assert run.exit_code == 0, run.output
    pdf = out / "report.pdf"
    lines = run.output.splitlines()
    assert lines[0] == str(pdf.resolve())
    assert lines[1].startswith("Follow-ups on ")
    assert any(line.startswith("  3month: ") and " in window (" in line for line in lines)
    assert any("/staff/p/riverside-peer-network/followups" in line for line in lines)
    assert pdf.read_bytes().startswith(b"%PDF-")
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(f"sqlite:///{out / 'demo.sqlite'}")
    with engine.connect() as conn:
        modes = {row[0] for row in conn.execute(text("SELECT DISTINCT mode FROM administrations"))}
        people = conn.execute(text("SELECT COUNT(*) FROM participants")).scalar()
        alerts = conn.execute(text("SELECT COUNT(*) FROM alerts")).scalar()
        waves = conn.execute(
            text("SELECT name, due_days, window_before_days, window_after_days FROM waves ORDER BY position")
        ).all()
        seen = dict(
            conn.execute(
                text(
                    "SELECT w.name, COUNT(DISTINCT a.participant_id) FROM administrations a"
                    " JOIN waves w ON w.id = a.wave_id GROUP BY w.name"
                )
            ).all()
        )
        latest = conn.execute(text("SELECT MAX(completed_at) FROM administrations")).scalar()
    engine.dispose()
    assert modes == {"import"}
    assert people == 120
    assert [tuple(w) for w in waves] == [
        ("baseline", 0, None, None),
        ("3month", 91, 30, 60),
        ("6month", 182, 30, 60),
        ("exit", None, None, None),
    ]
    assert seen["baseline"] == 120 > seen["3month"] > seen["6month"] > 0 and seen["exit"] > 0
    assert dt.datetime.fromisoformat(str(latest)).date() < dt.datetime.now(dt.UTC).date()
    report = CliRunner().invoke(
        main,
        [
            "report",
            "--program",
            "riverside-peer-network",
            "--database",
            f"sqlite:///{out / 'demo.sqlite'}",
            "--out",
            str(tmp_path / "again.pdf"),
        ],
    )
    assert report.exit_code == 0, report.output
    from pypdf import PdfReader

    words = "".join(p.extract_text() for p in PdfReader(tmp_path / "again.pdf").pages)
    assert "Riverside Peer Support Network" in words and "Safety alerts" in words
    assert ("Alerts raised" in words) == (alerts > 0)
    engine = create_engine(f"sqlite:///{out / 'demo.sqlite'}")
    with engine.connect() as conn:
        events = conn.execute(text("SELECT detail FROM audit_events WHERE kind = 'report_generated'")).all()
    engine.dispose()
    assert len(events) == 1 and '"reports": 1' in events[0][0] and "command line" in events[0][0]
