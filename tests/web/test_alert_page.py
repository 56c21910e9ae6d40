"""The staff alert page: the instrument total and band, answer history, delivery state, local times."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from toolkit.store.models import Notification
from toolkit.store.models import Program
from toolkit.store.models import utcnow


def raise_and_change(client, web):
    """PHQ-9 with item 9 = 2 (total 10: moderate), then back and item 9 changed to 0 (total 8: mild)."""
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([1] * 8 + [2]), "action": "next"})
    support = client.get("/kiosk/support")
    client.post("/kiosk/support", data={"csrf_token": web.csrf(support.data), "choice": "continue"})
    back = client.get("/kiosk/page/0")
    client.post("/kiosk/page/0", data={**web.page_fields(back), **web.phq9([1] * 8 + [0]), "action": "next"})


def test_alert_page_shows_total_band_and_history(client, web, db):
    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.time_zone = "America/Chicago"
    db.commit()
    raise_and_change(client, web)
    web.sign_in("east@example.org")
    html = client.get("/staff/p/east/alerts").get_data(as_text=True)
    assert "Answer that raised it</dt><dd>2 (More than half the days)" in html
    assert "Answer now</dt><dd>0 (Not at all)" in html
    assert "PHQ-9 total</dt><dd>8 (mild)" in html  # scored from the saved answers now
    assert "2 (More than half the days) → 0 (Not at all)" in html
    assert "Times are in America/Chicago." in html
    assert (" CST" in html) or (" CDT" in html)
    assert " UTC" not in html


def test_delivery_state_queued_failing_and_sent(client, web, db):
    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.alert_emails = ["lead@example.org", "nurse@example.org", "peer@example.org"]
    db.commit()
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [1]), "action": "next"})
    db.rollback()
    lead, nurse, peer = db.scalars(select(Notification).order_by(Notification.recipient)).all()
    lead.sent_at = utcnow()
    nurse.attempts, nurse.last_error = 3, "connection refused by mail.example.org:25"
    nurse.next_attempt_at = utcnow() + timedelta(seconds=8)
    db.commit()
    web.sign_in("east@example.org")
    html = client.get("/staff/p/east/alerts").get_data(as_text=True)
    assert "Alert to lead@example.org:\n        sent" in html
    assert "not delivered yet</strong> (3 tries; connection refused by mail.example.org:25)" in html
    assert "Alert to peer@example.org:\n        queued" in html


def test_alert_page_warns_when_nobody_is_notified(client, web):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 8 + [1]), "action": "next"})
    web.sign_in("east@example.org")
    html = client.get("/staff/p/east/alerts").get_data(as_text=True)
    assert "No one is notified of new alerts in this program" in html
    assert "None: the program had no recipients when this alert was raised." in html


def test_kiosk_error_pages_speak_the_participants_language(client, web):
    first = web.start_kiosk(language="es")
    fields = web.page_fields(first)
    del fields["csrf_token"]
    expired = client.post("/kiosk/page/0", data={**fields, **web.phq9([0] * 9), "action": "next"})
    html = expired.get_data(as_text=True)
    assert expired.status_code == 400
    assert '<html lang="es">' in html and "Esta página caducó" in html and "Volver a la encuesta" in html
    tampered = client.post("/kiosk/page/0", data={**web.page_fields(first), "phq9_1": "9", "action": "next"})
    assert tampered.status_code == 400 and "Algo salió mal" in tampered.get_data(as_text=True)


def test_staff_error_pages_stay_in_english(client, web):
    web.sign_in("east@example.org")
    html = client.get("/staff/p/nowhere/").get_data(as_text=True)
    assert "Not found" in html and '<html lang="en">' in html
