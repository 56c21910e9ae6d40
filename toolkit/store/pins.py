"""Staff PINs: a short code that unlocks a kiosk for the next participant, never the staff pages.

PINs are argon2id-hashed like passwords. Five wrong PINs in a row lock that
staff member's PIN for 15 minutes (a full sign-in still works); every set,
unlock, failure and lock-out is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy.orm import Session

from toolkit.store import users
from toolkit.store.audit import record
from toolkit.store.engine import begin_write
from toolkit.store.errors import StoreError
from toolkit.store.models import StaffUser
from toolkit.store.models import utcnow

PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
MAX_PIN_FAILURES = 5
PIN_LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class PinCheck:
    """The outcome of a PIN: ``ok``, or refused with the time the lock-out ends (if locked)."""

    ok: bool
    locked_until: datetime | None = None
    failures_left: int = 0


def _too_simple(pin: str) -> bool:
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    return len(set(pin)) == 1 or steps in ({1}, {-1})


def set_pin(session: Session, user: StaffUser, password: str, pin: str) -> None:
    """Set ``user``'s PIN after checking their password (not committed).

    Raises :class:`StoreError` naming the field: a wrong password, or a PIN
    that is not 4-8 digits or is a run such as 1111 or 1234.
    """
    if not users.check_password(user, password):
        raise StoreError("password: that is not your password; type the password you sign in with", field="password")
    if not PIN_PATTERN.match(pin):
        raise StoreError("PIN: use 4 to 8 digits", field="pin")
    if _too_simple(pin):
        raise StoreError("PIN: too easy to guess (all one digit, or a run like 1234); choose another", field="pin")
    user.pin_hash = users.hash_password(pin)
    user.pin_failures = 0
    user.pin_locked_until = None
    record(session, "pin_set", staff_id=user.id)


def clear_pin(session: Session, user: StaffUser) -> None:
    """Remove ``user``'s PIN (not committed)."""
    user.pin_hash = None
    user.pin_failures = 0
    user.pin_locked_until = None
    record(session, "pin_cleared", staff_id=user.id)


def check_pin(session: Session, user: StaffUser, pin: str) -> PinCheck:
    """Check a PIN typed on a kiosk, counting failures and locking out (not committed).

    A locked PIN is refused without being checked; an inactive account or
    one without a PIN never unlocks. The slow hash is checked outside any
    write transaction; the counters are then updated in a short one, with
    the lock-out read again so parallel guesses cannot slip past it.
    """
    now = utcnow()
    if user.pin_locked_until is not None and user.pin_locked_until > now:
        return PinCheck(False, user.pin_locked_until)
    ok = (
        user.active
        and user.pin_hash is not None
        and PIN_PATTERN.match(pin) is not None
        and users.verify_hash(user.pin_hash, pin)
    )
    user_id = user.id
    session.rollback()
    begin_write(session)
    user = session.get(StaffUser, user_id, populate_existing=True, with_for_update=True)
    if user.pin_locked_until is not None and user.pin_locked_until > now:
        return PinCheck(False, user.pin_locked_until)
    if ok:
        user.pin_failures = 0
        user.pin_locked_until = None
        record(session, "pin_unlocked", staff_id=user.id)
        return PinCheck(True)
    user.pin_failures = (user.pin_failures or 0) + 1
    record(session, "pin_failed", staff_id=user.id, failures=user.pin_failures)
    if user.pin_failures >= MAX_PIN_FAILURES:
        user.pin_locked_until = now + PIN_LOCKOUT
        user.pin_failures = 0
        record(session, "pin_locked", staff_id=user.id, until=user.pin_locked_until.isoformat())
        return PinCheck(False, user.pin_locked_until)
    return PinCheck(False, None, MAX_PIN_FAILURES - user.pin_failures)
