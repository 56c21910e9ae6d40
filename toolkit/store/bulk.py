"""Inserting many rows quickly: one ``executemany`` through the driver, values converted once per distinct value.

SQLAlchemy's insert of a list of dicts compiles and converts every row
(about 30 µs a row); an import of a million answers would spend most of its
time there. :func:`bulk_insert` writes the same rows with the same column
types: each column's bind conversion (a timestamp to SQLite's text, a bool
to SQLite's integer) is applied once per distinct value, and the driver's
``executemany`` does the rest, inside the session's transaction (on
PostgreSQL, ``COPY`` on the same connection). The
garbage collector is paused while the rows exist as tuples: each new tuple
counts towards a collection, and each collection would walk every tuple
made so far (a million rows cost seconds of collections, nothing to free).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Table
from sqlalchemy.orm import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # SQLite's and psycopg's parameter styles


def bulk_insert(session: Session, table: Table, columns: dict[str, Sequence[Any]]) -> int:
    """Insert rows given column by column (equal-length sequences) into ``table``; returns how many were written."""
    connection = session.connection()
    dialect = connection.dialect
    style = dialect.paramstyle
    if style not in _PLACEHOLDER:
        raise ValueError(f"{dialect.name}: parameter style {style!r} is not supported by bulk_insert")
    converted = []
    for name, values in columns.items():
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values = list(values)
        if process is not None:
            try:
                done = {v: process(v) for v in set(values) if v is not None}
                values = [None if v is None else done[v] for v in values]
            except TypeError:  # unhashable values (JSON): convert each
                values = [None if v is None else process(v) for v in values]
        converted.append(values)
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join(_PLACEHOLDER[style] for _ in columns)
    with collector_paused():
        data = list(zip(*converted, strict=True))
        if data and dialect.name == "postgresql":
            _copy(connection, f'COPY "{table.name}" ({names}) FROM STDIN', data)
        elif data:
            connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', data)
    return len(data)


def _copy(connection: Connection, statement: str, rows: list[tuple]) -> None:
    """Send ``rows`` through PostgreSQL's ``COPY ... FROM STDIN`` on the session's own connection (its transaction).

    ``COPY`` streams the rows with no statement per row: several times faster
    than ``executemany`` for a large import. psycopg adapts each value as it
    would a query parameter.
    """
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's garbage collector inside the block (if it was running), for building many tuples at once."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
