"""Turning one column of an import file into answers or dates, a whole column at a time.

A blank cell is no answer; ``declined`` (any case) is "prefer not to say";
a number is ASCII digits with an optional sign and decimal point (``٣``,
``５``, ``1_0`` and ``1e3`` are not numbers). A column the CSV reader
already parsed as numbers needs no text checks, unless the map recodes it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from toolkit.exchange.import_map import DECLINED
from toolkit.exchange.import_map import ImportMap

NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return str(value).strip()


def text_column(column: pd.Series) -> pd.Series:
    """The column as stripped text, blank for empty cells, whole numbers without ``.0``, dates as YYYY-MM-DD.

    >>> text_column(pd.Series([" RP-1 ", None, 2.0, float("nan")])).tolist()
    ['RP-1', '', '2', '']
    """
    if isinstance(column.dtype, pd.StringDtype):
        return column.str.strip().fillna("")
    if column.dtype == object:
        uniques = pd.unique(column.to_numpy(dtype=object))
        return column.map({u: _as_text(u) for u in uniques if u is not None and u == u}).astype(object).fillna("")
    return pd.Series([_as_text(v) for v in column.tolist()], index=column.index, dtype=object)


def distinct_texts(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """:func:`text_column` as codes into its distinct texts: ``(codes, texts)``, ``texts[codes]`` being the column.

    >>> codes, texts = distinct_texts(pd.Series([" b", "a", "b", None]))
    >>> codes.tolist(), texts.tolist()
    ([0, 1, 0, 2], ['b', 'a', ''])
    """
    if not isinstance(column.dtype, pd.StringDtype):
        return text_column(column).factorize()
    codes, values = column.factorize(use_na_sentinel=False)  # stripped once per distinct value
    texts = values.str.strip()
    if texts.equals(values) and not texts.hasnans:  # nothing stripped: still distinct
        return codes, texts
    texts = texts.fillna("")
    return (codes, texts) if texts.is_unique else _merged(codes, texts)


def _merged(codes: np.ndarray, texts: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Codes into ``texts`` with equal texts given one code."""
    again, distinct = texts.factorize()
    return again[codes], distinct


def _recodes(mapping: ImportMap, item: str) -> bool:
    return bool(mapping.values.get(item) or mapping.values.get("*") or mapping.declined)


def answer_column(
    column: pd.Series, item: str, mapping: ImportMap
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One item's column as (values, declined, present, bad): float values (NaN when declined) and masks.

    ``present`` marks cells holding an answer (a number or declined);
    ``bad`` marks cells holding something else.

    Examples
    --------
    >>> values, declined, present, bad = answer_column(pd.Series(["1", "", "Declined", "x", "٣"]), "a", ImportMap())
    >>> values.tolist()[:1], declined.tolist(), present.tolist(), bad.tolist()
    ([1.0], [False, False, True, False, False], [True, False, True, False, False], [False, False, False, True, True])
    """
    if (
        pd.api.types.is_numeric_dtype(column.dtype)
        and not pd.api.types.is_bool_dtype(column.dtype)
        and not _recodes(mapping, item)
    ):
        values = column.to_numpy(dtype=float)
        present = ~np.isnan(values)
        none = np.zeros(len(values), dtype=bool)
        return values, none, present, none
    text = text_column(column)
    if _recodes(mapping, item):
        text = text.map({t: mapping.recode(item, t) for t in text.unique()})
    blank = (text == "").to_numpy()
    declined = (text.str.lower() == DECLINED).to_numpy()
    number = text.str.fullmatch(NUMBER).fillna(False).to_numpy(dtype=bool)
    values = np.full(len(text), np.nan)
    values[number] = text[number].astype(float).to_numpy()
    bad = ~(blank | declined | number)
    return values, declined, number | declined, bad


def dates_column(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Days (datetime64, NaT for blank cells) from YYYY-MM-DD text, and a mask of cells that are not such dates.

    >>> days, bad = dates_column(pd.Series(["2026-03-31", "", "2026-13-40", "31/03/2026"]))
    >>> [str(d.date()) for d in days[:1]], bad.tolist()
    (['2026-03-31'], [False, False, True, True])
    """
    parsed = pd.to_datetime(text.where(text.str.fullmatch(DATE.pattern[1:-1])), format="%Y-%m-%d", errors="coerce")
    blank = (text == "").to_numpy()
    bad = parsed.isna().to_numpy() & ~blank
    return parsed, bad
