"""Read the first sheet of an XLSX response file, streaming its rows within the limits.

The archive is checked first (:mod:`toolkit.exchange.zip_guard`); openpyxl
then reads it in read-only mode (its XML goes through defusedxml), one row
at a time, so the row, column and cell limits stop a hostile sheet before
it is held in memory. Identifier columns come back as text, other columns
as numbers where every value is one, as ``pandas.read_excel`` gives them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from datetime import time
from pathlib import Path
from typing import Any
from typing import BinaryIO

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from toolkit.errors import InputFileError
from toolkit.exchange.header import duplicate_columns
from toolkit.exchange.header import too_long
from toolkit.exchange.limits import count
from toolkit.exchange.limits import Limits
from toolkit.exchange.limits import VARIABLES
from toolkit.exchange.source import refuse
from toolkit.exchange.zip_guard import check_archive
from toolkit.exchange.zip_guard import RESAVE

MAX_REASON = 160


def _name(value: Any, n: int) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"Unnamed: {n - 1}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_cells(row: tuple, number: int, path: Path, names: list[str], limits: Limits) -> None:
    for n, value in enumerate(row, 1):
        if value.__class__ is str and len(value) > limits.max_cell_chars:
            column = f"{get_column_letter(n)} ('{names[n - 1]}')" if n <= len(names) else get_column_letter(n)
            raise refuse(f"{path}:row {number}", too_long(len(value), limits, column))


def _header(rows: Iterator[tuple], path: Path, limits: Limits) -> list[str]:
    first = next(rows, None)
    cells = list(first or ())
    while cells and cells[-1] is None:
        cells.pop()
    where = f"{path}:row 1"
    if not cells:
        raise refuse(where, "the first row is empty; put the column names (participant, wave, item ids) in row 1")
    if len(cells) > limits.max_columns:
        raise refuse(
            where,
            limits.exceeded(
                "max_columns",
                f"{count(len(cells))} columns",
                "remove the columns that are not needed or raise the limit",
            ),
        )
    names = [_name(value, n) for n, value in enumerate(cells, 1)]
    _check_cells(tuple(cells), 1, path, names, limits)
    problems = duplicate_columns(
        [str(c).strip() if c is not None else "" for c in cells], f"{path}:1", get_column_letter
    )
    if problems:
        raise InputFileError(problems)
    return names


def _rows(rows: Iterator[tuple], path: Path, names: list[str], limits: Limits) -> list[tuple]:
    width = len(names)
    kept: list[tuple] = []
    for number, row in enumerate(rows, 2):
        if number - 1 > limits.max_rows:
            raise refuse(
                f"{path}:row {number}",
                f"more than the limit of {count(limits.max_rows)} rows ({VARIABLES['max_rows']}); "
                "split the file (by wave or site) or raise the limit",
            )
        if not row:
            continue
        if len(row) > width:
            extra = next((n for n, v in enumerate(row[width:], width + 1) if v is not None), None)
            if extra is not None:
                raise refuse(
                    f"{path}:row {number}",
                    f"a value in column {get_column_letter(extra)}, right of the last named column; "
                    "name the column in row 1 or delete the value",
                )
            row = row[:width]
        _check_cells(row, number, path, names, limits)
        if any(v is not None for v in row):
            kept.append(row + (None,) * (width - len(row)))
    return kept


def _as_text(value: Any) -> Any:
    """A cell of an identifier column as text: whole numbers without ``.0``, a date cell as ``YYYY-MM-DD``.

    Excel keeps a date as a number with a date format, which openpyxl reads
    as a datetime; a date (or a datetime at midnight) is written as the
    import's dates are, and a datetime with a time as ``YYYY-MM-DD HH:MM:SS``.
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _frame(rows: list[tuple], names: list[str], text_columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
    for name in names:
        if name.strip() in text_columns:
            frame[name] = frame[name].map(_as_text).astype("str")
            continue
        column = frame[name].infer_objects()
        if column.dtype == "float64" and column.notna().all() and (column % 1 == 0).all():
            column = column.astype("int64")
        frame[name] = column
    return frame


def read_xlsx(path: Path, size: int, limits: Limits, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """The first sheet of an XLSX file as a DataFrame (``text_columns`` as text).

    Raises
    ------
    InputFileError
        When the file is not a workbook, is damaged, declares a DTD, unzips
        to too much, or has too many rows or columns or too long a cell.
    """
    check_archive(path, size, limits)
    with open(path, "rb") as source:  # closed here even when openpyxl fails half-way
        names, kept = _read_sheet(source, path, limits)
    return _frame(kept, names, text_columns)


def _read_sheet(source: BinaryIO, path: Path, limits: Limits) -> tuple[list[str], list[tuple]]:
    """The header and the non-blank rows of the first sheet."""
    workbook = rows = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style and validation notes do not concern the values
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            if sheet is None or not hasattr(sheet, "iter_rows"):
                raise refuse(
                    str(path), "the first sheet holds no cells (a chart?); put the responses on the first sheet"
                )
            sheet.reset_dimensions()  # never trust the sheet's stated size: it would pad every row
            rows = sheet.iter_rows(values_only=True)
            names = _header(rows, path, limits)
            return names, _rows(rows, path, names, limits)
    except InputFileError:
        raise
    except Exception as exc:  # openpyxl on a damaged or hostile workbook can raise almost anything
        cause = exc.__cause__ or exc  # openpyxl wraps the parser's error in a long ValueError
        reason = " ".join(str(cause).split())[:MAX_REASON] or type(cause).__name__
        raise refuse(str(path), f"not a readable Excel workbook ({reason}); {RESAVE}") from None
    finally:
        if rows is not None:
            rows.close()  # the sheet's stream stays open in an unfinished generator
        if workbook is not None:
            workbook.close()
