"""``outcomes db``: create or upgrade the database schema."""

from __future__ import annotations

import click

from toolkit.commands._database import database_option


@click.group()
def db() -> None:
    """Create or upgrade the database schema."""


@db.command()
@database_option
def upgrade(database: str | None) -> None:
    """Apply every migration the database does not have yet (creates it when empty)."""
    from toolkit.commands._database import open_database
    from toolkit.store.engine import database_url
    from toolkit.store.engine import describe_url
    from toolkit.store.migrate import current_revision
    from toolkit.store.migrate import upgrade as run_upgrade

    url = database_url(override=database)
    engine = open_database(url)
    before = current_revision(engine)
    run_upgrade(engine)
    after = current_revision(engine)
    state = "already up to date" if before == after else f"upgraded from {before or 'empty'}"
    click.echo(f"{describe_url(url)}: schema at revision {after} ({state})")
    engine.dispose()


@db.command()
@database_option
def current(database: str | None) -> None:
    """Show the schema revision of the database and the newest one available."""
    from toolkit.commands._database import open_database
    from toolkit.store.engine import database_url
    from toolkit.store.engine import describe_url
    from toolkit.store.migrate import current_revision
    from toolkit.store.migrate import head_revision

    url = database_url(override=database)
    engine = open_database(url)
    click.echo(f"{describe_url(url)}: at {current_revision(engine) or 'empty'}; newest {head_revision()}")
    engine.dispose()
