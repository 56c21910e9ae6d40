"""The paper-entry page: roles and programs, CSRF, storing with mode paper, double entry entered blind."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.schedule import today_in
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse
from toolkit.store.models import PaperEntry
from toolkit.store.models import Participant
from toolkit.store.users import create_user

PAGE = "/staff/p/east/paper"
PASSWORD = "correct horse battery"


@pytest.fixture
def users(db):
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    create_user(db, "east2@example.org", PASSWORD, "staff", ["east"])
    db.commit()


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def choose(web, code="E001", double=False, **extra):
    """Post the first page's choice; returns the response (a redirect)."""
    page = web.client.get(PAGE)
    data = {
        "csrf_token": web.csrf(page.data),
        "paper-participant": code,
        "paper-wave": "baseline",
        "paper-form_date": today_in("UTC").isoformat(),
        "paper-language": "en",
        **extra,
    }
    if double:
        data["paper-double"] = "y"
    return web.client.post(PAGE, data=data)


def questionnaires(web, **kwargs) -> tuple[str, str]:
    """Choose a form and open its questionnaires; returns (url, html)."""
    response = choose(web, **kwargs)
    assert response.status_code == 303 and "/paper/form?" in response.location, response.data
    return response.location, web.client.get(response.location).get_data(as_text=True)


def phq9(values) -> dict:
    return {f"phq9-phq9_{i + 1}": str(v) for i, v in enumerate(values) if v is not None}


@pytest.mark.parametrize(
    ("email", "status"),
    [("east@example.org", 200), ("admin@example.org", 200), ("eva@example.org", 404), ("west@example.org", 404)],
)
def test_staff_and_admins_of_the_program_only(client, web, users, email, status):
    web.sign_in(email)
    assert client.get(PAGE).status_code == status
    assert client.get("/staff/p/nowhere/paper").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code in (302, 303) and "/auth/login" in response.location


def test_an_evaluator_cannot_post_either(client, web, db, users):
    web.sign_in("eva@example.org")
    token = web.csrf(client.get("/staff/").data)
    assert client.post(PAGE, data={"csrf_token": token, "paper-participant": "E001"}).status_code == 404


def test_a_post_without_csrf_token_is_refused(client, web, db):
    web.sign_in("east@example.org")
    url, html = questionnaires(web)
    response = client.post(url, data=phq9([1] * 9))
    assert response.status_code == 400 and count(db, Administration) == 0


def test_a_paper_form_is_stored_with_mode_paper_and_its_alert_raised(client, web, db):
    web.sign_in("east@example.org")
    url, html = questionnaires(web)
    assert "Little interest or pleasure in doing things" in html and 'value="" checked' in html
    data = {"csrf_token": web.csrf(html), **phq9([1, 0, 0, None, 0, 0, 0, 0, 2]), "webmood-webmood_2": "4"}
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.location.endswith(PAGE)
    shown = client.get(PAGE).get_data(as_text=True)
    assert "stored: 9 answers. 1 safety alert raised: see the alerts page." in shown
    adms = db.scalars(select(Administration).order_by(Administration.id)).all()
    assert [(a.instrument_id, a.mode, a.status) for a in adms] == [
        ("phq9", "paper", "complete"),
        ("webmood", "paper", "complete"),
    ]
    assert count(db, ItemResponse) == 9  # phq9_4 and webmood_1 left blank
    assert db.scalar(select(Alert.source)) == "paper"
    again = client.get(url).get_data(as_text=True)
    assert "PHQ-9 is already stored for E001 at baseline (entered from paper)" in again
    assert "nothing left to enter" in again


def test_a_value_off_the_scale_is_refused_and_a_bad_count_is_shown(client, web, db):
    web.sign_in("east@example.org")
    url, html = questionnaires(web)
    token = web.csrf(html)
    assert client.post(url, data={"csrf_token": token, "phq9-phq9_1": "7"}).status_code == 400
    response = client.post(url, data={"csrf_token": token, **phq9([1] * 9), "webmood-webmood_2": "999"})
    assert response.status_code == 303 and response.location.endswith(url.split("localhost")[-1])
    shown = client.get(url).get_data(as_text=True)
    assert "Enter a whole number from 0 to 90." in shown and count(db, Administration) == 0
    assert re.search(r'name="phq9-phq9_1" value="1" checked', shown)  # what was typed is kept


def test_an_unknown_code_close_to_enrolled_ones_asks_did_you_mean(client, web, db):
    web.sign_in("east@example.org")
    response = choose(web, code="EOO1")
    assert response.status_code == 303 and response.location.endswith(PAGE)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Did you mean one of these?" in html and 0 < html.index("Use E001") < html.index("Use E002")
    picked = choose(web, code="EOO1", **{"paper-use_code": "E001"})
    assert "/paper/form?" in picked.location
    far = choose(web, code="ZZZ999")
    assert far.location.endswith(PAGE)
    assert "no ZZZ999 in Eastside Respite; enrol them first" in client.get(PAGE).get_data(as_text=True)


def test_a_date_in_the_future_is_refused(client, web):
    web.sign_in("east@example.org")
    response = choose(web, **{"paper-form_date": "2999-01-01"})
    assert response.location.endswith(PAGE)
    assert "form date: 2999-01-01 is after today" in client.get(PAGE).get_data(as_text=True)


def test_another_programs_participant_is_not_found_on_the_questionnaires_page(client, web, db):
    web.sign_in("east@example.org")
    url, _html = questionnaires(web)
    west = db.scalar(select(Participant).where(Participant.code == "W001"))
    other = re.sub(r"participant=\d+", f"participant={west.id}", url)
    assert client.get(other).status_code == 404
    assert client.get(re.sub(r"participant=\d+", "participant=99999999999", url)).status_code == 404
    assert client.get(re.sub(r"date=[0-9-]+", "date=2026-13-45", url)).status_code == 400
    assert client.get(re.sub(r"date=[0-9-]+", "date=2999-01-01", url)).status_code == 400
    assert client.get(re.sub(r"language=en", "language=xx", url)).status_code == 400


def test_double_entry_is_blind_refuses_the_same_person_and_lists_differences(client, web, db, users, another_tablet):
    web.sign_in("east@example.org")
    url, html = questionnaires(web, double=True)
    first = {"csrf_token": web.csrf(html), **phq9([3, 0, 0, 0, 0, 0, 0, 0, 0]), "webmood-webmood_1": "2"}
    assert client.post(url, data=first).status_code == 303
    assert count(db, Administration) == 0 and count(db, PaperEntry) == 1
    entry = db.scalar(select(PaperEntry))
    listing = client.get(PAGE).get_data(as_text=True)
    assert "Your entry: another staff member enters it again." in listing
    second_url = f"{PAGE}/entries/{entry.id}"
    own = client.get(second_url).get_data(as_text=True)
    assert "You made the first entry of this form" in own and 'name="phq9-phq9_1"' not in own
    refused = client.post(second_url, data={"csrf_token": web.csrf(own), **phq9([3] + [0] * 8)})
    assert refused.status_code == 303 and count(db, Administration) == 0

    other = another_tablet()
    other.sign_in("east2@example.org")
    blind = other.client.get(second_url).get_data(as_text=True)
    assert 'name="phq9-phq9_1"' in blind and "checked" in blind
    assert 'value="3" checked' not in blind and 'value="2" checked' not in blind  # the first entry is never shown
    second = {"csrf_token": other.csrf(blind), **phq9([2, 0, 0, 0, 0, 0, 0, 0, 0]), "webmood-webmood_1": "2"}
    response = other.client.post(second_url, data=second)
    assert response.location.endswith(f"/entries/{entry.id}/differences")
    page = other.client.get(response.location).get_data(as_text=True)
    assert "Nearly every day (3)" in page and "More than half the days (2)" in page
    assert count(db, Administration) == 0
    stored = other.client.post(response.location, data={"csrf_token": other.csrf(page), "d0": "1"})
    assert stored.location.endswith(PAGE)
    db.rollback()
    assert db.scalar(select(ItemResponse.value).where(ItemResponse.item_id == "phq9_1")) == 3.0
    assert set(db.scalars(select(Administration.mode))) == {"paper"}
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "paper_entered"))
    assert event.detail["first_entry_by"] != event.detail["second_entry_by"] and event.detail["entry"] == entry.id


def test_a_waiting_form_can_be_discarded(client, web, db):
    web.sign_in("east@example.org")
    url, html = questionnaires(web, double=True)
    client.post(url, data={"csrf_token": web.csrf(html), **phq9([1] * 9)})
    entry = db.scalar(select(PaperEntry))
    token = web.csrf(client.get(PAGE).data)
    assert client.post(f"{PAGE}/entries/{entry.id}/discard", data={"csrf_token": token}).status_code == 303
    db.rollback()
    assert db.get(PaperEntry, entry.id).status == "discarded" and "No paper form is waiting" in client.get(
        PAGE
    ).get_data(as_text=True)
    assert client.post(f"{PAGE}/entries/{entry.id}/discard", data={"csrf_token": token}).status_code == 404
