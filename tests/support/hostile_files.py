"""Hostile input files, built small on disk, and a command run under a memory and time limit."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

OUTCOMES = str(Path(sys.executable).with_name("outcomes"))

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>participant</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>wave</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>phq9_1</t></is></c></row>'
)
DATA_ROW = '<row><c t="inlineStr"><is><t>p</t></is></c><c t="inlineStr"><is><t>w</t></is></c><c><v>1</v></c></row>'
BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def _write_package_parts(zf: zipfile.ZipFile) -> None:
    """The parts every workbook needs besides its sheet: content types, relations, the workbook."""
    zf.writestr("[Content_Types].xml", CONTENT_TYPES)
    zf.writestr("_rels/.rels", ROOT_RELS)
    zf.writestr("xl/workbook.xml", WORKBOOK)
    zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)


def workbook(
    path: Path, sheet_parts: list[str] | None = None, repeat: tuple[str, int] | None = None, sheet_prolog: str = ""
) -> Path:
    """An XLSX written by hand: ``sheet_parts`` as rows, then ``repeat`` = (row XML, times) streamed in."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _write_package_parts(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = SHEET_HEAD.replace("?>\n", "?>\n" + sheet_prolog, 1) if sheet_prolog else SHEET_HEAD
            sheet.write(head.encode())
            for part in sheet_parts or [HEADER_ROW]:
                sheet.write(part.encode())
            if repeat:
                block = (repeat[0] * 10_000).encode()
                for _ in range(repeat[1] // 10_000):
                    sheet.write(block)
            sheet.write(SHEET_TAIL.encode())
    return path


def zip_bomb_xlsx(path: Path, rows: int = 3_000_000) -> Path:
    """A small XLSX whose sheet expands hundreds of times: ``rows`` identical rows."""
    return workbook(path, repeat=(DATA_ROW, rows))


def string_bomb_xlsx(path: Path, megabytes: int = 200) -> Path:
    """A small XLSX (about 0.1% of ``megabytes``) whose one data cell is ``megabytes`` MB of text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _write_package_parts(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode())
            block = b"a" * 2**20
            for _ in range(megabytes):
                sheet.write(block)
            sheet.write(("</t></is></c></row>" + SHEET_TAIL).encode())
    return path


def entity_xlsx(path: Path) -> Path:
    """An XLSX whose sheet declares a DTD with nested entities (billion laughs) and uses them."""
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return workbook(path, [HEADER_ROW, row], sheet_prolog=BILLION_LAUGHS_DTD)


def far_row_xlsx(path: Path, row: int = 3_000_000) -> Path:
    """A tiny XLSX whose one data row claims to be row ``row`` and whose dimension spans the whole sheet."""
    far = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>p</t></is></c></row>'
    dimension = f'<dimension ref="A1:XFD{row}"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _write_package_parts(zf)
        sheet = SHEET_HEAD.replace("<sheetData>", dimension + "<sheetData>") + HEADER_ROW + far + SHEET_TAIL
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def truncated_xlsx(path: Path) -> Path:
    """A real workbook cut in half."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + HEADER_ROW + DATA_ROW * 200 + SHEET_TAIL)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def plain_zip(path: Path) -> Path:
    """A zip archive that holds no workbook."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "hello")
    return path


def wide_csv(path: Path, columns: int = 1_000_001) -> Path:
    """A CSV whose header names ``columns`` columns (about 10 MB), written in chunks."""
    chunk = 10_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("participant,wave")
        for start in range(0, columns - 2, chunk):
            fh.write("".join(f",c{i}" for i in range(start, min(start + chunk, columns - 2))))
        fh.write("\np,w\n")
    return path


@dataclass
class Outcome:
    """What a limited run returned."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_limited(args: list[str], memory_mb: int = 512, timeout: float = 10.0, env: dict | None = None) -> Outcome:
    """Run ``outcomes ARGS`` with its address space capped at ``memory_mb`` and a timeout."""
    import time

    def limit() -> None:
        cap = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    full_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    start = time.monotonic()
    proc = subprocess.run(
        [OUTCOMES, *args], preexec_fn=limit, capture_output=True, text=True, timeout=timeout, env=full_env, check=False
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)
