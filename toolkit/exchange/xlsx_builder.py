"""Write an XLSX workbook column by column, without building a cell object per value.

openpyxl serialises every cell through its XML writer, about 50 microseconds
a cell: minutes for a program's export. A worksheet is only rows of ``<c>``
elements, and an export's columns hold few distinct values, so each
*distinct* value of a column is written as a finished ``<c>`` element once
(a number, a date cell with the date style, a boolean, or an inline string)
and rows are joined from those pieces, as :mod:`toolkit.exchange.csv_writer`
does for CSV. Cells carry no reference (``r``) — it is optional, and an empty
cell is written as ``<c/>`` so that positions hold. Text is escaped against
formulas before it is stored, and stored as a string, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from toolkit.exchange.escape import escape_text

EMPTY = "<c/>"
DATE_STYLE = 1
"""Index of the date style (``yyyy-mm-dd``) in ``styles.xml``."""
EXCEL_EPOCH = dt.date(1899, 12, 30)
ROWS_PER_WRITE = 20_000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def text_cell(text: str) -> str:
    """An inline-string cell: formula-escaped, XML-escaped, characters XML cannot hold replaced.

    >>> text_cell("=1+2"), text_cell("a < b")
    ('<c t="inlineStr"><is><t>\\'=1+2</t></is></c>', '<c t="inlineStr"><is><t>a &lt; b</t></is></c>')
    """
    body = escape(_NOT_XML.sub("\ufffd", escape_text(text)))
    space = ' xml:space="preserve"' if body != body.strip() else ""
    return f'<c t="inlineStr"><is><t{space}>{body}</t></is></c>'


def value_cell(value: object) -> str:
    """The ``<c>`` element of one value: text, a date, a boolean, a number, or empty for None and NaN."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, (bool, np.bool_)):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c s="{DATE_STYLE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    number = float(value)
    if number != number:
        return EMPTY
    return f"<c><v>{int(number) if number.is_integer() and abs(number) < 2**53 else repr(number)}</v></c>"


@dataclass(frozen=True)
class Column:
    """A column as codes into its distinct cells (code -1 is an empty cell)."""

    codes: np.ndarray
    cells: list[str]

    @classmethod
    def of(cls, values: list | np.ndarray) -> Column:
        """The column of these values (text, dates, booleans, numbers, None or NaN) — one kind per column."""
        import pandas as pd

        array = np.asarray(values)
        if array.dtype.kind != "f":
            array = np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        return cls(np.asarray(codes), [value_cell(u) for u in uniques])

    def with_text(self, mask: np.ndarray, text: str) -> Column:
        """This column with the cells under ``mask`` replaced by the string ``text``."""
        return Column(np.where(mask, len(self.cells), self.codes), [*self.cells, text_cell(text)])

    def pieces(self, start: int, stop: int) -> np.ndarray:
        """The cells of rows ``start`` to ``stop``."""
        table = np.asarray(self.cells + [EMPTY], dtype=object)
        codes = self.codes[start:stop]
        return table[np.where(codes < 0, len(self.cells), codes)]


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its name, header row and columns (all of one length)."""

    name: str
    header: list[str]
    columns: list[Column]

    @property
    def rows(self) -> int:
        return len(self.columns[0].codes) if self.columns else 0


def _sheet_xml(zf: zipfile.ZipFile, part: str, sheet: Sheet) -> None:
    with zf.open(part, "w", force_zip64=True) as out:
        out.write(f'{_HEAD}<worksheet xmlns="{_NS}"><sheetData>'.encode())
        out.write(('<row r="1">' + "".join(text_cell(h) for h in sheet.header) + "</row>").encode())
        for start in range(0, sheet.rows, ROWS_PER_WRITE):
            stop = min(start + ROWS_PER_WRITE, sheet.rows)
            parts = [column.pieces(start, stop) for column in sheet.columns]
            lines = [f'<row r="{n}">' for n in range(start + 2, stop + 2)]
            rows = map("".join, zip(lines, *parts, ["</row>"] * (stop - start), strict=True))
            out.write("".join(rows).encode("utf-8"))
        out.write(b"</sheetData></worksheet>")


def write_workbook(sheets: list[Sheet], path: Path | str) -> None:
    """Write ``sheets`` as an XLSX workbook at ``path`` (deflate level 1: the XML is mostly repeats)."""
    names = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{n}" r:id="rId{n}"/>' for n, s in enumerate(sheets, start=1)
    )
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, len(sheets) + 1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    styles_id = len(sheets) + 1
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}">{links}'
            f'<Relationship Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        zf.writestr("xl/styles.xml", _STYLES)
        for n, sheet in enumerate(sheets, start=1):
            _sheet_xml(zf, f"xl/worksheets/sheet{n}.xml", sheet)
