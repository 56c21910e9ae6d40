"""Least privilege: evaluators read but do not change; out of scope is "not found"; hostile ids and NULs."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import Alert
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.users import create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def evaluator(app, db):
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    db.commit()
    return "eva@example.org"


def rows(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def test_evaluators_read_but_do_not_enrol_hand_over_or_acknowledge(client, web, db, evaluator, another_tablet):
    tablet = another_tablet()
    first = tablet.start_kiosk()
    tablet.client.post(
        "/kiosk/page/0", data={**tablet.page_fields(first), **tablet.phq9([0] * 8 + [1]), "action": "next"}
    )
    alert = db.scalar(select(Alert))
    web.sign_in(evaluator)
    page = client.get("/staff/p/east/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "E001" in html  # they read
    assert "Hand over tablet" not in html and ">Enrol<" not in html and "Start baseline" not in html
    alerts = client.get("/staff/p/east/alerts").get_data(as_text=True)
    assert "PHQ-9 item 9" in alerts and "Acknowledge" not in alerts
    token = web.csrf(page.data)
    before = (rows(db, Participant), rows(db, KioskSession))
    attempts = [
        ("/staff/p/east/", {"add-code": "E999"}),
        ("/staff/p/east/sessions", {"start-participant": "E002", "start-wave": "baseline", "start-language": "en"}),
        ("/staff/p/east/participants/2/start", {"wave": "baseline"}),
        (f"/staff/p/east/alerts/{alert.id}/acknowledge", {"note": "seen"}),
    ]
    for url, data in attempts:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert (rows(db, Participant), rows(db, KioskSession)) == before
    assert db.get(Alert, alert.id).acknowledged_at is None


def test_another_programs_alert_and_a_missing_alert_answer_the_same(client, web, db, another_tablet):
    tablet = another_tablet()
    first = tablet.start_kiosk()
    tablet.client.post(
        "/kiosk/page/0", data={**tablet.phq9([0] * 8 + [2]), **tablet.page_fields(first), "action": "next"}
    )
    alert = db.scalar(select(Alert))
    web.sign_in("west@example.org")
    token = web.csrf(client.get("/staff/").data)
    theirs = client.post(f"/staff/p/west/alerts/{alert.id}/acknowledge", data={"csrf_token": token, "note": "x"})
    none = client.post(f"/staff/p/west/alerts/{alert.id + 1000}/acknowledge", data={"csrf_token": token, "note": "x"})
    assert theirs.status_code == none.status_code == 404


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_ids_too_big_for_the_database_are_not_found(client, web, big):
    web.sign_in("admin@example.org")
    token = web.csrf(client.get("/staff/").data)
    for url in (
        f"/staff/p/east/alerts/{big}/acknowledge",
        f"/staff/admin/users/{big}/active",
        f"/staff/p/east/participants/{big}/start",
    ):
        assert client.post(url, data={"csrf_token": token, "note": "x", "wave": "baseline"}).status_code == 404, url


def test_a_nul_character_anywhere_is_a_clear_400(client, web, db):
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login", data={"email": "a\x00b@example.org", "password": "x", "csrf_token": web.csrf(page.data)}
    )
    assert response.status_code == 400 and b"NUL character" in response.data
    assert client.get("/auth/login?next=%00").status_code == 400
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    assert client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "E\x00X"}).status_code == 400
    for url in ("/staff/p/%00/alerts", "/staff/p/east/sessions/%00/resume", "/staff/admin/programs/%00/settings"):
        assert client.get(url).status_code in (400, 405), url  # the path too, before any query
    assert client.post("/staff/p/%00/alerts/1/acknowledge", data={"csrf_token": token}).status_code == 400
    assert rows(db, Participant) == 3


@pytest.mark.parametrize("typed", ["٣", "５", "1_0", " 7 ", "+3", "1e2", "0x1"])
def test_counts_take_ascii_digits_only(client, web, db, typed):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    second = client.get("/kiosk/page/1")
    response = client.post(
        "/kiosk/page/1", data={**web.page_fields(second), "webmood_1": "2", "webmood_2": typed, "action": "next"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/kiosk/page/1#missing-msg")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(KioskSession).where(KioskSession.status == "complete")) == 0
