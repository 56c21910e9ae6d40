"""Formula escaping: no text the toolkit writes is a formula when a spreadsheet opens it."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from toolkit.exchange.escape import escape_cell
from toolkit.exchange.escape import escaped
from toolkit.exchange.escape import FORMULA_START
from toolkit.exchange.escape import PLAIN_NUMBER
from toolkit.exchange.table_writer import write_table

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_gets_a_quote(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -2.5, 0, 7, True, None, "-3", "+1.5", "-.5e3", "phq9", "", "'=already"])
def test_numbers_and_plain_text_are_kept(value):
    assert escape_cell(value) == value


def test_frame_keeps_numeric_columns_and_escapes_text_and_names():
    frame = pd.DataFrame(
        {"=name": ["=a", "b"], "score": [-1.0, 2.0], "n": [-3, 4], "band": pd.Categorical(["-low", None])}
    )
    out = escaped(frame)
    assert out.columns.tolist() == ["'=name", "score", "n", "band"]
    assert out["'=name"].tolist() == ["'=a", "b"]
    assert out["score"].dtype == "float64" and out["n"].dtype == "int64"
    assert out["band"].tolist()[0] == "'-low" and pd.isna(out["band"].tolist()[1])
    assert frame["=name"].tolist() == ["=a", "b"]  # the original is untouched


def opens_as_formula(value) -> bool:
    """What a spreadsheet would run: text starting with a formula character that is not just a number."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value)


CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\r\n")
TEXT = st.text(CHARACTERS, max_size=12) | st.builds(
    str.__add__, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "-1", "+2", "=-"]), st.text(CHARACTERS, max_size=10)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_nothing_written_reads_back_as_a_formula(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("escape")
    frame = pd.DataFrame({"text": texts, "number": [-1.5] * len(texts)})
    write_table(frame, folder / "out.xlsx")
    write_table(frame, folder / "out.csv")
    book = openpyxl.load_workbook(folder / "out.xlsx")
    rows = list(book.active.iter_rows(min_row=2))
    book.close()
    assert [text.data_type for text, _ in rows if text.value is not None] == ["s"] * sum(
        1 for t, _ in rows if t.value is not None
    )
    assert not any(opens_as_formula(text.value) for text, _ in rows)
    assert [(number.value, number.data_type) for _, number in rows] == [(-1.5, "n")] * len(texts)
    back = pd.read_csv(folder / "out.csv", dtype={"text": str}, keep_default_na=False)
    assert not any(opens_as_formula(v) for v in back["text"])
    assert back["number"].tolist() == [-1.5] * len(texts)
    for original, written in zip(texts, back["text"], strict=True):
        assert written == (escape_cell(original) if original.strip() else written)
