"""Generated bad import files: each exits 2 naming where it is wrong, and the database does not change.

Bounded and derandomized: a valid file is spoiled one way at a time (a wrong
encoding, broken quoting, a huge cell, a formula, a wrong type, a value off
the scale) and imported into a program that already holds data.
"""

from __future__ import annotations

import pytest
from db_snapshot import Snapshots
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from import_programs import run

from toolkit.store.engine import make_engine

PHQ = [f"phq9_{i}" for i in range(1, 10)]
HEADER = "participant,wave,date," + ",".join(PHQ)


def good_rows(n: int) -> list[list[str]]:
    return [[f"RP-{100 + i}", "baseline", "2026-02-01", *["1"] * 9] for i in range(n)]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A SQLite database with program east and one imported file (so there is something to keep unchanged)."""
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'outcomes.sqlite'}"
    assert run("db", "upgrade", "--database", url).exit_code == 0
    made = run(
        "programs", "add", "east", "--name", "East", "--waves", "baseline,exit", "--battery", "phq9", "--database", url
    )
    assert made.exit_code == 0, made.output
    first = folder / "first.csv"
    first.write_text(HEADER + "\nRP-001,baseline,2026-01-02," + ",".join(["2"] * 9) + "\n")
    assert run("import", first, "--program", "east", "--database", url).exit_code == 0
    return url, folder


SPOILERS = (
    "latin1_in_utf16",
    "open_quote",
    "huge_cell",
    "formula_code",
    "formula_value",
    "text_value",
    "fraction",
    "negative",
    "bad_date",
    "extra_cells",
    "no_wave",
    "binary",
)


def spoil(kind: str, rows: list[list[str]], row: int, col: int, text: str) -> bytes:
    rows = [list(r) for r in rows]
    target = rows[row]
    item = 3 + col % 9
    if kind == "open_quote":
        target[item] = '"' + text.replace('"', "")
    elif kind == "huge_cell":
        target[item] = "9" * 40_000
    elif kind == "formula_code":
        target[0] = '=HYPERLINK("http://x")' + text.replace(",", "")
    elif kind == "formula_value":
        target[item] = "=1+" + str(col)
    elif kind == "text_value":
        target[item] = "x" + text.replace(",", "").replace('"', "")
    elif kind == "fraction":
        target[item] = "1.5"
    elif kind == "negative":
        target[item] = "-1"
    elif kind == "bad_date":
        target[2] = "31/02/2026"
    elif kind == "extra_cells":
        target.append("7")
    elif kind == "no_wave":
        target[1] = ""
    body = HEADER + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    if kind == "latin1_in_utf16":
        return b"\xff\xfe" + body.encode("latin-1", errors="replace")[: len(body) | 1]
    if kind == "binary":
        return b"\x00\x01\x02PK\x03" + body.encode()
    return body.encode()


@pytest.mark.fuzz
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(SPOILERS),
    n=st.integers(1, 6),
    row=st.integers(0, 5),
    col=st.integers(0, 8),
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
def test_a_spoiled_file_exits_2_with_a_location_and_changes_nothing(seeded, tmp_path, kind, n, row, col, text):
    url, folder = seeded
    engine = make_engine(url)
    snapshots = Snapshots(engine)
    before = snapshots.take()
    path = tmp_path / "spoiled.csv"
    path.write_bytes(spoil(kind, good_rows(n), row % n, col, text))
    result = run("import", path, "--program", "east", "--database", url)
    after = snapshots.take()
    engine.dispose()
    assert result.exit_code == 2, (kind, result.output)
    assert f"error: {path}" in result.output, result.output
    assert before.changes(after) == []
