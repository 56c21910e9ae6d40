"""The kiosk: hand-over, autosave, resume, idempotent submits, tampering, lock and alerts."""

from __future__ import annotations

import pytest
from html_forms import tokenless
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageSave
from toolkit.store.models import utcnow


def count(db, model, *where):
    db.rollback()  # end the read snapshot
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_hand_over_signs_staff_out(client, web):
    first = web.start_kiosk()
    assert first.status_code == 200
    assert b"PHQ-9" in first.data and b"Page 1 of 2" in first.data
    assert client.get("/staff/").status_code == 302  # the participant cannot reach staff pages


def test_full_battery_then_locked(client, web, db):
    first = web.start_kiosk()
    r = client.post(
        "/kiosk/page/0", data={**web.page_fields(first), **web.phq9([1, 0, 2, 0, 1, 0, 0, 3, 0]), "action": "next"}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/kiosk/page/1")
    second = client.get("/kiosk/page/1")
    assert b"Mood" in second.data and b"Prefer not to say" in second.data
    r = client.post(
        "/kiosk/page/1", data={**web.page_fields(second), "webmood_1": "declined", "webmood_2": "4", "action": "next"}
    )
    assert r.headers["Location"].endswith("/kiosk/done")
    done = client.get("/kiosk/done")
    assert b"Thank you" in done.data and "988" not in tokenless(done.get_data(as_text=True))
    # the browser's Back button: every earlier page now shows the lock screen, no answers
    for url in ("/kiosk/page/0", "/kiosk/page/1", "/kiosk/", "/kiosk/done"):
        response = client.get(url, follow_redirects=True)
        assert b"ready for the next person" in response.data
        assert b"checked" not in response.data
    assert count(db, ItemResponse) == 11
    assert count(db, Administration, Administration.status == "complete") == 2
    ks = db.scalar(select(KioskSession))
    assert ks.status == "complete" and ks.token_hash is None
    mood = db.scalar(select(ItemResponse).where(ItemResponse.item_id == "webmood_1"))
    assert mood.declined and mood.value is None


def test_kiosk_pages_are_never_cached(client, web):
    first = web.start_kiosk()
    assert first.headers["Cache-Control"].startswith("no-store")


def test_missing_answers_are_shown_on_the_same_page(client, web, db):
    first = web.start_kiosk()
    r = client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 7), "action": "next"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk/page/0#missing-msg")
    page = client.get("/kiosk/page/0")
    assert page.status_code == 200
    assert b"Please answer the 2 questions marked below." in page.data
    assert b'id="err-phq9_8"' in page.data and b'id="err-phq9_9"' in page.data
    assert page.data.count(b" checked") == 7  # the answers given stay selected
    assert count(db, ItemResponse) == 0
    again = client.get("/kiosk/page/0").get_data(as_text=True)  # shown once, after that Next
    assert 'id="missing-msg" hidden' in again and 'class="error" id="err-phq9_8" hidden' in again


def test_count_out_of_range_is_a_message_not_a_save(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    second = client.get("/kiosk/page/1")
    r = client.post(
        "/kiosk/page/1", data={**web.page_fields(second), "webmood_1": "2", "webmood_2": "120", "action": "next"}
    )
    assert r.status_code == 303
    assert b"whole number from 0 to 90" in client.get(r.headers["Location"]).data
    assert count(db, ItemResponse, ItemResponse.item_id.like("webmood%")) == 0


def test_spanish_interface_and_wording(client, web):
    first = web.start_kiosk(language="es")
    assert b'lang="es"' in first.data
    assert "Página 1 de 2".encode() in first.data
    assert "Poco interés o placer en hacer cosas".encode() in first.data
    assert "Ningún día".encode() in first.data
    assert b"Siguiente" in first.data


def test_language_switch_keeps_selected_answers_and_translates_the_whole_page(client, web, db):
    first = web.start_kiosk()
    r = client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([2, 1]), "action": "lang:es"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk/page/0")
    page = client.get("/kiosk/page/0").get_data(as_text=True)
    assert "Durante las últimas 2 semanas" in page
    assert page.count(" checked") == 2
    assert '<html lang="es">' in page
    for spanish in ("Página 1 de 2", "Siguiente", "Ayuda y números de crisis", "Encuesta"):
        assert spanish in page
    for english in ("Page 1 of 2", ">Next<", "Help and crisis numbers", "Survey<"):
        assert english not in page
    assert db.scalar(select(KioskSession.language)) == "es"
    assert count(db, ItemResponse) == 0


def test_double_submit_saves_once(client, web, db):
    first = web.start_kiosk()
    data = {**web.page_fields(first), **web.phq9([1] * 9), "action": "next"}
    a = client.post("/kiosk/page/0", data=data)
    b = client.post("/kiosk/page/0", data=data)  # the same form sent again (double tap, retry)
    assert a.status_code == b.status_code == 302
    assert count(db, ItemResponse) == 9
    assert count(db, Administration) == 1
    assert count(db, PageSave) == 1


def test_double_submit_of_final_page_still_thanks_and_saves_once(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    second = client.get("/kiosk/page/1")
    data = {**web.page_fields(second), "webmood_1": "3", "webmood_2": "0", "action": "next"}
    cookie = client.get_cookie("outcomes_session").value
    client.post("/kiosk/page/1", data=data)
    client.set_cookie("outcomes_session", cookie)  # the second tap carries the old cookie
    again = client.post("/kiosk/page/1", data=data, follow_redirects=True)
    assert b"Thank you" in again.data
    assert count(db, ItemResponse) == 11 and count(db, PageSave) == 2


def test_back_shows_saved_answers_and_a_change_is_audited(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([1] * 8 + [0]), "action": "next"})
    back = client.get("/kiosk/page/0")
    assert back.data.count(b" checked") == 9
    client.post("/kiosk/page/0", data={**web.page_fields(back), **web.phq9([2] + [1] * 7 + [0]), "action": "next"})
    assert count(db, ItemResponse) == 9
    assert db.scalar(select(ItemResponse.value).where(ItemResponse.item_id == "phq9_1")) == 2.0
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "response_changed"))
    assert event.detail["item"] == "phq9_1" and not {"old", "new"} & set(event.detail)  # never the answers


def test_back_button_saves_a_complete_page(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    second = client.get("/kiosk/page/1")
    r = client.post("/kiosk/page/1", data={**web.page_fields(second), "webmood_1": "2", "action": "back"})
    assert r.headers["Location"].endswith("/kiosk/page/0")
    assert count(db, ItemResponse, ItemResponse.item_id.like("webmood%")) == 0  # incomplete: not saved


def test_cannot_skip_ahead(client, web):
    web.start_kiosk()
    r = client.get("/kiosk/page/1")
    assert r.status_code == 302 and r.headers["Location"].endswith("/kiosk/page/0")


@pytest.mark.parametrize(
    "tamper",
    [
        {"phq9_9": "4"},  # outside the scale
        {"phq9_9": "declined"},  # PHQ-9 offers no decline
        {"webmood_1": "2"},  # an item of another page
        {"evil": "1"},  # unknown field
        {"ref": "0000000000000000"},  # another session's id
        {"page": "1"},  # page number does not match the URL
    ],
)
def test_tampered_posts_are_refused_and_change_nothing(client, web, db, tamper):
    first = web.start_kiosk()
    data = {**web.page_fields(first), **web.phq9([0] * 9), "action": "next", **tamper}
    r = client.post("/kiosk/page/0", data=data)
    assert r.status_code == 400
    assert count(db, ItemResponse) == 0 and count(db, PageSave) == 0 and count(db, Administration) == 0


def test_post_without_csrf_is_refused(client, web, db):
    first = web.start_kiosk()
    data = {**web.page_fields(first), **web.phq9([0] * 9), "action": "next"}
    del data["csrf_token"]
    assert client.post("/kiosk/page/0", data=data).status_code == 400
    assert count(db, ItemResponse) == 0


def test_post_to_a_page_not_reached_is_refused(client, web, db):
    first = web.start_kiosk()
    data = {**web.page_fields(first), "webmood_1": "2", "webmood_2": "1", "action": "next", "page": "1"}
    assert client.post("/kiosk/page/1", data=data).status_code == 400
    assert count(db, ItemResponse) == 0


def test_no_kiosk_url_reaches_another_participants_session(client, web, db, another_tablet):
    first = web.start_kiosk(code="E001")
    fields = web.page_fields(first)
    client.post("/kiosk/page/0", data={**fields, **web.phq9([3] * 8 + [0]), "action": "next"})
    other_web = another_tablet()  # another tablet, for E002
    other = other_web.client
    other_first = other_web.start_kiosk(code="E002")
    assert b" checked" not in other_first.data
    # the second tablet replays the first tablet's form (E001's session id): refused
    stolen = {**other_web.page_fields(other_first), **web.phq9([0] * 9), "ref": fields["ref"], "action": "next"}
    assert other.post("/kiosk/page/0", data=stolen).status_code == 400
    # a browser with no session sees only the lock screen
    stranger = another_tablet().client
    for url in ("/kiosk/page/0", "/kiosk/page/1", "/kiosk/support", "/kiosk/done"):
        assert b"ready for the next person" in stranger.get(url, follow_redirects=True).data


def test_alert_shows_crisis_message_and_is_saved_with_the_page(client, web, db):
    first = web.start_kiosk(language="es")
    r = client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [1]), "action": "next"})
    assert r.headers["Location"].endswith("/kiosk/support")
    support = client.get("/kiosk/support")
    assert b"988" in support.data and "Línea 988".encode() in support.data
    assert count(db, Alert) == 1 and count(db, ItemResponse) == 9
    alert = db.scalar(select(Alert))
    assert (alert.item_id, alert.value, alert.level, alert.source) == ("phq9_9", 1.0, "urgent", "tablet")
    # no page of the survey can be reached until the participant chooses, and a reload shows it again
    assert client.get("/kiosk/page/1").headers["Location"].endswith("/kiosk/support")
    assert b"988" in client.get("/kiosk/support").data
    client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": "continue"})
    assert b"Mood" in client.get("/kiosk/page/1").data


def test_alert_on_the_last_page_offers_the_choices_then_the_ordinary_end(client, web, db, seeded):
    first = web.start_kiosk(slug="west", code="W001", email="west@example.org")
    r = client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [3]), "action": "next"})
    assert r.headers["Location"].endswith("/kiosk/support")
    support = client.get("/kiosk/support")
    assert db.scalar(select(KioskSession.status)) == "active"  # held at the crisis message
    r = client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": "continue"})
    assert r.headers["Location"].endswith("/kiosk/done")
    done = client.get("/kiosk/done")
    assert b"Thank you" in done.data and "988" not in tokenless(done.get_data(as_text=True))
    db.rollback()
    assert db.scalar(select(KioskSession.status)) == "complete"


def test_idle_lock_pauses_and_staff_can_resume(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    lock = client.post("/kiosk/lock", data={"csrf_token": web.csrf(first.data)})
    assert lock.status_code == 303
    assert b"ready for the next person" in client.get("/kiosk/page/1", follow_redirects=True).data
    ks = db.scalar(select(KioskSession))
    assert ks.status == "paused" and ks.token_hash is None
    web.sign_in("east@example.org")
    page = client.get("/staff/p/east/")
    assert b"Unfinished surveys" in page.data and b"2 of 2" in page.data
    r = client.post(f"/staff/p/east/sessions/{ks.ref}/resume", data={"csrf_token": web.csrf(page.data)})
    assert r.status_code == 303
    resumed = client.get("/kiosk/", follow_redirects=True)
    assert b"Mood" in resumed.data and b"Page 2 of 2" in resumed.data


def test_server_side_idle_expiry(client, web, db):
    web.start_kiosk()
    ks = db.scalar(select(KioskSession))
    ks.expires_at = utcnow()
    db.commit()
    assert b"ready for the next person" in client.get("/kiosk/page/0", follow_redirects=True).data
    db.rollback()  # end the read snapshot
    assert db.scalar(select(KioskSession.status)) == "paused"


def test_staff_sign_in_mid_survey_pauses_it(client, web, db):
    web.start_kiosk()
    web.sign_in("east@example.org")
    assert db.scalar(select(KioskSession.status)) == "paused"
    assert client.get("/staff/").status_code == 200  # the browser is now the staff member's


def test_item_mode_shows_one_question_per_screen(client, web, db):
    from toolkit.store.models import Program

    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.page_mode = "item"
    db.commit()
    first = web.start_kiosk()
    assert b"Page 1 of 11" in first.data
    assert b"phq9_1" in first.data and b"phq9_2" not in first.data
    r = client.post("/kiosk/page/0", data={**web.page_fields(first), "phq9_1": "1", "action": "next"})
    assert r.headers["Location"].endswith("/kiosk/page/1")
    assert count(db, ItemResponse) == 1
    assert db.scalar(select(Administration.status)) == "in_progress"


def test_lock_screen_speaks_every_kiosk_language(client):
    # The next person's language is unknown, so the lock screen greets them in both.
    html = client.get("/kiosk/lock").get_data(as_text=True)
    assert '<div class="greeting" lang="en">' in html and '<div class="greeting" lang="es">' in html
    assert "This tablet is ready for the next person" in html
    assert "Esta tableta está lista para la siguiente persona" in html
