"""Sessions kept on the server: a copied cookie stops working when the session ends."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update

from toolkit.store.models import StaffUser
from toolkit.store.models import utcnow
from toolkit.store.models import WebSession

COOKIE = "outcomes_session"


def cookie(client) -> str:
    found = client.get_cookie(COOKIE)
    return found.value if found is not None else ""


def opens_staff_pages(app, value: str) -> bool:
    """Whether a browser holding only this cookie value gets into the staff pages."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other.get("/staff/p/east/").status_code == 200


def test_the_cookie_holds_a_random_id_and_the_data_stays_on_the_server(client, web, db):
    web.sign_in("east@example.org")
    value = cookie(client)
    assert 40 <= len(value) <= 50 and "." not in value  # not a signed copy of the data
    row = db.scalar(select(WebSession).where(WebSession.id == hashlib.sha256(value.encode()).hexdigest()))
    assert row is not None and row.user_id is not None and "_user_id" in row.data


def test_a_copied_cookie_stops_working_at_sign_out(app, client, web):
    web.sign_in("east@example.org")
    copied = cookie(client)
    assert opens_staff_pages(app, copied)
    client.post("/auth/logout", data={"csrf_token": web.csrf(client.get("/staff/").data)})
    assert not opens_staff_pages(app, copied)


def test_a_staff_cookie_is_worthless_after_hand_over(app, client, web):
    web.sign_in("east@example.org")
    copied = cookie(client)
    web.start_kiosk()  # signs in again (a new session), then hands the tablet over
    assert not opens_staff_pages(app, copied)
    assert not opens_staff_pages(app, cookie(client))  # the tablet's own cookie: the kiosk only


def test_signing_in_gives_a_new_session(app, client, web):
    client.get("/auth/login")
    before = cookie(client)  # the sign-in form's session (its form token)
    web.sign_in("east@example.org")
    after = cookie(client)
    assert before and after and before != after
    assert not opens_staff_pages(app, before)


def test_staff_sessions_end_after_the_idle_time(app, client, web, db):
    web.sign_in("east@example.org")
    db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.commit()
    response = client.get("/staff/p/east/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_staff_sessions_end_after_their_lifetime_even_when_active(app, client, web, db):
    web.sign_in("east@example.org")
    db.execute(update(WebSession).values(signed_in_at=utcnow() - timedelta(hours=12, minutes=1)))
    db.commit()
    assert client.get("/staff/p/east/").status_code == 302


def test_deactivating_a_user_ends_their_sessions_at_once(app, client, web, db, another_tablet):
    web.sign_in("east@example.org")
    assert client.get("/staff/p/east/").status_code == 200
    admin = another_tablet()
    admin.sign_in("admin@example.org")
    user = db.scalar(select(StaffUser).where(StaffUser.email == "east@example.org"))
    page = admin.client.get("/staff/admin/users")
    admin.client.post(f"/staff/admin/users/{user.id}/active", data={"csrf_token": admin.csrf(page.data)})
    assert client.get("/staff/p/east/").status_code == 302
    db.rollback()
    assert db.scalar(select(WebSession).where(WebSession.user_id == user.id)) is None


def test_cookies_are_secure_unless_turned_off_for_local_http(monkeypatch, seeded, registry, tmp_path):
    from toolkit.web import create_app

    def set_cookie_header(env_value):
        if env_value is None:
            monkeypatch.delenv("OUTCOMES_SECURE_COOKIES", raising=False)
        else:
            monkeypatch.setenv("OUTCOMES_SECURE_COOKIES", env_value)
        app = create_app(
            {"DATABASE_URL": seeded, "REGISTRY": registry, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
        )
        header = app.test_client().get("/auth/login", base_url="https://localhost").headers["Set-Cookie"]
        app.extensions["outcomes.engine"].dispose()
        return header

    assert "Secure" in set_cookie_header(None)
    assert "Secure" not in set_cookie_header("0")


def test_anonymous_visitors_get_no_session_row(app, client, db):
    client.get("/kiosk/lock")
    client.get("/kiosk/help")
    db.rollback()
    assert db.scalar(select(WebSession)) is None and cookie(client) == ""
