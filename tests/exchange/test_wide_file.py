"""Reading a wide response file: the optional date column."""

from __future__ import annotations

import pytest

from toolkit.errors import InputFileError
from toolkit.exchange.wide_file import read_wide
from toolkit.instruments import default_registry


def write(tmp_path, dates):
    lines = ["participant,wave,date,phq9_1"]
    lines += [f"P{i},baseline,{d},1" for i, d in enumerate(dates)]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dates_are_read_as_iso_text_and_blank_stays_missing(tmp_path):
    wide = read_wide(write(tmp_path, ["2026-01-31", "", " 2026-02-01 ", "2026-03-01 00:00:00"]), default_registry())
    assert wide["date"].tolist() == ["2026-01-31", None, "2026-02-01", "2026-03-01"]


def test_a_file_without_a_date_column_reads_as_before(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("participant,wave,phq9_1\n007,baseline,1\n", encoding="utf-8")
    wide = read_wide(path, default_registry())
    assert "date" not in wide.columns and wide["participant"].tolist() == ["007"]


def test_unreadable_dates_are_named_by_line_and_column(tmp_path):
    path = write(tmp_path, ["2026-01-31", "31/01/2026", "2026-02-30", "soon"])
    with pytest.raises(InputFileError) as err:
        read_wide(path, default_registry())
    problems = err.value.problems
    assert [p.where for p in problems] == [f"{path}:{n}, column 'date'" for n in (3, 4, 5)]
    assert problems[0].message == (
        "'31/01/2026' is not a date; write it as YYYY-MM-DD (e.g. 2026-01-31) or leave it blank"
    )


def test_spreadsheet_date_cells_are_dates(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["participant", "wave", "date", "phq9_1"])
    sheet.append(["P1", "baseline", datetime(2026, 1, 31), 1])
    sheet.append(["P2", "baseline", "2026-02-01", 1])
    sheet.append(["P3", "baseline", None, 1])
    path = tmp_path / "responses.xlsx"
    book.save(path)
    wide = read_wide(path, default_registry())
    assert wide["date"].tolist() == ["2026-01-31", "2026-02-01", None]
