"""`outcomes score` and `outcomes instruments` from the command line (click's runner)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import main

HEADER = "participant,wave,site," + ",".join(f"phq9_{i}" for i in range(1, 10))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "in.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_score_writes_long_scores(runner, tmp_path):
    src = write(tmp_path, "007,baseline,north,1,1,1,1,1,1,1,1,0", "007,exit,north,0,0,0,0,0,0,0,0,0")
    out = tmp_path / "scores.csv"
    result = runner.invoke(main, ["score", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Scored 2 rows: 2 scale scores, 2 valid" in result.output
    scores = pd.read_csv(out, dtype={"participant": str})
    assert scores["participant"].tolist() == ["007", "007"]  # leading zeros kept
    assert scores["score"].tolist() == [8.0, 0.0]


def test_out_of_range_value_is_reported_not_fatal(runner, tmp_path):
    src = write(tmp_path, "a,baseline,n,1,1,1,1,1,1,1,1,9", "b,baseline,n,1,1,1,1,1,1,1,1,1")
    out = tmp_path / "scores.csv"
    result = runner.invoke(main, ["score", str(src), "--out", str(out)])
    assert result.exit_code == 0
    assert "1 invalid: out of range" in result.output
    assert "1 safety alert(s)" in result.output
    scores = pd.read_csv(out, keep_default_na=False)
    assert scores.loc[0, "reason"] == "phq9_9: 9 is outside 0-3"


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (
            "person,wave,phq9_1",
            ["a,b,1"],
            "in.csv:1: no 'participant' column; "
            "the header row must name 'participant' (columns found: person, wave, phq9_1)",
        ),
        ("participant,wav,phq9_1", ["a,b,1"], "in.csv:1: no 'wave' column; the file has 'wav' — rename it to 'wave'"),
        (
            "participant,wave,phq9_1,phq9_10",
            ["a,b,1,1"],
            "in.csv:1: column 'phq9_10' looks like an item of PHQ-9 but phq9 has no such item; did you mean 'phq9_1'?",
        ),
        (
            "participant,wave,phq9_1",
            ["a,b,1", "c,b,1", "a,b,2"],
            "in.csv:4: participant 'a' wave 'b' appears again (first at line 2); keep one row per participant and wave",
        ),
        ("participant,wave,phq9_1", ["a,,1"], "in.csv:2: column 'wave' is empty; every row needs a wave"),
    ],
)
def test_malformed_file_exits_2_and_writes_nothing(runner, tmp_path, header, rows, message):
    src = write(tmp_path, *rows, header=header)
    out = tmp_path / "scores.csv"
    result = runner.invoke(main, ["score", str(src), "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Nothing was written." in result.stderr
    assert not out.exists()


def test_unreadable_file(runner, tmp_path):
    result = runner.invoke(main, ["score", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "missing.csv: no such file; check the path" in result.stderr


def test_xlsx_input(runner, tmp_path):
    src = tmp_path / "in.xlsx"
    frame = pd.DataFrame({"participant": ["p1"], "wave": ["baseline"], **{f"gad7_{i}": [2] for i in range(1, 8)}})
    frame.to_excel(src, index=False)
    out = tmp_path / "scores.csv"
    result = runner.invoke(main, ["score", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["score"].tolist() == [14.0]


def test_validate_shipped_instruments(runner):
    result = runner.invoke(main, ["instruments", "validate"])
    assert result.exit_code == 0
    assert "16 instrument(s) valid." in result.output


def test_validate_broken_copy_names_file_and_line(runner, tmp_path):
    from toolkit.instruments.registry import default_instrument_dir

    text = (default_instrument_dir() / "gad7.yaml").read_text()
    bad = tmp_path / "gad7.yaml"
    bad.write_text(text.replace("higher_is: worse", "higher_is: wrose", 1))
    line = next(n for n, row in enumerate(bad.read_text().splitlines(), 1) if "wrose" in row)
    result = runner.invoke(main, ["instruments", "validate", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0]
        == f"error: {bad}:{line}: scoring.higher_is: 'wrose' is not valid: input should be 'better' or 'worse'"
    )


def test_list_and_show(runner):
    listed = runner.invoke(main, ["instruments", "list"])
    assert listed.exit_code == 0
    assert "mdes" in listed.output and "(wording not shipped)" in listed.output
    shown = runner.invoke(main, ["instruments", "show", "adult_hope"])
    assert "adult_hope_3" in shown.output and "[filler]" in shown.output
    missing = runner.invoke(main, ["instruments", "show", "hope"])
    assert missing.exit_code == 2 and missing.output.startswith("error: instrument 'hope' is not defined")


def test_blank_site_stays_missing(tmp_path):
    from toolkit.exchange.wide_file import read_wide
    from toolkit.instruments import default_registry

    src = write(tmp_path, "a,baseline,,1,1,1,1,1,1,1,1,0", "b,baseline, north ,1,1,1,1,1,1,1,1,0")
    frame = read_wide(src, default_registry())
    assert frame["site"].isna().tolist() == [True, False]
    assert frame.loc[1, "site"] == "north"
