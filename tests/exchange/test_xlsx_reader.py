"""Hostile and malformed XLSX response files: one exact, location-first message each, cheaply."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
import warnings
import zipfile

import openpyxl
import pandas as pd
import pytest
from defusedxml import EntitiesForbidden
from hostile_files import entity_xlsx
from hostile_files import far_row_xlsx
from hostile_files import HEADER_ROW
from hostile_files import plain_zip
from hostile_files import string_bomb_xlsx
from hostile_files import truncated_xlsx
from hostile_files import workbook
from hostile_files import zip_bomb_xlsx

from toolkit.errors import InputFileError
from toolkit.exchange.wide_file import read_wide


def messages(path, registry) -> list[str]:
    with pytest.raises(InputFileError) as info:
        read_wide(path, registry)
    return [str(p) for p in info.value.problems]


def cheaply(function, seconds: float = 1.0, megabytes: float | None = 30.0):
    """Run ``function``; fail if it takes longer than ``seconds`` or allocates more than ``megabytes``.

    Memory is traced only when ``megabytes`` is given (tracing slows Python loops down many times).
    """
    if megabytes is not None:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        return function()
    finally:
        elapsed = time.perf_counter() - start
        if megabytes is not None:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            assert peak < megabytes, f"allocated {peak:.1f} MB"
        assert elapsed < seconds, f"took {elapsed:.2f} s"


def test_plain_text_named_xlsx(tmp_path, registry):
    path = tmp_path / "responses.xlsx"
    path.write_text("participant,wave\na,baseline\n")
    assert messages(path, registry) == [
        f"{path}: not an Excel workbook (the file is plain text); save it as .xlsx or .csv"
    ]


def test_truncated_workbook(tmp_path, registry):
    path = truncated_xlsx(tmp_path / "cut.xlsx")
    assert messages(path, registry) == [
        f"{path}: not an Excel workbook (the zip archive is damaged or cut short); save it again as .xlsx"
    ]


def test_zip_that_is_not_a_workbook(tmp_path, registry):
    path = plain_zip(tmp_path / "notes.xlsx")
    assert messages(path, registry) == [
        f"{path}: not an Excel workbook (a zip archive with no workbook in it); save it as .xlsx or .csv"
    ]


def test_old_xls_saved_as_xlsx(tmp_path, registry):
    path = tmp_path / "old.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512)
    assert messages(path, registry) == [
        f"{path}: not an Excel workbook (the file is an old .xls workbook or a password-protected one); "
        "save it as .xlsx or .csv"
    ]


def test_sheet_with_a_dtd_is_refused_before_parsing(tmp_path, registry):
    path = entity_xlsx(tmp_path / "laughs.xlsx")
    got = cheaply(lambda: messages(path, registry))
    assert got == [
        f"{path}: not a usable workbook: its part xl/worksheets/sheet1.xml declares a DTD (<!DOCTYPE>), which"
        " Excel never writes and which can expand without bound; open it in Excel and save it again as .xlsx,"
        " or save it as .csv"
    ]


def test_openpyxl_itself_parses_through_defusedxml(tmp_path):
    """Without the toolkit's own check, openpyxl still refuses the entities (defusedxml is installed)."""
    assert openpyxl.DEFUSEDXML is True
    path = entity_xlsx(tmp_path / "laughs.xlsx")
    with open(path, "rb") as fh, warnings.catch_warnings(), pytest.raises(ValueError) as info:
        warnings.simplefilter("ignore")  # "no default style": the hand-made workbook has no styles part
        openpyxl.load_workbook(fh, read_only=True)
    assert isinstance(info.value.__cause__, EntitiesForbidden)


def test_zip_bomb_is_refused_from_its_index(tmp_path, registry):
    path = string_bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=100)
    assert path.stat().st_size < 200_000
    (got,) = cheaply(lambda: messages(path, registry), seconds=0.5, megabytes=5)
    ratio = round(100 * 2**20 / path.stat().st_size)
    assert got == (
        f"{path}: not a usable workbook: it would unzip to 100.0 MB, {ratio:,} times its size on disk"
        " (real workbooks: at most 100 times); open it in Excel and save it again as .xlsx, or save it as .csv"
    )


def test_unzipped_size_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_UNZIPPED_MB", "1")
    path = tmp_path / "big.xlsx"
    rows = [
        f'<row><c t="inlineStr"><is><t>p{n:07d}</t></is></c>'
        '<c t="inlineStr"><is><t>baseline</t></is></c>'
        f"<c><v>{n % 4}</v></c></row>"
        for n in range(20_000)
    ]
    workbook(path, [HEADER_ROW, *rows])
    (got,) = messages(path, registry)
    assert got.startswith(f"{path}: unzips to 2.")
    assert got.endswith(
        " MB, more than the limit of 1 MB (OUTCOMES_MAX_UNZIPPED_MB); "
        "split the file (by wave or site) or raise the limit"
    )


def test_many_rows_stop_at_the_row_limit(tmp_path, registry):
    """A sheet whose one data row is row 3,000,000 (and whose dimension says so) stops at the limit.

    Its memory is checked in tests/commands/test_hostile_files.py, under a hard limit.
    """
    path = far_row_xlsx(tmp_path / "far.xlsx", row=3_000_000)
    got = cheaply(lambda: messages(path, registry), seconds=1.5, megabytes=None)
    assert got == [
        f"{path}:row 200002: more than the limit of 200,000 rows (OUTCOMES_MAX_ROWS); "
        "split the file (by wave or site) or raise the limit"
    ]


def test_row_limit_from_the_environment(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_ROWS", "1000")
    path = zip_bomb_xlsx(tmp_path / "rows.xlsx", rows=20_000)
    assert messages(path, registry) == [
        f"{path}:row 1002: more than the limit of 1,000 rows (OUTCOMES_MAX_ROWS); "
        "split the file (by wave or site) or raise the limit"
    ]


def test_column_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_COLUMNS", "50")
    path = tmp_path / "wide.xlsx"
    pd.DataFrame({f"c{i}": [1] for i in range(51)}).to_excel(path, index=False)
    assert messages(path, registry) == [
        f"{path}:row 1: 51 columns, more than the limit of 50 (OUTCOMES_MAX_COLUMNS); "
        "remove the columns that are not needed or raise the limit"
    ]


def test_cell_length_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_CELL_CHARS", "100")
    path = tmp_path / "long.xlsx"
    pd.DataFrame({"participant": ["p1", "p2"], "wave": ["baseline", "b" * 101]}).to_excel(path, index=False)
    assert messages(path, registry) == [
        f"{path}:row 3: column B ('wave') holds 101 characters, "
        "more than the limit of 100 (OUTCOMES_MAX_CELL_CHARS); shorten the cell or raise the limit"
    ]


def test_duplicate_column_is_found_before_pandas_renames_it(tmp_path, registry):
    path = tmp_path / "dup.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["participant", "wave", "phq9_1", "phq9_2", "phq9_1"])
    book.active.append(["a", "baseline", 1, 2, 3])
    book.save(path)
    assert messages(path, registry) == [f"{path}:1: column 'phq9_1' appears twice (columns C and E); keep one"]


def test_value_right_of_the_named_columns(tmp_path, registry):
    path = tmp_path / "extra.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["participant", "wave", "phq9_1"])
    book.active.append(["a", "baseline", 1, None, "stray"])
    book.save(path)
    assert messages(path, registry) == [
        f"{path}:row 2: a value in column E, right of the last named column; "
        "name the column in row 1 or delete the value"
    ]


def test_empty_first_row(tmp_path, registry):
    path = tmp_path / "blank.xlsx"
    book = openpyxl.Workbook()
    book.active["A2"] = "participant"
    book.save(path)
    assert messages(path, registry) == [
        f"{path}:row 1: the first row is empty; put the column names (participant, wave, item ids) in row 1"
    ]


def test_damaged_part_inside_a_good_archive(tmp_path, registry):
    path = tmp_path / "broken.xlsx"
    workbook(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/styles.xml", "<styleSheet><unclosed></styleSheet>")
    (got,) = messages(path, registry)
    assert got.startswith(f"{path}: not a readable Excel workbook (")
    assert got.endswith("); open it in Excel and save it again as .xlsx, or save it as .csv")
    assert "\n" not in got


def test_a_real_workbook_reads_as_before(tmp_path, registry):
    """Identifier columns stay text with their leading zeros; answers are numbers; blank rows are skipped."""
    path = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["participant", "wave", "site", *[f"gad7_{i}" for i in range(1, 8)]])
    book.active.append(["007", "baseline", " north ", 1, 2, 3, 0, 1, 2, 3])
    book.active.append([None] * 10)
    book.active.append([8, "exit", None, 1.0, "declined", 3, 0, 1, 2, 3])
    book.save(path)
    frame = read_wide(path, registry)
    assert frame["participant"].tolist() == ["007", "8"]
    assert frame["site"].tolist()[0] == "north" and pd.isna(frame["site"].tolist()[1])
    assert frame["gad7_1"].dtype == "int64" and frame["gad7_1"].tolist() == [1, 1]
    assert frame["gad7_2"].tolist() == [2, "declined"]


def test_date_cells_of_identifier_columns_read_as_iso_dates(tmp_path, registry):
    """Excel keeps dates as numbers with a date format: the import's ``date`` column gets YYYY-MM-DD back."""
    path = tmp_path / "dated.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["participant", "wave", "date", "site", *[f"gad7_{i}" for i in range(1, 8)]])
    book.active.append(["P1", "baseline", dt.datetime(2026, 1, 15), "North", 1, 2, 3, 0, 1, 2, 3])
    book.active.append(["P2", "baseline", dt.date(2026, 2, 1), "North", 1, 2, 3, 0, 1, 2, 3])
    book.active.append(["P4", "baseline", "2026-03-01", dt.datetime(2026, 3, 1), 1, 2, 3, 0, 1, 2, 3])
    book.save(path)
    frame = read_wide(path, registry)
    assert frame["date"].tolist() == ["2026-01-15", "2026-02-01", "2026-03-01"]
    assert frame["site"].tolist()[2] == "2026-03-01"


def test_a_date_cell_with_a_time_is_not_taken_for_a_day(tmp_path, registry):
    path = tmp_path / "timed.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["participant", "wave", "date", *[f"gad7_{i}" for i in range(1, 8)]])
    book.active.append(["P3", "baseline", dt.datetime(2026, 2, 1, 9, 30), 1, 2, 3, 0, 1, 2, 3])
    book.save(path)
    with pytest.raises(InputFileError, match=r"row 2, column 'date': '2026-02-01 09:30:00' is not a date"):
        read_wide(path, registry)
