"""Read a response file for import, whatever its kind: CSV and XLSX (wide or long), SPSS ``.sav``, Stata ``.dta``.

One reader for ``outcomes import`` and the staff Imports page (REDCap and
FHIR files have readers of their own). ``shown_name`` is the name messages
start with (the file as the user knows it, not a temporary copy).
"""

from __future__ import annotations

from pathlib import Path

from toolkit.exchange.import_map import IDENTITY
from toolkit.exchange.import_map import ImportMap
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.limits import Limits
from toolkit.instruments.registry import Registry

STAT_SUFFIXES = (".sav", ".dta")
LAYOUTS = ("auto", "wide", "long")


def read_import_file(
    path: Path,
    shown_name: str,
    sha256: str,
    registry: Registry,
    *,
    layout: str = "auto",
    wave: str | None = None,
    mapping: ImportMap = IDENTITY,
) -> ImportTable:
    """The file as an import table: ``.sav`` and ``.dta`` by suffix (always wide), else CSV or XLSX.

    Raises :class:`~toolkit.errors.InputFileError` when the file cannot be
    read at all; problems in its rows and cells are in the table.
    """
    from toolkit.exchange.import_read import read_frame
    from toolkit.exchange.import_read import table_from_frame
    from toolkit.exchange.stat_files import read_stat_file

    if layout not in LAYOUTS:
        raise ValueError(f"layout: {layout!r} is not one of {', '.join(LAYOUTS)}")
    limits = Limits.from_environment()
    if path.suffix.lower() in STAT_SUFFIXES:
        frame, described = read_stat_file(path, limits, registry)
        layout = "wide"
    else:
        frame, described, _first = read_frame(path, limits, mapping)
    return table_from_frame(
        frame, shown_name, sha256, described, registry.item_ids, layout=layout, wave=wave, mapping=mapping
    )
