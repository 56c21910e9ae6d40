"""``outcomes instruments``: list, show, validate and export instrument definitions."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.errors import EXIT_BAD_INPUT
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.errors import InstrumentError
from toolkit.errors import print_error


@click.group()
def instruments() -> None:
    """List, show and validate instrument definitions."""


@instruments.command("list")
def list_instruments() -> None:
    """One line per instrument: id, version, title, domain, licence, languages."""
    from toolkit.instruments import default_registry

    reg = default_registry()
    click.echo(f"{'id':<12} {'ver':>3}  {'title':<12} {'domain':<9} {'area':<18} {'licence':<16} languages")
    for inst in reg:
        langs = ",".join(inst.languages) or "(wording not shipped)"
        click.echo(
            f"{inst.id:<12} {inst.version:>3}  {inst.short_title:<12} {inst.domain.value:<9}"
            f" {inst.area.value:<18} {inst.licence.status.value:<16} {langs}"
        )


@instruments.command("show")
@click.argument("instrument_id")
def show(instrument_id: str) -> None:
    """Items, scales, bands and reliable-change rules of one instrument."""
    from toolkit.instruments import default_registry

    reg = default_registry()
    inst = reg.get(instrument_id)
    click.echo(f"{inst.short_title}: {inst.title} (id {inst.id}, version {inst.version})")
    click.echo(f"  measures  {inst.construct_name}; domain {inst.domain.value}, area {inst.area.value}")
    click.echo(f"  citation  {inst.citation}")
    click.echo(f"  licence   {inst.licence.status.value}. {inst.licence.note}".rstrip())
    click.echo(f"  items     {len(inst.items)} ({len(inst.scored_items)} scored)")
    for item in inst.items:
        flags = [
            f
            for f, on in (
                ("reverse", item.reverse),
                ("filler", item.filler),
                ("alert " + (item.alert.when if item.alert else ""), item.alert),
            )
            if on
        ]
        text = item.text.get("en", "(wording not shipped)")
        click.echo(f"    {item.id:<16} {text[:60]}{' [' + ', '.join(flags) + ']' if flags else ''}")
    for spec in reg.scales(inst.id):
        click.echo(
            f"  scale {spec.id}: {spec.method} of {len(spec.items)} items, range {spec.range[0]:g}-{spec.range[1]:g},"
            f" higher is {spec.higher_is}, scored when >= {spec.min_answered} answered"
        )
        for band in spec.bands:
            click.echo(f"    band {band.min:g}-{band.max:g}: {band.label}")
        if spec.clinical_cutoff is not None:
            click.echo(f"    clinical cut-off {spec.clinical_cutoff:g}")
        rc = spec.reliable_change
        if rc is not None:
            rule = f"threshold {rc.threshold:g}" if rc.threshold else f"SD {rc.sd or 'sample'}, r {rc.reliability}"
            click.echo(f"    reliable change: {rule} ({rc.source})")


@instruments.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check instrument files (default: the shipped instruments/ folder).

    Exits 0 when every file is valid; otherwise prints one
    ``error: FILE:LINE: message`` line per problem and exits 2. A folder, a
    missing or unreadable file is a problem too.
    """
    from toolkit.instruments import Registry
    from toolkit.instruments.yaml_source import folder_problem

    folders = [p for p in paths if Path(p).is_dir()]
    files = [p for p in paths if p not in folders]
    problems = [folder_problem(p) for p in folders]
    reg = None
    if files or not paths:
        try:
            reg = Registry.load(files or None)
        except InstrumentError as exc:
            problems.extend(exc.problems)
    if problems or reg is None:
        print_error(InstrumentError(problems))
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    click.echo(f"{len(reg)} instrument(s) valid.")


EXPORT_FORMATS = {"redcap": ".csv", "fhir": ".json", "xlsform": ".xlsx"}
"""Each export format with the file name ending it writes."""


@instruments.command("export")
@click.argument("instrument_ids", metavar="ID...", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(sorted(EXPORT_FORMATS)),
    help="What to write (see docs/exchange.md).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (.csv for redcap, .json for fhir, .xlsx for xlsform); fhir prints to the screen without "
    "it.",
)
@click.option("--base-url", help="fhir: the FHIR base address the Questionnaire's url starts with.")
@click.option(
    "--licensed-wording",
    is_flag=True,
    help="Export a licensed instrument with the wording of your overlay (your licence must allow the copy).",
)
def export(
    instrument_ids: tuple[str, ...], fmt: str, out: Path | None, base_url: str | None, licensed_wording: bool
) -> None:
    """Write instruments as a REDCap data dictionary, a FHIR Questionnaire or an XLSForm.

    A REDCap dictionary may hold several instruments (one form each); a FHIR
    Questionnaire and an XLSForm hold one.
    """
    from toolkit.errors import CommandError
    from toolkit.exchange.instrument_export import check_exportable
    from toolkit.files import write_atomically
    from toolkit.instruments import default_registry

    if fmt != "redcap" and len(instrument_ids) > 1:
        raise CommandError(
            "ID", f"the {fmt} format holds one instrument; export {', '.join(instrument_ids)} one at a time"
        )
    if out is None and fmt != "fhir":
        raise CommandError(
            "--out", f"the {fmt} format is written to a file; name it with --out FILE{EXPORT_FORMATS[fmt]}"
        )
    if out is not None and out.suffix.lower() != EXPORT_FORMATS[fmt]:
        raise CommandError(
            "--out", f"{out}: the {fmt} format is a {EXPORT_FORMATS[fmt]} file; end the name in {EXPORT_FORMATS[fmt]}"
        )
    registry = default_registry()
    chosen = [registry.get(i) for i in dict.fromkeys(instrument_ids)]
    for inst in chosen:
        check_exportable(inst, licensed_wording)
    if fmt == "fhir" and out is None:
        from toolkit.exchange.fhir_questionnaire import write_questionnaire

        click.echo(write_questionnaire(chosen[0], None, base_url), nl=False)
        return
    try:
        write_atomically(out, lambda tmp: _write_export(fmt, chosen, tmp, base_url))
    except OSError as exc:
        raise CommandError(
            str(out), f"cannot write the file ({exc.strerror}); check the folder", exit_code=EXIT_ENVIRONMENT
        ) from exc
    names = ", ".join(inst.id for inst in chosen)
    click.echo(f"Wrote {names} as {fmt} to {out}.")


def _write_export(fmt: str, chosen: list, path: Path, base_url: str | None) -> None:
    """Write one export format to ``path``."""
    if fmt == "redcap":
        from toolkit.exchange.redcap_dictionary import write_redcap_dictionary

        write_redcap_dictionary(chosen, path)
    elif fmt == "fhir":
        from toolkit.exchange.fhir_questionnaire import write_questionnaire

        write_questionnaire(chosen[0], path, base_url)
    else:
        from toolkit.exchange.xlsform import write_xlsform

        write_xlsform(chosen[0], path)
