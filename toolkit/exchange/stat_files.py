"""Read SPSS ``.sav`` and Stata ``.dta`` files for import, with pyreadstat.

Cells become the text the import reader checks: numbers as numbers, SPSS
user-missing codes and Stata's extended missing values (``.a`` to ``.z``)
as ``declined``, system-missing as blank. Value labels of item columns are
checked against the item's scale: a labelled value that is neither an
answer nor a missing code is a problem, because it means the file codes the
item differently (map it with ``--map``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.exchange.import_map import DECLINED
from toolkit.exchange.limits import Limits
from toolkit.exchange.source import checked_size
from toolkit.instruments.answer_values import on_scale
from toolkit.instruments.answer_values import scale_text
from toolkit.instruments.registry import Registry


def _missing(meta: Any, column: str, value: Any) -> bool:
    """True for an SPSS user-missing code of ``column`` (a listed value or inside a missing range)."""
    for rng in (getattr(meta, "missing_ranges", None) or {}).get(column, []):
        try:
            if rng["lo"] <= value <= rng["hi"]:
                return True
        except TypeError:
            continue
    return False


def _cell(value: Any, meta: Any, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        text = value.strip()
        return DECLINED if len(text) == 1 and text.isalpha() else text  # Stata .a-.z arrive as their letter
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if _missing(meta, column, value):
        return DECLINED
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _label_problems(meta: Any, path: Path, registry: Registry) -> list[Problem]:
    problems = []
    labels = getattr(meta, "variable_value_labels", None) or {}
    for column, table in labels.items():
        found = registry.item(column)
        if found is None:
            continue
        inst, item = found
        for value, label in table.items():
            if isinstance(value, str) or _missing(meta, column, value) or on_scale(inst, item, float(value)):
                continue
            problems.append(
                Problem(
                    f"{path}:{column}",
                    f"value label {value:g} = '{label}' is not an answer to {item.id}"
                    f" ({scale_text(inst, item)}); recode the variable or map its values with --map",
                )
            )
    return problems


def read_stat_file(path: Path, limits: Limits, registry: Registry) -> tuple[pd.DataFrame, str]:
    """The file's cells as text (``declined`` for user-missing) and what it was taken to be.

    Raises
    ------
    InputFileError
        When the file cannot be read as SPSS or Stata, is past a limit, or
        labels item values that are not on the item's scale.
    """
    import pyreadstat

    checked_size(path, limits)
    suffix = path.suffix.lower()
    reader, kind = (pyreadstat.read_dta, "Stata .dta") if suffix == ".dta" else (pyreadstat.read_sav, "SPSS .sav")
    try:
        _, meta = reader(str(path), metadataonly=True)
        if meta.number_rows is not None and meta.number_rows > limits.max_rows:
            raise InputFileError(
                [
                    Problem(
                        str(path),
                        f"{meta.number_rows:,} rows is more than the limit of"
                        f" {limits.max_rows:,}; split the file or raise the limit",
                    )
                ]
            )
        if meta.number_columns > limits.max_columns:
            raise InputFileError(
                [
                    Problem(
                        str(path),
                        f"{meta.number_columns:,} variables is more than the limit of"
                        f" {limits.max_columns:,}; keep the variables that are needed",
                    )
                ]
            )
        frame, meta = reader(str(path), user_missing=True)
    except pyreadstat.ReadstatError as exc:
        raise InputFileError(
            [
                Problem(
                    str(path),
                    f"cannot read it as {kind} ({exc}); save it again from {'Stata' if suffix == '.dta' else 'SPSS'}",
                )
            ]
        ) from None
    problems = _label_problems(meta, path, registry)
    if problems:
        raise InputFileError(problems)
    text = pd.DataFrame({c: [_cell(v, meta, c) for v in frame[c].tolist()] for c in frame.columns}, dtype=object)
    return text, kind
