"""The export formats: which writer writes each, its file suffix and its media type.

Importing this module imports no pandas: the web app lists the formats on a page that builds no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.exchange.export_layout import ExportTable


@dataclass(frozen=True)
class ExportFormat:
    """One file format of ``outcomes export`` and the Exports page."""

    name: str
    title: str
    suffix: str
    media_type: str
    write: Callable[[ExportTable, Path], None]


def _csv(table: ExportTable, path: Path) -> None:
    from toolkit.exchange.export_sheets import write_export_csv

    write_export_csv(table, path)


def _xlsx(table: ExportTable, path: Path) -> None:
    from toolkit.exchange.export_sheets import write_export_xlsx

    write_export_xlsx(table, path)


def _sav(table: ExportTable, path: Path) -> None:
    from toolkit.exchange.labelled_files import write_sav

    write_sav(table, path)


def _dta(table: ExportTable, path: Path) -> None:
    from toolkit.exchange.labelled_files import write_dta

    write_dta(table, path)


def _parquet(table: ExportTable, path: Path) -> None:
    from toolkit.exchange.parquet_writer import write_parquet

    write_parquet(table, path)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csv", "CSV (any spreadsheet or statistics program)", ".csv", "text/csv", _csv),
        ExportFormat(
            "xlsx",
            "Excel workbook (with a sheet of variable descriptions)",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _xlsx,
        ),
        ExportFormat("sav", "SPSS (.sav, with labels)", ".sav", "application/x-spss-sav", _sav),
        ExportFormat("dta", "Stata (.dta, with labels)", ".dta", "application/x-stata-dta", _dta),
        ExportFormat("parquet", "Parquet (R arrow, Python)", ".parquet", "application/vnd.apache.parquet", _parquet),
    )
}


def write_export(table: ExportTable, format_name: str, path: Path | str) -> None:
    """Write ``table`` to ``path`` in the format named ``format_name`` (a key of :data:`FORMATS`)."""
    if format_name not in FORMATS:
        raise ValueError(f"format: '{format_name}' is not one of {', '.join(FORMATS)}")
    FORMATS[format_name].write(table, Path(path))
