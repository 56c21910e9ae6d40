"""The fast CSV writer writes the same bytes as escaping and ``DataFrame.to_csv`` do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from toolkit.exchange.csv_writer import write_csv
from toolkit.exchange.escape import escaped
from toolkit.exchange.table_writer import CSV_LINE_END
from toolkit.exchange.table_writer import write_table
from toolkit.scoring import score


def pandas_bytes(frame: pd.DataFrame, path) -> bytes:
    escaped(frame).to_csv(path, index=False, lineterminator=CSV_LINE_END)
    return path.read_bytes()


def fast_bytes(frame: pd.DataFrame, path) -> bytes:
    assert write_csv(frame, path)
    return path.read_bytes()


HOSTILE = ["=a", "b,c", 'q"x', "line\nbreak", "\r=1", None, "-3", "+x", "@y", "plain", "", "\tz"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "=p": np.array(HOSTILE, dtype=object),
            "w": pd.array(["a", None, "c,d", "=e", "f", "g", "h", "i", "j", "k", "l", "m"], dtype="str"),
            "plain": ["p1", "p2", None, "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12"],
            "cat": pd.Categorical(["-low", None, "a,b", 'say "x"'] * 3),
            "f": [0.0, -0.0, np.nan, 1.5, 1e-7, 1e20, 12.0, 10 / 3, -2.5, np.inf, -np.inf, 7.0],
            "i": np.arange(12) - 5,
            "b": [True, False] * 6,
            "a,b": ["x"] * 12,
        }
    )


@pytest.mark.parametrize(
    "columns",
    [
        None,
        ["=p", "w"],
        ["cat", "f", "i", "b"],
        ["f", "cat"],
        ["plain", "i"],
        ["i", "plain", "b", "a,b"],
    ],
)
def test_same_bytes_as_pandas(tmp_path, columns):
    frame = hostile_frame() if columns is None else hostile_frame()[columns]
    assert fast_bytes(frame, tmp_path / "fast.csv") == pandas_bytes(frame, tmp_path / "pandas.csv")


def test_scores_table_same_bytes_as_pandas(tmp_path):
    n = 500
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(
        {
            "participant": [f"p{i}" for i in range(n)],
            "wave": ["baseline"] * n,
            "site": pd.array(["north", None, "=x", "a,b"] * (n // 4), dtype="str"),
            **{f"phq9_{i}": rng.choice([0, 1, 2, 3, 7, np.nan], size=n) for i in range(1, 10)},
            **{f"gad7_{i}": rng.choice([0.0, 1, 2, 3, np.nan], size=n) for i in range(1, 8)},
        }
    )
    scores = score(wide).scores
    assert fast_bytes(scores, tmp_path / "fast.csv") == pandas_bytes(scores, tmp_path / "pandas.csv")


def test_empty_frame_writes_the_header(tmp_path):
    frame = hostile_frame().iloc[:0]
    assert fast_bytes(frame, tmp_path / "fast.csv") == pandas_bytes(frame, tmp_path / "pandas.csv")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"only": ["", "a"]}),  # one column: the csv module quotes an empty cell
        pd.DataFrame({"a": [1, "x"], "b": [1, 2]}),  # text mixed with numbers
        pd.DataFrame({"a": ["x\x00y", "z"], "b": [1, 2]}),  # a NUL character
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [1, 2]}),  # nullable integers
        pd.DataFrame({"a": pd.to_datetime(["2026-01-01", None]), "b": [1, 2]}),
        pd.DataFrame({"a": pd.Categorical([1, 2]), "b": [1, 2]}),  # categories that are not text
    ],
)
def test_other_columns_are_left_to_pandas(tmp_path, frame):
    assert not write_csv(frame, tmp_path / "fast.csv")
    assert not (tmp_path / "fast.csv").exists()
    write_table(frame, tmp_path / "out.csv")  # and write_table still writes them, through pandas
    assert (tmp_path / "out.csv").read_bytes() == pandas_bytes(frame, tmp_path / "pandas.csv")


CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXT = st.text(CHARACTERS, max_size=8) | st.builds(
    str.__add__, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "-1", '"', ","]), st.text(CHARACTERS, max_size=6)
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(TEXT | st.none(), TEXT, st.floats(allow_nan=True, allow_infinity=True), st.booleans()),
        min_size=1,
        max_size=10,
    )
)
def test_any_text_same_bytes_as_pandas(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    text, label, number, flag = map(list, zip(*rows, strict=True))
    frame = pd.DataFrame(
        {
            "text": np.array(text, dtype=object),
            "label": pd.Categorical(label),
            "number": np.array(number, dtype="float64"),
            "flag": flag,
            "count": np.arange(len(rows)),
            "str": pd.array(label, dtype="str"),
        }
    )
    assert fast_bytes(frame, folder / "fast.csv") == pandas_bytes(frame, folder / "pandas.csv")
