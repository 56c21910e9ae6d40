"""The synthetic demo program: realistic shape, and `outcomes demo` end to end."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.demo import BATTERY
from toolkit.demo import generate_program
from toolkit.demo import SITES
from toolkit.instruments import default_registry


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


@pytest.mark.slow
def test_outcomes_demo_writes_database_and_report(tmp_path):
    out = tmp_path / "demo"
    run = CliRunner().invoke(main, ["demo", "--out", str(out), "--participants", "120"])
    assert run.exit_code == 0, run.output
    pdf = out / "report.pdf"
    assert run.output.strip() == str(pdf.resolve())
    assert pdf.read_bytes().startswith(b"%PDF-")
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(f"sqlite:///{out / 'demo.sqlite'}")
    with engine.connect() as conn:
        modes = {row[0] for row in conn.execute(text("SELECT DISTINCT mode FROM administrations"))}
        people = conn.execute(text("SELECT COUNT(*) FROM participants")).scalar()
        alerts = conn.execute(text("SELECT COUNT(*) FROM alerts")).scalar()
    engine.dispose()
    assert modes == {"import"}
    assert people == 120
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
