"""The password policy on the web, the change-password page, and the change required at sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy import update

from toolkit.store import users
from toolkit.store.models import AuditEvent
from toolkit.store.models import StaffUser
from toolkit.store.models import WebSession
from toolkit.store.password_policy import password_problem

PASSWORD = "correct horse battery"
NEW = "lantern orbit kettle"


def _add_user(client, web, password: str, email: str = "new@example.org"):
    page = client.get("/staff/admin/users")
    data = {
        "csrf_token": web.csrf(page.data),
        "email": email,
        "role": "staff",
        "programs": "east",
        "password": password,
    }
    return client.post("/staff/admin/users", data=data)


def _change(client, web, current: str, new: str, again: str | None = None):
    page = client.get("/auth/password")
    data = {
        "csrf_token": web.csrf(page.data),
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }
    return client.post("/auth/password", data=data)


def _escaped(message: str) -> str:
    return message.replace("'", "&#39;")


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "1234567890", "password12", "aaaaaaaaaaaa", " " * 12, "x" * 500, "qwerty123456"]
)
def test_the_users_page_refuses_weak_passwords_with_the_policy_message(client, web, db, password):
    web.sign_in("admin@example.org")
    response = _add_user(client, web, password)
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/admin/users")
    page = client.get("/staff/admin/users").get_data(as_text=True)
    assert _escaped(password_problem(password, "new@example.org")) in page
    assert db.scalar(select(StaffUser).where(StaffUser.email == "new@example.org")) is None


def test_a_user_added_by_an_admin_chooses_their_own_password_at_first_sign_in(app, client, web, db):
    web.sign_in("admin@example.org")
    assert _add_user(client, web, "given by the admin").status_code == 303
    newcomer = type(web)(app.test_client())
    response = newcomer.sign_in("new@example.org", "given by the admin")
    assert response.headers["Location"].endswith("/auth/password")
    assert newcomer.client.get("/staff/").headers["Location"].endswith("/auth/password")
    page = newcomer.client.get("/auth/password").get_data(as_text=True)
    assert "Before you go on, choose a new password" in page
    added = db.scalar(select(AuditEvent).where(AuditEvent.kind == "user_added").order_by(AuditEvent.id.desc()).limit(1))
    admin = db.scalar(select(StaffUser).where(StaffUser.email == "admin@example.org"))
    assert added.staff_id == admin.id and added.detail["user"] == "new@example.org" and added.detail["role"] == "staff"


def test_a_password_that_breaks_the_policy_must_be_changed_before_any_staff_page(client, web, db):
    db.execute(
        update(StaffUser)
        .where(StaffUser.email == "east@example.org")
        .values(password_hash=users.hash_password("password12"))
    )
    db.commit()
    response = web.sign_in("east@example.org", "password12")
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/password")
    for url in ("/staff/", "/staff/p/east/", "/staff/pin", "/staff/p/east/alerts"):
        assert client.get(url).headers["Location"].endswith("/auth/password"), url
    page = client.get("/auth/password")
    blocked = client.post("/staff/p/east/", data={"csrf_token": web.csrf(page.data), "add-code": "E009"})
    assert blocked.status_code == 303 and blocked.headers["Location"].endswith("/auth/password")
    changed = _change(client, web, "password12", NEW)
    assert changed.status_code == 303 and changed.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    user = db.scalar(select(StaffUser).where(StaffUser.email == "east@example.org"))
    db.refresh(user)
    assert not user.password_change_required and user.password_changed_at is not None
    kinds = db.scalars(select(AuditEvent.kind).where(AuditEvent.staff_id == user.id)).all()
    assert "password_change_required" in kinds and "password_changed" in kinds


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        (
            "not my password",
            NEW,
            None,
            "current_password",
            "current password: that is not your password; type the password you signed in with",
        ),
        (
            PASSWORD,
            "password12",
            None,
            "new_password",
            password_problem("password12", "east@example.org", "new password"),
        ),
        (
            PASSWORD,
            "1q2w3e4r5t6y",
            None,
            "new_password",
            password_problem("1q2w3e4r5t6y", "east@example.org", "new password"),
        ),
        (
            PASSWORD,
            NEW,
            "lantern orbit kettles",
            "new_password_again",
            "new password again: differs from the new password; type the same new password twice",
        ),
    ],
)
def test_bad_changes_redirect_with_the_message_under_the_field(client, web, db, current, new, again, field, message):
    web.sign_in("east@example.org")
    response = _change(client, web, current, new, again)
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/password")
    page = client.get("/auth/password").get_data(as_text=True)
    assert f'<p class="error" id="{field}-err">{_escaped(message)}</p>' in page
    assert new not in page and current not in page
    assert users.check_password(db.scalar(select(StaffUser).where(StaffUser.email == "east@example.org")), PASSWORD)


def test_a_change_ends_every_other_session_of_the_user(app, client, web, db, monkeypatch):
    calls = []
    real = users.end_sessions_of
    monkeypatch.setattr(
        users, "end_sessions_of", lambda s, uid, keep=None: calls.append((uid, keep)) or real(s, uid, keep)
    )
    other = type(web)(app.test_client())
    other.sign_in("east@example.org")
    web.sign_in("east@example.org")
    user = db.scalar(select(StaffUser).where(StaffUser.email == "east@example.org"))
    before = set(db.scalars(select(WebSession.id).where(WebSession.user_id == user.id)))
    db.rollback()
    assert _change(client, web, PASSWORD, NEW).status_code == 303
    assert len(calls) == 1 and calls[0][0] == user.id and (calls[0][1] in before or not before)
    after = set(db.scalars(select(WebSession.id).where(WebSession.user_id == user.id)))
    assert after == ({calls[0][1]} if calls[0][1] else set())
    assert client.get("/staff/").status_code == 200  # this browser stays signed in
    if before:  # sessions kept on the server: the other browser is signed out at once
        assert other.client.get("/staff/").status_code == 302
