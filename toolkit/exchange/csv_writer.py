"""Write a DataFrame as CSV quickly, byte for byte as ``DataFrame.to_csv`` would after escaping.

``outcomes score`` writes one row per participant, wave and scale: millions of
rows whose columns mostly hold a few distinct values (instrument, scale,
score, band, items answered, valid, reason). ``to_csv`` formats and quotes
every cell through Python's ``csv`` module; this writer formats, escapes and
quotes each *distinct* value once, joins runs of such columns into one piece
of text per distinct combination, and then joins a few pieces per row.

The output is what :func:`toolkit.exchange.escape.escaped` followed by
``to_csv(index=False, lineterminator="\\r\\n")`` writes: numbers as numpy
formats them (``12.0``), missing cells empty, ``True``/``False``, text
escaped against formulas and quoted as the ``csv`` module does (minimal
quoting, quotes doubled). Frames with columns of any other kind (dates,
nullable integers, categories that are not text...) return False from
:func:`write_csv` so the caller writes them with pandas.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.exchange.escape import escape_text
from toolkit.exchange.escape import FORMULA_START

LINE_END = "\r\n"
CHUNK_ROWS = 200_000
MAX_COMBINED = 2**62
"""Largest product of distinct-value counts that one joined run of columns may have (fits int64)."""

_QUOTED = (",", '"', "\r", "\n")
"""Characters that make the ``csv`` module quote a cell (delimiter, quote character, line end)."""
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_SEPARATOR = "\x00"
_FORMULA_CELL = re.compile(re.escape(_SEPARATOR) + "[" + re.escape("".join(FORMULA_START)) + "]")
"""A cell (after the separator) that starts with a formula character."""


def csv_cell(text: str) -> str:
    """``text`` escaped against formulas and quoted as the ``csv`` module quotes (minimal quoting).

    >>> csv_cell('=1+1'), csv_cell('a,b'), csv_cell('-3')
    ("'=1+1", '"a,b"', '-3')
    >>> print(csv_cell('say "hi" twice'))
    "say ""hi"" twice"
    """
    text = escape_text(text)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


class _Codes:
    """A column as integer codes into its formatted cells (the last label is the empty, missing cell)."""

    def __init__(self, codes: np.ndarray, labels: list[str]) -> None:
        self.codes = np.where(codes < 0, len(labels), codes).astype(np.int64, copy=False)
        self.labels = labels + [""]


def _text_column(column: pd.Series) -> np.ndarray | _Codes | None:
    """Text cells as an object array of finished cells; None when the column holds something else."""
    missing = column.isna().to_numpy()
    values = column.to_numpy(dtype=object)
    if missing.any():
        values = values.copy()
        values[missing] = ""
    if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
        return None
    joined = _SEPARATOR.join(values)
    if joined.count(_SEPARATOR) != max(len(values) - 1, 0):
        return None  # a cell holds a NUL character: left to pandas and the csv module
    # single characters are found at memchr speed; the pattern runs only when a formula character occurs
    special = any(c in joined for c in _QUOTED) or (
        any(c in joined for c in FORMULA_START)
        and (joined.startswith(FORMULA_START) or _FORMULA_CELL.search(joined) is not None)
    )
    if not special:  # the usual case: nothing to escape or quote
        return values
    codes, uniques = pd.factorize(values)
    return _Codes(codes, [csv_cell(u) for u in uniques])


def _column(column: pd.Series) -> np.ndarray | _Codes | None:
    """One column as finished cells: codes into distinct cells, or an object array of cells."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if pd.api.types.infer_dtype(categories, skipna=False) not in ("string", "empty"):
            return None
        return _Codes(column.cat.codes.to_numpy(), [csv_cell(c) for c in categories])
    if dtype == np.float64 or dtype == np.float32:
        values = column.to_numpy()
        nan = np.isnan(values)
        bits = values.view(np.int64 if dtype == np.float64 else np.int32)  # keeps -0.0 apart from 0.0
        codes, uniques = pd.factorize(bits)
        codes[nan] = -1
        labels = uniques.view(dtype).astype(str).tolist()  # numpy's text for each number, as to_csv writes
        return _Codes(codes, labels)
    if dtype == np.bool_ or (dtype.kind in "iu" and isinstance(dtype, np.dtype)):
        codes, uniques = pd.factorize(column.to_numpy())
        return _Codes(codes, [str(u.item()) for u in uniques])
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        return _text_column(column)
    return None


def _join_runs(columns: list[np.ndarray | _Codes]) -> list[np.ndarray | _Codes]:
    """Merge each run of adjacent coded columns into one coded column of joined cells."""
    merged: list[np.ndarray | _Codes] = []
    run: list[_Codes] = []

    def flush() -> None:
        if len(run) == 1:
            merged.append(run[0])
        elif run:
            combined = np.zeros(len(run[0].codes), dtype=np.int64)
            for part in run:
                combined = combined * len(part.labels) + part.codes
            codes, uniques = pd.factorize(combined)
            pieces = []
            for part in reversed(run):
                pieces.append(np.asarray(part.labels, dtype=object)[uniques % len(part.labels)])
                uniques = uniques // len(part.labels)
            merged.append(_Codes(codes, list(map(",".join, zip(*reversed(pieces), strict=True)))))
        run.clear()

    size = 1
    for column in columns:
        if isinstance(column, _Codes) and size * len(column.labels) < MAX_COMBINED:
            run.append(column)
            size *= len(column.labels)
            continue
        flush()
        size = 1
        if isinstance(column, _Codes):
            run.append(column)
            size = len(column.labels)
        else:
            merged.append(column)
    flush()
    return merged


def write_csv(frame: pd.DataFrame, path: Path | str) -> bool:
    """Write ``frame`` (text escaped, CRLF line ends); False, writing nothing, when a column is of another kind."""
    if frame.shape[1] < 2 or not all(isinstance(name, str) for name in frame.columns):
        return False  # one column: the csv module quotes an empty cell; leave such frames to pandas
    columns = []
    for n in range(frame.shape[1]):
        column = _column(frame.iloc[:, n])
        if column is None:
            return False
        columns.append(column)
    pieces = [
        (np.asarray(p.labels, dtype=object), p.codes) if isinstance(p, _Codes) else (p, None)
        for p in _join_runs(columns)
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(csv_cell(name) for name in frame.columns) + LINE_END)
        for start in range(0, len(frame), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, len(frame))
            parts = [cells[start:stop] if codes is None else cells[codes[start:stop]] for cells, codes in pieces]
            if len(parts) == 1:
                lines = parts[0].tolist()
            else:
                lines = list(map(",".join, zip(*parts, strict=True)))
            fh.write(LINE_END.join(lines) + LINE_END)
    return True
