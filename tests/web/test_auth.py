"""Sign-in, sessions, cookies and the sign-in rate limit."""

from __future__ import annotations

import pytest

from toolkit.store import sign_in_limits
from toolkit.store.sign_in_limits import LIMITS


def test_sign_in_and_out(client, web):
    response = web.sign_in("east@example.org")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    page = client.get("/staff/")
    out = client.post("/auth/logout", data={"csrf_token": web.csrf(page.data)})
    assert out.status_code == 303
    assert client.get("/staff/").status_code == 302  # back to sign-in


def test_wrong_password_is_refused_with_a_redirect_that_keeps_the_email(client, web):
    response = web.sign_in("east@example.org", "not the password")
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/login")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "do not match" in page
    assert 'value="east@example.org"' in page and "not the password" not in page
    assert client.get("/staff/").status_code == 302


def test_staff_pages_need_sign_in(client):
    for url in ("/staff/", "/staff/p/east/", "/staff/p/east/alerts", "/staff/admin/users"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_session_cookie_is_httponly_and_samesite(client, web):
    response = web.sign_in("east@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_setting(app, client, web):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.get("/auth/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_rate_limit_after_repeated_failures(client, web, monkeypatch):
    stopped = sign_in_limits.now()
    monkeypatch.setattr(sign_in_limits, "now", lambda: stopped)
    for _ in range(LIMITS["account"].free):
        assert web.sign_in("east@example.org", "wrong password").status_code == 303
        client.get("/auth/login")  # read the message
    waiting = web.sign_in("east@example.org")  # the right password waits its turn too
    assert waiting.status_code == 303 and waiting.headers["Location"].endswith("/auth/login")
    assert b"Wait 1 second, then try again." in client.get("/auth/login").data
    assert client.get("/staff/").status_code == 302  # not signed in
    other = web.sign_in("west@example.org")  # another account is not kept waiting
    assert other.status_code == 303 and other.headers["Location"].endswith("/staff/")


def test_login_without_csrf_token_is_rejected(client):
    response = client.post("/auth/login", data={"email": "east@example.org", "password": "correct horse battery"})
    assert response.status_code == 400
    assert b"security token" in response.data


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "%2F%09%2Fevil.example%2F",  # "/<tab>/evil.example/": browsers drop the tab
        "%2F%5Cevil.example",  # "/\\evil.example": browsers read the backslash as a slash
        "/%0A/evil.example",
        "javascript:alert(1)",
        "https:/evil.example",
        "staff/",
    ],
)
def test_next_must_stay_on_this_site(client, web, target):
    page = client.get("/auth/login")
    data = {"email": "east@example.org", "password": "correct horse battery", "csrf_token": web.csrf(page.data)}
    response = client.post(f"/auth/login?next={target}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"


def test_next_on_this_site_is_followed(client, web):
    page = client.get("/auth/login")
    data = {"email": "east@example.org", "password": "correct horse battery", "csrf_token": web.csrf(page.data)}
    response = client.post("/auth/login?next=%2Fstaff%2Fp%2Feast%2F%3Ftab%3Ddue", data=data)
    assert response.headers["Location"] == "/staff/p/east/?tab=due"


def test_https_answers_ask_browsers_to_keep_to_https(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers  # plain HTTP: nothing to pin
    secure = client.get("/auth/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_are_not_cached_and_have_security_headers(client):
    response = client.get("/auth/login")
    assert response.headers["Cache-Control"].startswith("no-store")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
