"""Sign-in limits by exponential delay: per account, per client address, per known browser, overall.

Each key allows a few failures freely; every further failure doubles the
wait before the next attempt against that key, up to a cap. There is no
hard lock-out: once the wait is over, the right password gets in. A key
left unused for a while is forgotten, and its row is purged.

An attempt is *reserved* before its password is checked, in one short write
transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the key rows are locked
with ``SELECT ... FOR UPDATE``): every key is read and, unless one of them
still makes the attempt wait, counted as failed at once. Parallel guesses
therefore see each other and cannot check more passwords than the limits
allow. The slow password check happens afterwards, outside any write
transaction; :func:`settle` then gives a successful attempt back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from toolkit.store.engine import begin_write
from toolkit.store.models import SignInLimit
from toolkit.store.models import utcnow

Key = tuple[str, str]
"""A limit's scope (``account``, ``address``, ``browser`` or ``global``) and its key."""


@dataclass(frozen=True)
class Limit:
    """How one scope counts: ``free`` failures without a wait, then a doubling wait up to a cap."""

    free: int
    first_wait_s: float
    max_wait_s: float
    forget_after_s: float

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures before the next attempt."""
        if failures < self.free:
            return 0.0
        return min(self.first_wait_s * 2 ** min(failures - self.free, 40), self.max_wait_s)


LIMITS: dict[str, Limit] = {
    # one account, from anywhere: at most about 60 checks an hour once the wait is at its cap
    "account": Limit(free=5, first_wait_s=1, max_wait_s=60, forget_after_s=3600),
    # one client address, whatever the accounts (spraying one password over many emails)
    "address": Limit(free=10, first_wait_s=1, max_wait_s=900, forget_after_s=3600),
    # a browser where this account signed in before: it skips the other limits
    "browser": Limit(free=5, first_wait_s=1, max_wait_s=900, forget_after_s=3600),
    # every failure anywhere (spraying from many addresses)
    "global": Limit(free=50, first_wait_s=1, max_wait_s=30, forget_after_s=900),
}
GLOBAL_KEY: Key = ("global", "*")
RESET_ON_SUCCESS = frozenset({"account", "browser"})
"""Scopes whose count starts again after a right password; the others only get that attempt back."""


def now() -> datetime:
    """The current time (a seam for tests)."""
    return utcnow()


def _ensure_rows(session: Session, keys: list[Key], at: datetime) -> None:
    # the dialects are imported here, so the web app starts without PostgreSQL's on SQLite
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"scope": s, "key": k, "failures": 0, "last_at": at} for s, k in keys]
    session.execute(insert(SignInLimit).values(rows).on_conflict_do_nothing())


def _effective(row: SignInLimit, at: datetime) -> int:
    limit = LIMITS[row.scope]
    if (at - row.last_at).total_seconds() >= limit.forget_after_s:
        return 0
    return row.failures


def reserve(session: Session, keys: list[Key]) -> float:
    """Count one attempt against every key and commit; or, if a key still says wait, the seconds to wait.

    A refused attempt changes nothing (its transaction is rolled back), so
    refusals cost the database nothing lasting. ``session`` must not be in a
    transaction that holds changes of its own: it is committed or rolled back.
    """
    keys = sorted(set(keys))
    at = now()
    session.rollback()
    begin_write(session)
    _ensure_rows(session, keys, at)
    rows = [session.get(SignInLimit, key, with_for_update=True, populate_existing=True) for key in keys]
    waits = []
    for row in rows:
        opens = row.last_at + timedelta(seconds=LIMITS[row.scope].wait_after(_effective(row, at)))
        waits.append((opens - at).total_seconds())
    wait = max(waits, default=0.0)
    if wait > 0:
        session.rollback()
        return wait
    for row in rows:
        row.failures = _effective(row, at) + 1
        row.last_at = at
    session.commit()
    return 0.0


def settle(session: Session, keys: list[Key], ok: bool) -> None:
    """Record the outcome of a reserved attempt (not committed); old rows are purged.

    A failure was already counted by :func:`reserve`. A success clears the
    account's and the browser's counts and gives the attempt back to the
    address and global counts.
    """
    begin_write(session)
    if ok:
        for key in sorted(set(keys)):
            row = session.get(SignInLimit, key, with_for_update=True, populate_existing=True)
            if row is None:
                continue
            row.failures = 0 if row.scope in RESET_ON_SUCCESS else max(row.failures - 1, 0)
    purge(session)


def purge(session: Session) -> int:
    """Delete rows unused for longer than any limit remembers (not committed); returns how many."""
    oldest = now() - timedelta(seconds=max(limit.forget_after_s for limit in LIMITS.values()))
    return session.execute(delete(SignInLimit).where(SignInLimit.last_at < oldest)).rowcount


def sign_in_keys(email: str, address: str, browser: str | None = None) -> list[Key]:
    """The keys an attempt counts against: its browser's, when the account signed in there before.

    Otherwise the account, the client address and the global count.
    """
    if browser is not None:
        return [("browser", browser[:254])]
    return [("account", email[:254]), ("address", address[:254]), GLOBAL_KEY]


def describe_wait(seconds: int) -> str:
    """``1 second``, ``32 seconds``, ``15 minutes``: a wait in words."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{round(seconds / 60)} minutes"
