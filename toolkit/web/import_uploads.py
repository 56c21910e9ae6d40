"""Response files uploaded on the Imports page: kept privately until stored or discarded, and read back.

An upload is written under ``<instance>/imports/`` (a ``0700`` folder) with a
random name and mode ``0600``, beside a small description (``.json``, also
``0600``) and the files given with it, each kept the same way: the map file,
and a REDCap project's data dictionary or the FHIR Questionnaire the
responses answered. It is found again by the SHA-256 of its bytes, the
program and the staff member who uploaded it, and deleted with every file
given with it when the import is stored or discarded, or an hour after the
upload (:func:`sweep_expired`). Reading and checking a kept upload is
:mod:`toolkit.web.import_reading`.
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
from pathlib import Path
from typing import BinaryIO

FOLDER = "imports"
KEPT_SECONDS = 60 * 60
"""An upload neither stored nor discarded is deleted this long after it was made."""
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".dta")
KIND_SUFFIXES = {"auto": SUFFIXES, "redcap": (".csv", ".tsv", ".txt"), "fhir": (".json",)}
"""The response files each kind of upload takes (``auto``: CSV, XLSX, .sav and .dta, read as now)."""
KIND_FILES = {
    "auto": "a CSV, an Excel workbook (.xlsx), an SPSS file (.sav) or a Stata file (.dta), or choose REDCap"
    " records or FHIR responses under Format",
    "redcap": "the records exported from REDCap as CSV (raw data)",
    "fhir": "a FHIR QuestionnaireResponse or Bundle of them (.json)",
}
MAX_MAP_BYTES = 256 * 1024
MAX_EXTRA_BYTES = 4 * 1024 * 1024
"""The largest data dictionary or Questionnaire file kept with an upload."""
EXTRAS = {
    "dictionary": ("Data dictionary", ".dictionary.csv"),
    "questionnaire": ("Questionnaire", ".questionnaire.json"),
}
"""Files kept beside a response file: field -> (its label, the kept file's suffix)."""
GIVEN_SUFFIXES = (".map.yaml", *(suffix for _label, suffix in EXTRAS.values()))
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
    kind: str = "auto"
    dictionary_name: str | None = None
    questionnaire_name: str | None = None
    instrument: str | None = None
    participant: str | None = None

    def path(self, root: Path) -> Path:
        """The kept response file (a JSON one apart from the description, which is ``TOKEN.json``)."""
        return root / f"{self.token}{'.response' if self.suffix == '.json' else ''}{self.suffix}"

    def map_path(self, root: Path) -> Path | None:
        """The kept map file, if one was uploaded."""
        return root / f"{self.token}.map.yaml" if self.map_name else None

    def extra_path(self, root: Path, name: str) -> Path | None:
        """The kept data dictionary (``name`` ``dictionary``) or Questionnaire, if one was uploaded."""
        return root / f"{self.token}{EXTRAS[name][1]}" if getattr(self, f"{name}_name") else None

    def given_paths(self, root: Path) -> list[Path]:
        """Every file kept with the response file (map file, data dictionary, Questionnaire)."""
        paths = [self.map_path(root), *(self.extra_path(root, name) for name in EXTRAS)]
        return [p for p in paths if p is not None]


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


def _keep_given(root: Path, token: str, given: dict[str, tuple[str, BinaryIO]]) -> dict[str, str]:
    """Keep the files given with a response file (``map`` and :data:`EXTRAS`); their shown names by field."""
    names: dict[str, str] = {}
    for key, (raw, stream) in given.items():
        name = shown_name(raw)
        if key == "map":
            limit, suffix = MAX_MAP_BYTES, ".map.yaml"
            what = f"Map file: '{name}' is larger than {limit // 1024} KB; a map file is a short YAML file"
        else:
            (label, suffix), limit = EXTRAS[key], MAX_EXTRA_BYTES
            what = f"{label}: '{name}' is larger than {limit // (1024 * 1024)} MB; give the file of these responses"
        _write_private(root / f"{token}{suffix}", stream, limit, what)
        names[key] = name
    return names


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
    kind: str = "auto",
    extras: dict[str, tuple[str, BinaryIO]] | None = None,
    instrument: str | None = None,
    participant: str | None = None,
) -> KeptUpload:
    """Keep an uploaded response file and the files given with it: each file is ``(name, stream)``.

    ``kind`` is ``auto`` (CSV, XLSX, .sav, .dta), ``redcap`` or ``fhir``;
    ``extras`` holds the ``dictionary`` (REDCap) or ``questionnaire`` (FHIR).
    An earlier upload of the same bytes by the same person for the same
    program is replaced. Raises :class:`UploadRefused` (``too_large`` is the
    message for a file over ``max_bytes``).
    """
    name = shown_name(file[0])
    suffix = Path(name).suffix.lower()
    if suffix not in KIND_SUFFIXES[kind]:
        raise UploadRefused(f"Response file: '{name}' is not a file the import reads; choose {KIND_FILES[kind]}")
    token = secrets.token_hex(16)
    upload = KeptUpload(token, "", name, suffix, program_id, staff_id, wave or None, None, time.time())
    sha256 = _write_private(upload.path(root), file[1], max_bytes, too_large)
    given = dict(extras or {}) | ({"map": mapping} if mapping is not None else {})
    try:
        names = _keep_given(root, token, given)
    except BaseException:
        for path in (upload.path(root), *(root / f"{token}{ending}" for ending in GIVEN_SUFFIXES)):
            path.unlink(missing_ok=True)
        raise
    upload = KeptUpload(
        token,
        sha256,
        name,
        suffix,
        program_id,
        staff_id,
        wave or None,
        names.get("map"),
        upload.saved_at,
        kind,
        names.get("dictionary"),
        names.get("questionnaire"),
        instrument or None,
        participant or None,
    )
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
        if "." in description.stem:
            continue  # a kept response file or Questionnaire, not a description
        upload = _load(description)
        if upload and (upload.sha256, upload.program_id, upload.staff_id) == (sha256, program_id, staff_id):
            return upload if upload.path(root).exists() else None
    return None


def discard_upload(root: Path, upload: KeptUpload) -> None:
    """Delete a kept upload: its file, every file given with it and its description."""
    for path in (upload.path(root), *upload.given_paths(root), root / f"{upload.token}.json"):
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
