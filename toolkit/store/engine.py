"""Where the database is and how to connect to it.

Every entry point (the web app and each CLI command) asks
:func:`database_url` for the URL and :func:`make_engine` for the engine, so
``DATABASE_URL`` means the same thing everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import Engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

DEFAULT_FILENAME = "outcomes.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "outcomes_write"


def default_instance_path() -> Path:
    """``$OUTCOMES_INSTANCE``, else the ``instance/`` folder of the working directory."""
    env = os.environ.get("OUTCOMES_INSTANCE")
    return Path(env) if env else Path.cwd() / "instance"


def database_url(instance_path: Path | str | None = None, override: str | None = None) -> str:
    """The database URL: ``override``, else ``$DATABASE_URL``, else SQLite in the instance folder.

    Examples
    --------
    >>> database_url(override="sqlite:///x.db")
    'sqlite:///x.db'
    """
    if override:
        return override
    env = os.environ.get("DATABASE_URL")
    if env:
        return env
    folder = Path(instance_path) if instance_path is not None else default_instance_path()
    return f"sqlite:///{(folder / DEFAULT_FILENAME).resolve()}"


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return on_connect


def _sqlite_begin(conn) -> None:
    # A transaction that reads and then writes must take the write lock at its
    # start (BEGIN IMMEDIATE); otherwise a concurrent commit makes its first
    # write fail at once with "database is locked" instead of waiting.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _private_sqlite_file(path: Path) -> None:
    """Create a new database file readable by its owner only (0600), in a folder made 0700.

    SQLite creates its WAL and shared-memory files with the database file's
    permissions, so they are private too. Existing files and folders are left
    as they are.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL, busy timeout and foreign keys on every connection.

    A SQLite file's folder is created when it does not exist. Other keyword
    arguments go to :func:`sqlalchemy.create_engine`.
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            _private_sqlite_file(Path(db).expanduser().resolve())
        kwargs.setdefault("connect_args", {}).setdefault("timeout", busy_timeout_ms / 1000)
        # the driver's own transaction handling is turned off so BEGIN IMMEDIATE is ours
        kwargs["connect_args"].setdefault("isolation_level", None)
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def open_engine(url: str, **kwargs) -> Engine:
    """:func:`make_engine`, then one connection to check the database can be opened.

    Raises
    ------
    DatabaseUnavailableError
        Naming the database (password hidden) and how to fix the URL or the server.
    """
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.exc import InterfaceError
    from sqlalchemy.exc import NoSuchModuleError
    from sqlalchemy.exc import OperationalError

    from toolkit.store.errors import DatabaseUnavailableError

    try:
        engine = make_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailableError(
            f"database URL: not a URL this toolkit can open ({str(exc).splitlines()[0]}); use one such as"
            " sqlite:///instance/outcomes.sqlite or postgresql+psycopg://user@host:5432/dbname"
        ) from None
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise DatabaseUnavailableError(
            f"{describe_url(url)}: cannot create the database's folder ({exc.strerror}: {exc.filename});"
            " choose a path you can write to"
        ) from None
    try:
        with engine.connect():
            pass
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise DatabaseUnavailableError(
            f"{describe_url(url)}: cannot open the database ({reason}); check the database"
            " URL, and that the database server is running"
        ) from None
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start ``session``'s transaction as a write transaction (SQLite: ``BEGIN IMMEDIATE``).

    Call it before the first query of a unit of work that reads and then
    writes. It does nothing when the transaction has already begun.
    """
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})
