"""``outcomes import``: put a response file into a program, checked whole first, written in one transaction."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands._database import database_option
from toolkit.commands._database import store_session
from toolkit.errors import CommandError
from toolkit.errors import InputFileError
from toolkit.errors import Problem

FORMATS = ("auto", "wide", "long", "sav", "dta")
MAX_MATCHES_SHOWN = 50


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        new, sep, old = value.partition("=")
        if not sep or not new.strip() or not old.strip():
            raise CommandError("--same", f"'{value}' is not NEW=EXISTING; write e.g. --same RP-0O1=RP-001")
        out[new.strip()] = old.strip()
    return out


def _match_problems(plan, path: str) -> list[Problem]:
    return [
        Problem(
            f"{path}:{m.row}:participant",
            f"'{m.code}' is close to {', '.join(repr(c) for c in m.existing)}, already enrolled; if it is the"
            f" same person give --same {m.code}={m.existing[0]}, if not give --new {m.code}",
        )
        for m in plan.matches
    ]


def _conflict_problems(plan) -> list[Problem]:
    def shown(answer: tuple[float | None, bool]) -> str:
        return "declined" if answer[1] else f"{answer[0]:g}"

    return [
        Problem(
            c.where,
            f"participant '{c.participant}' at wave '{c.wave}' has {c.item} = {shown(c.stored)} stored;"
            f" the file says {shown(c.new)}. Give --replace to store the file's answers (the old ones are kept"
            " in the import's record), or correct the file",
        )
        for c in plan.conflicts
    ]


def _summary(plan, dry_run: bool) -> list[str]:
    would = "would add" if dry_run else "added"
    new_adms = sum(1 for p in plan.writes if p.existing_id is None)
    answers = sum(len(p.answers) for p in plan.writes)
    lines = [
        f"{plan.program.slug}: {would} {len(plan.new_codes)} participant(s), {new_adms} administration(s),"
        f" {answers} answer(s); {plan.unchanged} administration(s) already stored as in the file.",
    ]
    if plan.conflicts:
        lines.append(f"{len(plan.conflicts)} stored answer(s) {'would be' if dry_run else 'were'} replaced.")
    if plan.fires:
        lines.append(
            f"{len(plan.fires)} risk answer(s) {'would raise' if dry_run else 'raised'} alerts marked imported;"
            " acknowledge each on the program's Alerts page."
        )
    return lines


def _read(path: Path, fmt: str, wave: str | None, mapping_file: Path | None, registry):
    from toolkit.exchange.import_map import IDENTITY
    from toolkit.exchange.import_map import read_map
    from toolkit.exchange.import_read import file_digest
    from toolkit.exchange.import_read import read_frame
    from toolkit.exchange.import_read import table_from_frame
    from toolkit.exchange.limits import Limits
    from toolkit.exchange.stat_files import read_stat_file

    mapping = read_map(mapping_file) if mapping_file else IDENTITY
    suffix = path.suffix.lower()
    if fmt in ("sav", "dta") or (fmt == "auto" and suffix in (".sav", ".dta")):
        frame, described = read_stat_file(path, Limits.from_environment(), registry)
        layout = "wide"
    else:
        frame, described, _first = read_frame(path, Limits.from_environment())
        layout = fmt if fmt in ("wide", "long") else "auto"
    return table_from_frame(
        frame, str(path), file_digest(path), described, registry.item_ids, layout=layout, wave=wave, mapping=mapping
    )


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--program", "program_slug", required=True, help="The program to import into (its slug).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="The file's layout or kind; auto reads .sav and .dta by their suffix, and CSV/XLSX as long when"
    " they have item and value columns, else wide.",
)
@click.option("--wave", default=None, help="The wave of every row, for a file without a wave column.")
@click.option(
    "--map",
    "mapping_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A YAML file mapping the file's columns, codes and wave names (see docs/exchange.md).",
)
@click.option(
    "--same",
    multiple=True,
    metavar="NEW=EXISTING",
    help="A code in the file is an enrolled participant's code mistyped: store it under EXISTING.",
)
@click.option(
    "--new",
    "new_codes",
    multiple=True,
    metavar="CODE",
    help="A code close to an enrolled one is a new person: enrol it as it is.",
)
@click.option("--replace", is_flag=True, help="Store the file's answers where they differ from stored ones.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@database_option
def import_file(
    file: Path,
    program_slug: str,
    fmt: str,
    wave: str | None,
    mapping_file: Path | None,
    same: tuple[str, ...],
    new_codes: tuple[str, ...],
    replace: bool,
    dry_run: bool,
    database: str | None,
) -> None:
    """Import FILE (CSV, XLSX, SPSS .sav or Stata .dta) into a program.

    The whole file is checked first; when anything is wrong nothing is
    written, and every problem is listed as FILE:ROW:COLUMN: message.
    Importing the same file again changes nothing.
    """
    from toolkit.exchange.import_check import check_answers
    from toolkit.instruments import default_registry
    from toolkit.store.import_write import write_import
    from toolkit.store.imports import plan_import
    from toolkit.store.imports import previous_import
    from toolkit.store.programs import get_program

    registry = default_registry()
    table = _read(file, fmt, wave, mapping_file, registry)
    with store_session(database, write=not dry_run) as session:
        program = get_program(session, program_slug)
        before = previous_import(session, program, table.sha256)
        if before is not None:
            click.echo(
                f"{file}: already imported into {program.slug} on {before.imported_at:%Y-%m-%d %H:%M} UTC"
                f" (import {before.id}, as {before.file_name}); nothing to do."
            )
            return
        fires = check_answers(table, registry)
        plan = plan_import(session, program, table, registry, fires, same=_pairs(same), new=set(new_codes))
        click.echo(
            f"{file}: read as {table.described}; {len(table.waves)} participant-wave(s),"
            f" {table.answer_count} answer(s)."
        )
        problems = table.problems + _match_problems(plan, str(file))
        if not replace:
            problems += _conflict_problems(plan)
        if problems:
            raise InputFileError(problems)
        for line in _summary(plan, dry_run):
            click.echo(line)
        if dry_run:
            click.echo("Dry run: nothing was written.")
            return
        rec = write_import(session, plan, replace=replace)
        session.flush()
        click.echo(f"Stored as import {rec.id}.")
