"""Read a wide or long CSV/XLSX import file into an :class:`~toolkit.exchange.import_table.ImportTable`.

*Wide*: one row per participant and wave (``participant``, ``wave``,
optional ``date``, ``site``, ``group``, then one column per item id), the
README's layout. *Long*: one row per participant, wave and item
(``participant``, ``wave``, ``item``, ``value``, optional ``date``, ``site``,
``group``). A blank cell is no answer; ``declined`` is "prefer not to say".
``auto`` takes the long layout when the file has ``item`` and ``value``
columns. Cells are checked column by column (numpy and pandas, no loop over
cells), and every problem names its row and column; nothing is stored by
this module.
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
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.import_values import answer_column
from toolkit.exchange.import_values import dates_column
from toolkit.exchange.import_values import text_column
from toolkit.exchange.limits import Limits
from toolkit.exchange.source import checked_size
from toolkit.exchange.text_encoding import sniff
from toolkit.exchange.text_encoding import utf8_copy
from toolkit.exchange.wide_file import XLSX_SUFFIXES
from toolkit.exchange.xlsx_reader import read_xlsx

ID_COLUMNS = ("participant", "wave", "date", "site", "group")
LONG_COLUMNS = ("item", "value")
SNIFF_BYTES = 1 << 16


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
        return frame, "XLSX workbook (first sheet)", 2
    with open(path, "rb") as fh:
        fmt = sniff(fh.read(SNIFF_BYTES))
    with tempfile.TemporaryDirectory() as folder:
        plain = utf8_copy(path, fmt, Path(folder))
        with open(plain, encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        frame = read_csv(plain, limits, _text_names(names, mapping))
    return frame, f"CSV, {fmt.describe()}", 2


def _columns(frame: pd.DataFrame, mapping: ImportMap) -> tuple[dict[str, str], dict[str, str]]:
    """(toolkit id column -> file column, file column -> item id for the other columns)."""
    names = [str(c).strip() for c in frame.columns]
    renamed = {name: mapping.column(name) for name in names if name not in mapping.ignore}
    ids = {new: old for old, new in renamed.items() if new in ID_COLUMNS + LONG_COLUMNS}
    items = {old: new for old, new in renamed.items() if old not in ids.values()}
    return ids, items


def _identities(frame: pd.DataFrame, ids: dict[str, str], wave: str | None, mapping: ImportMap, table: ImportTable):
    """Per row: participant, wave, date, site, group as arrays, and a mask of rows whose identity is complete."""
    n = len(frame)
    rows = np.arange(n) + 2
    out = {name: text_column(frame[ids[name]]) if name in ids else pd.Series([""] * n) for name in ID_COLUMNS}
    if "wave" in ids:
        names = out["wave"]
        out["wave"] = names.map({w: mapping.wave(w) for w in names.unique()})
    elif wave:
        out["wave"] = pd.Series([wave] * n)
    ok = np.ones(n, dtype=bool)
    for name in ("participant", "wave"):
        blank = (out[name] == "").to_numpy()
        for r in rows[blank][:1000]:
            table.problems.append(
                Problem(f"{table.path}:{r}:{ids.get(name, name)}", f"no {name}; every row needs a {name}")
            )
        ok &= ~blank
    days = None
    if "date" in ids:
        days, bad = dates_column(out["date"])
        for r, text in zip(rows[bad][:1000], out["date"][bad][:1000], strict=False):
            table.problems.append(
                Problem(
                    f"{table.path}:{r}:{ids['date']}",
                    f"'{text[:40]}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31",
                )
            )
    return out, days, ok


def _waves(table: ImportTable, out: dict, days, keep: np.ndarray) -> None:
    """The participant-waves of the kept rows, as the table's columnar wave frame."""
    n = len(keep)
    frame = pd.DataFrame(
        {
            "participant": out["participant"].to_numpy(dtype=object)[keep],
            "wave": out["wave"].to_numpy(dtype=object)[keep],
            "row": (np.arange(n) + 2)[keep],
            "date": (
                days if days is not None else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
            ).to_numpy()[keep],
            "site": out["site"].replace("", None).to_numpy(dtype=object)[keep],
            "group": out["group"].replace("", None).to_numpy(dtype=object)[keep],
        }
    )
    table.wave_rows = frame


def _wide(frame, table, ids, items, item_ids, wave, mapping) -> None:
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
    out, days, ok = _identities(frame, ids, wave, mapping, table)
    key = out["participant"] + "\x1f" + out["wave"]
    dup = key.duplicated(keep="first").to_numpy() & ok
    if dup.any():
        first = pd.Series(np.arange(len(key)) + 2).groupby(key.to_numpy()).transform("min").to_numpy()
        for r in np.flatnonzero(dup)[:1000]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}",
                    f"participant '{out['participant'][r]}' has a second row for wave"
                    f" '{out['wave'][r]}' (first on row {first[r]}); keep one row per participant and wave",
                )
            )
    keep = ok & ~dup
    _waves(table, out, days, keep)
    index = np.cumsum(keep) - 1
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
        take = np.flatnonzero(present & keep)
        parts.append((index[take], new, values[take], declined[take], take + 2, old))
    table.answers = _concat(parts)


def _long(frame, table, ids, item_ids, wave, mapping) -> None:
    from toolkit.instruments.rules import did_you_mean

    out, days, ok = _identities(frame, ids, wave, mapping, table)
    items = text_column(frame[ids["item"]])
    items = items.map({i: mapping.column(i) for i in items.unique()})
    unknown = ~items.isin(item_ids).to_numpy() & ok
    for r in np.flatnonzero(unknown)[:1000]:
        table.problems.append(
            Problem(
                f"{table.path}:{r + 2}:{ids['item']}",
                f"unknown item '{items.iat[r][:40]}'{did_you_mean(items.iat[r], sorted(item_ids))}; use an item id",
            )
        )
    key = (out["participant"] + "\x1f" + out["wave"]).to_numpy()
    first_of_key = ~pd.Series(key).duplicated(keep="first").to_numpy() & ok
    _waves(table, out, days, first_of_key)
    wave_index = pd.Series(np.cumsum(first_of_key) - 1)[first_of_key].set_axis(key[first_of_key])
    values_col = frame[ids["value"]]
    parts = []
    for name in items[ok & ~unknown].unique():
        rows = np.flatnonzero((items == name).to_numpy() & ok & ~unknown)
        values, declined, present, bad = answer_column(values_col.iloc[rows].reset_index(drop=True), name, mapping)
        for r in rows[bad][:1000]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}:{ids['value']}",
                    f"'{str(values_col.iat[r])[:40]}' is not a number; write the answer's value or 'declined'",
                )
            )
        take = rows[present]
        parts.append(
            (wave_index.loc[key[take]].to_numpy(), name, values[present], declined[present], take + 2, ids["value"])
        )
    table.answers = _concat(parts)


def _concat(parts: list[tuple]) -> pd.DataFrame:
    """The answer frame from per-item parts ``(waves, item, values, declined, rows, column)``.

    Items and columns are categorical: a million answers name a few dozen items.
    """
    items = list(dict.fromkeys(p[1] for p in parts))
    columns = list(dict.fromkeys(p[5] for p in parts))
    sizes = [len(p[0]) for p in parts]

    def joined(i: int, dtype: str) -> np.ndarray:
        return np.concatenate([np.asarray(p[i], dtype=dtype) for p in parts]) if parts else np.empty(0, dtype=dtype)

    def codes(i: int, names: list[str]) -> np.ndarray:
        where = {n: k for k, n in enumerate(names)}
        return np.repeat(np.array([where[p[i]] for p in parts], dtype=np.int32), sizes)

    return pd.DataFrame(
        {
            "wave": joined(0, "int64"),
            "item": pd.Categorical.from_codes(codes(1, items), categories=items) if parts else pd.Categorical([]),
            "value": joined(2, "float64"),
            "declined": joined(3, "bool"),
            "row": joined(4, "int64"),
            "column": pd.Categorical.from_codes(codes(5, columns), categories=columns) if parts else pd.Categorical([]),
        }
    )


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
        _long(frame, table, ids, item_ids, wave, mapping)
    else:
        _wide(frame, table, ids, items, item_ids, wave, mapping)
    return table
