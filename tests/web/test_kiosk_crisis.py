"""The crisis path through the web app: three choices, waiting for staff, and end screens that tell nothing."""

from __future__ import annotations

from html_forms import tokenless
from sqlalchemy import select

from toolkit.store.models import Alert
from toolkit.store.models import KioskSession
from toolkit.store.models import Notification
from toolkit.store.models import Program


def alert_page(client, web, values):
    first = web.start_kiosk()
    return client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9(values), "action": "next"})


def choose(client, web, choice):
    support = client.get("/kiosk/support")
    assert support.status_code == 200
    return client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": choice})


def finish_mood(client, web):
    page = client.get("/kiosk/page/1")
    r = client.post(
        "/kiosk/page/1", data={**web.page_fields(page), "webmood_1": "2", "webmood_2": "1", "action": "next"}
    )
    assert r.headers["Location"].endswith("/kiosk/done")
    return client.get("/kiosk/done").get_data(as_text=True)


def test_the_crisis_screen_offers_three_choices(client, web):
    alert_page(client, web, [0] * 8 + [1])
    html = client.get("/kiosk/support").get_data(as_text=True)
    for label in ("talk to someone now", "Continue the survey", "Stop here"):
        assert label in html
    assert "988" in html


def test_talk_to_someone_holds_the_survey_until_staff_unlock(client, web, db, app):
    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.alert_emails = ["lead@example.org"]
    db.commit()
    alert_page(client, web, [0] * 8 + [2])
    r = choose(client, web, "talk")
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk/waiting")
    waiting = client.get("/kiosk/waiting").get_data(as_text=True)
    assert "Someone is on the way" in waiting and "988" in waiting
    # the survey cannot go on from the tablet alone
    for url in ("/kiosk/", "/kiosk/page/1", "/kiosk/page/0", "/kiosk/support"):
        assert client.get(url).headers["Location"].endswith("/kiosk/waiting")
    db.rollback()
    alert = db.scalar(select(Alert))
    assert alert.asked_for_staff_at is not None
    assert sorted(n.kind for n in db.scalars(select(Notification))) == ["alert", "staff_requested"]
    assert db.scalar(select(KioskSession.held_at)) is not None


def test_stop_here_keeps_the_answers_and_shows_the_ordinary_end(client, web, db):
    alert_page(client, web, [1] * 8 + [3])
    r = choose(client, web, "stop")
    assert r.headers["Location"].endswith("/kiosk/done")
    done = tokenless(client.get("/kiosk/done").get_data(as_text=True))
    assert "Thank you. You are finished." in done and "988" not in done
    db.rollback()
    ks = db.scalar(select(KioskSession))
    assert ks.status == "stopped" and ks.token_hash is None
    assert "ready for the next person" in client.get("/kiosk/page/1", follow_redirects=True).get_data(as_text=True)


def test_end_screen_is_identical_with_and_without_an_alert(client, web, another_tablet):
    alert_page(client, web, [0] * 8 + [3])
    choose(client, web, "continue")
    with_alert = finish_mood(client, web)
    other = another_tablet()
    first = other.start_kiosk(code="E002")
    other.client.post("/kiosk/page/0", data={**other.page_fields(first), **other.phq9([0] * 9), "action": "next"})
    without_alert = finish_mood(other.client, other)
    assert tokenless(with_alert) == tokenless(without_alert)
    assert "Help and crisis numbers" in with_alert


def test_help_and_crisis_numbers_are_there_for_everyone(client, web):
    lock = client.get("/kiosk/lock").get_data(as_text=True)
    assert 'href="/kiosk/help"' in lock
    help_page = client.get("/kiosk/help").get_data(as_text=True)
    assert "988" in help_page and "Línea 988" in help_page  # every language before a session
    first = web.start_kiosk(language="es")
    assert 'href="/kiosk/help"' in first.get_data(as_text=True)
    during = client.get("/kiosk/help").get_data(as_text=True)
    assert "Línea 988" in during and '<html lang="es">' in during and "Atrás" in during


def test_reloading_the_crisis_screen_shows_it_again(client, web):
    alert_page(client, web, [0] * 8 + [1])
    for _ in range(3):
        assert b"988" in client.get("/kiosk/support").data
    assert client.get("/kiosk/").headers["Location"].endswith("/kiosk/support")


def test_a_second_tap_on_a_choice_does_nothing_more(client, web, db):
    alert_page(client, web, [0] * 8 + [1])
    support = client.get("/kiosk/support")
    token = web.csrf(support.data)
    client.post("/kiosk/support", data={"csrf_token": token, "choice": "continue"})
    again = client.post("/kiosk/support", data={"csrf_token": token, "choice": "stop"})
    assert again.headers["Location"].endswith("/kiosk/page/1")
    db.rollback()
    assert db.scalar(select(KioskSession.status)) == "active"


def test_risk_items_offer_prefer_not_to_answer_only_when_the_program_allows(client, web, db):
    first = web.start_kiosk().get_data(as_text=True)
    assert 'name="phq9_9" value="declined"' not in first
    refused = client.post(
        "/kiosk/page/0",
        data={
            **web.page_fields(web.client.get("/kiosk/page/0")),
            **web.phq9([0] * 8),
            "phq9_9": "declined",
            "action": "next",
        },
    )
    assert refused.status_code == 400
    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.risk_decline = True
    db.commit()
    page = client.get("/kiosk/page/0")
    html = page.get_data(as_text=True)
    assert 'name="phq9_9" value="declined"' in html and 'name="phq9_1" value="declined"' not in html
    r = client.post(
        "/kiosk/page/0", data={**web.page_fields(page), **web.phq9([0] * 8), "phq9_9": "declined", "action": "next"}
    )
    assert r.headers["Location"].endswith("/kiosk/page/1")
    db.rollback()
    assert db.scalar(select(Alert)) is None
