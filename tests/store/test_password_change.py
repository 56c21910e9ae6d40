"""A staff member changes their own password: current password, policy, other sessions end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from toolkit.store import sign_in_limits
from toolkit.store.errors import StoreError
from toolkit.store.models import AuditEvent
from toolkit.store.models import StaffUser
from toolkit.store.models import WebSession
from toolkit.store.password_change import change_own_password
from toolkit.store.sign_in import authenticate
from toolkit.store.sign_in_limits import LIMITS

RIGHT = "correct horse battery"
HOW = "a few unrelated words make a long password that is easy to remember"


@pytest.fixture
def staff(session, program) -> StaffUser:
    user = session.scalar(select(StaffUser))
    user.password_change_required = True
    session.add_all([WebSession(id=c * 64, user_id=user.id) for c in "abc"])
    session.commit()
    return user


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        (
            "wrong password",
            "lantern orbit kettle",
            "current_password",
            "current password: that is not your password; type the password you signed in with",
        ),
        (
            RIGHT,
            "password12",
            "new_password",
            f"new password: too short (10 characters); use at least 12 characters — {HOW}",
        ),
        (
            RIGHT,
            "qwerty123456",
            "new_password",
            "new password: is on a list of common or breached passwords that attackers try first; "
            f"choose another — {HOW}",
        ),
        (RIGHT, RIGHT, "new_password", "new password: the same as your current password; choose a new one"),
    ],
)
def test_bad_changes_are_refused_with_the_field_and_the_fix(session, staff, current, new, field, message):
    with pytest.raises(StoreError) as caught:
        change_own_password(session, staff.id, current, new, "1.2.3.4")
    assert caught.value.field == field and str(caught.value) == message
    assert session.get(StaffUser, staff.id, populate_existing=True).password_change_required


def test_a_change_clears_the_flag_and_ends_every_other_session(session, staff, monkeypatch):
    calls = []
    from toolkit.store import users

    real = users.end_sessions_of
    monkeypatch.setattr(
        users, "end_sessions_of", lambda s, uid, keep=None: calls.append((uid, keep)) or real(s, uid, keep)
    )
    ended = change_own_password(session, staff.id, RIGHT, "lantern orbit kettle", "1.2.3.4", keep_session="b" * 64)
    assert ended == 2 and calls == [(staff.id, "b" * 64)]
    assert session.scalars(select(WebSession.id)).all() == ["b" * 64]
    user = session.get(StaffUser, staff.id, populate_existing=True)
    assert not user.password_change_required and user.password_changed_at is not None
    assert authenticate(session, user.email, "lantern orbit kettle", "1.2.3.4").user is not None
    assert authenticate(session, user.email, RIGHT, "1.2.3.4").user is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "password_changed")).one()
    assert event.staff_id == staff.id and event.detail["sessions_ended"] == 2


def test_guessing_the_current_password_meets_the_sign_in_limits(session, staff, monkeypatch):
    stopped = sign_in_limits.now()
    monkeypatch.setattr(sign_in_limits, "now", lambda: stopped)
    for _ in range(LIMITS["account"].free):
        with pytest.raises(StoreError, match="not your password"):
            change_own_password(session, staff.id, "a wrong guess", "lantern orbit kettle", "1.2.3.4")
    with pytest.raises(StoreError) as caught:
        change_own_password(session, staff.id, RIGHT, "lantern orbit kettle", "1.2.3.4")
    assert str(caught.value) == "current password: too many wrong passwords; wait 1 second, then try again"
