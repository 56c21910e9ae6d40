"""Response files uploaded on the Imports page: kept privately until stored or discarded, and read back.

An upload is written under ``<instance>/imports/`` (a ``0700`` folder) with a
random name and mode ``0600``, beside a small description (``.json``, also
``0600``) and the map file if one was given. It is found again by the SHA-256
of its bytes, the program and the staff member who uploaded it, and deleted
when the import is stored or discarded, or an hour after the upload
(:func:`sweep_expired`). :func:`read_upload` reads it like ``outcomes import``
does, with the file's original name (never the private path) in every problem;
:func:`check_upload` checks it against the program without writing anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import BinaryIO
from typing import TYPE_CHECKING

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.errors import ProblemsError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from toolkit.exchange.import_check import RiskAnswer
    from toolkit.exchange.import_table import ImportTable
    from toolkit.instruments.registry import Registry
    from toolkit.store.imports import ImportPlan
    from toolkit.store.imports import PossibleMatch
    from toolkit.store.models import Program

FOLDER = "imports"
KEPT_SECONDS = 60 * 60
"""An upload neither stored nor discarded is deleted this long after it was made."""
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".dta")
MAX_MAP_BYTES = 256 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]+")
_BLOCK = 1 << 20


class UploadRefused(Exception):
    """An upload that is not kept: the message says which file and what to do."""


@dataclass(frozen=True)
class KeptUpload:
    """One kept upload: where it is, its digest, its original name and the choices made with it."""

    token: str
    sha256: str
    file_name: str
    suffix: str
    program_id: int
    staff_id: int
    wave: str | None
    map_name: str | None
    saved_at: float

    def path(self, root: Path) -> Path:
        """The kept response file."""
        return root / f"{self.token}{self.suffix}"

    def map_path(self, root: Path) -> Path | None:
        """The kept map file, if one was uploaded."""
        return root / f"{self.token}.map.yaml" if self.map_name else None


def uploads_folder(instance_path: str) -> Path:
    """``<instance>/imports``, created ``0700`` when missing."""
    root = Path(instance_path) / FOLDER
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def shown_name(name: str | None) -> str:
    """A file name as the browser gave it, without folders or control characters, at most 120 characters.

    >>> shown_name("C:\\\\data\\\\paper forms.csv")
    'paper forms.csv'
    """
    base = re.split(r"[\\/]", name or "")[-1]
    return _UNPRINTABLE.sub("", base).strip()[-120:] or "upload"


def _write_private(path: Path, stream: BinaryIO, limit: int, what: str) -> str:
    """Copy ``stream`` into a new ``0600`` file, refusing more than ``limit`` bytes; the SHA-256 in hex."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in iter(lambda: stream.read(_BLOCK), b""):
                size += len(block)
                if size > limit:
                    raise UploadRefused(what)
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def keep_upload(
    root: Path,
    file: tuple[str, BinaryIO],
    mapping: tuple[str, BinaryIO] | None,
    *,
    program_id: int,
    staff_id: int,
    wave: str | None,
    max_bytes: int,
    too_large: str,
) -> KeptUpload:
    """Keep an uploaded response file (and map file): ``file`` and ``mapping`` are ``(name, stream)``.

    An earlier upload of the same bytes by the same person for the same
    program is replaced. Raises :class:`UploadRefused` (``too_large`` is the
    message for a file over ``max_bytes``).
    """
    name = shown_name(file[0])
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused(
            f"Response file: '{name}' is not a file the import reads; choose a CSV, an Excel workbook (.xlsx),"
            " an SPSS file (.sav) or a Stata file (.dta)"
        )
    token = secrets.token_hex(16)
    upload = KeptUpload(token, "", name, suffix, program_id, staff_id, wave or None, None, time.time())
    sha256 = _write_private(upload.path(root), file[1], max_bytes, too_large)
    map_name = None
    if mapping is not None:
        map_name = shown_name(mapping[0])
        try:
            _write_private(
                root / f"{token}.map.yaml",
                mapping[1],
                MAX_MAP_BYTES,
                f"Map file: '{map_name}' is larger than {MAX_MAP_BYTES // 1024} KB; a map file is a short YAML file",
            )
        except BaseException:
            upload.path(root).unlink(missing_ok=True)
            raise
    upload = KeptUpload(token, sha256, name, suffix, program_id, staff_id, wave or None, map_name, upload.saved_at)
    earlier = find_upload(root, sha256, program_id, staff_id)
    if earlier is not None:
        discard_upload(root, earlier)
    description = root / f"{token}.json"
    fd = os.open(description, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(upload), out)
    return upload


def _load(description: Path) -> KeptUpload | None:
    try:
        return KeptUpload(**json.loads(description.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def find_upload(root: Path, sha256: str, program_id: int, staff_id: int) -> KeptUpload | None:
    """The kept upload of these bytes by this staff member for this program, if it is still kept."""
    if not DIGEST.fullmatch(sha256):
        return None
    for description in root.glob("*.json"):
        upload = _load(description)
        if upload and (upload.sha256, upload.program_id, upload.staff_id) == (sha256, program_id, staff_id):
            return upload if upload.path(root).exists() else None
    return None


def discard_upload(root: Path, upload: KeptUpload) -> None:
    """Delete a kept upload: its file, its map file and its description."""
    for path in (upload.path(root), upload.map_path(root), root / f"{upload.token}.json"):
        if path is not None:
            path.unlink(missing_ok=True)


def sweep_expired(root: Path, now: float | None = None) -> int:
    """Delete every kept file older than :data:`KEPT_SECONDS`; how many were deleted."""
    cutoff = (time.time() if now is None else now) - KEPT_SECONDS
    deleted = 0
    for path in root.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue  # deleted by another request meanwhile
    return deleted


def _renamed(problems: list[Problem], private: Path, shown: str) -> list[Problem]:
    """``problems`` with the private path replaced by the name the user knows."""
    text = str(private)
    return [Problem(p.where.replace(text, shown), p.message.replace(text, shown)) for p in problems]


def read_upload(root: Path, upload: KeptUpload, registry: Registry) -> ImportTable:
    """Read a kept upload into an import table (as ``outcomes import`` reads CSV, XLSX, .sav and .dta).

    A file that cannot be read at all gives a table with no rows and its
    problems; every problem names the original file (or map file) name.
    """
    from toolkit.exchange.import_file import read_import_file
    from toolkit.exchange.import_map import IDENTITY
    from toolkit.exchange.import_map import read_map
    from toolkit.exchange.import_table import ImportTable

    path, map_path = upload.path(root), upload.map_path(root)
    mapping = IDENTITY
    try:
        if map_path is not None:
            try:
                mapping = read_map(map_path)
            except ProblemsError as exc:  # the map's YAML or its fields
                raise InputFileError(_renamed(exc.problems, map_path, f"map file {upload.map_name}")) from None
        return read_import_file(path, upload.file_name, upload.sha256, registry, wave=upload.wave, mapping=mapping)
    except ProblemsError as exc:
        problems = _renamed(exc.problems, path, upload.file_name)
        return ImportTable(path=upload.file_name, sha256=upload.sha256, described="", problems=problems)


def read_and_check(root: Path, upload: KeptUpload, registry: Registry) -> tuple[ImportTable, list[RiskAnswer] | None]:
    """The upload read and its answers checked, with the risk answers that fire (None: the file was not read)."""
    from toolkit.exchange.import_check import check_answers

    table = read_upload(root, upload, registry)
    if not table.described:
        return table, None
    return table, check_answers(table, registry)


@dataclass
class CheckedUpload:
    """A kept upload checked against a program: the table, the plans, and every close code.

    ``plan`` follows the choices made. ``counted`` is ``plan``, or, while
    close codes wait for a choice, the plan with those codes taken as new
    people (so the page can show counts and conflicts before every choice is
    made). ``matches`` lists every close code, decided or not, so the page
    can show the choices made. Plans are None when the file could not be read.
    """

    table: ImportTable
    plan: ImportPlan | None
    counted: ImportPlan | None
    matches: list[PossibleMatch] = field(default_factory=list)


def check_upload(
    session: Session,
    program: Program,
    root: Path,
    upload: KeptUpload,
    registry: Registry,
    *,
    same: dict[str, str],
    new: set[str],
    all_new: bool,
) -> CheckedUpload:
    """Read a kept upload and plan it against ``program`` with the choices made so far; nothing is written."""
    from toolkit.store.imports import plan_import

    table, fires = read_and_check(root, upload, registry)
    if fires is None:
        return CheckedUpload(table, None, None)
    plan = plan_import(session, program, table, registry, fires, same=same, new=new, all_new=all_new)
    if table.problems:
        return CheckedUpload(table, plan, plan, plan.matches)
    found = len(table.problems)
    listed = plan_import(session, program, table, registry, fires).matches
    counted = plan
    if plan.matches:
        undecided = {m.code for m in plan.matches}
        counted = plan_import(session, program, table, registry, fires, same=same, new=new | undecided)
    del table.problems[found:]  # planning again must not list a problem twice
    return CheckedUpload(table, plan, counted, listed)
