"""Read a REDCap records export (CSV) into an :class:`~toolkit.exchange.import_table.ImportTable`.

The export is read with its data dictionary, which says which field is
which item and what its choice codes mean:

- ``record_id`` (or the column the map names ``participant``) is the
  participant; ``redcap_event_name`` the wave (``baseline_arm_1`` ->
  ``baseline``, or the map's ``waves``); without events, ``--wave``.
- A field is the item the map's ``columns`` names, else the item its
  annotation names (``outcomes item phq9_1``, written by ``outcomes
  instruments export --format redcap``), else the item of the same name.
- Each choice of a choice field must be a value of the item's scale (after
  the map's ``values``), so codes are checked once, against the dictionary.
- Checkbox fields come as one 0/1 column per choice (``x___1``); an item has
  one answer, so a group gives the ticked choice when exactly one is ticked.
- Survey timestamps (``phq9_timestamp``; ``[not completed]`` when blank) give
  the administration's date, the latest of a row's; form status columns
  (``phq9_complete``) and score (calc) fields are not read, and the
  description of the file says so.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import Problem
from toolkit.exchange.escape import unescape_text
from toolkit.exchange.import_map import DECLINED
from toolkit.exchange.import_map import IDENTITY
from toolkit.exchange.import_map import ImportMap
from toolkit.exchange.import_table import Cell
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.redcap_dictionary_reader import RedcapDictionary
from toolkit.exchange.redcap_fields import described
from toolkit.exchange.redcap_fields import EVENT
from toolkit.exchange.redcap_fields import field_items
from toolkit.exchange.redcap_fields import NUMBER
from toolkit.exchange.redcap_fields import RecordColumns
from toolkit.instruments.registry import Registry

if TYPE_CHECKING:
    import pandas as pd

NOT_COMPLETED = "[not completed]"
ARM = re.compile(r"_arm_[0-9]+$")
TIMESTAMP = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9:]+)?$")


def event_wave(event: str, mapping: ImportMap) -> str:
    """The program's wave of a REDCap unique event name: the map's, else the name without ``_arm_N``.

    >>> event_wave("month_6_arm_2", IDENTITY)
    'month_6'
    """
    if event in mapping.waves:
        return mapping.wave(event)
    return ARM.sub("", event)


def _text(value: object) -> str:
    """A cell as text, the formula escape of the toolkit's writers undone (``'=x`` -> ``=x``)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return unescape_text(str(value).strip())


def _date(text: str) -> date | None:
    match = TIMESTAMP.match(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match["date"])
    except ValueError:
        return None


def read_redcap_records(
    frame: pd.DataFrame,
    path: str,
    sha256: str,
    fmt: str,
    dictionary: RedcapDictionary,
    dict_path: str,
    registry: Registry,
    *,
    wave: str | None = None,
    mapping: ImportMap = IDENTITY,
) -> ImportTable:
    """Read a records export's cells (``frame``, all text) into administrations.

    The dictionary's fields and choices are checked against the instruments
    first; every problem is collected in the table.
    """
    names = [str(c).strip() for c in frame.columns]
    items, problems = field_items(dictionary, names, dict_path, registry, mapping)
    columns = RecordColumns(names, items, dictionary, mapping)
    table = ImportTable(path=path, sha256=sha256, described=described(fmt, columns), problems=problems)
    for name in columns.unknown:
        table.problems.append(
            Problem(
                f"{path}:1:{name}",
                f"column '{name}' is not a field of the data dictionary; give the dictionary of this project,"
                " or list the column under ignore in a --map file",
            )
        )
    if columns.event is None and not wave:
        table.problems.append(Problem(f"{path}:1", f"no '{EVENT}' column; give --wave for a project without events"))
    if table.problems:
        return table
    seen: dict[tuple[str, str], ImportedWave] = {}
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        row = index + 2
        cells = {name: _text(v) for name, v in zip(names, values, strict=True)}
        found = _administration(row, cells, columns, wave, mapping, path, table.problems)
        if found is None:
            continue
        if found.key in seen:
            first = seen[found.key].row
            table.problems.append(
                Problem(
                    f"{path}:{row}",
                    f"record '{found.participant}' has a second row for wave '{found.wave}' (first on row {first});"
                    " repeating instruments are not read: keep one row per record and event",
                )
            )
            continue
        seen[found.key] = found
        table.waves.append(found)
        _answers(found, row, cells, columns, mapping, path, table.problems)
    return table


def _administration(
    row: int,
    cells: dict[str, str],
    columns: RecordColumns,
    wave: str | None,
    mapping: ImportMap,
    path: str,
    problems: list[Problem],
) -> ImportedWave | None:
    participant = cells.get(columns.participant, "")
    event = cells.get(columns.event, "") if columns.event else ""
    wave_name = event_wave(event, mapping) if columns.event else (wave or "")
    if not participant:
        problems.append(Problem(f"{path}:{row}:{columns.participant}", "no record id; every row needs one"))
        return None
    if not wave_name:
        problems.append(Problem(f"{path}:{row}:{columns.event}", "no event; every row needs its event"))
        return None
    dates = [d for d in (_date(cells.get(c, "")) for c in columns.timestamps) if d is not None]
    for name in columns.timestamps:
        text = cells.get(name, "")
        if text and text != NOT_COMPLETED and _date(text) is None:
            problems.append(
                Problem(
                    f"{path}:{row}:{name}",
                    f"'{text[:40]}' is not a survey timestamp; REDCap writes YYYY-MM-DD HH:MM:SS or {NOT_COMPLETED}",
                )
            )
    site = cells.get(columns.site, "") if columns.site else ""
    return ImportedWave(participant, wave_name, row, date=max(dates) if dates else None, site=site or None)


def _answers(
    found: ImportedWave,
    row: int,
    cells: dict[str, str],
    columns: RecordColumns,
    mapping: ImportMap,
    path: str,
    problems: list[Problem],
) -> None:
    pairs = [(item, cells.get(name, ""), name) for name, item in columns.answers.items()]
    for field_name, boxes in columns.checkboxes.items():
        ticked = [(name, code) for name, code in boxes if cells.get(name, "") == "1"]
        if len(ticked) == 1:
            pairs.append((columns.items[field_name], ticked[0][1], ticked[0][0]))
        elif len(ticked) > 1:
            problems.append(
                Problem(
                    f"{path}:{row}:{ticked[0][0]}",
                    f"{len(ticked)} boxes of checkbox field '{field_name}' are ticked"
                    f" ({', '.join(name for name, _ in ticked)}); the item takes one answer: untick all but one",
                )
            )
    for item, text, name in pairs:
        if text == "":
            continue
        cell = Cell(row, name)
        recoded = mapping.recode(item, text)
        if recoded == DECLINED:
            found.answers.append(ImportedAnswer(item, None, True, cell))
        elif NUMBER.match(recoded):
            found.answers.append(ImportedAnswer(item, float(recoded), False, cell))
        else:
            problems.append(
                Problem(
                    cell.where(path),
                    f"'{text[:40]}' is not a code of field '{name}'; give its value under values in a --map file",
                )
            )


def read_records_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """A records export's cells, every one as text, and its encoding and delimiter (a byte-order mark is fine)."""
    import csv
    import tempfile

    from toolkit.exchange.csv_reader import read_csv
    from toolkit.exchange.limits import Limits
    from toolkit.exchange.source import checked_size
    from toolkit.exchange.text_encoding import sniff
    from toolkit.exchange.text_encoding import utf8_copy

    limits = Limits.from_environment()
    checked_size(path, limits)
    with open(path, "rb") as fh:
        fmt = sniff(fh.read(1 << 16))
    with tempfile.TemporaryDirectory() as folder:
        plain = utf8_copy(path, fmt, Path(folder))
        with open(plain, encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        frame = read_csv(plain, limits, tuple(names))
    return frame, fmt.describe()


def read_redcap_file(
    path: Path, dictionary_path: Path, registry: Registry, *, wave: str | None = None, mapping: ImportMap = IDENTITY
) -> ImportTable:
    """Read a records export CSV with its data dictionary CSV (encoding and delimiter detected)."""
    from toolkit.exchange.import_read import file_digest
    from toolkit.exchange.redcap_dictionary_reader import read_redcap_dictionary

    dictionary = read_redcap_dictionary(dictionary_path)
    frame, fmt = read_records_csv(path)
    return read_redcap_records(
        frame, str(path), file_digest(path), fmt, dictionary, str(dictionary_path), registry, wave=wave, mapping=mapping
    )
