"""The Imports page: admins upload a response file, see what it would do, decide close codes and conflicts, store it."""

from __future__ import annotations

import io
import os
import re
import stat
import time

import pytest
from import_pages import confirm
from import_pages import counts
from import_pages import kept_files
from import_pages import plain
from import_pages import previewed as preview_file
from import_pages import upload as upload_file
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from toolkit.store.models import Administration
from toolkit.store.models import AuditEvent
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import StaffUser
from toolkit.store.users import create_user

PASSWORD = "correct horse battery"
URL = "/staff/p/east/imports"
PHQ = [f"phq9_{i}" for i in range(1, 10)]
ADMIN = "admin@example.org"


def wide_csv(rows: list[dict]) -> bytes:
    columns = ["participant", "wave", "date", *PHQ]
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def person(code: str, wave: str = "baseline", value: int = 1, **extra) -> dict:
    return {"participant": code, "wave": wave, "date": "2026-01-15", **{i: value for i in PHQ}, **extra}


def upload(client, web, data: bytes, name: str = "paper.csv", **fields):
    return upload_file(client, web, (io.BytesIO(data), name), **fields)


@pytest.fixture
def admin(web):
    web.sign_in(ADMIN)
    return web


def previewed(client, web, data: bytes, name: str = "paper.csv", **fields) -> tuple[str, str]:
    """Upload ``data``; the preview's URL and text (without tags)."""
    return preview_file(client, web, (io.BytesIO(data), name), **fields)


def test_only_admins_see_the_page_and_anonymous_signs_in(app, client, web, db):
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    db.commit()
    anonymous = client.get(URL)
    assert anonymous.status_code in (302, 303) and "/auth/login" in anonymous.headers["Location"]
    for email in ("east@example.org", "eva@example.org", "west@example.org"):
        other = app.test_client()
        Web = type(web)
        Web(other).sign_in(email)
        assert other.get(URL).status_code == 404, email
        token = Web.csrf(other.get("/staff/pin").data)
        posted = other.post(URL, data={"csrf_token": token, "file": (io.BytesIO(b"x"), "a.csv")})
        assert posted.status_code == 404, email
        assert other.get(f"{URL}/{'0' * 64}").status_code == 404
    web.sign_in(ADMIN)
    page = client.get(URL)
    assert page.status_code == 200 and "Import responses" in page.get_data(as_text=True)
    assert client.get("/staff/p/nope/imports").status_code == 404


def test_a_post_without_its_csrf_token_is_refused(app, client, admin, db):
    before = counts(db)
    response = client.post(URL, data={"file": (io.BytesIO(wide_csv([person("AB-111")])), "a.csv")})
    assert response.status_code == 400
    assert kept_files(app) == []
    location, _ = previewed(client, admin, wide_csv([person("AB-111")]))
    assert client.post(f"{location}/confirm", data={}).status_code == 400
    assert client.post(f"{location}/discard", data={}).status_code == 400
    assert counts(db) == before


def test_a_good_file_is_previewed_then_stored_by_the_admin(app, client, admin, db):
    data = wide_csv([person("AB-111", value=0), person("E001", "exit", value=2)])
    before = counts(db)
    location, text = previewed(client, admin, data, name="March paper.csv")
    assert "wide CSV, UTF-8, comma-separated" in text and "March paper.csv" in text
    assert "2 participant-waves, 18 answers" in text
    assert "New participants 1 " in text and "Answers added 18 " in text
    assert "Store the import" in text
    assert counts(db) == before  # the preview writes nothing
    [kept, *_] = [p for p in kept_files(app) if p.suffix == ".csv"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_bytes() == data
    assert "March" not in kept.name  # a random name, not the user's
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    stored = confirm(client, admin, location)
    assert stored.status_code == 303 and stored.headers["Location"].endswith(URL), client.get(location).get_data(
        as_text=True
    )
    listing = client.get(URL).get_data(as_text=True)
    assert re.search(r"Import \d+ stored: 1 participant\(s\) added, 2 administration\(s\), 18 answer\(s\)\.", listing)
    assert "March paper.csv" in listing and ADMIN in listing
    db.rollback()
    rec = db.scalar(select(ImportRecord))
    admin_id = db.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN))
    assert rec.staff_id == admin_id and rec.actor == ADMIN and rec.file_name == "March paper.csv"
    assert rec.sha256 == location.rsplit("/", 1)[1]
    assert {a.mode for a in db.scalars(select(Administration))} == {"import"}
    assert counts(db)["item_responses"] == 18
    assert kept_files(app) == []


def test_the_import_is_audited_without_codes_or_answers(client, admin, db):
    location, _ = previewed(client, admin, wide_csv([person("AB-111", value=3)]))
    confirm(client, admin, location)
    db.rollback()
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.kind == "import")).all()
    assert event.staff_id is not None and event.detail["answers"] == 9
    assert "AB-111" not in str(event.detail) and event.note is None
    assert "3.0" not in str(event.detail) or event.detail["alerts"] == 1


def test_a_bad_file_shows_every_problem_by_row_and_column_and_writes_nothing(client, admin, db):
    before = counts(db)
    rows = [
        person("AB-111"),
        person("CD-222", phq9_3=7),
        person("EF-333", wave="6mnth"),
        person("GH-444", phq9_2="often"),
    ]
    location, text = previewed(client, admin, wide_csv(rows), name="bad.csv")
    assert "row 3, column phq9_3: 7 is not an answer to phq9_3" in text
    assert "row 4, column wave: '6mnth' is not a wave of east" in text
    assert "row 5, column phq9_2: 'often' is not a number" in text
    assert "nothing can be stored" in text and "Store the import" not in text
    assert "bad.csv:" not in text
    refused = confirm(client, admin, location)
    assert refused.status_code == 303 and refused.headers["Location"].endswith(location)
    assert "Nothing was stored: the file has 3 problems" in plain(client.get(location).get_data(as_text=True))
    assert counts(db) == before


def test_problems_name_the_uploaded_file_and_choices_not_command_options(app, client, admin):
    _, text = previewed(client, admin, b"this is not a workbook", name="forms.xlsx")
    assert "forms.xlsx" in text and "not an Excel workbook" in text
    assert app.instance_path not in text
    data = b"participant,wave,feeling\nAB-111,baseline,1\n"
    _, text = previewed(client, admin, data, name="other.csv")
    assert "row 1 (the header), column feeling: unknown column" in text
    assert "--map" not in text and "map it with a map file" in text
    _, text = previewed(client, admin, b"participant,phq9_1\nAB-111,1\n", name="nowave.csv")
    assert "choose the wave of every row" in text


def test_a_wave_chosen_for_every_row_and_a_map_file(client, admin, db):
    data = b"record,no_interest\nAB-111,2\n"
    mapping = b"columns:\n  record: participant\n  no_interest: phq9_1\n"
    location, text = previewed(
        client, admin, data, name="legacy.csv", wave="exit", mapping=(io.BytesIO(mapping), "legacy-map.yaml")
    )
    assert "legacy-map.yaml" in text and "Answers added 1 " in text
    confirm(client, admin, location)
    db.rollback()
    [adm] = db.scalars(select(Administration)).all()
    assert adm.wave.name == "exit"
    bad_map = b"columns: [1, 2\n"
    _, text = previewed(client, admin, data + b"CD-222,1\n", name="b.csv", mapping=(io.BytesIO(bad_map), "m.yaml"))
    assert "map file m.yaml" in text and ".map.yaml" not in text


def test_an_excel_workbook_with_binary_content_is_read(client, admin, db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["participant", "wave", *PHQ])
    sheet.append(["AB-111", "baseline", *([1] * 9)])
    path = tmp_path / "forms.xlsx"
    book.save(path)
    location, text = previewed(client, admin, path.read_bytes(), name="forms.xlsx")
    assert "wide XLSX workbook (first sheet)" in text
    assert confirm(client, admin, location).status_code == 303
    assert counts(db)["item_responses"] == 9


@pytest.mark.parametrize("choice", ["same", "new"])
def test_a_close_code_is_stored_as_the_chosen_person(client, admin, db, choice):
    before = counts(db)
    location, text = previewed(client, admin, wide_csv([person("E0O1")]))
    assert "Codes close to enrolled participants" in text and "the same person as E001" in text
    undecided = confirm(client, admin, location)
    assert undecided.status_code == 303 and undecided.headers["Location"].endswith(location)
    assert "choose the same person or a new person" in client.get(location).get_data(as_text=True)
    assert counts(db) == before
    value = "same:E001" if choice == "same" else "new"
    assert confirm(client, admin, location, **{"code-E0O1": value}).status_code == 303
    db.rollback()
    [adm] = db.scalars(select(Administration)).all()
    expected = "E001" if choice == "same" else "E0O1"
    assert db.get(Participant, adm.participant_id).code == expected
    assert counts(db)["participants"] == before["participants"] + (choice == "new")


def test_a_same_person_choice_must_be_a_close_code(client, admin, db):
    before = counts(db)
    location, _ = previewed(client, admin, wide_csv([person("E0O1")]))
    confirm(client, admin, location, **{"code-E0O1": "same:E002x"})
    assert counts(db) == before


@pytest.mark.parametrize("replace", [False, True])
def test_a_conflict_is_stored_only_when_replacing(client, admin, db, replace):
    first, _ = previewed(client, admin, wide_csv([person("E001", value=1)]), name="first.csv")
    confirm(client, admin, first)
    before = counts(db)
    location, text = previewed(client, admin, wide_csv([person("E001", value=1, phq9_4=3)]), name="second.csv")
    assert "Answers that differ from stored ones" in text
    assert "E001 baseline phq9_4 1 3 row 2, column phq9_4" in text, text
    fields = {"replace": "y"} if replace else {}
    response = confirm(client, admin, location, **fields)
    assert response.status_code == 303
    after = counts(db)
    if not replace:
        assert response.headers["Location"].endswith(location) and after == before
        assert "tick “Replace the stored answers”" in client.get(location).get_data(as_text=True)
        return
    assert after["replaced_answers"] == 1 and after["imports"] == 2
    answer = db.scalar(select(ItemResponse).where(ItemResponse.item_id == "phq9_4"))
    assert answer.value == 3


def test_the_same_file_twice_is_already_imported(app, client, admin, db):
    data = wide_csv([person("AB-111")])
    location, _ = previewed(client, admin, data)
    page = client.get(location)
    token = admin.csrf(page.data)
    assert client.post(f"{location}/confirm", data={"csrf_token": token}).status_code == 303
    before = counts(db)
    again = client.post(f"{location}/confirm", data={"csrf_token": token})
    assert again.status_code == 303 and again.headers["Location"].endswith(URL)
    assert "already imported into Eastside Respite" in client.get(URL).get_data(as_text=True)
    second = upload(client, admin, data, name="copy.csv")
    assert second.status_code == 303 and second.headers["Location"].endswith(URL)
    assert "copy.csv: already imported" in client.get(URL).get_data(as_text=True)
    assert counts(db) == before and kept_files(app) == []


def test_a_discarded_upload_is_deleted(app, client, admin, db):
    before = counts(db)
    location, _ = previewed(client, admin, wide_csv([person("AB-111")]))
    assert kept_files(app)
    page = client.get(location)
    response = client.post(f"{location}/discard", data={"csrf_token": admin.csrf(page.data)})
    assert response.status_code == 303 and kept_files(app) == []
    assert "was discarded" in client.get(URL).get_data(as_text=True)
    assert client.get(location).status_code == 303  # no longer kept
    assert counts(db) == before


def test_an_upload_is_deleted_after_an_hour(app, client, admin):
    previewed(client, admin, wide_csv([person("AB-111")]))
    old = time.time() - 3601
    for path in kept_files(app):
        os.utime(path, (old, old))
    client.get(URL)
    assert kept_files(app) == []


def test_another_admin_cannot_use_someone_elses_upload(app, client, web, admin, db):
    location, _ = previewed(client, admin, wide_csv([person("AB-111")]))
    create_user(db, "admin2@example.org", PASSWORD, "admin")
    db.commit()
    other = app.test_client()
    type(web)(other).sign_in("admin2@example.org")
    assert other.get(location).status_code == 303
    assert kept_files(app)


def test_a_file_over_the_limits_is_refused(app, client, admin, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_FILE_MB", "1")
    token = admin.csrf(client.get(URL).data)
    fields = {"csrf_token": token, "wave": "", "file": FileStorage(io.BytesIO(b"x" * (1024 * 1024 + 10)), "big.csv")}
    boundary, body = encode_multipart(fields)  # in memory: the test client would spool a large body to a file
    response = client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert "larger than the limit of 1 MB (OUTCOMES_MAX_FILE_MB)" in client.get(URL).get_data(as_text=True)
    app.config["IMPORT_MAX_CONTENT_LENGTH"] = 1000
    response = upload(client, admin, b"x" * 2000)
    assert response.status_code == 303
    assert "larger than the limit" in client.get(URL).get_data(as_text=True)
    assert kept_files(app) == []


def test_a_file_of_another_kind_is_refused(app, client, admin):
    response = upload(client, admin, b"{}", name="bundle.json")
    assert response.status_code == 303
    assert "is not a file the import reads" in client.get(URL).get_data(as_text=True)
    assert kept_files(app) == []


def test_a_nul_character_in_a_form_field_is_refused(client, admin):
    response = upload(client, admin, wide_csv([person("AB-111")]), wave="exit\x00")
    assert response.status_code == 400


def test_an_spss_file_with_a_label_off_the_scale_names_the_uploaded_file(app, client, admin, db, tmp_path):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"participant": ["AB-111"], "wave": ["baseline"], **{i: [1.0] for i in PHQ}})
    path = tmp_path / "legacy.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"phq9_1": {1: "Not at all", 4: "Nearly every day"}})
    _, text = previewed(client, admin, path.read_bytes(), name="legacy.sav")
    assert "column phq9_1: value label 4 = 'Nearly every day' is not an answer to phq9_1" in text
    assert "map its values with a map file" in text and app.instance_path not in text
    frame.loc[0, "phq9_2"] = -99.0
    pyreadstat.write_sav(frame, str(path), missing_ranges={"phq9_2": [-99]})
    location, text = previewed(client, admin, path.read_bytes(), name="legacy2.sav")
    assert "wide SPSS .sav" in text
    assert confirm(client, admin, location).status_code == 303
    db.rollback()
    declined = db.scalars(select(ItemResponse.item_id).where(ItemResponse.declined.is_(True))).all()
    assert declined == ["phq9_2"]


def test_a_file_stored_meanwhile_by_another_confirm_is_not_stored_twice(app, client, admin, db, monkeypatch):
    data = wide_csv([person("AB-111")])
    location, _ = previewed(client, admin, data)
    confirm(client, admin, location)
    before = counts(db)
    monkeypatch.setattr("toolkit.store.imports.previous_import", lambda *args: None)  # as if not yet committed
    location, _ = previewed(client, admin, data)
    response = confirm(client, admin, location)
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert "already imported into Eastside Respite" in client.get(URL).get_data(as_text=True)
    assert counts(db) == before and kept_files(app) == []


def test_a_utf16_csv_and_an_empty_file_are_read_or_explained(client, admin):
    data = wide_csv([person("AB-111")]).decode().encode("utf-16")  # NUL bytes in every other byte
    _, text = previewed(client, admin, data, name="unicode.csv")
    assert "UTF-16" in text and "Store the import" in text
    _, text = previewed(client, admin, b"", name="empty.csv")
    assert "nothing can be stored" in text and "empty.csv" in text


def test_the_problems_shown_are_capped_with_a_count_of_the_rest(client, admin):
    rows = [person(f"ZZ-{n:03d}", phq9_1=9) for n in range(105)]
    _, text = previewed(client, admin, wide_csv(rows), name="many.csv")
    assert "105 problems: nothing can be stored" in text
    assert "row 101, column phq9_1" in text and "row 102, column phq9_1" not in text
    assert "… and 5 more problems." in text
