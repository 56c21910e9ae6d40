"""Ticked answers survive the survey's Back, a reload, the idle lock and a language switch.

They are never saved as answers.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import PageDraft


def draft(client, web, page, n, answers):
    return client.post(
        f"/kiosk/page/{n}/draft",
        data={**web.page_fields(page), **answers},
        headers={"X-CSRFToken": web.csrf(page.data)},
    )


def checked(html: bytes) -> int:
    return html.count(b" checked")


def test_a_draft_restores_ticked_answers_after_a_reload(client, web, db):
    first = web.start_kiosk()
    assert draft(client, web, first, 0, web.phq9([2, 1, 3])).status_code == 204
    assert checked(client.get("/kiosk/page/0").data) == 3
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ItemResponse)) == 0


def test_the_surveys_back_button_keeps_an_unfinished_page(client, web):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([0] * 9), "action": "next"})
    second = client.get("/kiosk/page/1")
    r = client.post("/kiosk/page/1", data={**web.page_fields(second), "webmood_1": "3", "action": "back"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk/page/0")
    again = client.get("/kiosk/page/1").get_data(as_text=True)
    assert 'value="3" checked' in again


def test_drafts_survive_the_idle_lock_and_come_back_on_resume(client, web, db):
    first = web.start_kiosk()
    draft(client, web, first, 0, web.phq9([1, 1]))
    client.post("/kiosk/lock", data={"csrf_token": web.csrf(first.data)})
    ks = db.scalar(select(KioskSession))
    web.sign_in("east@example.org")
    page = client.get("/staff/p/east/")
    client.post(f"/staff/p/east/sessions/{ks.ref}/resume", data={"csrf_token": web.csrf(page.data)})
    assert checked(client.get("/kiosk/page/0").data) == 2


def test_a_draft_of_another_session_or_a_tampered_value_is_refused(client, web, db):
    first = web.start_kiosk()
    fields = web.page_fields(first)
    headers = {"X-CSRFToken": fields["csrf_token"]}
    assert (
        client.post("/kiosk/page/0/draft", data={**fields, "ref": "0" * 16, "phq9_1": "1"}, headers=headers).status_code
        == 400
    )
    assert client.post("/kiosk/page/0/draft", data={**fields, "phq9_1": "7"}, headers=headers).status_code == 400
    assert client.post("/kiosk/page/0/draft", data={**fields, "evil": "1"}, headers=headers).status_code == 400
    no_token = {k: v for k, v in fields.items() if k != "csrf_token"}
    assert client.post("/kiosk/page/0/draft", data={**no_token, "phq9_1": "1"}).status_code == 400  # no CSRF token
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PageDraft)) == 0


def test_a_late_draft_from_a_page_already_sent_is_ignored(client, web, db):
    first = web.start_kiosk()
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([1] * 8 + [0]), "action": "next"})
    late = draft(client, web, first, 0, web.phq9([3]))  # the rendering that was just sent
    assert late.status_code == 409
    assert checked(client.get("/kiosk/page/0").data) == 9
    assert b'value="3" checked' not in client.get("/kiosk/page/0").data


def test_without_a_session_a_draft_is_gone(client, web):
    first = web.start_kiosk()
    client.post("/kiosk/lock", data={"csrf_token": web.csrf(first.data)})
    assert draft(client, web, first, 0, web.phq9([1])).status_code == 410


def test_still_here_pushes_the_idle_deadline(client, web, db):
    first = web.start_kiosk()
    ks = db.scalar(select(KioskSession))
    before = ks.expires_at
    db.rollback()
    r = client.post("/kiosk/still-here", headers={"X-CSRFToken": web.csrf(first.data)})
    assert r.status_code == 204
    assert db.scalar(select(KioskSession.expires_at)) >= before
