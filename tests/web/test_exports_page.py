"""The Exports page: evaluators and admins of the program download files; everyone else finds nothing."""

from __future__ import annotations

import datetime as dt
import io
import re

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import add_participant
from toolkit.store.users import create_user

PASSWORD = "correct horse battery"
URL = "/staff/p/east/exports"


@pytest.fixture
def answered(app, db):
    """E001 answered the PHQ-9 at baseline (item 9 declined); E003 at Harbor too; an evaluator of each program."""
    east = db.scalar(select(Program).where(Program.slug == "east"))
    add_participant(db, east, "E003", site="Harbor", group="=1+2")
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    create_user(db, "wendy@example.org", PASSWORD, "evaluator", ["west"])
    for code in ("E001", "E003"):
        person = db.scalar(select(Participant).where(Participant.code == code))
        admin = Administration(
            participant_id=person.id,
            wave_id=east.waves[0].id,
            instrument_id="phq9",
            instrument_version=1,
            status="complete",
            mode="tablet",
            submission_key=f"{code}-phq9",
            completed_at=dt.datetime(2026, 2, 3, 12, tzinfo=dt.UTC),
        )
        db.add(admin)
        db.flush()
        for n in range(1, 10):
            value = None if n == 9 else float(n % 4)
            db.add(ItemResponse(administration_id=admin.id, item_id=f"phq9_{n}", value=value, declined=value is None))
    db.commit()
    return east


def download(client, web, **fields):
    page = client.get(URL)
    data = {"csrf_token": web.csrf(page.data), "format": "csv", "layout": "wide", "site": "", **fields}
    return client.post(URL, data=data)


@pytest.mark.parametrize("who", ["eva@example.org", "admin@example.org"])
def test_evaluators_and_admins_of_the_program_download_a_file(client, web, answered, who):
    web.sign_in(who)
    page = client.get(URL)
    assert page.status_code == 200 and "Export data" in page.get_data(as_text=True)
    response = download(client, web, format="csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "no-store" in response.headers["Cache-Control"]
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="east-wide-\d{4}-\d{2}-\d{2}\.csv"', disposition), disposition
    text = response.get_data(as_text=True)
    assert text.startswith("participant,wave,site,group,date,mode,language,phq9_1")
    assert "'=1+2" in text and ",declined" in text  # escaped formula; declined answer


def test_parquet_with_scores_for_one_site(client, web, answered):
    web.sign_in("eva@example.org")
    response = download(client, web, format="parquet", scores="y", site="Harbor")
    assert response.status_code == 200
    name = response.headers["Content-Disposition"]
    assert "east-wide-scores-Harbor-" in name and name.endswith('.parquet"')
    table = pq.read_table(io.BytesIO(response.data)).to_pydict()
    assert table["participant"] == ["E003"] and table["phq9_total"] == [14.0]  # 12 over 8 items, prorated to 9


def test_staff_and_other_programs_find_nothing_and_anonymous_signs_in(app, client, web, answered):
    assert client.get(URL).status_code in (302, 303)
    assert "/auth/login" in client.get(URL).headers["Location"]
    web.sign_in("east@example.org")  # a staff member of the program
    assert client.get(URL).status_code == 404
    token = web.csrf(client.get("/staff/p/east/").data)
    assert client.post(URL, data={"csrf_token": token, "format": "csv", "layout": "wide"}).status_code == 404
    other = app.test_client()
    type(web)(other).sign_in("wendy@example.org")  # an evaluator of another program
    assert other.get(URL).status_code == 404
    assert other.get("/staff/p/nope/exports").status_code == 404


def test_a_post_without_its_csrf_token_is_refused(client, web, answered):
    web.sign_in("eva@example.org")
    response = client.post(URL, data={"format": "csv", "layout": "wide"})
    assert response.status_code == 400


def test_every_export_is_audited_without_codes_or_answers(client, web, db, answered):
    web.sign_in("eva@example.org")
    download(client, web, format="sav", layout="long")
    db.rollback()
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.kind == "export")).all()
    assert event.staff_id is not None and event.program_id == answered.id
    assert event.detail == {"format": "sav", "layout": "long", "scores": False, "site": None, "rows": 18}
    assert "E00" not in str(event.detail) and event.note is None


def test_a_layout_excel_cannot_hold_comes_back_to_the_form(client, web, answered, monkeypatch):
    monkeypatch.setattr("toolkit.exchange.export_sheets.XLSX_MAX_ROWS", 2)
    web.sign_in("eva@example.org")
    response = download(client, web, format="xlsx")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The export was not made" in page and "an Excel sheet holds at most 1; export it as csv" in page
