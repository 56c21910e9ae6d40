"""The ``--database`` option shared by the commands that open the store, and how store errors are shown."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from toolkit.errors import CommandError
from toolkit.errors import SetupError

database_option = click.option(
    "--database",
    "database",
    metavar="URL",
    default=None,
    help="SQLAlchemy URL of the database (default: $DATABASE_URL, else instance/outcomes.sqlite).",
)

URL_SOURCES = "--database, else DATABASE_URL"
"""Where the command line takes the database URL from, for messages."""

PARAMETERS = {
    "instrument_choice": ("choices",),
    "program": ("programs", "slug"),
    "followup_target_pct": ("followup_target",),
}
"""Store fields whose command parameter has another name (the rest are named alike, maybe with a unit suffix)."""


def open_database(url: str):
    """The engine for ``url``.

    When it cannot be opened: a :class:`SetupError` (exit 1) naming where the URL came from.
    """
    from toolkit.store.engine import open_engine
    from toolkit.store.errors import DatabaseUnavailableError

    try:
        return open_engine(url)
    except DatabaseUnavailableError as exc:
        raise SetupError(f"{exc} (the URL comes from {URL_SOURCES})") from None


def open_store(database: str | None, *, require_current: bool = True):
    """The engine and a session for the database, checking its schema is migrated."""
    from toolkit.store.engine import database_url
    from toolkit.store.engine import describe_url
    from toolkit.store.engine import make_sessionmaker
    from toolkit.store.migrate import is_current

    url = database_url(override=database)
    engine = open_database(url)
    if require_current and not is_current(engine):
        engine.dispose()
        raise SetupError(
            f"{describe_url(url)}: the database schema is missing or out of date; run `outcomes db upgrade` first"
        )
    return engine, make_sessionmaker(engine)()


def command_error(exc) -> CommandError:  # a toolkit.store.errors.StoreError
    """A store error as the command line shows it: under the option or argument of its ``field``.

    The store names the field at fault (``time_zone``) and starts its message
    with the field's label ("time zone: ..."); on the command line the
    location is the option instead (``--time-zone: ...``). A field no
    parameter of the running command stands for keeps the store's message.
    """
    message = str(exc)
    where = _parameter_hint(exc.field) if exc.field else None
    if where is not None:
        from toolkit.store.program_settings import LABELS

        for label in {exc.field, exc.field.replace("_", " "), LABELS.get(exc.field, exc.field)}:
            if message.startswith(f"{label}: "):
                message = message[len(label) + 2 :]
                break
    return CommandError(where, message, exit_code=exc.exit_code)


def _parameter_hint(field: str) -> str | None:
    """The option (``--time-zone``) or argument (``SLUG``) of the running command that sets ``field``."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    names = {field, field.removesuffix("_s"), field.removesuffix("_url"), *PARAMETERS.get(field, ())}
    for param in ctx.command.params:
        if param.name in names:
            if isinstance(param, click.Option):
                return param.opts[0]
            return param.human_readable_name
    return None


@contextlib.contextmanager
def store_session(database: str | None, *, write: bool = True) -> Iterator:
    """A session for one command: committed when the block ends, rolled back on any error.

    A command that changes the store (``write``) takes SQLite's write lock at
    the start, as the web app does: it reads and then writes while a running
    server may be writing too, and would otherwise be refused ("database is
    locked") instead of waiting its turn. A
    :class:`~toolkit.store.errors.StoreError` (bad input the store refused)
    becomes a :class:`~toolkit.errors.CommandError` under its option
    (:func:`command_error`); the session and engine are always closed.
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
        raise command_error(exc) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
