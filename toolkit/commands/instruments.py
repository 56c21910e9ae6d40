"""``outcomes instruments``: list, show and validate instrument definitions."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.errors import EXIT_BAD_INPUT
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
