"""Read a REDCap data dictionary (CSV) back: its fields, their choices and the toolkit ids they hold.

Reads dictionaries written by :mod:`toolkit.exchange.redcap_dictionary` and
those REDCap itself exports (the same 18 columns); a byte-order mark is
tolerated. A field whose Field Annotation says ``outcomes item ID`` is that
toolkit item; other fields keep their REDCap name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.exchange.escape import unescape_text
from toolkit.exchange.limits import Limits
from toolkit.exchange.limits import MB
from toolkit.exchange.redcap_dictionary import COLUMNS
from toolkit.exchange.redcap_dictionary import ITEM_ANNOTATION
from toolkit.exchange.redcap_dictionary import SCORE_ANNOTATION
from toolkit.exchange.redcap_names import RECORD_ID

NEEDED = COLUMNS[:6]
"""Columns a dictionary must have: name, form, section header, type, label, choices or calculation."""

CHOICE_TYPES = ("radio", "dropdown", "checkbox")
ANSWER_TYPES = (*CHOICE_TYPES, "text", "slider", "yesno", "truefalse")
"""Field types that hold a participant's answer (not calc, descriptive, notes or file)."""


@dataclass(frozen=True)
class RedcapField:
    """One row of a data dictionary."""

    name: str
    form: str
    type: str
    label: str
    choices: dict[str, str] = field(default_factory=dict)
    calculation: str = ""
    note: str = ""
    validation: str = ""
    required: bool = False
    annotation: str = ""

    @property
    def item_id(self) -> str | None:
        """The toolkit item id this field holds (from its annotation), or None."""
        if self.annotation.startswith(ITEM_ANNOTATION):
            return self.annotation[len(ITEM_ANNOTATION) :].split()[0]
        return None

    @property
    def score(self) -> tuple[str, str] | None:
        """``(instrument, scale)`` of a score field written by the toolkit, or None."""
        if self.annotation.startswith(SCORE_ANNOTATION):
            parts = self.annotation[len(SCORE_ANNOTATION) :].split()
            if len(parts) >= 2:
                return parts[0], parts[1]
        return None


@dataclass(frozen=True)
class RedcapDictionary:
    """A data dictionary: fields in file order, by REDCap name."""

    fields: dict[str, RedcapField]

    @property
    def forms(self) -> dict[str, list[str]]:
        """Each form with its field names, in file order."""
        out: dict[str, list[str]] = {}
        for f in self.fields.values():
            out.setdefault(f.form, []).append(f.name)
        return out

    @property
    def items(self) -> dict[str, RedcapField]:
        """The fields holding toolkit items, by item id (fields without an annotation by their own name)."""
        answer_fields = [
            f for f in self.fields.values() if f.type in ANSWER_TYPES and f.name != RECORD_ID and f.score is None
        ]
        return {(f.item_id or f.name): f for f in answer_fields}


def parse_choices(text: str) -> dict[str, str]:
    """``0, Not at all | 1, Several days`` -> ``{"0": "Not at all", "1": "Several days"}``."""
    out: dict[str, str] = {}
    for part in text.split("|"):
        code, sep, label = part.partition(",")
        if code.strip():
            out[code.strip()] = label.strip() if sep else code.strip()
    return out


def read_redcap_dictionary(path: Path | str) -> RedcapDictionary:
    """Read a data dictionary CSV.

    Raises
    ------
    InputFileError
        When the file cannot be read, is larger than the file limit, lacks
        a needed column or names a field twice.
    """
    path = Path(path)
    limits = Limits.from_environment()
    try:
        size = path.stat().st_size
        if size > limits.max_file_mb * MB:
            where = str(path)
            message = limits.exceeded("max_file_mb", f"{size / MB:.1f} MB", "split the dictionary", " MB")
            raise InputFileError([Problem(where, message)])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        message = f"cannot read the data dictionary ({reason}); save it as CSV UTF-8"
        raise InputFileError([Problem(str(path), message)]) from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.strip() for c in rows[0]] if rows else []
    missing = [c for c in NEEDED if c not in header]
    if missing:
        raise InputFileError(
            [
                Problem(
                    f"{path}:1", f"no column '{missing[0]}'; a REDCap data dictionary starts with: {', '.join(NEEDED)}"
                )
            ]
        )
    col = {name: header.index(name) for name in COLUMNS if name in header}
    fields: dict[str, RedcapField] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {name: unescape_text(row[i].strip()) if i < len(row) else "" for name, i in col.items()}
        name = cells[COLUMNS[0]]
        if not name:
            continue
        if name in fields:
            problems.append(Problem(f"{path}:{line}", f"field '{name}' is defined twice; keep one row per field"))
            continue
        kind = cells[COLUMNS[3]].lower()
        spec = cells[COLUMNS[5]]
        fields[name] = RedcapField(
            name=name,
            form=cells[COLUMNS[1]],
            type=kind,
            label=cells[COLUMNS[4]],
            choices=parse_choices(spec) if kind in CHOICE_TYPES else {},
            calculation=spec if kind == "calc" else "",
            note=cells.get("Field Note", ""),
            validation=cells.get("Text Validation Type OR Show Slider Number", ""),
            required=cells.get("Required Field?", "").lower() in ("y", "yes", "1"),
            annotation=cells.get("Field Annotation", ""),
        )
    if problems:
        raise InputFileError(problems)
    return RedcapDictionary(fields)
