"""The Imports page's check of an upload: the choices made on the page, and its messages in the page's words.

The choices (close codes, replace, every close code new) are kept in the
session between the preview and the confirmation; messages from the readers
and the store are reworded as choices on the page, never as command-line
options, and name the file as uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app
from flask import session

from toolkit.store.models import ImportRecord
from toolkit.store.models import Program
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.import_reading import check_upload
from toolkit.web.import_reading import CheckedUpload
from toolkit.web.import_uploads import KeptUpload
from toolkit.web.import_uploads import sweep_expired
from toolkit.web.import_uploads import uploads_folder
from toolkit.web.timefmt import local_time


def kept_uploads_root() -> Path:
    """The folder of kept uploads (uploads older than an hour are deleted first)."""
    root = uploads_folder(current_app.instance_path)
    sweep_expired(root)
    return root


CHOICES_KEY = "import_choices"
MAX_CHOICES = 2000
KEPT_CHOICES = 20
"""Uploads whose choices a browser session keeps (the oldest are forgotten first)."""
SHOWN = 100
"""Problems, close codes, conflicts and risk answers shown on the preview; a line counts the rest."""
ON_THE_PAGE = (
    ("map it with --map", "map it with a map file (upload one with the response file)"),
    ("map its values with --map", "map its values with a map file (upload one with the response file)"),
    ("in a --map file", "in a map file (upload one with the records)"),
    ("--map", "a map file"),
    ("give --wave", "choose the wave of every row"),
    ("--wave", "the wave of every row"),
    ("give it with --questionnaire Q.json", "upload it under “Questionnaire” with the responses"),
    ("(--questionnaire) or the right --instrument", "(under “Questionnaire”) or choose the right instrument"),
    ("name its instrument with --instrument ID", "choose its instrument under “Instrument”"),
    ("give the participant's code with --participant", "type the participant's code under “Participant code”"),
)


@dataclass(frozen=True)
class Choices:
    """The admin's choices for an upload: close codes that are the same person or new people, and replacing."""

    same: dict[str, str] = field(default_factory=dict)
    new: frozenset[str] = frozenset()
    all_new: bool = False
    replace: bool = False


def choices_from(form, *, replace: bool, all_new: bool) -> Choices:
    """The choices posted with the confirm form (``code-<CODE>``: ``new`` or ``same:<ENROLLED>``)."""
    from toolkit.exchange.close_codes import is_close

    same, new = {}, set()
    for key in list(form.keys())[:MAX_CHOICES]:
        code, value = key.removeprefix("code-"), form.get(key, "")
        if not key.startswith("code-") or not code:
            continue
        if value == "new":
            new.add(code)
        elif value.startswith("same:") and is_close(code, value.removeprefix("same:")):
            same[code] = value.removeprefix("same:")
    return Choices(same, frozenset(new), bool(all_new), bool(replace))


def remember_choices(digest: str, choices: Choices) -> None:
    kept = {k: v for k, v in session.get(CHOICES_KEY, {}).items() if k != digest}
    kept[digest] = {"same": choices.same, "new": sorted(choices.new), "all_new": choices.all_new}
    kept[digest]["replace"] = choices.replace
    session[CHOICES_KEY] = dict(list(kept.items())[-KEPT_CHOICES:])


def recall_choices(digest: str) -> Choices:
    kept = session.get(CHOICES_KEY, {}).get(digest) or {}
    return Choices(
        dict(kept.get("same", {})),
        frozenset(kept.get("new", [])),
        kept.get("all_new", False),
        kept.get("replace", False),
    )


def forget_choices(digest: str) -> None:
    kept = dict(session.get(CHOICES_KEY, {}))
    if kept.pop(digest, None) is not None:
        session[CHOICES_KEY] = kept


def check_kept(program: Program, kept: KeptUpload, choices: Choices) -> CheckedUpload:
    return check_upload(
        get_db(),
        program,
        kept_uploads_root(),
        kept,
        get_registry(),
        same=choices.same,
        new=set(choices.new),
        all_new=choices.all_new,
    )


def on_the_page(message: str) -> str:
    """A reader's message with command-line options phrased as the page's choices.

    >>> on_the_page("unknown column 'x'; rename it, map it with --map, or leave it out")
    "unknown column 'x'; rename it, map it with a map file (upload one with the response file), or leave it out"
    """
    for flag, choice in ON_THE_PAGE:
        message = message.replace(flag, choice)
    if message.startswith("no 'wave' column"):
        message += ", or choose the wave of every row when you upload the file"
    return message


def _inner(rest: str, word: str) -> str:
    """A place inside a file: ``line 3``, ``line 1, column 18`` (JSON), else ``WORD rest``."""
    line, sep, column = rest.partition(":")
    if line.isdigit() and (not sep or column.isdigit()):
        return f"line {line}, column {column}" if sep else f"line {line}"
    return f"{word} {rest}"


def place(where: str, path: str, *, json_file: bool = False) -> str:
    """Where a problem is, in words: ``row 5, column phq9_1`` for ``FILE:5:phq9_1``.

    >>> place("a.csv:5:phq9_1", "a.csv"), place("a.csv:1:x", "a.csv"), place("a.csv", "a.csv")
    ('row 5, column phq9_1', 'row 1 (the header), column x', 'the file')
    >>> place("a.sav:phq9_2", "a.sav"), place("map file m.yaml:3", "a.csv")
    ('column phq9_2', 'map file m.yaml, line 3')
    >>> place("data dictionary d.csv:interest", "r.csv"), place("Questionnaire q.json:2:7", "r.json")
    ('data dictionary d.csv, field interest', 'Questionnaire q.json, line 2, column 7')

    In a FHIR file (``json_file``) a place is a line and column, a response
    (counted from 1) or the element's path:

    >>> [place(f"r.json:{at}", "r.json", json_file=True) for at in ("1:18", "0:wave", "entry[1].item[linkId=q2]")]
    ['line 1, column 18', 'response 1, wave', 'entry[1].item[linkId=q2]']
    >>> place("r.json:", "r.json", json_file=True), place("r.json:entry[0].", "r.json", json_file=True)
    ('the file', 'entry[0]')
    """
    if where == path:
        return "the file"
    if where.startswith(path + ":") and json_file:
        rest = where[len(path) + 1 :].rstrip(".")
        row, sep, column = rest.partition(":")
        if row.isdigit() and sep and not column.isdigit():
            return f"response {int(row) + 1}, {column}"
        return _inner(rest, "element").removeprefix("element ") if rest else "the file"
    if where.startswith(path + ":"):
        row, _sep, column = where[len(path) + 1 :].partition(":")
        if not row.isdigit():
            return f"column {row}{_sep}{column}"
        head = f"row {row}" + (" (the header)" if row == "1" else "")
        return f"{head}, column {column}" if column else head
    for label, word in (("data dictionary ", "field"), ("Questionnaire ", "element"), ("map file ", "line")):
        name, sep, rest = where.partition(":")
        if where.startswith(label) and sep:
            return f"{name}, {_inner(rest, word)}"
    name, sep, line = where.rpartition(":")
    return f"{name}, line {line}" if sep and line.isdigit() else where


def row_of(where: str, path: str) -> int:
    """The row a problem is on (0 for the whole file, a column or another file), to list problems in row order."""
    row = where[len(path) + 1 :].partition(":")[0] if where.startswith(path + ":") else ""
    return int(row) if row.isdigit() else 0


def already_imported(name: str, program: Program, before: ImportRecord) -> str:
    """The message for a file imported into the program before."""
    when = local_time(before.imported_at, program.time_zone)
    return (
        f"{name}: already imported into {program.name} on {when} (import {before.id}, as {before.file_name}); "
        "nothing was stored again."
    )


def refusal(table, plan, choices: Choices) -> str | None:
    """Why the confirmed import was not stored (None: it can be)."""
    if plan is None or table.problems:
        count = len(table.problems)
        return (
            f"Nothing was stored: the file has {count} problem{'' if count == 1 else 's'}, listed below; correct "
            "the file and upload it again."
        )
    if plan.matches:
        return (
            "Nothing was stored: choose the same person or a new person for each close code below "
            f"({len(plan.matches)} to decide)."
        )
    if plan.conflicts and not choices.replace:
        count = len(plan.conflicts)
        return (
            f"Nothing was stored: {count} answer{' in the file differs' if count == 1 else 's in the file differ'}"
            " from stored ones;"
            " tick “Replace the stored answers” to store the file's answers, or correct the file."
        )
    return None


def stored_message(rec: ImportRecord) -> str:
    """The message after storing: what the import added and replaced, and its alerts."""
    text = (
        f"Import {rec.id} stored: {rec.participants_added} participant(s) added,"
        f" {rec.administrations} administration(s), {rec.answers} answer(s)"
    )
    text += f" ({rec.replaced} replaced)." if rec.replaced else "."
    if rec.alerts:
        text += f" {rec.alerts} risk answer(s) raised alerts marked imported; acknowledge each on the Alerts page."
    return text
