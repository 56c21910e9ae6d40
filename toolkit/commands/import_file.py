"""``outcomes import``: put a response file into a program, checked whole first, written in one transaction."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands._database import database_option
from toolkit.commands._database import store_session
from toolkit.errors import CommandError
from toolkit.errors import InputFileError
from toolkit.errors import Problem

FORMATS = ("auto", "wide", "long", "sav", "dta", "redcap", "fhir")
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
    added = plan.answer_writes - len(plan.conflicts)
    lines = [
        f"{plan.program.slug}: {would} {len(plan.new_codes)} participant(s), {plan.new_administrations}"
        f" administration(s), {added} answer(s); {plan.unchanged} administration(s) already stored as in the file.",
    ]
    if plan.conflicts:
        lines.append(f"{len(plan.conflicts)} stored answer(s) {'would be' if dry_run else 'were'} replaced.")
    if plan.fires:
        lines.append(
            f"{len(plan.fires)} risk answer(s) {'would raise' if dry_run else 'raised'} alerts marked imported;"
            " acknowledge each on the program's Alerts page."
        )
    return lines


def _check_instrument(instrument: str | None, registry) -> None:
    """Refuse an ``--instrument`` that is not an instrument id, with a "did you mean"."""
    if instrument is not None and instrument not in registry:
        from toolkit.instruments.rules import did_you_mean

        hint = did_you_mean(instrument, sorted(i.id for i in registry))
        raise CommandError("--instrument", f"'{instrument}' is not an instrument{hint}; give one of the ids")


def _assign_fhir_waves(session, program, table) -> None:
    """Give each response without a wave the wave whose window holds its date, then join a visit's responses."""
    from toolkit.exchange.import_foreign import date_waves
    from toolkit.store.followups import baseline_days

    date_waves(table, program.waves, lambda: baseline_days(session, program))


def file_kind(path: Path, fmt: str, options: dict) -> str:
    """The format to read: ``--format``, else ``fhir`` for .json, ``redcap`` with a dictionary, else ``fmt``.

    Raises :class:`CommandError` for an option of one format given with another.
    """
    from toolkit.exchange.import_foreign import import_kind
    from toolkit.exchange.import_foreign import misplaced

    kind = import_kind(path.suffix, fmt, dictionary=options.get("dictionary") is not None)
    for name, owner in misplaced(kind, [n for n, v in options.items() if v is not None]):
        raise CommandError(f"--{name}", f"--{name} is for --format {owner}; leave it out or give --format {owner}")
    return kind


def _read(path: Path, fmt: str, wave: str | None, mapping_file: Path | None, registry, options: dict):
    from toolkit.exchange.import_file import read_import_file
    from toolkit.exchange.import_map import IDENTITY
    from toolkit.exchange.import_map import read_map
    from toolkit.exchange.import_read import file_digest

    mapping = read_map(mapping_file) if mapping_file else IDENTITY
    suffix = path.suffix.lower()
    if fmt == "fhir":
        if mapping_file is not None:
            raise CommandError(
                "--map", "FHIR responses are mapped by their Questionnaire; give --questionnaire instead of --map"
            )
        from toolkit.exchange.import_foreign import read_fhir_file
        from toolkit.scoring import score

        _check_instrument(options["instrument"], registry)
        return read_fhir_file(
            path,
            file_digest(path),
            registry,
            lambda wide: score(wide, registry).scores,
            questionnaire=options["questionnaire"],
            instrument=options["instrument"],
            participant=options["participant"],
            wave=wave,
        )
    if fmt == "redcap":
        from toolkit.exchange.redcap_records import read_redcap_file

        if options["dictionary"] is None:
            raise CommandError(
                "--dictionary", "a REDCap records export needs its data dictionary; give --dictionary DICT.csv"
            )
        return read_redcap_file(path, options["dictionary"], registry, wave=wave, mapping=mapping)
    if fmt in ("sav", "dta") and suffix != f".{fmt}":
        raise CommandError("--format", f"{fmt} files end in .{fmt}; {path.name} does not")
    layout = fmt if fmt in ("wide", "long") else "auto"
    return read_import_file(path, str(path), file_digest(path), registry, layout=layout, wave=wave, mapping=mapping)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--program", "program_slug", required=True, help="The program to import into (its slug).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="The file's layout or kind; auto reads .sav, .dta and .json (FHIR) by their suffix, a file given"
    " with --dictionary as REDCap records, and CSV/XLSX as long when they have item and value columns, else wide.",
)
@click.option("--wave", default=None, help="The wave of every row, for a file without a wave column.")
@click.option(
    "--dictionary",
    type=click.Path(path_type=Path),
    default=None,
    help="redcap: the project's data dictionary (CSV), which says which field is which item.",
)
@click.option(
    "--questionnaire",
    type=click.Path(path_type=Path),
    default=None,
    help="fhir: the Questionnaire (JSON) the responses answered, when it is not contained in them.",
)
@click.option("--instrument", default=None, help="fhir: the instrument, when the Questionnaire has no LOINC code.")
@click.option("--participant", default=None, help="fhir: the participant, when a response names no subject.")
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
@click.option(
    "--all-new",
    is_flag=True,
    help="Every code close to an enrolled one is a new person (after checking the list a dry run shows).",
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
    dictionary: Path | None,
    questionnaire: Path | None,
    instrument: str | None,
    participant: str | None,
    same: tuple[str, ...],
    new_codes: tuple[str, ...],
    all_new: bool,
    replace: bool,
    dry_run: bool,
    database: str | None,
) -> None:
    """Import FILE (CSV, XLSX, SPSS .sav, Stata .dta, a REDCap records export or FHIR responses) into a program.

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
    options = {"dictionary": dictionary, "questionnaire": questionnaire, "instrument": instrument}
    options["participant"] = participant
    fmt = file_kind(file, fmt, options)
    table = _read(file, fmt, wave, mapping_file, registry, options)
    with store_session(database, write=not dry_run) as session:
        program = get_program(session, program_slug)
        before = previous_import(session, program, table.sha256)
        if before is not None:
            click.echo(
                f"{file}: already imported into {program.slug} on {before.imported_at:%Y-%m-%d %H:%M} UTC"
                f" (import {before.id}, as {before.file_name}); nothing to do."
            )
            return
        if fmt == "fhir":
            _assign_fhir_waves(session, program, table)
        fires = check_answers(table, registry)
        plan = plan_import(
            session, program, table, registry, fires, same=_pairs(same), new=set(new_codes), all_new=all_new
        )
        click.echo(
            f"{file}: read as {table.described}; {table.wave_count} participant-wave(s),"
            f" {table.answer_count} answer(s)."
        )
        for warning in table.warnings:
            click.echo(f"warning: {warning.where}: {warning.message}", err=True)
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
