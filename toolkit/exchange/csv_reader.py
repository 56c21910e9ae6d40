"""Read a CSV response file within the limits.

The first bytes are looked at (a workbook or binary file is not CSV), the
columns of the first line are counted before anything is parsed, the header
is read as written (so duplicate names are caught before pandas renames
them), and pandas reads at most one row more than the row limit.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import pandas as pd

from toolkit.errors import InputFileError
from toolkit.exchange.header import duplicate_columns
from toolkit.exchange.header import too_long
from toolkit.exchange.limits import count
from toolkit.exchange.limits import Limits
from toolkit.exchange.limits import VARIABLES
from toolkit.exchange.source import describe
from toolkit.exchange.source import read_head
from toolkit.exchange.source import refuse

ENCODING = "utf-8-sig"
BOM = b"\xef\xbb\xbf"
SAVE_AS = "save it as CSV UTF-8"
FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
MAX_REASON = 160
EXTRA_CELLS = "put text that holds commas in double quotes, or name the extra column in the header"


def _columns_on_first_line(path: Path) -> int:
    """How many columns the first line names, counted without parsing the rest of the file."""
    with open(path, "rb") as fh:
        line = fh.readline().removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    if b'"' not in line:
        return line.count(b",") + 1
    try:
        return len(next(csv.reader([line.decode("utf-8", errors="replace")]), []))
    except csv.Error:  # a quoted name of more than 128 KB: the cell check reports it
        return line.count(b",") + 1


def _undecodable_line(path: Path) -> tuple[int, int]:
    """The first line that is not UTF-8, and its first bad byte."""
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            try:
                line.decode(ENCODING if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start]
    return 1, 0


def _not_utf8(path: Path) -> InputFileError:
    number, byte = _undecodable_line(path)
    return refuse(f"{path}:{number}", f"not UTF-8 text (byte 0x{byte:02x}); {SAVE_AS}")


def _long_row(path: Path, width: int) -> InputFileError:
    """The first row with more cells than the header has names."""
    with open(path, encoding=ENCODING, newline="") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        for row in reader:
            if len(row) > width:
                where = f"{path}:{reader.line_num}"
                return refuse(where, f"{len(row)} cells where the header names {width} columns; {EXTRA_CELLS}")
    return refuse(str(path), f"a row has more cells than the header names columns; {EXTRA_CELLS}")


def _parse(path: Path, spaced: bool = True, **options) -> pd.DataFrame:
    """``pandas.read_csv`` of the file; ``spaced=False`` when no cell starts with a space (nothing to skip)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # never drop cells without a column
            return pd.read_csv(path, skipinitialspace=spaced, encoding=ENCODING, index_col=False, **options)
    except pd.errors.ParserWarning:
        raise _long_row(path, len(pd.read_csv(path, nrows=0, encoding=ENCODING).columns)) from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except pd.errors.EmptyDataError:
        raise refuse(
            str(path), "the file is empty; the first line must name the columns (participant, wave, item ids)"
        ) from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())
        fields = FIELDS.search(reason)
        if fields:
            expected, line, saw = fields.groups()
            raise refuse(
                f"{path}:{line}", f"{saw} cells where the header names {expected} columns; {EXTRA_CELLS}"
            ) from None
        raise refuse(
            str(path), f"cannot read the file ({reason[:MAX_REASON]}); {SAVE_AS} with one header row"
        ) from None


def _header(path: Path, limits: Limits) -> list[str]:
    kind = describe(read_head(path))
    if kind == "a zip archive":
        raise refuse(
            str(path),
            f"not CSV text (the file is a zip archive, an Excel workbook perhaps); {SAVE_AS}, or name it .xlsx",
        )
    if kind == "text that is not UTF-8":
        raise _not_utf8(path)
    if kind != "plain text":
        raise refuse(str(path), f"not CSV text (the file is {kind}); {SAVE_AS}")
    columns = _columns_on_first_line(path)
    if columns > limits.max_columns:
        raise refuse(
            f"{path}:1",
            limits.exceeded(
                "max_columns", f"{count(columns)} columns", "remove the columns that are not needed or raise the limit"
            ),
        )
    first = _parse(path, header=None, nrows=1, dtype=str, keep_default_na=False)
    names = ["" if pd.isna(v) else str(v) for v in first.iloc[0].tolist()] if len(first) else []
    for n, name in enumerate(names, 1):
        if len(name) > limits.max_cell_chars:
            raise refuse(f"{path}:1", too_long(len(name), limits, f"{n}"))
    problems = duplicate_columns(names, f"{path}:1", str)
    if problems:
        raise InputFileError(problems)
    return names


def _bytes_at_most(column: pd.Series, most: int) -> bool:
    """True when the column's text is held by pyarrow and no cell takes more than ``most`` bytes of UTF-8."""
    if not (isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(pa.array(column.array))).as_py()
    return longest is None or longest <= most


def _check_cell_lengths(frame: pd.DataFrame, path: Path, limits: Limits) -> None:
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            continue
        if _bytes_at_most(column, limits.max_cell_chars):  # a character takes at least one byte
            continue
        lengths = column.astype("str").str.len()  # numbers in a text column are short
        if lengths.max() > limits.max_cell_chars:
            index = int(lengths.idxmax())
            raise refuse(f"{path}:{index + 2}", too_long(int(lengths.max()), limits, f"'{str(name).strip()}'"))


def _scan(path: Path, most: int) -> tuple[bool, bool]:
    """One pass over the bytes: (at most ``most`` line ends, some cell may start with a space).

    Line ends are ``\\n``, ``\\r\\n`` or ``\\r``; a cell starts the file, a line or
    follows a comma. Both answers err on the safe side: a CR LF split between
    two blocks counts twice, and a space after a comma inside quotes counts.
    """
    import numpy as np

    lines, spaced, before = 0, False, ord("\n")  # the first byte starts a line
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            data = np.frombuffer(block, dtype=np.uint8)
            lines += int(np.count_nonzero(data == 10))
            returns = int(np.count_nonzero(data == 13))
            if returns:
                lines += returns - block.count(b"\r\n")
            if not spaced:
                at = np.flatnonzero(data == 32)
                previous = data[np.maximum(at - 1, 0)]
                if len(at) and at[0] == 0:
                    previous[0] = before
                spaced = bool(np.isin(previous, (44, 10, 13)).any())
                if fh.tell() == len(block) and block.startswith(BOM + b" "):
                    spaced = True
            before = block[-1]
    return lines <= most, spaced


def _parse_typed(
    path: Path, names: list[str], text_columns: tuple[str, ...], nrows: int | None, spaced: bool
) -> pd.DataFrame:
    """The file parsed with ``text_columns`` as text: what ``_parse(path, dtype=text, nrows=nrows)`` gives.

    Asking pandas for text columns by ``dtype`` costs twice the parse of the
    whole file; letting it find their type costs nothing for the usual
    identifier columns (``RP-001``, ``baseline``), which it reads as text
    anyway. So a file whose text columns are a few of many is parsed with
    inferred types, and only a text column pandas took for something else
    (codes that are all digits, an empty column) is read again as text; a
    column whose type differs between pandas' blocks of rows (its DtypeWarning)
    makes the whole file read as asked.
    """
    text = {c: str for c in text_columns}
    if 2 * sum(n in text for n in names) > len(names):  # REDCap records: every column is text
        return _parse(path, spaced, dtype=text, nrows=nrows)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.DtypeWarning)
            frame = _parse(path, spaced, nrows=nrows)
    except pd.errors.DtypeWarning:
        return _parse(path, spaced, dtype=text, nrows=nrows)
    as_text = pd.Series(["x"], dtype=str).dtype
    again = [c for c in frame.columns if c in text and frame[c].dtype != as_text]
    if again:
        reread = _parse(path, spaced, dtype=text, usecols=again, nrows=nrows)
        for name in again:
            frame[name] = reread[name]
    return frame


def read_csv(path: Path, limits: Limits, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """A CSV response file as a DataFrame (``text_columns`` as text).

    Raises
    ------
    InputFileError
        When the file is not UTF-8 CSV text, cannot be parsed, names a column
        twice, or has too many rows or columns or too long a cell.
    """
    names = _header(path, limits)
    limit = limits.max_rows + 1
    few, spaced = _scan(path, limit)  # pandas reads a file in parallel only when it may read all of it
    frame = _parse_typed(path, names, text_columns, None if few else limit, spaced)
    if len(frame) > limits.max_rows:
        raise refuse(
            str(path),
            f"more than the limit of {count(limits.max_rows)} rows ({VARIABLES['max_rows']}); "
            "split the file (by wave or site) or raise the limit",
        )
    _check_cell_lengths(frame, path, limits)
    return frame
