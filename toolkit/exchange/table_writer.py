"""Write a table as CSV or XLSX, safe to open in a spreadsheet.

Every text cell goes through :mod:`toolkit.exchange.escape`. In XLSX, text
is stored as a string cell, never as a formula, whatever it starts with;
characters that XML cannot hold (control characters) are replaced by the
replacement character, since Excel could not open the file otherwise. CSV
rows end in CRLF (RFC 4180), so every cell holding a line break is quoted.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from toolkit.exchange.csv_writer import write_csv
from toolkit.exchange.escape import escaped

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SHEET_NAME = "Sheet1"
REPLACEMENT = "\ufffd"
CSV_LINE_END = "\r\n"
"""RFC 4180's line end: with it, a cell holding a lone carriage return is quoted, so it cannot start a row."""


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A value openpyxl writes as it is: text as a string cell, numbers as numbers, missing as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value))
        cell.data_type = "s"  # a string, even if it starts with '='
        return cell
    return value


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_NAME)
    sheet.append([_xlsx_value(sheet, str(name)) for name in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_value(sheet, value) for value in row])
    book.save(path)


def write_table(frame: pd.DataFrame, path: Path | str) -> None:
    """Write ``frame`` to ``path``: XLSX when it ends in ``.xlsx``, else CSV; text cells escaped.

    CSV goes through :func:`toolkit.exchange.csv_writer.write_csv` (the same bytes as
    pandas, several times faster on a long scores table), or pandas for columns of
    other kinds.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(escaped(frame), path)
    elif not write_csv(frame, path):
        escaped(frame).to_csv(path, index=False, lineterminator=CSV_LINE_END)
