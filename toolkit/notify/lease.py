"""The sender lease: at most one process per database sends notifications.

A row in ``sender_leases`` names the holder and when its lease ends. A
process takes or renews the lease with one conditional UPDATE (*it is mine,
or it has expired*) and creates the row with an INSERT when there is none;
the database decides between two processes trying at once (row lock on
PostgreSQL, the write lock on SQLite; a losing INSERT fails on the primary
key). Both databases therefore give the same answer: one holder at a time.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime
from datetime import timedelta
from datetime import UTC

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from toolkit.store.engine import begin_write
from toolkit.store.models import SenderLease
from toolkit.store.models import utcnow

LEASE_NAME = "notifications"
TTL_S = 10.0
RELEASED = datetime(1970, 1, 1, tzinfo=UTC)


def new_holder_id() -> str:
    """``host:pid:random``, unique per sender (fits the 100-character column)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _set_own_lease(session: Session, name: str, holder: str, expires: datetime, now: datetime) -> int:
    """Move the end of lease ``name`` to ``expires`` if ``holder`` has it; 1 when it did, else 0."""
    return session.execute(
        update(SenderLease)
        .where(SenderLease.name == name, SenderLease.holder == holder)
        .values(expires_at=expires, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def acquire(
    sessions: sessionmaker[Session],
    holder: str,
    *,
    name: str = LEASE_NAME,
    ttl_s: float = TTL_S,
    now: datetime | None = None,
) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + ttl_s``; True when held.

    Succeeds when ``holder`` already holds it, when it has expired, or when
    no row exists yet. Two callers never both get True for overlapping
    periods.
    """
    now = now or utcnow()
    expires = now + timedelta(seconds=ttl_s)
    with sessions() as session:
        begin_write(session)
        renewed = _set_own_lease(session, name, holder, expires, now)
        if not renewed:
            renewed = session.execute(
                update(SenderLease)
                .where(SenderLease.name == name, SenderLease.expires_at < now)
                .values(holder=holder, acquired_at=now, expires_at=expires, heartbeat_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
        if renewed:
            session.commit()
            return True
        if session.get(SenderLease, name) is not None:
            session.rollback()
            return False
        session.add(SenderLease(name=name, holder=holder, acquired_at=now, expires_at=expires, heartbeat_at=now))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
        return True


def release(
    sessions: sessionmaker[Session],
    holder: str,
    *,
    name: str = LEASE_NAME,
    now: datetime | None = None,
) -> bool:
    """Give the lease up at once if ``holder`` has it, so another process can take over.

    The row stays (with its last holder and heartbeat). Returns True when
    ``holder`` held it.
    """
    now = now or utcnow()
    with sessions() as session:
        begin_write(session)
        released = _set_own_lease(session, name, holder, RELEASED, now)
        session.commit()
    return bool(released)


def current_holder(
    sessions: sessionmaker[Session], *, name: str = LEASE_NAME, now: datetime | None = None
) -> str | None:
    """Who holds the lease now, or None when nobody does (for status pages and tests)."""
    now = now or utcnow()
    with sessions() as session:
        row = session.get(SenderLease, name)
        if row is None or row.expires_at < now:
            return None
        return row.holder
