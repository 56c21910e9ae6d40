"""Read a wide or long CSV/XLSX import file into an :class:`~toolkit.exchange.import_table.ImportTable`.

*Wide*: one row per participant and wave (``participant``, ``wave``,
optional ``date``, ``site``, ``group``, then one column per item id), the
README's layout. *Long*: one row per participant, wave and item
(``participant``, ``wave``, ``item``, ``value``, optional ``date``, ``site``,
``group``). A blank cell is no answer; ``declined`` is "prefer not to say".
``auto`` takes the long layout when the file has ``item`` and ``value``
columns. Every cell is read as text and checked here, so a problem names
its row and column; nothing is stored by this module.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd

from toolkit.errors import Problem
from toolkit.exchange.csv_reader import read_csv
from toolkit.exchange.import_map import DECLINED
from toolkit.exchange.import_map import IDENTITY
from toolkit.exchange.import_map import ImportMap
from toolkit.exchange.import_table import Cell
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.limits import Limits
from toolkit.exchange.source import checked_size
from toolkit.exchange.text_encoding import sniff
from toolkit.exchange.text_encoding import utf8_copy
from toolkit.exchange.xlsx_reader import read_xlsx

ID_COLUMNS = ("participant", "wave", "date", "site", "group")
LONG_COLUMNS = ("item", "value")
NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text(value: object) -> str:
    """A cell as text: blank for empty, whole numbers without ``.0``, dates as YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return str(value).strip()


def read_frame(path: Path, limits: Limits) -> tuple[pd.DataFrame, str, int]:
    """The file's cells (as read; CSV cells as text), what it was taken to be, and its first data row's number."""
    size = checked_size(path, limits)
    if path.suffix.lower() in XLSX_SUFFIXES:
        return read_xlsx(path, size, limits, ()), "XLSX workbook (first sheet)", 2
    fmt = sniff(path.read_bytes()[: 1 << 16] if size > 1 << 16 else path.read_bytes())
    with tempfile.TemporaryDirectory() as folder:
        plain = utf8_copy(path, fmt, Path(folder))
        with open(plain, encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        frame = read_csv(plain, limits, tuple(names))
    return frame, f"CSV, {fmt.describe()}", 2


def _number(text: str) -> float | None:
    return float(text) if NUMBER.match(text) else None


def _answer(item: str, text: str, cell: Cell, path: str, problems: list[Problem]) -> ImportedAnswer | None:
    if text == "":
        return None
    if text.lower() == DECLINED:
        return ImportedAnswer(item, None, True, cell)
    value = _number(text)
    if value is None:
        problems.append(
            Problem(cell.where(path), f"'{text[:40]}' is not a number; write the answer's value or 'declined'")
        )
        return None
    return ImportedAnswer(item, value, False, cell)


def _date(text: str, cell: Cell, path: str, problems: list[Problem]) -> date | None:
    if text == "":
        return None
    try:
        if DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    problems.append(Problem(cell.where(path), f"'{text[:40]}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31"))
    return None


def _rows(frame: pd.DataFrame) -> Iterator[tuple[int, dict[str, str]]]:
    names = [str(c) for c in frame.columns]
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        yield index + 2, {name: _text(v) for name, v in zip(names, values, strict=True)}


def _identify(
    row: int, cells: dict[str, str], columns: dict[str, str], wave: str | None, mapping: ImportMap, path: str
) -> tuple[ImportedWave | None, list[Problem]]:
    """The participant-wave a row belongs to (None when its identifiers are missing)."""
    problems: list[Problem] = []
    ids = {name: cells.get(col, "") for name, col in columns.items()}
    wave_name = mapping.wave(ids.get("wave", "")) if "wave" in columns else (wave or "")
    for name, text in (("participant", ids.get("participant", "")), ("wave", wave_name)):
        if not text:
            where = Cell(row, columns.get(name, name)).where(path)
            problems.append(Problem(where, f"no {name}; every row needs a {name}"))
    if problems:
        return None, problems
    found = ImportedWave(
        ids["participant"], wave_name, row, site=ids.get("site") or None, group=ids.get("group") or None
    )
    if "date" in columns:
        found.date = _date(ids["date"], Cell(row, columns["date"]), path, problems)
    return found, problems


def table_from_frame(
    frame: pd.DataFrame,
    path: str,
    sha256: str,
    described: str,
    item_ids: set[str],
    *,
    layout: str = "auto",
    wave: str | None = None,
    mapping: ImportMap = IDENTITY,
) -> ImportTable:
    """Read the cells of a wide or long file into administrations, collecting every problem."""
    from toolkit.instruments.rules import did_you_mean

    names = [str(c).strip() for c in frame.columns]
    renamed = {name: mapping.column(name) for name in names if name not in mapping.ignore}
    columns = {new: old for old, new in renamed.items() if new in ID_COLUMNS + LONG_COLUMNS}
    long = layout == "long" or (layout == "auto" and all(c in columns for c in LONG_COLUMNS))
    table = ImportTable(path=path, sha256=sha256, described=f"{'long' if long else 'wide'} {described}")
    for required in ("participant",) + (() if wave else ("wave",)) + (LONG_COLUMNS if long else ()):
        if required not in columns:
            table.problems.append(Problem(f"{path}:1", f"no '{required}' column; name one column '{required}'"))
    items = (
        {} if long else {old: new for old, new in renamed.items() if new not in columns.values() and new not in columns}
    )
    for old, new in items.items():
        if new not in item_ids:
            table.problems.append(
                Problem(
                    f"{path}:1:{old}",
                    f"unknown column '{old}'{did_you_mean(new, sorted(item_ids))};"
                    " rename it to an item id, map it with --map, or list it under ignore in the map",
                )
            )
    if table.problems:
        return table
    seen: dict[tuple[str, str], ImportedWave] = {}
    for row, cells in _rows(frame.rename(columns=dict(zip(frame.columns, names, strict=True)))):
        found, problems = _identify(row, cells, columns, wave, mapping, path)
        table.problems += problems
        if found is None:
            continue
        target = seen.get(found.key)
        if target is None:
            seen[found.key] = target = found
            table.waves.append(found)
        elif not long:
            table.problems.append(
                Problem(
                    f"{path}:{row}",
                    f"participant '{found.participant}' has a second row for wave"
                    f" '{found.wave}' (first on row {target.row}); keep one row per participant and wave",
                )
            )
            continue
        pairs = (
            [(mapping.column(cells[columns["item"]]), cells[columns["value"]], columns["value"])]
            if long
            else [(new, cells[old], old) for old, new in items.items()]
        )
        for item, text, column in pairs:
            if long and item not in item_ids:
                table.problems.append(
                    Problem(
                        Cell(row, columns["item"]).where(path),
                        f"unknown item '{item}'{did_you_mean(item, sorted(item_ids))}; use an item id",
                    )
                )
                continue
            answer = _answer(item, mapping.recode(item, text), Cell(row, column), path, table.problems)
            if answer is not None:
                target.answers.append(answer)
    return table
