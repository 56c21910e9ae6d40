"""Hostile and malformed CSV response files: one exact, location-first message each, cheaply."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hostile_files import wide_csv

from toolkit.errors import InputFileError
from toolkit.exchange.wide_file import read_wide

SAVE = "save it as CSV UTF-8"


def messages(path, registry) -> list[str]:
    with pytest.raises(InputFileError) as info:
        read_wide(path, registry)
    return [str(p) for p in info.value.problems]


def write(tmp_path, text: str, name: str = "in.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_million_columns_are_counted_before_parsing(tmp_path, registry):
    path = wide_csv(tmp_path / "responses.csv", columns=1_000_001)
    assert path.stat().st_size < 10 * 2**20
    tracemalloc.start()
    start = time.perf_counter()
    got = messages(path, registry)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert got == [
        f"{path}:1: 1,000,001 columns, more than the limit of 2,000 (OUTCOMES_MAX_COLUMNS); "
        "remove the columns that are not needed or raise the limit"
    ]
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert peak < 40, f"allocated {peak:.1f} MB"  # the first line, read once


def test_quoted_header_is_counted_exactly(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_COLUMNS", "3")
    path = write(tmp_path, 'participant,wave,"phq9_1, first item"\na,b,1\n')
    assert read_wide(path, registry).columns.tolist() == ["participant", "wave", "phq9_1, first item"]
    path = write(tmp_path, 'participant,wave,"x, y",z\na,b,1,2\n')
    assert messages(path, registry) == [
        f"{path}:1: 4 columns, more than the limit of 3 (OUTCOMES_MAX_COLUMNS); "
        "remove the columns that are not needed or raise the limit"
    ]


def test_row_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_ROWS", "100")
    path = write(tmp_path, "participant,wave,phq9_1\n" + "".join(f"p{n},baseline,1\n" for n in range(101)))
    assert messages(path, registry) == [
        f"{path}: more than the limit of 100 rows (OUTCOMES_MAX_ROWS); "
        "split the file (by wave or site) or raise the limit"
    ]
    path = write(tmp_path, "participant,wave,phq9_1\n" + "".join(f"p{n},baseline,1\n" for n in range(100)))
    assert len(read_wide(path, registry)) == 100


def test_cell_length_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_CELL_CHARS", "50")
    path = write(tmp_path, "participant,wave,site\na,baseline,north\nb,baseline," + "s" * 51 + "\n")
    assert messages(path, registry) == [
        f"{path}:3: column 'site' holds 51 characters, more than the limit of 50 (OUTCOMES_MAX_CELL_CHARS); "
        "shorten the cell or raise the limit"
    ]


def test_file_size_limit(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_FILE_MB", "1")
    path = write(tmp_path, "participant,wave,site\n" + "a,baseline,north\n" * 70_000)
    (got,) = messages(path, registry)
    assert got == (
        f"{path}: 1.1 MB, more than the limit of 1 MB (OUTCOMES_MAX_FILE_MB); "
        "split the file (by wave or site) or raise the limit"
    )


def test_duplicate_column_is_found_before_pandas_renames_it(tmp_path, registry):
    path = write(tmp_path, "participant,wave,phq9_1,phq9_2, phq9_1\na,b,1,2,3\n")
    assert messages(path, registry) == [f"{path}:1: column 'phq9_1' appears twice (columns 3 and 5); keep one"]


def test_row_with_more_cells_than_the_header(tmp_path, registry):
    """Pandas would take the first column as an index and shift every value one column left."""
    path = write(tmp_path, "participant,wave,phq9_1\na,b,1,5\n")
    assert messages(path, registry) == [
        f"{path}:2: 4 cells where the header names 3 columns; "
        "put text that holds commas in double quotes, or name the extra column in the header"
    ]
    path = write(tmp_path, "participant,wave,phq9_1\na,b,1\nc,d,1,5,6\n")
    assert messages(path, registry) == [
        f"{path}:3: 5 cells where the header names 3 columns; "
        "put text that holds commas in double quotes, or name the extra column in the header"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 4, f"not CSV text (the file is binary); {SAVE}"),
        (
            b"PK\x03\x04" + b"\x00" * 100,
            f"not CSV text (the file is a zip archive, an Excel workbook perhaps); {SAVE}, or name it .xlsx",
        ),
        ("participant,wave\n".encode("utf-16"), f"not CSV text (the file is UTF-16 text); {SAVE}"),
        (b"%PDF-1.7\n", f"not CSV text (the file is a PDF document); {SAVE}"),
        (b"", "the file is empty; the first line must name the columns (participant, wave, item ids)"),
    ],
    ids=["binary", "workbook", "utf16", "pdf", "empty"],
)
def test_file_that_is_not_csv_text(tmp_path, registry, content, message):
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    assert messages(path, registry) == [f"{path}: {message}"]


def test_wrong_encoding_names_the_line(tmp_path, registry):
    path = tmp_path / "latin.csv"
    path.write_bytes("participant,wave,site\na,baseline,north\nb,baseline,Peñasco\n".encode("latin-1"))
    assert messages(path, registry) == [f"{path}:3: not UTF-8 text (byte 0xf1); {SAVE}"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder, not a file; give the response file in it"),
        (lambda p: None, "no such file; check the path"),
    ],
    ids=["folder", "missing"],
)
def test_path_that_is_not_a_file(tmp_path, registry, make, message):
    path = tmp_path / "responses.csv"
    make(path)
    assert messages(path, registry) == [f"{path}: {message}"]


def test_device_is_not_read(registry):
    assert messages("/dev/zero", registry) == [
        "/dev/zero: is not a regular file; save the responses to a .csv or .xlsx file and give that"
    ]


def test_a_real_file_reads_as_before(tmp_path, registry):
    path = write(tmp_path, "\ufeffparticipant,wave,site,phq9_1\n007,baseline, north ,1\n\n008,exit,,declined\n")
    frame = read_wide(path, registry)
    assert frame["participant"].tolist() == ["007", "008"]
    assert frame["site"].tolist()[0] == "north"
    assert frame["phq9_1"].tolist() == ["1", "declined"]
