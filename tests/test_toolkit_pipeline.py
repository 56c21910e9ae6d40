"""The one pipeline: load (a file or the store) → score → analyse → suppress → render."""

from __future__ import annotations

import subprocess
import sys

import pytest

from toolkit import pipeline
from toolkit.demo_data import generate_program
from toolkit.demo_data import PROGRAM_SLUG
from toolkit.demo_data import SITES
from toolkit.report.options import ReportOptions


@pytest.fixture(scope="module")
def wide():
    return generate_program(seed=3, n=90)


@pytest.fixture(scope="module")
def responses(tmp_path_factory, wide):
    path = tmp_path_factory.mktemp("data") / "responses.csv"
    wide.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def database(tmp_path_factory, wide):
    from toolkit.demo import store_program
    from toolkit.store import make_engine
    from toolkit.store import make_sessionmaker
    from toolkit.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'pipeline.sqlite'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with make_sessionmaker(engine)() as session:
            store_program(session, wide, seed=3)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def written(monkeypatch):
    """Stand in for the PDF step and keep what it was given."""
    seen = {}

    def fake_write(result, options, out, keep_html=False, timings=None):
        seen.update(result=result, options=options, keep_html=keep_html)
        out.write_bytes(b"%PDF-1.7 test")
        return out

    monkeypatch.setattr(pipeline, "write_report", fake_write)
    return seen


def test_analysis_is_the_same_as_toolkit_analysis(wide):
    from toolkit.analysis import analyze

    ours = pipeline.analyze_responses(wide, "baseline", "exit")
    theirs = analyze(wide, "baseline", "exit")
    assert ours.to_json() == theirs.to_json()


def test_duplicate_rows_are_refused_as_by_the_analysis(wide):
    import pandas as pd

    from toolkit.errors import InputFileError

    doubled = pd.concat([wide, wide.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputFileError, match="has a second row for wave"):
        pipeline.analyze_responses(doubled, "baseline", "exit")


def test_a_file_job_is_timed_step_by_step_and_has_no_alerts(responses, tmp_path, written):
    timings = pipeline.Timings()
    job = pipeline.ReportJob(
        out=tmp_path / "r.pdf", options=ReportOptions(program_name="File"), input_file=responses, keep_html=True
    )
    assert pipeline.run_job(job, timings) == tmp_path / "r.pdf"
    assert {"read", "scoring", "analysis"} <= set(timings.steps)
    assert written["result"].alerts is None
    assert written["keep_html"] is True
    assert written["result"].participants.enrolled == 90


def test_a_program_job_reads_the_store_with_its_alerts(database, tmp_path, written):
    job = pipeline.ReportJob(
        out=tmp_path / "p.pdf", options=ReportOptions(program_name="Store"), database_url=database, program=PROGRAM_SLUG
    )
    pipeline.run_job(job)
    alerts = written["result"].alerts
    assert alerts is not None and alerts["raised"] >= 0
    assert written["result"].participants.enrolled == 90


def test_site_jobs_read_only_their_site_and_carry_no_alerts(database, tmp_path, written):
    base = pipeline.ReportJob(
        out=tmp_path, options=ReportOptions(program_name="Store"), database_url=database, program=PROGRAM_SLUG
    )
    [job] = pipeline.site_jobs(base, [SITES[1]], tmp_path)
    assert job.out == tmp_path / "harbor-peer-respite.pdf"
    assert job.options.program_name == f"Store: {SITES[1]}"
    wide, alerts, schedule = pipeline.load_responses(job)
    assert set(wide["site"]) == {SITES[1]} and alerts is None
    assert [w.name for w in schedule][0] == "baseline"
    pipeline.run_job(job)
    assert [s.site for s in written["result"].sites] == [SITES[1]]


def test_file_and_store_give_the_same_analysis(responses, database):
    from_file, _, no_schedule = pipeline.load_responses(
        pipeline.ReportJob(out=None, options=None, input_file=responses)
    )
    assert no_schedule is None
    from_store, _, _ = pipeline.load_responses(
        pipeline.ReportJob(out=None, options=None, database_url=database, program=PROGRAM_SLUG)
    )
    a = pipeline.analyze_responses(from_file, "baseline", "exit")
    b = pipeline.analyze_responses(from_store, "baseline", "exit")
    for key in ("participants", "attrition"):
        assert getattr(a, key) == getattr(b, key), key
    assert [(s.instrument, s.scale, s.n_pairs) for s in a.scales] == [
        (s.instrument, s.scale, s.n_pairs) for s in b.scales
    ]


def test_the_store_gives_dates_and_its_schedule_orders_the_waves(database):
    job = pipeline.ReportJob(out=None, options=None, database_url=database, program=PROGRAM_SLUG)
    wide, _, schedule = pipeline.load_responses(job)
    assert "date" in wide.columns and wide["date"].notna().all()
    result = pipeline.analyze_responses(wide, "baseline", "exit", schedule=schedule)
    assert result.waves == [w.name for w in schedule if w.name in set(wide["wave"])]
    assert result.selection.first_date == min(wide["date"]) and result.selection.last_date == max(wide["date"])


def test_a_job_with_a_period_analyses_only_its_cohort(responses, tmp_path, written):
    import datetime as dt

    import pandas as pd

    wide = pd.read_csv(responses, dtype={"participant": str})
    baseline = wide[wide["wave"] == "baseline"].reset_index(drop=True)
    start = dt.date(2026, 1, 1)
    days = {p: i % 60 for i, p in enumerate(baseline["participant"])}  # baselines over 60 days
    # the exit has no window: it counts when dated from the baseline to the period's end (here: the same day)
    wide["date"] = [(start + dt.timedelta(days=days[p])).isoformat() for p in wide["participant"]]
    dated = tmp_path / "dated.csv"
    wide.to_csv(dated, index=False)
    job = pipeline.ReportJob(
        out=tmp_path / "r.pdf",
        options=ReportOptions(program_name="File"),
        input_file=dated,
        period_from=start,
        period_to=start + dt.timedelta(days=29),
    )
    pipeline.run_job(job)
    result = written["result"]
    in_period = sum(d < 30 for d in days.values())
    assert result.selection.cohort == result.participants.enrolled == in_period
    assert result.selection.excluded_outside_period == len(days) - in_period
    assert result.selection.period_to == "2026-01-30"


def test_suppress_withholds_small_counts(wide):
    result = pipeline.analyze_responses(wide, "baseline", "exit")
    shown = pipeline.suppress(result, 1000)
    assert shown.participants != result.participants and shown.suppression.threshold == 1000


def test_importing_the_pipeline_is_cheap():
    # Batch workers import it first; the heavy libraries come with the steps that need them.
    code = (
        "import sys, toolkit.pipeline; "
        "print([m for m in ('pandas', 'pingouin', 'matplotlib', 'weasyprint', 'sqlalchemy') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_report_never_imports_the_store_and_the_web_never_the_pipeline():
    # The same rules as the import-linter contracts in pyproject.toml, function-level imports included.
    import grimp

    graph = grimp.build_graph("toolkit")
    assert not graph.chain_exists("toolkit.report", "toolkit.store", as_packages=True)
    for heavy in ("toolkit.pipeline", "toolkit.report", "toolkit.analysis", "toolkit.stats"):
        assert not graph.chain_exists("toolkit.web", heavy, as_packages=True), heavy
