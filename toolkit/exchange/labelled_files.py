"""Write an export table as an SPSS (.sav) or Stata (.dta) file, with variable and value labels.

Variable labels hold the item's English text (Stata's are cut to 80
characters at a word); value labels hold the answers' labels, band labels and
No/Yes for flags. A declined answer is the user-missing code
:data:`~toolkit.exchange.export_variables.DECLINED_CODE` (-99) in SPSS and the
extended missing value ``.a`` in Stata, both labelled "Declined (prefer not to
say)". Dates are date variables. Names follow each format's rules (Stata: at
most 32 letters, digits and underscores, not starting with a digit).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.exchange.export_layout import ExportTable
from toolkit.exchange.export_variables import DECLINED_CODE
from toolkit.exchange.export_variables import DECLINED_LABEL
from toolkit.exchange.export_variables import Variable

STATA_NAME_CHARS = 32
STATA_LABEL_CHARS = 80
SPSS_NAME_BYTES = 64
SPSS_LABEL_CHARS = 256
STATA_DECLINED = "a"
STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip strL using with".split()
)
SPSS_RESERVED = frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split())
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")


def safe_names(names: list[str], limit: int, reserved: frozenset[str]) -> list[str]:
    """Names made of letters, digits and ``_``, starting with a letter, at most ``limit`` long, all different.

    >>> safe_names(["phq9_1", "1st", "a" * 40, "a" * 41, "with"], 32, STATA_RESERVED)
    ['phq9_1', 'v_1st', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_2', 'v_with']
    """
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = _NOT_NAME.sub("_", name) or "v"
        if not base[0].isalpha() or base in reserved or base.upper() in reserved:
            base = f"v_{base}"
        candidate, n = base[:limit], 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: limit - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def short_label(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, ending in ``...`` when cut.

    >>> short_label("Thoughts that you would be better off dead, or of hurting yourself in some way", 40)
    'Thoughts that you would be better off...'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if text[limit - 3] != " " and " " in cut:  # the cut falls inside a word: drop that word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "..."


def _codes(column: pd.Series, var: Variable) -> np.ndarray:
    """Band labels or flags as numeric codes (1, 2, ... for bands; 0 and 1 for flags), NaN when missing."""
    if var.kind == "flag":
        return column.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    code_of = {label: code for code, label in var.values.items()}
    return column.map(code_of).astype("float64").to_numpy()


def _numeric_labels(values: dict[float, str]) -> dict[Any, str]:
    """Value labels with whole-number keys as ``int`` (Stata labels whole numbers only)."""
    return {int(v): label for v, label in values.items() if float(v).is_integer()}


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "").astype(str)


def _plain(var: Variable, column: pd.Series) -> Any:
    """A score, date or text column as both formats take it (items, bands and flags carry value labels)."""
    if var.kind == "score":
        return column.to_numpy(dtype="float64")
    if var.kind == "date":
        return column.astype(object).where(column.notna(), None)
    return _text(column)


def write_sav(table: ExportTable, path: Path) -> None:
    """Write the table as an SPSS .sav file (declined answers: -99, declared user-missing)."""
    import pyreadstat

    names = safe_names([v.name for v in table.variables], SPSS_NAME_BYTES, SPSS_RESERVED)
    data: dict[str, Any] = {}
    labels, value_labels, missing, measure, formats = {}, {}, {}, {}, {}
    for var, name in zip(table.variables, names, strict=True):
        column = table.frame[var.name]
        labels[name] = short_label(var.label, SPSS_LABEL_CHARS)
        measure[name] = var.measure
        if var.kind == "item":
            values = column.to_numpy(dtype="float64").copy()
            declined = table.declined.get(var.name)
            if declined is not None:
                values[declined] = DECLINED_CODE
            data[name] = values
            value_labels[name] = {**var.values, DECLINED_CODE: DECLINED_LABEL}
            missing[name] = [DECLINED_CODE]
            if np.all(np.isnan(values) | (values == np.round(values))):
                formats[name] = "F8.0"
        elif var.kind in ("band", "flag"):
            data[name] = _codes(column, var)
            value_labels[name] = dict(var.values)
            formats[name] = "F8.0"
        else:
            data[name] = _plain(var, column)
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(path),
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure=measure,
        variable_format=formats,
    )


def write_dta(table: ExportTable, path: Path) -> None:
    """Write the table as a Stata .dta file (declined answers: ``.a``; labels cut to 80 characters)."""
    import pyreadstat

    # pyreadstat names each value-label set after its variable plus a counter: the counter's digits must fit too
    limit = STATA_NAME_CHARS - len(str(len(table.variables)))
    names = safe_names([v.name for v in table.variables], limit, STATA_RESERVED)
    data: dict[str, Any] = {}
    labels, value_labels, missing = {}, {}, {}
    for var, name in zip(table.variables, names, strict=True):
        column = table.frame[var.name]
        labels[name] = short_label(var.label, STATA_LABEL_CHARS)
        if var.kind == "item":
            values = column.to_numpy(dtype="float64")
            declined = table.declined.get(var.name)
            if declined is not None and declined.any():
                cells = values.astype(object)
                cells[declined] = STATA_DECLINED
                data[name] = cells
            else:
                data[name] = values
            missing[name] = [STATA_DECLINED]
            value_labels[name] = {**_numeric_labels(var.values), STATA_DECLINED: DECLINED_LABEL}
        elif var.kind in ("band", "flag"):
            data[name] = _codes(column, var)
            value_labels[name] = _numeric_labels(var.values)
        else:
            data[name] = _plain(var, column)
    pyreadstat.write_dta(
        pd.DataFrame(data),
        str(path),
        column_labels=labels,
        variable_value_labels={k: v for k, v in value_labels.items() if v},
        missing_user_values=missing,
    )
