"""Hostile files given to the commands: exit 2 with one clear line, under a memory cap and a timeout.

Each command runs in its own process with its address space limited to
512 MB and a 10 s timeout; before these checks, the same files took
gigabytes or minutes (or raised a traceback).
"""

from __future__ import annotations

import pytest
from hostile_files import entity_xlsx
from hostile_files import far_row_xlsx
from hostile_files import run_limited
from hostile_files import string_bomb_xlsx
from hostile_files import wide_csv

MEMORY_MB = 512
TIMEOUT_S = 10.0


def refused(args: list[str], out=None) -> list[str]:
    """Run a command that must refuse its input; return its error lines."""
    outcome = run_limited(args, memory_mb=MEMORY_MB, timeout=TIMEOUT_S)
    assert outcome.returncode == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert out is None or not out.exists()
    return outcome.stderr.splitlines()


def test_score_refuses_a_zip_bomb(tmp_path):
    source = string_bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=100)  # 0.1 MB on disk
    out = tmp_path / "scores.csv"
    lines = refused(["score", str(source), "--out", str(out)], out)
    assert lines[0].startswith(f"error: {source}: not a usable workbook: it would unzip to 100.0 MB,")
    assert lines[1:] == ["Nothing was written."]


def test_score_stops_a_three_million_row_sheet_at_the_row_limit(tmp_path):
    source = far_row_xlsx(tmp_path / "rows.xlsx", row=3_000_000)
    out = tmp_path / "scores.xlsx"
    assert refused(["score", str(source), "--out", str(out)], out) == [
        f"error: {source}:row 200002: more than the limit of 200,000 rows (OUTCOMES_MAX_ROWS); "
        "split the file (by wave or site) or raise the limit",
        "Nothing was written.",
    ]


def test_score_refuses_a_million_column_csv(tmp_path):
    source = wide_csv(tmp_path / "responses.csv", columns=1_000_001)
    out = tmp_path / "scores.csv"
    assert refused(["score", str(source), "--out", str(out)], out) == [
        f"error: {source}:1: 1,000,001 columns, more than the limit of 2,000 (OUTCOMES_MAX_COLUMNS); "
        "remove the columns that are not needed or raise the limit",
        "Nothing was written.",
    ]


def test_analyze_refuses_a_workbook_with_entities(tmp_path):
    source = entity_xlsx(tmp_path / "laughs.xlsx")
    out = tmp_path / "analysis.json"
    lines = refused(["analyze", str(source), "--pre", "baseline", "--post", "exit", "--json", str(out)], out)
    assert lines[0] == (
        f"error: {source}: not a usable workbook: its part xl/worksheets/sheet1.xml declares a DTD (<!DOCTYPE>),"
        " which Excel never writes and which can expand without bound; open it in Excel and save it again as .xlsx,"
        " or save it as .csv"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("responses.csv", bytes(range(256)) * 8, "not CSV text (the file is binary); save it as CSV UTF-8"),
        (
            "responses.xlsx",
            b"participant,wave\na,baseline\n",
            "not an Excel workbook (the file is plain text); save it as .xlsx or .csv",
        ),
    ],
    ids=["binary-csv", "text-xlsx"],
)
def test_report_refuses_an_unreadable_input(tmp_path, name, content, message):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "report.pdf"
    assert refused(["report", "--input", str(source), "--out", str(out)], out) == [
        f"error: {source}: {message}",
        "Nothing was written.",
    ]


BILLION_LAUGHS = 'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BILLION_LAUGHS, "1: anchors (&a0) are not allowed in an instrument file; remove it and write each value out"),
        (
            "id: x\nitems: &a [*a]\n",
            "2: anchors (&a) are not allowed in an instrument file; remove it and write each value out",
        ),
        (
            "id: x\nitems: " + "[" * 900 + "]" * 900 + "\n",
            "2: nested more than 20 levels deep; an instrument needs a handful, so check the brackets and indentation",
        ),
        (
            "id: !!python/name:os.system x\n",
            "1: the tag '!!python/name:os.system' is not allowed in an instrument file; remove it (put text in quotes)",
        ),
        (
            "id: x\nversion: " + "9" * 5000 + "\n",
            "2: the number 99999999999999999999...(5,000 characters) is too large; "
            "instrument values have at most 9 digits",
        ),
        ("id: x\n<<: {version: 1}\n", "2: merge keys (<<) are not allowed in an instrument file; write the keys out"),
    ],
    ids=["billion-laughs", "alias-cycle", "deep-nesting", "python-tag", "huge-integer", "merge-key"],
)
def test_validate_refuses_hostile_instrument_files(tmp_path, text, message):
    path = tmp_path / "scale.yaml"
    path.write_text(text)
    assert refused(["instruments", "validate", str(path)]) == [f"error: {path}:{message}", "1 problem(s) found."]


def test_validate_refuses_a_folder(tmp_path):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    assert refused(["instruments", "validate", str(folder)]) == [
        f"error: {folder}:1: is a folder, not an instrument file; name the files in it ({folder / '*.yaml'})",
        "1 problem(s) found.",
    ]
