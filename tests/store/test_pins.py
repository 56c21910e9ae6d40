"""Staff PINs: validation, argon2 hashes, lock-out after five wrong PINs, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from toolkit.store.errors import StoreError
from toolkit.store.models import AuditEvent
from toolkit.store.models import StaffUser
from toolkit.store.models import utcnow
from toolkit.store.pins import check_pin
from toolkit.store.pins import clear_pin
from toolkit.store.pins import MAX_PIN_FAILURES
from toolkit.store.pins import set_pin

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(session, program):
    return session.scalar(select(StaffUser))


def kinds(session):
    return [
        e.kind for e in session.scalars(select(AuditEvent).where(AuditEvent.kind.like("pin_%")).order_by(AuditEvent.id))
    ]


@pytest.mark.parametrize(
    ("password", "pin", "message"),
    [
        ("wrong password", "2580", "password: that is not your password; type the password you sign in with"),
        (PASSWORD, "123", "PIN: use 4 to 8 digits"),
        (PASSWORD, "123456789", "PIN: use 4 to 8 digits"),
        (PASSWORD, "12a4", "PIN: use 4 to 8 digits"),
        (PASSWORD, "7777", "PIN: too easy to guess (all one digit, or a run like 1234); choose another"),
        (PASSWORD, "3456", "PIN: too easy to guess (all one digit, or a run like 1234); choose another"),
        (PASSWORD, "9876", "PIN: too easy to guess (all one digit, or a run like 1234); choose another"),
    ],
)
def test_bad_pins_are_refused_with_the_field_and_the_fix(session, staff, password, pin, message):
    with pytest.raises(StoreError) as err:
        set_pin(session, staff, password, pin)
    assert str(err.value) == message
    assert staff.pin_hash is None


def test_pin_is_hashed_and_unlocks(session, staff):
    set_pin(session, staff, PASSWORD, "2580")
    session.commit()
    assert staff.pin_hash.startswith("$argon2id$") and "2580" not in staff.pin_hash
    assert check_pin(session, staff, "2580").ok
    session.commit()
    assert kinds(session) == ["pin_set", "pin_unlocked"]


def test_five_wrong_pins_lock_it_even_for_the_right_pin(session, staff):
    set_pin(session, staff, PASSWORD, "2580")
    session.commit()
    for n in range(1, MAX_PIN_FAILURES):
        result = check_pin(session, staff, "0000")
        session.commit()
        assert not result.ok and result.locked_until is None and result.failures_left == MAX_PIN_FAILURES - n
    locked = check_pin(session, staff, "0000")
    session.commit()
    assert not locked.ok and locked.locked_until > utcnow() + timedelta(minutes=14)
    assert not check_pin(session, staff, "2580").ok  # locked: not even checked
    session.commit()
    assert kinds(session).count("pin_failed") == MAX_PIN_FAILURES
    assert kinds(session)[-1] == "pin_locked"
    # when the lock-out ends, the right PIN works again
    staff.pin_locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert check_pin(session, staff, "2580").ok


def test_no_pin_or_inactive_account_never_unlocks(session, staff):
    assert not check_pin(session, staff, "2580").ok
    set_pin(session, staff, PASSWORD, "2580")
    staff.active = False
    session.commit()
    assert not check_pin(session, staff, "2580").ok
    staff.active = True
    clear_pin(session, staff)
    session.commit()
    assert staff.pin_hash is None and not check_pin(session, staff, "2580").ok
