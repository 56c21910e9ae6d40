"""Staff pages: dashboard, participants, program scope, alerts and the banner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import update_program


def test_dashboard_shows_only_programs_in_scope(client, web):
    web.sign_in("east@example.org")
    page = client.get("/staff/").data
    assert b"Eastside Respite" in page and b"Westside" not in page


def test_admin_sees_every_program(client, web):
    web.sign_in("admin@example.org")
    page = client.get("/staff/").data
    assert b"Eastside Respite" in page and b"Westside Drop-in" in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/staff/p/west/"),
        ("get", "/staff/p/west/alerts"),
        ("post", "/staff/p/west/"),
        ("post", "/staff/p/west/sessions"),
    ],
)
def test_other_programs_answer_not_found(client, web, method, url):
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    response = getattr(client, method)(
        url, data={"csrf_token": token, "add-code": "X1", "start-participant": "W001", "start-wave": "baseline"}
    )
    assert response.status_code == 404


def test_unknown_program_is_404(client, web):
    web.sign_in("east@example.org")
    assert client.get("/staff/p/nowhere/").status_code == 404


def test_staff_cannot_open_admin_pages(client, web):
    web.sign_in("east@example.org")
    assert client.get("/staff/admin/users").status_code == 404
    assert client.get("/staff/admin/programs").status_code == 404


def test_enrol_participant_and_refuse_duplicates_and_names(client, web, db):
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    response = client.post(
        "/staff/p/east/", data={"csrf_token": token, "add-code": "E100", "add-site": "Main St", "add-group": "peer"}
    )
    assert response.status_code == 303
    again = client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "E100"})
    assert again.status_code == 303
    page = client.get("/staff/p/east/").get_data(as_text=True)
    assert 'id="add-code-err">code: participant &#39;E100&#39; is already enrolled' in page
    name = client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "Jane Doe"})
    assert name.status_code == 303
    page = client.get("/staff/p/east/").get_data(as_text=True)
    assert "no names" in page and 'value="Jane Doe"' in page  # the typed value is kept to correct
    codes = set(db.scalars(select(Participant.code).where(Participant.program_id == 1)))
    assert "E100" in codes and "Jane Doe" not in codes


def test_alert_banner_and_acknowledgement(client, web, db):
    kiosk = web.start_kiosk()
    fields = web.page_fields(kiosk)
    client.post("/kiosk/page/0", data={**fields, **web.phq9([0] * 8 + [1]), "action": "next"})
    # back to staff: the banner is on every staff page
    web.sign_in("east@example.org")
    for url in ("/staff/", "/staff/p/east/", "/staff/p/east/alerts"):
        assert b"1 safety alert needs attention" in client.get(url).data
    # staff of another program do not see it
    client.post("/auth/logout", data={"csrf_token": web.csrf(client.get("/staff/").data)})
    web.sign_in("west@example.org")
    assert b"safety alert" not in client.get("/staff/").data
    client.post("/auth/logout", data={"csrf_token": web.csrf(client.get("/staff/").data)})
    web.sign_in("east@example.org")
    alert = db.scalar(select(Alert))
    page = client.get("/staff/p/east/alerts")
    assert b"E001" in page.data and b"PHQ-9 item 9" in page.data
    token = web.csrf(page.data)
    empty = client.post(f"/staff/p/east/alerts/{alert.id}/acknowledge", data={"csrf_token": token, "note": " "})
    assert empty.status_code == 303
    db.rollback()  # end the read snapshot
    assert db.get(Alert, alert.id).acknowledged_at is None  # a note is required
    done = client.post(
        f"/staff/p/east/alerts/{alert.id}/acknowledge",
        data={"csrf_token": token, "note": "Talked with them; safety plan reviewed."},
    )
    assert done.status_code == 303
    db.rollback()  # end the read snapshot
    acked = db.get(Alert, alert.id)
    assert acked.acknowledged_at is not None and acked.note.startswith("Talked")
    assert acked.acknowledged_by.email == "east@example.org"
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "alert_acknowledged")) == 1
    assert b"safety alert" not in client.get("/staff/").data


def test_acknowledging_another_programs_alert_is_forbidden(client, web, db):
    kiosk = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(kiosk), **web.phq9([0] * 8 + [2]), "action": "next"})
    alert = db.scalar(select(Alert))
    web.sign_in("west@example.org")
    token = web.csrf(client.get("/staff/").data)
    response = client.post(f"/staff/p/west/alerts/{alert.id}/acknowledge", data={"csrf_token": token, "note": "x"})
    assert response.status_code == 404
    response = client.post(f"/staff/p/east/alerts/{alert.id}/acknowledge", data={"csrf_token": token, "note": "x"})
    assert response.status_code == 404
    db.rollback()  # end the read snapshot
    assert db.get(Alert, alert.id).acknowledged_at is None


def due_count(page: str) -> int:
    """The "Follow-ups due" count of a program page."""
    match = re.search(r'Follow-ups due</dt><dd><a href="/staff/p/east/followups\?state=open"[^>]*>(\d+)</a>', page)
    assert match, "no follow-ups due count linking to the worklist"
    return int(match.group(1))


def test_waves_done_and_due_follow_ups(client, web, db, registry):
    kiosk = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(kiosk), **web.phq9([0] * 9), "action": "next"})
    page2 = client.get("/kiosk/page/1")
    client.post("/kiosk/page/1", data={**web.page_fields(page2), "webmood_1": "2", "webmood_2": "3", "action": "next"})
    web.sign_in("east@example.org")
    page = client.get("/staff/p/east/").data.decode()
    assert "<td>E001</td><td></td><td></td>\n      <td>baseline</td>" in page
    assert due_count(page) == 0  # exit has no due date: never counted as due
    # give exit a due date 90 days after baseline, and move the baseline 90 days back
    update_program(db, registry, db.scalar(select(Program).where(Program.slug == "east")), waves="baseline,exit:+90")
    for admin in db.scalars(select(Administration)):
        admin.completed_at -= timedelta(days=90)
    db.commit()
    page = client.get("/staff/p/east/").data.decode()
    assert due_count(page) == 1


def test_a_code_close_to_an_enrolled_one_asks_did_you_mean(client, web, db):
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    first = client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "EOO1"})
    assert first.status_code == 303
    page = client.get("/staff/p/east/").get_data(as_text=True)
    e001 = db.scalar(select(Participant.id).where(Participant.code == "E001"))
    assert "Is this the same person?" in page
    assert f'/staff/p/east/#participant-{e001}"' in page
    assert 'name="add-confirm" value="EOO1"' in page
    assert "EOO1" not in set(db.scalars(select(Participant.code)))
    confirmed = client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "EOO1", "add-confirm": "EOO1"})
    assert confirmed.status_code == 303
    far = client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "ZZ-900"})
    assert far.status_code == 303
    db.rollback()  # end this session's read snapshot to see what the app wrote
    assert {"EOO1", "ZZ-900"} <= set(db.scalars(select(Participant.code)))
