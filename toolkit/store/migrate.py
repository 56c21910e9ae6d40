"""Alembic, configured in code: the migration scripts ship inside the package.

Alembic is imported only when a migration may be needed: :func:`upgrade_if_behind`
(what ``outcomes serve`` runs at start-up) first compares the database's
revision with the newest one the shipped scripts declare, read from their
headers, and leaves Alembic unimported when they match (about 0.1 s saved on
every server start).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_DECLARED = re.compile(r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(None|"[^"\n]*"|'[^'\n]*')\s*$""", re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates the database behind ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this version of the toolkit."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def is_current(engine: Engine) -> bool:
    """True when the database schema is at the newest revision."""
    return current_revision(engine) == head_revision()


def declared_head() -> str | None:
    """The newest revision, read from the scripts' ``revision`` and ``down_revision`` lines without Alembic.

    None when that is not certain (a script without both lines, a merge or a
    branch): then only Alembic can say.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        declared = dict(match.groups() for match in _DECLARED.finditer(script.read_text(encoding="utf-8")))
        if set(declared) != {"revision", "down_revision"} or declared["revision"] == "None":
            return None
        revisions.add(declared["revision"][1:-1])
        if declared["down_revision"] != "None":
            parents.add(declared["down_revision"][1:-1])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return None
    return heads.pop()


def _stored_revisions(engine: Engine) -> list[str] | None:
    """The revisions in the database's version table; None when it cannot be read (no such table yet)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")]
    except SQLAlchemyError:
        return None


def upgrade_if_behind(engine: Engine) -> bool:
    """Upgrade to the newest revision unless the database is there already; True when Alembic ran.

    The check reads the version table directly and the newest revision from
    the scripts (:func:`declared_head`); whenever either is in doubt, Alembic
    upgrades as :func:`upgrade` does (a no-op at head).
    """
    head = declared_head()
    if head is not None and _stored_revisions(engine) == [head]:
        return False
    upgrade(engine)
    return True
