"""Signing in and checking a staff member's own password, within the sign-in limits.

Every check follows the same three steps: reserve the attempt against its
limits (a short write transaction, :mod:`toolkit.store.sign_in_limits`),
check the password outside any transaction (about 35 ms of argon2, which
must not hold SQLite's write lock), then record the outcome. Unknown and
inactive accounts are checked against a dummy hash made with the same
parameters, so they answer in the same time as real ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store import users
from toolkit.store.audit import record
from toolkit.store.models import StaffUser
from toolkit.store.password_policy import password_problem
from toolkit.store.sign_in_limits import reserve
from toolkit.store.sign_in_limits import settle
from toolkit.store.sign_in_limits import sign_in_keys


@dataclass(frozen=True)
class SignInResult:
    """The outcome of an attempt: the user when it succeeded, else how long to wait (0: just wrong)."""

    user: StaffUser | None = None
    wait_s: int = 0

    @property
    def checked(self) -> bool:
        """True when the password was checked (the attempt was not refused by a limit)."""
        return self.wait_s == 0


@dataclass(frozen=True)
class _Account:
    id: int
    password_hash: str
    active: bool


def _account(session: Session, email: str) -> _Account | None:
    row = session.execute(
        select(StaffUser.id, StaffUser.password_hash, StaffUser.active).where(StaffUser.email == email)
    ).first()
    return _Account(*row) if row is not None else None


def _browser_key(browser: tuple[str, frozenset[int]] | None, account: _Account | None) -> str | None:
    if browser is None or account is None or account.id not in browser[1]:
        return None
    return f"{browser[0]}:{account.id}"


def authenticate(
    session: Session,
    email: str,
    password: str,
    address: str,
    browser: tuple[str, frozenset[int]] | None = None,
) -> SignInResult:
    """Sign in: the active user with these credentials, or why not (committed).

    ``address`` is the client's address; ``browser`` is this browser's random
    id with the accounts that signed in on it before (a known browser is
    limited on its own, so nobody can keep its account waiting). A password
    that no longer meets the policy sets ``password_change_required``.
    """
    email = users.normalize_email(email)
    account = _account(session, email)
    keys = sign_in_keys(email, address, _browser_key(browser, account))
    wait = reserve(session, keys)
    if wait > 0:
        return SignInResult(wait_s=math.ceil(wait))
    usable = account is not None and account.active
    matches = users.verify_hash(account.password_hash if usable else users.dummy_hash(), password)
    ok = usable and matches
    new_hash = users.hash_password(password) if ok and users.needs_rehash(account.password_hash) else None
    weak = ok and password_problem(password, email) is not None
    settle(session, keys, ok)
    if not ok:
        record(session, "sign_in_failed", staff_id=account.id if account else None, address=address)
        session.commit()
        return SignInResult()
    user = session.get(StaffUser, account.id, populate_existing=True)
    if new_hash is not None:
        user.password_hash = new_hash
    if weak and not user.password_change_required:
        user.password_change_required = True
        record(session, "password_change_required", staff_id=user.id, reason="policy")
    record(session, "signed_in", staff_id=user.id, address=address)
    session.commit()
    return SignInResult(user)


def check_own_password(
    session: Session,
    user_id: int,
    password: str,
    address: str,
    browser: tuple[str, frozenset[int]] | None = None,
) -> SignInResult:
    """Check a signed-in user's password (before a change) within the same limits (committed).

    Returns the user when it is right; otherwise how long to wait, if a limit refused it.
    """
    user = session.get(StaffUser, user_id)
    if user is None:
        return SignInResult()
    account = _Account(user.id, user.password_hash, user.active)
    email = user.email
    keys = sign_in_keys(email, address, _browser_key(browser, account))
    wait = reserve(session, keys)
    if wait > 0:
        return SignInResult(wait_s=math.ceil(wait))
    ok = account.active and users.verify_hash(account.password_hash, password)
    settle(session, keys, ok)
    if not ok:
        record(session, "password_check_failed", staff_id=account.id, address=address)
    session.commit()
    return SignInResult(session.get(StaffUser, account.id) if ok else None)
