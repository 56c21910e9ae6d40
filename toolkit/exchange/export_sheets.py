"""Write an export table as CSV, or as an Excel workbook with a sheet describing the variables.

Answers are written as numbers (``2``, not ``2.0``) and a declined answer as
the word ``declined``, as a wide response file writes it, so an exported wide
CSV can be scored again. Dates are ISO dates in CSV and date cells in XLSX.
Every text cell is escaped against formulas (:mod:`toolkit.exchange.escape`)
and XLSX text is stored as string cells, never formulas
(:mod:`toolkit.exchange.xlsx_builder`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.exchange.export_layout import ExportTable
from toolkit.exchange.export_variables import DECLINED_TEXT
from toolkit.exchange.export_variables import values_text
from toolkit.exchange.table_writer import write_table
from toolkit.exchange.xlsx_builder import Column
from toolkit.exchange.xlsx_builder import Sheet
from toolkit.exchange.xlsx_builder import write_workbook

DATA_SHEET = "Data"
VARIABLES_SHEET = "Variables"
XLSX_MAX_ROWS = 1_048_576
"""Rows of one worksheet, the header row included."""
XLSX_MAX_COLUMNS = 16_384


class TooLargeForExcelError(ToolkitError):
    """The table has more rows or columns than one worksheet holds."""


def answer_text(values: np.ndarray, declined: np.ndarray | None) -> pd.Categorical:
    """Answers as text cells: whole numbers without ``.0``, declined as ``declined``, missing empty.

    >>> list(answer_text(np.array([2.0, np.nan, 0.5, np.nan]), np.array([False, True, False, False])))
    ['2', 'declined', '0.5', nan]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = [str(int(u)) if float(u).is_integer() else repr(float(u)) for u in uniques]
    if declined is not None and declined.any():
        codes = np.where(declined, len(labels), codes)
        labels.append(DECLINED_TEXT)
    return pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object), validate=False)


def _csv_frame(table: ExportTable) -> pd.DataFrame:
    """The table with every column in a form the fast CSV writer takes."""
    out: dict[str, Any] = {}
    for var in table.variables:
        column = table.frame[var.name]
        if var.kind == "item":
            out[var.name] = answer_text(column.to_numpy(dtype="float64"), table.declined.get(var.name))
        elif var.kind == "date":
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            labels = pd.Index([d.isoformat() for d in uniques], dtype=object)
            out[var.name] = pd.Categorical.from_codes(codes, categories=labels, validate=False)
        elif var.kind == "flag" and column.isna().any():
            text = column.astype(object).map({True: "True", False: "False"})
            out[var.name] = pd.Categorical(text, categories=pd.Index(["False", "True"], dtype=object))
        elif var.kind in ("text", "band"):
            out[var.name] = column.astype(object).where(column.notna(), None)
        else:
            out[var.name] = column
    return pd.DataFrame(out, index=table.frame.index)


def write_export_csv(table: ExportTable, path: Path) -> None:
    """Write the table as CSV (UTF-8, CRLF line ends, text escaped against formulas)."""
    write_table(_csv_frame(table), path)


def check_fits_a_sheet(table: ExportTable) -> None:
    """Refuse a table that one worksheet cannot hold (too many rows or columns)."""
    rows, columns = table.frame.shape
    if rows + 1 > XLSX_MAX_ROWS:
        wide = ", or choose the wide layout" if table.layout == "long" else ""
        raise TooLargeForExcelError(
            f"the {table.layout} layout has {rows:,} rows and an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,}; "
            f"export it as csv, parquet, sav or dta{wide}"
        )
    if columns > XLSX_MAX_COLUMNS:
        raise TooLargeForExcelError(
            f"the table has {columns:,} columns and an Excel sheet holds at most {XLSX_MAX_COLUMNS:,}; "
            "export it as csv, parquet, sav or dta, or choose the long layout"
        )


def _xlsx_column(table: ExportTable, name: str, kind: str) -> Column:
    """One column as cells: numbers, booleans, dates, strings, empty when missing; declined answers as text."""
    column = table.frame[name]
    if kind in ("item", "score"):
        cells = Column.of(column.to_numpy(dtype="float64"))
        declined = table.declined.get(name)
        return cells.with_text(declined, DECLINED_TEXT) if declined is not None and declined.any() else cells
    return Column.of(column.astype(object).where(column.notna(), None).to_numpy())


def write_export_xlsx(table: ExportTable, path: Path) -> None:
    """Write the table to a workbook: the data sheet, and a sheet of variables (name, label, values)."""
    check_fits_a_sheet(table)
    names = [var.name for var in table.variables]
    data = Sheet(DATA_SHEET, names, [_xlsx_column(table, var.name, var.kind) for var in table.variables])
    described = [names, [var.label for var in table.variables], [values_text(var) for var in table.variables]]
    variables = Sheet(VARIABLES_SHEET, ["name", "label", "values"], [Column.of(c) for c in described])
    write_workbook([data, variables], path)
