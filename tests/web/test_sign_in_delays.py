"""Sign-in limits through the web: parallel guesses, delays, known browsers, the trusted proxy."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from toolkit.store.models import AuditEvent
from toolkit.store.sign_in_limits import LIMITS
from toolkit.web import create_app
from toolkit.web.proxies import trusted_proxy_hops

pytest_plugins = ("sign_in_clock",)  # the fixtures clock and hasher

PASSWORD = "correct horse battery"


def _sign_in(client, web, email: str, password: str, address: str = "127.0.0.1", headers=None):
    page = client.get("/auth/login", environ_base={"REMOTE_ADDR": address})
    data = {"email": email, "password": password, "csrf_token": web.csrf(page.data)}
    return client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def _message(client) -> str:
    return client.get("/auth/login").get_data(as_text=True)


def test_parallel_guesses_through_the_web_cannot_check_more_than_the_limit(app, web, clock, hasher):
    clients = [app.test_client() for _ in range(40)]
    tokens = [web.csrf(c.get("/auth/login").data) for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses, errors = [], []

    def guess(i: int) -> None:
        try:
            data = {"email": "east@example.org", "password": f"guess number {i}", "csrf_token": tokens[i]}
            barrier.wait()
            statuses.append(clients[i].post("/auth/login", data=data).status_code)
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and statuses == [303] * 40
    assert hasher.checks == LIMITS["account"].free
    waiting = sum("Wait 1 second" in _message(c) for c in clients)
    assert waiting == 40 - LIMITS["account"].free


def test_one_password_sprayed_over_many_emails_is_limited(client, web, clock):
    for i in range(LIMITS["address"].free):
        _sign_in(client, web, f"user{i}@example.org", "summer holiday 2026", "203.0.113.9")
        assert "do not match" in _message(client)
    _sign_in(client, web, "east@example.org", "summer holiday 2026", "203.0.113.9")
    assert "too many failed attempts" in _message(client)


def test_the_right_password_gets_in_after_the_delay_while_guessing_goes_on(app, client, web, clock):
    attacker = app.test_client()
    for i in range(LIMITS["account"].free + 1):
        clock.advance(1)
        _sign_in(attacker, web, "east@example.org", f"guess {i}", "203.0.113.9")
    refused = _sign_in(client, web, "east@example.org", PASSWORD, "192.0.2.7")
    assert refused.headers["Location"].endswith("/auth/login")
    assert "Wait 2 seconds, then try again." in _message(client)
    _sign_in(attacker, web, "east@example.org", "another guess", "203.0.113.9")
    assert "Wait" in _message(attacker)
    clock.advance(2)
    signed_in = _sign_in(client, web, "east@example.org", PASSWORD, "192.0.2.7")
    assert signed_in.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_a_browser_that_signed_in_before_is_not_kept_waiting_by_guesses(app, client, web, clock):
    assert _sign_in(client, web, "east@example.org", PASSWORD).headers["Location"].endswith("/staff/")
    assert "outcomes_browser" in {c.key for c in client._cookies.values()}
    page = client.get("/staff/")
    client.post("/auth/logout", data={"csrf_token": web.csrf(page.data)})
    attacker = app.test_client()
    for i in range(LIMITS["account"].free + 3):
        clock.advance(4)
        _sign_in(attacker, web, "east@example.org", f"guess {i}")  # the same address, as behind a proxy
    new_browser = app.test_client()
    _sign_in(new_browser, web, "east@example.org", PASSWORD)
    assert "Wait 8 seconds" in _message(new_browser)
    again = _sign_in(client, web, "east@example.org", PASSWORD)
    assert again.headers["Location"].endswith("/staff/")


def _failure_addresses(db) -> list[str]:
    events = db.scalars(select(AuditEvent).where(AuditEvent.kind == "sign_in_failed").order_by(AuditEvent.id))
    return [e.detail["address"] for e in events]


@pytest.mark.parametrize(("setting", "expected"), [(None, "10.0.0.2"), ("1", "198.51.100.23")])
def test_the_forwarded_address_is_used_only_behind_a_trusted_proxy(
    seeded, registry, tmp_path, monkeypatch, web, setting, expected
):
    if setting is None:
        monkeypatch.delenv("OUTCOMES_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("OUTCOMES_TRUSTED_PROXIES", setting)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": seeded,
            "REGISTRY": registry,
            "SECRET_KEY": "k",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    try:
        client = app.test_client()
        _sign_in(
            client, web, "east@example.org", "wrong password", "10.0.0.2", headers={"X-Forwarded-For": "198.51.100.23"}
        )
        with app.extensions["outcomes.sessions"]() as db:
            assert _failure_addresses(db) == [expected]
    finally:
        app.extensions["outcomes.engine"].dispose()


@pytest.mark.parametrize("value", ["yes", "-1", "99"])
def test_a_bad_proxy_setting_names_the_variable_and_the_fix(value):
    with pytest.raises(ValueError, match=r"^OUTCOMES_TRUSTED_PROXIES: '.*' is not a number of proxies; set it to 0"):
        trusted_proxy_hops(value)


def test_no_proxy_is_trusted_by_default(monkeypatch):
    monkeypatch.delenv("OUTCOMES_TRUSTED_PROXIES", raising=False)
    assert trusted_proxy_hops() == 0
