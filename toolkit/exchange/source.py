"""The first checks on a response file: that it is a regular file, its size, what its bytes are.

>>> describe(b"participant,wave\\n")
'plain text'
>>> describe(b"PK\\x03\\x04...")
'a zip archive'
>>> describe(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
'an old .xls workbook or a password-protected one'
"""

from __future__ import annotations

import stat
from pathlib import Path

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.exchange.limits import Limits
from toolkit.exchange.limits import MB

HEAD_BYTES = 8192
SIGNATURES = (
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old .xls workbook or a password-protected one"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


def refuse(where: str, message: str) -> InputFileError:
    """An :class:`InputFileError` with one problem."""
    return InputFileError([Problem(where, message)])


def checked_size(path: Path, limits: Limits) -> int:
    """The size of ``path`` in bytes, once it is known to be a regular file within the size limit.

    Raises
    ------
    InputFileError
        When the path is missing, a folder, a device, unreadable or too large.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise refuse(str(path), "no such file; check the path") from None
    except OSError as exc:
        raise refuse(str(path), f"cannot open the file ({exc.strerror}); check the path and its permissions") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse(str(path), "is a folder, not a file; give the response file in it")
    if not stat.S_ISREG(info.st_mode):
        raise refuse(str(path), "is not a regular file; save the responses to a .csv or .xlsx file and give that")
    if info.st_size > limits.max_file_mb * MB:
        fix = "split the file (by wave or site) or raise the limit"
        raise refuse(str(path), limits.exceeded("max_file_mb", f"{info.st_size / MB:,.1f} MB", fix, unit=" MB"))
    return info.st_size


def read_head(path: Path) -> bytes:
    """The first few kilobytes of a file.

    Raises
    ------
    InputFileError
        When the file cannot be read.
    """
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError as exc:
        raise refuse(str(path), f"cannot read the file ({exc.strerror}); check its permissions") from None


def describe(head: bytes) -> str:
    """What the first bytes of a file look like, in words."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if b"\x00" in head:
        return "binary"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return "text that is not UTF-8"
    return "plain text"
