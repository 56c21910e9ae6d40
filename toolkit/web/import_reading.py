"""Reading a kept upload from the Imports page and checking it against a program, as ``outcomes import`` does.

:func:`read_upload` reads a kept upload with the reader of its kind (CSV,
XLSX, .sav and .dta here; REDCap records and FHIR responses in
:mod:`toolkit.web.import_formats`), with the file's original name (never the
private path) in every problem; :func:`read_and_check` checks its answers;
:func:`check_upload` plans it against the program without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import Problem
from toolkit.errors import ProblemsError
from toolkit.web.import_uploads import KeptUpload

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from toolkit.exchange.import_check import RiskAnswer
    from toolkit.exchange.import_table import ImportTable
    from toolkit.instruments.registry import Registry
    from toolkit.store.imports import ImportPlan
    from toolkit.store.imports import PossibleMatch
    from toolkit.store.models import Program

Dating = Callable[["ImportTable"], None]
"""Gives FHIR responses without a wave the wave of their date (from the program's stored baselines)."""


def renamed(problems: list[Problem], names: Mapping[Path, str]) -> list[Problem]:
    """``problems`` with each private path replaced by the name the user knows (``names``: path -> name)."""
    out = []
    for p in problems:
        where, message = p.where, p.message
        for private, shown in names.items():
            where, message = where.replace(str(private), shown), message.replace(str(private), shown)
        out.append(Problem(where, message))
    return out


def given_names(root: Path, upload: KeptUpload) -> dict[Path, str]:
    """Private path -> the name shown in messages, for the response file and every file given with it."""
    names = {upload.path(root): upload.file_name}
    for private, label, name in (
        (upload.map_path(root), "map file", upload.map_name),
        (upload.extra_path(root, "dictionary"), "data dictionary", upload.dictionary_name),
        (upload.extra_path(root, "questionnaire"), "Questionnaire", upload.questionnaire_name),
    ):
        if private is not None:
            names[private] = f"{label} {name}"
    return names


def read_upload(root: Path, upload: KeptUpload, registry: Registry) -> ImportTable:
    """Read a kept upload into an import table (as ``outcomes import`` reads CSV, XLSX, .sav and .dta).

    REDCap records and FHIR responses are read by the command's own readers
    (:func:`toolkit.web.import_formats.read_foreign`). A file that cannot be
    read at all gives a table with no rows and its problems; every problem
    names the original file (or map file, data dictionary, Questionnaire).
    """
    from toolkit.exchange.import_file import read_import_file
    from toolkit.exchange.import_map import IDENTITY
    from toolkit.exchange.import_map import read_map
    from toolkit.exchange.import_table import ImportTable
    from toolkit.web.import_formats import read_foreign

    path, map_path = upload.path(root), upload.map_path(root)
    mapping = IDENTITY
    try:
        if map_path is not None:
            mapping = read_map(map_path)
        if upload.kind != "auto":
            table = read_foreign(root, upload, registry, mapping)
        else:
            table = read_import_file(path, upload.file_name, upload.sha256, registry, wave=upload.wave, mapping=mapping)
    except ProblemsError as exc:  # the file (or a file given with it) cannot be read at all
        problems = renamed(exc.problems, given_names(root, upload))
        return ImportTable(path=upload.file_name, sha256=upload.sha256, described="", problems=problems)
    table.problems[:] = renamed(table.problems, given_names(root, upload))
    table.warnings[:] = renamed(table.warnings, given_names(root, upload))
    table.path = upload.file_name
    return table


def read_and_check(
    root: Path, upload: KeptUpload, registry: Registry, dating: Dating
) -> tuple[ImportTable, list[RiskAnswer] | None]:
    """The upload read and its answers checked, with the risk answers that fire (None: the file was not read).

    FHIR responses without a wave are first given the wave of their date by ``dating``.
    """
    from toolkit.exchange.import_check import check_answers

    table = read_upload(root, upload, registry)
    if not table.described:
        return table, None
    if upload.kind == "fhir":
        dating(table)
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
    from toolkit.web.import_formats import wave_dating

    table, fires = read_and_check(root, upload, registry, wave_dating(session, program))
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
