"""What text encoding and delimiter a CSV file uses, and a UTF-8, comma-separated copy when it needs one.

Files arrive from spreadsheets on several systems: UTF-8 with or without a
byte-order mark, UTF-16 (Excel's "Unicode text"), Windows' Latin-1
(Windows-1252), and semicolons where the comma is the decimal mark. The
encoding is found from the byte-order mark, else by decoding the whole file
as UTF-8, else Windows-1252 (Latin-1 for the few bytes it leaves undefined);
the delimiter is the one of comma, semicolon or tab that the header line
uses most outside quotes. The importer says what it found, so a wrong guess
is visible before anything is stored.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputFileError
from toolkit.errors import Problem

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


@dataclass(frozen=True)
class TextFormat:
    """A CSV file's encoding (``codec`` for Python, ``name`` in words) and delimiter."""

    codec: str
    name: str
    delimiter: str

    @property
    def is_plain(self) -> bool:
        """True for UTF-8 (with or without a byte-order mark) and commas: readable as it is."""
        return self.codec in ("utf-8", "utf-8-sig") and self.delimiter == ","

    def describe(self) -> str:
        """The format in words, e.g. ``UTF-16, semicolon-separated``."""
        return f"{self.name}, {DELIMITERS[self.delimiter]}-separated"


def _encoding(data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, name
    try:
        data.decode("utf-8")
        return "utf-8", "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252", "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        return "latin-1", "Latin-1 (ISO-8859-1)"


def _delimiter(first_line: str) -> str:
    """The delimiter used most in ``first_line`` outside double quotes (comma when none is)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def sniff(data: bytes) -> TextFormat:
    """The encoding and delimiter of CSV bytes.

    Examples
    --------
    >>> sniff("participant;wave;phq9_1\\nRP-1;baseline;2\\n".encode("utf-16")).describe()
    'UTF-16, semicolon-separated'
    >>> sniff("participant,wave,site\\nRP-1,baseline,Peña\\n".encode("cp1252")).describe()
    'Latin-1 (Windows-1252), comma-separated'
    >>> sniff(b"\\xef\\xbb\\xbfparticipant,wave\\n").is_plain
    True
    """
    codec, name = _encoding(data)
    text = data.decode(codec, errors="replace")
    first_line = text.split("\n", 1)[0]
    return TextFormat(codec=codec, name=name, delimiter=_delimiter(first_line))


def utf8_copy(path: Path, fmt: TextFormat, folder: Path) -> Path:
    """``path`` itself when it is plain UTF-8 CSV, else a UTF-8, comma-separated copy in ``folder``.

    Cells are copied as they are (quoting is redone by :mod:`csv`), so row
    and column numbers stay those of the original file.

    Raises
    ------
    InputFileError
        When a quoted cell never ends (the copy would swallow the rest of the file).
    """
    if fmt.is_plain:
        return path
    text = path.read_bytes().decode(fmt.codec, errors="strict")
    target = folder / f"{path.stem}.utf8.csv"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=fmt.delimiter, strict=True))
    except csv.Error as exc:
        raise InputFileError(
            [Problem(str(path), f"cannot read the file as {fmt.describe()} CSV ({exc}); close every quoted cell")]
        ) from None
    with open(target, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return target
