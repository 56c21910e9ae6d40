"""Read a wide or long CSV/XLSX import file into an :class:`~toolkit.exchange.import_table.ImportTable`.

*Wide*: one row per participant and wave (``participant``, ``wave``,
optional ``date``, ``site``, ``group``, then one column per item id), the
README's layout. *Long*: one row per participant, wave and item
(``participant``, ``wave``, ``item``, ``value``, optional ``date``, ``site``,
``group``). A blank cell is no answer; ``declined`` is "prefer not to say".
``auto`` takes the long layout when the file has ``item`` and ``value``
columns. Cells are checked column by column (numpy and pandas, no loop over
cells), and every problem names its row and column; nothing is stored by
this module. Identifier cells that the toolkit's own CSV and XLSX exports
escaped against spreadsheet formulas (``'=North``) read back as they were
stored (``=North``).
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import Problem
from toolkit.exchange.csv_reader import read_csv
from toolkit.exchange.import_map import IDENTITY
from toolkit.exchange.import_map import ImportMap
from toolkit.exchange.import_rows import ID_COLUMNS
from toolkit.exchange.import_rows import identities
from toolkit.exchange.import_rows import participant_waves
from toolkit.exchange.import_rows import repeats
from toolkit.exchange.import_rows import set_wave_rows
from toolkit.exchange.import_rows import Texts
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.import_values import answer_column
from toolkit.exchange.limits import Limits
from toolkit.exchange.source import checked_size
from toolkit.exchange.text_encoding import sniff
from toolkit.exchange.text_encoding import utf8_copy
from toolkit.exchange.wide_file import XLSX_SUFFIXES
from toolkit.exchange.xlsx_reader import read_xlsx

LONG_COLUMNS = ("item", "value")
SNIFF_BYTES = 1 << 16
#: Set in ``DataFrame.attrs`` of a CSV or XLSX file's frame: its text cells may carry the
#: formula escape of the toolkit's exports (``'=North``), which :func:`table_from_frame` undoes.
ESCAPED = "formula_escaped"


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _text_names(names: list[str], mapping: ImportMap) -> tuple[str, ...]:
    """The file's columns to read as text: identifiers (after the map's renaming) and a long file's item names."""
    return tuple(n for n in names if mapping.column(n.strip()) in ID_COLUMNS + ("item",))


def read_frame(path: Path, limits: Limits, mapping: ImportMap = IDENTITY) -> tuple[pd.DataFrame, str, int]:
    """The file's cells, what it was taken to be, and its first data row's number.

    Identifier columns are read as text (codes keep their leading zeros);
    item columns as numbers where the whole column is numeric, else as text
    (checked cell by cell later).
    """
    size = checked_size(path, limits)
    if path.suffix.lower() in XLSX_SUFFIXES:
        keys = tuple(mapping.columns) + ID_COLUMNS + ("item",)
        frame = read_xlsx(path, size, limits, tuple(k for k in keys if mapping.column(k) in ID_COLUMNS + ("item",)))
        frame.attrs[ESCAPED] = True
        return frame, "XLSX workbook (first sheet)", 2
    with open(path, "rb") as fh:
        fmt = sniff(fh.read(SNIFF_BYTES))
    with tempfile.TemporaryDirectory() as folder:
        plain = utf8_copy(path, fmt, Path(folder))
        with open(plain, encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        frame = read_csv(plain, limits, _text_names(names, mapping))
    frame.attrs[ESCAPED] = True
    return frame, f"CSV, {fmt.describe()}", 2


def _columns(frame: pd.DataFrame, mapping: ImportMap) -> tuple[dict[str, str], dict[str, str]]:
    """(toolkit id column -> file column, file column -> item id for the other columns)."""
    names = [str(c).strip() for c in frame.columns]
    renamed = {name: mapping.column(name) for name in names if name not in mapping.ignore}
    ids = {new: old for old, new in renamed.items() if new in ID_COLUMNS + LONG_COLUMNS}
    items = {old: new for old, new in renamed.items() if old not in ids.values()}
    return ids, items


def _wide(frame, table, ids, items, item_ids, wave, mapping, escaped) -> None:
    from toolkit.instruments.rules import did_you_mean

    for old, new in items.items():
        if new not in item_ids:
            table.problems.append(
                Problem(
                    f"{table.path}:1:{old}",
                    f"unknown column '{old}'{did_you_mean(new, sorted(item_ids))};"
                    " rename it to an item id, map it with --map, or list it under ignore in the map",
                )
            )
    if table.problems:
        return
    found = identities(frame, ids, wave, mapping, table, escaped)
    keep = found.complete & ~repeats(found, table)
    set_wave_rows(table, found, keep)
    index, numbers = np.cumsum(keep) - 1, np.arange(len(keep)) + 2
    parts = []
    for old, new in items.items():
        values, declined, present, bad = answer_column(frame[old], new, mapping)
        for r in np.flatnonzero(bad & keep)[:1000]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}:{old}",
                    f"'{str(frame[old].iat[r])[:40]}' is not a number; write the answer's value or 'declined'",
                )
            )
        parts.append((np.flatnonzero(present & keep), index, new, values, declined, numbers, old))
    table.answers = _concat(parts)


def _long(frame, table, ids, item_ids, wave, mapping, escaped) -> None:
    from toolkit.instruments.rules import did_you_mean

    found = identities(frame, ids, wave, mapping, table, escaped)
    ok = found.complete
    items = Texts.of(frame[ids["item"]], escaped).renamed(mapping.column)
    unknown = items.where(~items.values.isin(item_ids)) & ok
    for r in np.flatnonzero(unknown)[:1000]:
        name = items.text(r)
        table.problems.append(
            Problem(
                f"{table.path}:{r + 2}:{ids['item']}",
                f"unknown item '{name[:40]}'{did_you_mean(name, sorted(item_ids))}; use an item id",
            )
        )
    key = participant_waves(found)
    first_of_key = ~pd.Series(key).duplicated(keep="first").to_numpy() & ok
    set_wave_rows(table, found, first_of_key)
    wave_of_key = pd.Index(key[first_of_key])
    values_col = frame[ids["value"]]
    valid = ok & ~unknown
    parts = []
    for code in pd.unique(items.codes[valid]):
        name = items.values[code]
        rows = np.flatnonzero((items.codes == code) & valid)
        values, declined, present, bad = answer_column(values_col.iloc[rows].reset_index(drop=True), name, mapping)
        for r in rows[bad][:1000]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}:{ids['value']}",
                    f"'{str(values_col.iat[r])[:40]}' is not a number; write the answer's value or 'declined'",
                )
            )
        take = rows[present]
        waves = wave_of_key.get_indexer(key[take])
        parts.append((None, waves, name, values[present], declined[present], take + 2, ids["value"]))
    table.answers = _concat(parts)


def _concat(parts: list[tuple]) -> pd.DataFrame:
    """The answer frame from per-item parts ``(take, waves, item, values, declined, rows, column)``.

    ``take`` picks the part's answers from its arrays (None: all of them);
    they are copied straight into the frame's arrays. Items and columns are
    categorical: a million answers name a few dozen items.
    """
    items = list(dict.fromkeys(p[2] for p in parts))
    columns = list(dict.fromkeys(p[6] for p in parts))
    ends = np.cumsum([len(p[1]) if p[0] is None else len(p[0]) for p in parts], dtype=np.int64)
    spans = list(zip(np.concatenate([[0], ends[:-1]]), ends, strict=True)) if parts else []
    total = int(ends[-1]) if parts else 0

    def joined(i: int, dtype: str) -> np.ndarray:
        out = np.empty(total, dtype=dtype)
        for p, (start, end) in zip(parts, spans, strict=True):
            source = np.asarray(p[i], dtype=dtype)
            if p[0] is None:
                out[start:end] = source
            else:
                np.take(source, p[0], out=out[start:end], mode="clip")  # "raise" would buffer; p[0] is in range
        return out

    def categorical(i: int, names: list[str]) -> pd.Categorical:
        if not parts:
            return pd.Categorical([])
        where = {n: k for k, n in enumerate(names)}
        codes = np.empty(total, dtype=np.int8 if len(names) < np.iinfo(np.int8).max else np.int32)
        for p, (start, end) in zip(parts, spans, strict=True):
            codes[start:end] = where[p[i]]
        return pd.Categorical.from_codes(codes, categories=names, validate=False)  # valid by construction

    columns_of = {
        "wave": joined(1, "int64"),
        "item": categorical(2, items),
        "value": joined(3, "float64"),
        "declined": joined(4, "bool"),
        "row": joined(5, "int64"),
        "column": categorical(6, columns),
    }
    return pd.DataFrame(columns_of, copy=False)  # the arrays are new: no copy into one block per type


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
    escaped = bool(frame.attrs.get(ESCAPED))
    frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1).reset_index(drop=True)
    ids, items = _columns(frame, mapping)
    long = layout == "long" or (layout == "auto" and all(c in ids for c in LONG_COLUMNS))
    table = ImportTable(path=path, sha256=sha256, described=f"{'long' if long else 'wide'} {described}")
    for required in ("participant",) + (() if wave else ("wave",)) + (LONG_COLUMNS if long else ()):
        if required not in ids:
            table.problems.append(Problem(f"{path}:1", f"no '{required}' column; name one column '{required}'"))
    if table.problems:
        return table
    if long:
        _long(frame, table, ids, item_ids, wave, mapping, escaped)
    else:
        _wide(frame, table, ids, items, item_ids, wave, mapping, escaped)
    return table
