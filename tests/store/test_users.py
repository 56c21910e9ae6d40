"""Staff accounts: hashing, scope, sign-in, and passwords set by someone else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import AuditEvent
from toolkit.store.models import StaffUser
from toolkit.store.models import WebSession
from toolkit.store.sign_in import authenticate
from toolkit.store.users import create_user
from toolkit.store.users import find_user
from toolkit.store.users import set_password


def test_password_is_stored_as_argon2_hash(session, program):
    user = session.scalar(select(StaffUser))
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


def test_authenticate_accepts_the_right_password_only(session, program):
    assert authenticate(session, "STAFF@example.org ", "correct horse battery", "1.2.3.4").user is not None
    assert authenticate(session, "staff@example.org", "wrong password!", "1.2.3.4").user is None
    assert authenticate(session, "nobody@example.org", "whatever12345", "1.2.3.4").user is None
    kinds = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
    assert kinds[-3:] == ["signed_in", "sign_in_failed", "sign_in_failed"]


def test_inactive_user_cannot_sign_in(session, program):
    user = session.scalar(select(StaffUser))
    user.active = False
    session.commit()
    assert authenticate(session, "staff@example.org", "correct horse battery", "1.2.3.4").user is None


@pytest.mark.parametrize(
    ("email", "password", "role", "programs", "error"),
    [
        ("new@example.org", "short", "staff", ["east"], StoreError),
        ("new@example.org", "qwerty123456", "staff", ["east"], StoreError),
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


def test_a_password_set_by_someone_else_must_be_changed_and_ends_every_session(session, program):
    user = find_user(session, "Staff@Example.org")
    session.add_all([WebSession(id="a" * 64, user_id=user.id), WebSession(id="b" * 64, user_id=user.id)])
    session.commit()
    ended = set_password(session, user, "lantern orbit kettle", by_staff_id=None)
    session.commit()
    assert ended == 2 and session.scalar(select(WebSession.id)) is None
    assert user.password_change_required and user.password_changed_at is not None
    assert authenticate(session, "staff@example.org", "lantern orbit kettle", "1.2.3.4").user is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "password_reset")).one()
    assert event.staff_id is None and event.detail["user"] == "staff@example.org"


def test_find_user_names_the_fix(session, program):
    with pytest.raises(
        NotFoundError, match="email: no user 'ghost@example.org'; check the spelling against the list of users$"
    ):
        find_user(session, "ghost@example.org")
