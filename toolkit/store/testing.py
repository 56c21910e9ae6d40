"""Scratch databases for tests: a private PostgreSQL schema, and emptying tables between tests."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.engine import make_url

from toolkit.store.models import Base


@contextmanager
def scratch_schema(base_url: str) -> Iterator[str]:
    """A URL for a new, empty PostgreSQL schema that is dropped afterwards.

    Runs of the test suite that share one server do not see each other's tables.
    """
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def clear_tables(engine: Engine) -> None:
    """Delete every row of every table (the schema and Alembic's version stay)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
