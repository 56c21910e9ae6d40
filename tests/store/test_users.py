"""Staff accounts: hashing, scope, sign-in and its rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import LoginFailure
from toolkit.store.models import StaffUser
from toolkit.store.users import authenticate
from toolkit.store.users import create_user
from toolkit.store.users import MAX_FAILURES
from toolkit.store.users import too_many_failures


def test_password_is_stored_as_argon2_hash(session, program):
    user = session.scalar(select(StaffUser))
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


def test_authenticate_accepts_the_right_password_only(session, program):
    assert authenticate(session, "STAFF@example.org ", "correct horse battery", "1.2.3.4") is not None
    assert authenticate(session, "staff@example.org", "wrong password!", "1.2.3.4") is None
    assert authenticate(session, "nobody@example.org", "whatever12345", "1.2.3.4") is None


def test_inactive_user_cannot_sign_in(session, program):
    user = session.scalar(select(StaffUser))
    user.active = False
    session.commit()
    assert authenticate(session, "staff@example.org", "correct horse battery", "1.2.3.4") is None


def test_rate_limit_counts_recent_failures_per_email_and_address(session, program):
    for _ in range(MAX_FAILURES):
        authenticate(session, "staff@example.org", "wrong password!", "1.2.3.4")
    assert too_many_failures(session, "staff@example.org", "1.2.3.4")
    assert not too_many_failures(session, "staff@example.org", "5.6.7.8")
    for row in session.scalars(select(LoginFailure)):
        row.at = row.at - timedelta(minutes=16)
    session.commit()
    assert not too_many_failures(session, "staff@example.org", "1.2.3.4")


@pytest.mark.parametrize(
    ("email", "password", "role", "programs", "error"),
    [
        ("new@example.org", "short", "staff", ["east"], StoreError),
        ("not-an-email", "long enough pass", "staff", ["east"], StoreError),
        ("new@example.org", "long enough pass", "boss", ["east"], StoreError),
        ("new@example.org", "long enough pass", "staff", [], StoreError),
        ("new@example.org", "long enough pass", "staff", ["nowhere"], NotFoundError),
        ("Staff@Example.org", "long enough pass", "staff", ["east"], DuplicateError),
    ],
)
def test_bad_users_are_refused(session, program, email, password, role, programs, error):
    with pytest.raises(error):
        create_user(session, email, password, role, programs)


def test_scope(session, registry, program):
    from toolkit.store.programs import create_program

    other = create_program(session, registry, "west", "West", ["baseline"], ["phq9"])
    staff = session.scalar(select(StaffUser))
    admin = create_user(session, "admin@example.org", "long enough pass", "admin")
    assert staff.can_see(program) and not staff.can_see(other)
    assert admin.can_see(program) and admin.can_see(other)


def test_production_hash_parameters_and_old_hashes_still_verify():
    # OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
    # (The test fixtures swap in a cheaper hasher, so the module's own one is checked here.)
    import importlib

    from argon2 import PasswordHasher

    import toolkit.store.users as users

    production = importlib.reload(users)._hasher
    assert production.hash("a long enough password").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    old = PasswordHasher().hash("a long enough password")  # argon2-cffi's default parameters
    assert production.verify(old, "a long enough password")
