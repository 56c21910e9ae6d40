"""`outcomes analyze` and `outcomes report` over every wave: --waves, --schedule, --from/--to, --in-window."""

from __future__ import annotations

import json
import sys
from datetime import date
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from toolkit.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))
from analysis_data import synthetic_wide  # noqa: E402

WAVES = ("baseline", "3month", "exit")
START = date(2026, 1, 1)


@pytest.fixture(scope="module")
def dated_file(tmp_path_factory):
    """Three waves; baselines spread over 100 days; 3-month follow-ups 80 to 170 days later; exit at 200."""
    wide = synthetic_wide(150, seed=31, waves=WAVES, follow_up=0.8)
    people = sorted(set(wide["participant"]))
    rng = np.random.default_rng(2)
    base = {p: START + timedelta(days=int(i % 100)) for i, p in enumerate(people)}
    lag = {p: int(rng.integers(80, 171)) for p in people}
    offset = {"baseline": lambda p: 0, "3month": lambda p: lag[p], "exit": lambda p: 200}
    wide["date"] = [
        (base[p] + timedelta(days=offset[w](p))).isoformat()
        for p, w in zip(wide["participant"], wide["wave"], strict=True)
    ]
    path = tmp_path_factory.mktemp("waves") / "dated.csv"
    wide.to_csv(path, index=False)
    return path, wide, base, lag


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_analyze_writes_every_wave(dated_file, tmp_path):
    path, wide, _, _ = dated_file
    out = tmp_path / "r.json"
    result = run("analyze", path, "--pre", "baseline", "--post", "exit", "--json", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["waves"] == list(WAVES)
    assert data["selection"]["first_date"] == min(wide["date"]) and data["selection"]["last_date"] == max(wide["date"])
    assert data["selection"]["cohort"] == 150 and data["selection"]["period_from"] is None
    assert {t["instrument"] for t in data["trajectory"]} >= {"phq9", "gad7", "state_hope", "service_use"}
    assert all(len(t["points"]) == 3 for t in data["trajectory"])
    assert all(m["converged"] and len(m["estimates"]) == 2 for m in data["mixed_model"])
    assert sum(p["n"] for p in data["missing_patterns"]) == 150
    assert "over 3 waves" in result.output


def test_period_and_windows_end_to_end(dated_file, tmp_path):
    path, _, base, lag = dated_file
    out = tmp_path / "r.json"
    to = START + timedelta(days=49)
    result = run(
        "analyze", path, "--pre", "baseline", "--post", "3month", "--json", out, "--waves", "baseline,3month",
        "--schedule", "baseline,3month:+91[-30,+60],exit", "--from", START.isoformat(), "--to", to.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    cohort = [p for p, d in base.items() if d <= to]
    assert data["selection"]["cohort"] == len(cohort) == data["participants"]["enrolled"]
    assert data["selection"]["excluded_outside_period"] == 150 - len(cohort)
    assert data["waves"] == ["baseline", "3month"]
    # exits (day 200, no window) are after --to; 3-month follow-ups count from day 61 to day 151
    wide = __import__("pandas").read_csv(path, dtype={"participant": str})
    in_cohort = wide[wide["participant"].isin(cohort)]
    three = in_cohort[in_cohort["wave"] == "3month"]["participant"]
    outside = sum(not 61 <= lag[p] <= 151 for p in three)
    exits = int((in_cohort["wave"] == "exit").sum())
    assert data["selection"]["excluded_out_of_window"] == outside + exits
    assert sum(p["n"] for p in data["missing_patterns"]) == len(cohort)


def test_suppressed_output_has_the_new_fields(dated_file, tmp_path):
    path, *_ = dated_file
    out = tmp_path / "r.json"
    result = run("analyze", path, "--pre", "baseline", "--post", "exit", "--json", out, "--suppressed")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["suppression"]["threshold"] == 11
    assert all("suppressed" in p for t in data["trajectory"] for p in t["points"])
    assert all("suppressed" in m for m in data["mixed_model"])


def test_a_file_without_dates_is_refused_a_period(tmp_path):
    path = tmp_path / "plain.csv"
    synthetic_wide(30, seed=1).to_csv(path, index=False)
    result = run(
        "analyze", path, "--pre", "baseline", "--post", "exit", "--json", tmp_path / "r.json", "--from", "2026-01-01"
    )
    assert result.exit_code == 2
    assert "error: --from/--to: the responses have no 'date' column" in result.output
    assert "YYYY-MM-DD" in result.output and not (tmp_path / "r.json").exists()


def test_unreadable_dates_name_line_and_column(tmp_path):
    wide = synthetic_wide(12, seed=1)
    wide["date"] = "2026-01-05"
    wide.loc[3, "date"] = "2026-13-01"
    path = tmp_path / "bad.csv"
    wide.to_csv(path, index=False)
    result = run("analyze", path, "--pre", "baseline", "--post", "exit", "--json", tmp_path / "r.json")
    assert result.exit_code == 2
    assert f"error: {path}:5, column 'date': '2026-13-01' is not a date; write it as YYYY-MM-DD" in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--period", "2026"], "--from YYYY-MM-DD --to YYYY-MM-DD"),
        (["--waves", "baseline,12month"], "--waves: wave '12month' is not in the data"),
        (["--waves", "baseline"], "name at least two waves"),
        (["--schedule", "baseline,3month:+x"], "--schedule: '3month:+x'"),
        (["--from", "01/02/2026"], "'01/02/2026' does not match the format '%Y-%m-%d'"),
        (["--from", "2026-03-01", "--to", "2026-01-01"], "--from/--to: the period ends (2026-01-01) before it starts"),
    ],
)
def test_bad_options_exit_2(dated_file, tmp_path, args, message):
    path, *_ = dated_file
    result = run("analyze", path, "--pre", "baseline", "--post", "exit", "--json", tmp_path / "r.json", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_report_refuses_the_old_period_label(dated_file, tmp_path):
    path, *_ = dated_file
    result = run("report", "--input", path, "--out", tmp_path / "r.pdf", "--period", "Q1 2026")
    assert result.exit_code == 2 and "--from YYYY-MM-DD --to YYYY-MM-DD" in result.output


def test_report_refuses_a_period_for_a_file_without_dates(tmp_path):
    path = tmp_path / "plain.csv"
    synthetic_wide(30, seed=1).to_csv(path, index=False)
    result = run("report", "--input", path, "--out", tmp_path / "r.pdf", "--from", "2026-01-01")
    assert result.exit_code == 2
    assert "--from/--to: the responses have no 'date' column" in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_report_passes_the_period_and_waves_to_the_job(dated_file, tmp_path, monkeypatch):
    from toolkit import pipeline

    seen = {}

    def fake_run(job, timings=None):
        seen["job"] = job
        return job.out

    monkeypatch.setattr(pipeline, "run_job", fake_run)
    path, *_ = dated_file
    result = run(
        "report", "--input", path, "--out", tmp_path / "r.pdf", "--waves", "baseline,exit", "--from", "2026-01-01",
        "--to", "2026-02-01", "--in-window", "--schedule", "baseline,3month:+91[-30,+60],exit",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    job = seen["job"]
    assert job.waves == ("baseline", "exit") and job.in_window is True
    assert (job.period_from, job.period_to) == (date(2026, 1, 1), date(2026, 2, 1))
    assert job.schedule == "baseline,3month:+91[-30,+60],exit"
