"""What a request changed in the database: row counts of every table, and the content of the data tables.

A refused request (a 4xx, or a redirect that comes back to its form with an
error) must leave the database as it was, except for what any request may
write: the browser session, the audit log and the sign-in limits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

ANY_REQUEST = frozenset({"web_sessions", "audit_events", "login_failures", "alembic_version"})
"""Tables any request may change: browser sessions, the audit log, failed sign-ins."""

SIGN_IN_LIMITS = ("login", "throttle", "rate_limit", "lockout", "attempt")
"""Words in the names of tables that limit sign-in attempts (they change on a refused sign-in)."""

COUNT_ONLY = frozenset({"kiosk_sessions", "sender_leases", "page_drafts"})
"""Tables whose rows a refused request may touch without changing what they mean: a kiosk
session's idle deadline, the sender's lease, a draft's time. Their row counts are compared,
not their content."""

IGNORED_COLUMNS = {"staff_users": {"pin_failures", "pin_locked_until"}}
"""Columns not compared: a staff member's wrong-PIN counter and lock limit attempts, so they
change on a refused PIN."""


def volatile(table: str) -> bool:
    """True for tables any request may change."""
    return table in ANY_REQUEST or any(word in table for word in SIGN_IN_LIMITS)


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    digests: dict[str, str]

    def changes(self, after: Snapshot, ignore: frozenset[str] = frozenset()) -> list[str]:
        """What differs in ``after``, one line per table (volatile tables and those in ``ignore`` left out)."""
        lines = []
        for table in sorted(set(self.counts) | set(after.counts)):
            if volatile(table) or table in ignore:
                continue
            before_n, after_n = self.counts.get(table), after.counts.get(table)
            if before_n != after_n:
                lines.append(f"{table}: {before_n} -> {after_n} rows")
            elif self.digests.get(table) != after.digests.get(table):
                lines.append(f"{table}: content changed ({after_n} rows)")
        return lines


class Snapshots:
    """Takes snapshots of one database in one query (its tables and columns are read once)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        inspector = inspect(engine)
        parts = []
        for table in sorted(inspector.get_table_names()):
            if volatile(table):
                continue
            if table in COUNT_ONLY:
                parts.append(f"SELECT '{table}', count(*), '' FROM \"{table}\"")
                continue
            skip = IGNORED_COLUMNS.get(table, set())
            columns = [c["name"] for c in inspector.get_columns(table) if c["name"] not in skip]
            parts.append(
                f"SELECT '{table}', count(*), {self._rows(engine.dialect.name, table, columns)} FROM \"{table}\" t"
            )
        self.query = text(" UNION ALL ".join(parts))

    @staticmethod
    def _rows(dialect: str, table: str, columns: list[str]) -> str:
        """An SQL expression: every row of the table as text, in a stable order."""
        if dialect == "postgresql":
            row = "concat_ws('|', " + ", ".join(f"coalesce(t.\"{c}\"::text, '-')" for c in columns) + ")"
            return f"coalesce(string_agg({row}, '\n' ORDER BY {row}), '')"
        row = " || '|' || ".join(f'quote(t."{c}")' for c in columns)
        return (
            f"coalesce((SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM \"{table}\" t ORDER BY 1)), '')"
        )

    def take(self) -> Snapshot:
        with self.engine.connect() as conn:
            rows = conn.execute(self.query).all()
            conn.rollback()
        counts = {table: int(n) for table, n, _rows in rows}
        digests = {table: hashlib.sha256(str(content).encode()).hexdigest() for table, _n, content in rows}
        return Snapshot(counts, digests)
