"""Checks on an XLSX archive before any of it is unzipped or parsed.

An XLSX file is a zip archive of XML parts. Before openpyxl reads it, the
archive's index is checked for its number of parts and for the size its
parts unzip to (in total and against the size on disk, which catches zip
bombs), and every XML part is refused if it declares a DTD: Excel never
writes one, and entities are how XML expands a few bytes into gigabytes.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from toolkit.exchange.limits import count
from toolkit.exchange.limits import Limits
from toolkit.exchange.limits import MAX_CENTRAL_DIRECTORY
from toolkit.exchange.limits import MAX_ZIP_ENTRIES
from toolkit.exchange.limits import MAX_ZIP_RATIO
from toolkit.exchange.limits import MB
from toolkit.exchange.limits import RATIO_CHECKED_ABOVE
from toolkit.exchange.source import describe
from toolkit.exchange.source import read_head
from toolkit.exchange.source import refuse

END_OF_DIRECTORY = struct.Struct("<4s4H2LH")  # the zip format's end-of-central-directory record
MAX_COMMENT = 65535
DAMAGED = "not an Excel workbook (the zip archive is damaged or cut short); save it again as .xlsx"
RESAVE = "open it in Excel and save it again as .xlsx, or save it as .csv"


def _directory(path: Path, size: int) -> tuple[int, int] | None:
    """The number of parts and the index size an archive declares, or None when it has no index."""
    with open(path, "rb") as fh:
        tail_length = min(size, END_OF_DIRECTORY.size + MAX_COMMENT)
        fh.seek(size - tail_length)
        tail = fh.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < END_OF_DIRECTORY.size:
        return None
    entries, directory_size = END_OF_DIRECTORY.unpack_from(tail, at)[4:6]
    return entries, directory_size


def _open_archive(path: Path, size: int) -> zipfile.ZipFile:
    """The archive, once its index is known to be small."""
    kind = describe(read_head(path))
    if kind != "a zip archive":
        raise refuse(str(path), f"not an Excel workbook (the file is {kind}); save it as .xlsx or .csv")
    declared = _directory(path, size)
    if declared is None:
        raise refuse(str(path), DAMAGED)
    entries, directory_size = declared
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_CENTRAL_DIRECTORY:
        raise refuse(
            str(path),
            f"not a usable workbook (its zip archive holds {count(entries)} parts, "
            f"more than {count(MAX_ZIP_ENTRIES)}); {RESAVE}",
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise refuse(str(path), DAMAGED) from None


def _check_sizes(path: Path, size: int, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive that unzips to too much, in total or for its size on disk."""
    unzipped = sum(info.file_size for info in archive.infolist())
    ratio = unzipped / max(size, 1)
    if unzipped > RATIO_CHECKED_ABOVE and ratio > MAX_ZIP_RATIO:
        raise refuse(
            str(path),
            f"not a usable workbook: it would unzip to {unzipped / MB:,.1f} MB, {count(round(ratio))} times its"
            f" size on disk (real workbooks: at most {MAX_ZIP_RATIO} times); {RESAVE}",
        )
    if unzipped > limits.max_unzipped_mb * MB:
        fix = "split the file (by wave or site) or raise the limit"
        raise refuse(
            str(path), limits.exceeded("max_unzipped_mb", f"unzips to {unzipped / MB:,.1f} MB", fix, unit=" MB")
        )


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part declares a DTD; only the part's prolog is read."""
    with archive.open(info) as part:
        try:
            for _event in iterparse(part, events=("start",), forbid_dtd=True):
                return False  # the root element: no DTD can follow
        except DefusedXmlException:
            return True
        except ParseError:
            return False  # not XML (an image, say): openpyxl judges the parts it needs
    return False


def check_archive(path: Path, size: int, limits: Limits) -> None:
    """Refuse an XLSX that is not a workbook, could exhaust memory when unzipped, or declares a DTD.

    Raises
    ------
    InputFileError
        With the file name, what is wrong and how to fix it.
    """
    with _open_archive(path, size) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            raise refuse(
                str(path), "not an Excel workbook (a zip archive with no workbook in it); save it as .xlsx or .csv"
            )
        _check_sizes(path, size, archive, limits)
        for info in archive.infolist():
            try:
                dtd = not info.is_dir() and _declares_dtd(archive, info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
                raise refuse(str(path), DAMAGED) from None
            if dtd:
                raise refuse(
                    str(path),
                    f"not a usable workbook: its part {info.filename} declares a DTD (<!DOCTYPE>), which"
                    f" Excel never writes and which can expand without bound; {RESAVE}",
                )
