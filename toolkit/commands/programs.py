"""``outcomes programs``: manage programs, waves and batteries."""

from __future__ import annotations

import click

from toolkit.commands._database import database_option
from toolkit.commands._database import store_session


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@click.group()
def programs() -> None:
    """Manage programs, waves and batteries."""


@programs.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The program's name as shown to staff and in the report.")
@click.option("--waves", required=True, help="Waves in order, comma-separated, e.g. baseline,exit.")
@click.option("--battery", required=True, help="Instrument ids in order, comma-separated, e.g. phq9,gad7,gse.")
@click.option("--instrument-choice", "choices", multiple=True, metavar="ID", help="Use an alternative instrument, e.g. phq8 in place of phq9.")
@click.option("--page-mode", type=click.Choice(["section", "item"]), default="section", show_default=True, help="One instrument per page, or one question per screen.")
@click.option("--idle-timeout", type=click.IntRange(30, 3600), default=300, show_default=True, help="Seconds without a touch before the tablet locks.")
@click.option("--crisis-en", default=None, help="Crisis message in English (default names the 988 Lifeline).")
@click.option("--crisis-es", default=None, help="Crisis message in Spanish (default names the 988 Lifeline).")
@database_option
def add(slug, name, waves, battery, choices, page_mode, idle_timeout, crisis_en, crisis_es, database) -> None:
    """Add a program with its waves and battery of instruments."""
    from toolkit.instruments import default_registry
    from toolkit.store.programs import battery_with_choices
    from toolkit.store.programs import create_program

    with store_session(database) as session:
        instruments = battery_with_choices(_split(battery), list(choices))
        program = create_program(
            session,
            default_registry(),
            slug,
            name,
            _split(waves),
            instruments,
            page_mode=page_mode,
            idle_timeout_s=idle_timeout,
            crisis_en=crisis_en,
            crisis_es=crisis_es,
        )
    click.echo(f"added {program.slug}: waves {', '.join(_split(waves))}; battery {', '.join(instruments)}")


@programs.command("list")
@database_option
def list_programs(database: str | None) -> None:
    """List programs with their waves and battery."""
    from sqlalchemy import select

    from toolkit.store.models import Program

    with store_session(database) as session:
        rows = session.scalars(select(Program).order_by(Program.slug)).all()
        if not rows:
            click.echo("no programs yet; add one with `outcomes programs add`")
        for p in rows:
            waves = ",".join(w.name for w in p.waves)
            battery = ",".join(b.instrument_id for b in p.battery)
            click.echo(f"{p.slug}\t{p.name}\twaves={waves}\tbattery={battery}\tpages={p.page_mode}")
