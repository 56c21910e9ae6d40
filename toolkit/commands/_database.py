"""The ``--database`` option shared by the commands that open the store."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

database_option = click.option(
    "--database",
    "database",
    metavar="URL",
    default=None,
    help="SQLAlchemy URL of the database (default: $DATABASE_URL, else instance/outcomes.sqlite).",
)


def open_database(url: str):
    """The engine for ``url``, or a clear error (exit 1) when the database cannot be opened."""
    from toolkit.store.engine import open_engine
    from toolkit.store.errors import DatabaseUnavailableError

    try:
        return open_engine(url)
    except DatabaseUnavailableError as exc:
        raise click.ClickException(str(exc)) from None


def open_store(database: str | None, *, require_current: bool = True):
    """The engine and a session for the database, checking its schema is migrated."""
    from toolkit.store.engine import database_url
    from toolkit.store.engine import describe_url
    from toolkit.store.engine import make_sessionmaker
    from toolkit.store.migrate import is_current

    url = database_url(override=database)
    engine = open_database(url)
    if require_current and not is_current(engine):
        raise click.ClickException(
            f"{describe_url(url)}: the database schema is missing or out of date; run `outcomes db upgrade` first"
        )
    return engine, make_sessionmaker(engine)()


@contextlib.contextmanager
def store_session(database: str | None, *, write: bool = True) -> Iterator:
    """A session for one command: committed when the block ends, rolled back on any error.

    A command that changes the store (``write``) takes SQLite's write lock at
    the start, as the web app does: it reads and then writes while a running
    server may be writing too, and would otherwise be refused ("database is
    locked") instead of waiting its turn. A
    :class:`~toolkit.store.errors.StoreError` (bad input the store refused)
    becomes a one-line command error; the session and engine are always closed.
    """
    from toolkit.store.engine import begin_write
    from toolkit.store.errors import StoreError

    engine, session = open_store(database)
    try:
        if write:
            begin_write(session)
        yield session
        session.commit()
    except StoreError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
