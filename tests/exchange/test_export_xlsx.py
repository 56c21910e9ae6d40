"""The column-wise XLSX writer: cells land where they belong, text stays text, and Excel's limits are kept."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from toolkit.exchange.export_layout import ExportTable
from toolkit.exchange.export_sheets import check_fits_a_sheet
from toolkit.exchange.export_sheets import TooLargeForExcelError
from toolkit.exchange.export_variables import descriptor
from toolkit.exchange.xlsx_builder import Column
from toolkit.exchange.xlsx_builder import Sheet
from toolkit.exchange.xlsx_builder import write_workbook


def test_every_kind_of_cell_reads_back_in_its_place(tmp_path):
    columns = [
        Column.of(['=HYPERLINK("x")', None, " padded ", "bell\x07", "a & <b>"]),
        Column.of(np.array([1.0, np.nan, 2.5, -0.0, 1e20])),
        Column.of([dt.date(2026, 3, 1), None, dt.date(1999, 12, 31), None, None]),
        Column.of([True, False, None, True, None]).with_text(np.array([0, 0, 0, 0, 1], bool), "declined"),
    ]
    write_workbook([Sheet("Data", ["text", "number", "date", "flag"], columns)], tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["Data"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["text", "number", "date", "flag"]
    assert rows[1] == ['\'=HYPERLINK("x")', 1, dt.datetime(2026, 3, 1), True]
    assert rows[2] == [None, None, None, False]
    assert rows[3] == [" padded ", 2.5, dt.datetime(1999, 12, 31), None]
    assert rows[4][0] == "bell\ufffd" and rows[5][:2] == ["a & <b>", 1e20] and rows[5][3] == "declined"
    assert sheet.cell(row=2, column=1).data_type == "s" and sheet.cell(row=2, column=3).is_date
    assert pd.read_excel(tmp_path / "t.xlsx").shape == (5, 4)


def test_a_table_past_a_worksheet_is_refused(monkeypatch):
    frame = pd.DataFrame({"participant": ["a", "b", "c"]})
    table = ExportTable("long", frame, [descriptor("participant")], {})
    monkeypatch.setattr("toolkit.exchange.export_sheets.XLSX_MAX_ROWS", 3)
    with pytest.raises(TooLargeForExcelError, match="has 3 rows and an Excel sheet holds at most 2; .* wide layout"):
        check_fits_a_sheet(table)
