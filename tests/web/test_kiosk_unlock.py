"""PIN unlock on the kiosk: only the bound staff member's PIN, lock-out, and only the next-participant screen."""

from __future__ import annotations

import re

from sqlalchemy import select

from toolkit.store.models import KioskSession
from toolkit.store.models import StaffUser
from toolkit.store.pins import MAX_PIN_FAILURES
from toolkit.store.pins import set_pin

PASSWORD = "correct horse battery"


def give_pin(db, email="east@example.org", pin="2580"):
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    set_pin(db, user, PASSWORD, pin)
    db.commit()


def finish_survey(client, web):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    page = client.get("/kiosk/page/1")
    client.post("/kiosk/page/1", data={**web.page_fields(page), "webmood_1": "2", "webmood_2": "0", "action": "next"})
    return client.get("/kiosk/done")


def unlock(client, pin):
    page = client.get("/kiosk/unlock")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/kiosk/unlock", data={"csrf_token": token, "pin": pin})


def test_no_pin_button_without_a_bound_staff_member_with_a_pin(client, web, db):
    assert b"unlock with PIN" not in client.get("/kiosk/lock").data
    assert client.get("/kiosk/unlock").headers["Location"].endswith("/auth/login")
    done = finish_survey(client, web)  # signed in on this browser: bound, but no PIN yet
    assert b"unlock with PIN" not in done.data


def test_pin_unlock_opens_the_next_participant_screen_and_hands_over(client, web, db):
    give_pin(db)
    done = finish_survey(client, web)
    assert b"unlock with PIN" in done.data
    assert b"e\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@example.org" in client.get("/kiosk/unlock").data  # masked email
    r = unlock(client, "2580")
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk/next")
    screen = client.get("/kiosk/next").get_data(as_text=True)
    assert "E001" in screen and "E002" in screen and "Eastside Respite" in screen
    assert client.get("/staff/").status_code == 302  # the PIN never opens the staff pages
    participant_id = db.scalar(select(KioskSession.participant_id))
    start = client.post(
        "/kiosk/next/start",
        data={"csrf_token": web.csrf(screen), "participant": "2", "wave": "baseline", "language": "es"},
    )
    assert start.status_code == 303 and start.headers["Location"].endswith("/kiosk/")
    page = client.get("/kiosk/", follow_redirects=True).get_data(as_text=True)
    assert "Página 1 de 2" in page
    db.rollback()
    assert {ks.participant_id for ks in db.scalars(select(KioskSession))} == {participant_id, 2}
    # the unlock is used up: the next-participant screen needs the PIN again
    assert client.get("/kiosk/next").status_code == 302


def test_wrong_pins_lock_out_and_are_audited(client, web, db):
    from toolkit.store.models import AuditEvent

    give_pin(db)
    finish_survey(client, web)
    for _ in range(MAX_PIN_FAILURES - 1):
        r = unlock(client, "1111")
        assert r.headers["Location"].endswith("/kiosk/unlock")
        assert b"tries left" in client.get("/kiosk/unlock").data
    unlock(client, "1111")
    assert b"locked until" in client.get("/kiosk/unlock").data
    r = unlock(client, "2580")  # the right PIN during the lock-out
    assert r.headers["Location"].endswith("/kiosk/unlock")
    assert client.get("/kiosk/next").status_code == 302
    db.rollback()
    kinds = [e.kind for e in db.scalars(select(AuditEvent).where(AuditEvent.kind.like("pin_%")))]
    assert kinds.count("pin_failed") == MAX_PIN_FAILURES and "pin_locked" in kinds and "pin_unlocked" not in kinds


def test_staff_take_over_a_held_survey_with_their_pin(client, web, db):
    give_pin(db)
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [2]), "action": "next"})
    support = client.get("/kiosk/support")
    client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": "talk"})
    waiting = client.get("/kiosk/waiting")
    assert b"unlock with PIN" in waiting.data
    unlock(client, "2580")
    screen = client.get("/kiosk/next").get_data(as_text=True)
    assert "The survey on this tablet" in screen and "asked to talk to someone" in screen
    r = client.post("/kiosk/next/current", data={"csrf_token": web.csrf(screen), "choice": "continue"})
    assert r.headers["Location"].endswith("/kiosk/")
    assert b"Mood" in client.get("/kiosk/", follow_redirects=True).data  # back to the survey, past the message
    db.rollback()
    ks = db.scalar(select(KioskSession))
    assert ks.held_at is None and ks.crisis_page is None


def test_staff_can_end_a_held_survey(client, web, db):
    give_pin(db)
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [2]), "action": "next"})
    support = client.get("/kiosk/support")
    client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": "talk"})
    unlock(client, "2580")
    screen = client.get("/kiosk/next")
    r = client.post("/kiosk/next/current", data={"csrf_token": web.csrf(screen.data), "choice": "end"})
    assert r.headers["Location"].endswith("/kiosk/lock")
    db.rollback()
    assert db.scalar(select(KioskSession.status)) == "stopped"


def test_set_pin_page_redirects_after_every_post(client, web, db):
    web.sign_in("east@example.org")
    page = client.get("/staff/pin")
    token = web.csrf(page.data)
    bad = client.post(
        "/staff/pin", data={"csrf_token": token, "password": PASSWORD, "pin": "1234", "pin_again": "1234"}
    )
    assert bad.status_code == 303
    assert b"too easy to guess" in client.get("/staff/pin").data
    differ = client.post(
        "/staff/pin", data={"csrf_token": token, "password": PASSWORD, "pin": "2580", "pin_again": "2581"}
    )
    assert differ.status_code == 303 and b"the two PINs differ" in client.get("/staff/pin").data
    ok = client.post("/staff/pin", data={"csrf_token": token, "password": PASSWORD, "pin": "2580", "pin_again": "2580"})
    assert ok.status_code == 303 and b"Your PIN is set" in client.get("/staff/pin").data
    db.rollback()
    assert db.scalar(select(StaffUser.pin_hash).where(StaffUser.email == "east@example.org")).startswith("$argon2id$")
