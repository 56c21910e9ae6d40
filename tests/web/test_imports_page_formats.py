"""The Imports page's REDCap and FHIR formats: the command's readers, checks and messages, in the page's words."""

from __future__ import annotations

import io
import json
import re
import stat
from pathlib import Path

import pytest
from import_pages import confirm
from import_pages import counts
from import_pages import kept_files
from import_pages import plain
from import_pages import previewed
from import_pages import upload
from import_programs import stored_in
from sqlalchemy import select

from toolkit.store.models import ImportRecord
from toolkit.store.programs import create_program
from toolkit.store.users import create_user

PASSWORD = "correct horse battery"
ADMIN = "admin@example.org"
EAST = "/staff/p/east/imports"
NORTH = "/staff/p/north/imports"
DATA = Path(__file__).parents[1] / "exchange" / "data"
RECORDS = DATA / "redcap_phq9_records.csv"
DICTIONARY = DATA / "redcap_phq9_dictionary.csv"
MAP = DATA / "redcap_phq9_map.yaml"
BUNDLE = DATA / "fhir_bundle_two_responses.json"
FOREIGN_Q = DATA / "fhir_questionnaire_foreign.json"
FOREIGN_QR = DATA / "fhir_response_foreign.json"


def attached(path: Path, data: bytes | None = None, name: str | None = None) -> tuple[io.BytesIO, str]:
    """A file field's value: the bytes of ``path`` (or ``data``) under its name (or ``name``)."""
    return io.BytesIO(path.read_bytes() if data is None else data), name or path.name


def stored(db, slug: str) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """(participant, wave, item) -> (value, declined) of a program's stored answers, as the app committed them."""
    db.rollback()
    return stored_in(db, slug)


@pytest.fixture
def admin(web):
    web.sign_in(ADMIN)
    return web


@pytest.fixture
def north(db, registry):
    """Program north: waves baseline, 3month (windowed) and exit, as the REDCap map and FHIR dates need; PHQ-9."""
    waves = "baseline,3month:+91[-30,+60],exit"
    create_program(db, registry, "north", "Northside Peer Support", waves, ["phq9", "gad7"])
    db.commit()
    return NORTH


def test_the_page_offers_the_formats_and_their_fields(client, admin):
    html = client.get(EAST).get_data(as_text=True)
    kinds = re.findall(r'<option[^>]*value="(auto|redcap|fhir)"', html)
    assert kinds == ["auto", "redcap", "fhir"]
    for name in ("dictionary", "questionnaire", "participant"):
        assert re.search(rf'<input[^>]*name="{name}"', html), name
    instruments = re.search(r'<select[^>]*name="instrument".*?</select>', html, re.S).group(0)
    assert re.findall(r'value="([^"]*)"', instruments) == ["", "phq9", "webmood"]  # the battery of east


def test_redcap_records_with_their_dictionary_and_a_map_are_previewed_then_stored(app, client, admin, db, north):
    before = counts(db)
    files = {"kind": "redcap", "dictionary": attached(DICTIONARY), "mapping": attached(MAP)}
    location, text = previewed(client, admin, attached(RECORDS), north, **files)
    assert "REDCap records, UTF-8 with a byte-order mark, comma-separated" in text
    assert "form status column(s) (*_complete) not read" in text
    assert "3 participant-waves, 25 answers" in text
    assert "New participants 2 " in text and "Answers added 25 " in text
    assert "Data dictionary redcap_phq9_dictionary.csv" in text and "Map file redcap_phq9_map.yaml" in text
    assert counts(db) == before  # the preview writes nothing
    [dictionary] = [p for p in kept_files(app) if p.name.endswith(".dictionary.csv")]
    assert stat.S_IMODE(dictionary.stat().st_mode) == 0o600 and dictionary.read_bytes() == DICTIONARY.read_bytes()
    assert "phq9" not in dictionary.name  # a random name, not the user's
    stored_now = confirm(client, admin, location)
    assert stored_now.status_code == 303 and stored_now.headers["Location"].endswith(north)
    listing = plain(client.get(north).get_data(as_text=True))
    assert re.search(r"Import \d+ stored: 2 participant\(s\) added, 3 administration\(s\), 25 answer\(s\)\.", listing)
    answers = stored(db, "north")
    assert answers[("RP-001", "baseline", "phq9_3")] == (1.0, False)  # the ticked box of the checkbox group
    assert answers[("RP-001", "3month", "phq9_2")] == (1.0, False)  # month_3_arm_1 mapped to 3month
    assert ("007", "baseline", "phq9_6") not in answers and len(answers) == 25
    rec = db.scalar(select(ImportRecord))
    assert rec.file_name == RECORDS.name and rec.described.startswith("REDCap records")
    assert kept_files(app) == []


def test_a_file_given_with_a_dictionary_is_read_as_redcap_records(client, admin, north):
    files = {"dictionary": attached(DICTIONARY), "mapping": attached(MAP)}
    _, text = previewed(client, admin, attached(RECORDS), north, **files)
    assert "Read as REDCap records" in text and "Store the import" in text


def test_redcap_records_without_a_dictionary_are_refused_naming_the_field(app, client, admin, db, north):
    before = counts(db)
    response = upload(client, admin, attached(RECORDS), north, kind="redcap")
    assert response.status_code == 303 and response.headers["Location"].endswith(north)
    html = client.get(north).get_data(as_text=True)
    error = re.search(r'<p class="error" id="dictionary-err">([^<]*)</p>', html)
    assert error and error.group(1).startswith("Data dictionary: a REDCap records export needs its data dictionary")
    assert "--dictionary" not in html
    assert kept_files(app) == [] and counts(db) == before


def test_a_foreign_dictionary_without_a_map_lists_each_field_and_writes_nothing(client, admin, db, north):
    before = counts(db)
    location, text = previewed(client, admin, attached(RECORDS), north, kind="redcap", dictionary=attached(DICTIONARY))
    assert (
        "data dictionary redcap_phq9_dictionary.csv, field interest: field 'interest' is not an item of any"
        " instrument; map it to an item id under columns in a map file (upload one with the records)"
    ) in text
    assert "field better_off_dead:" in text and "nothing can be stored" in text
    assert "--map" not in text and "Store the import" not in text
    refused = confirm(client, admin, location)
    assert refused.status_code == 303 and refused.headers["Location"].endswith(location)
    assert counts(db) == before


def test_a_fhir_bundle_is_read_by_its_suffix_previewed_then_stored(app, client, admin, db):
    before = counts(db)
    location, text = previewed(client, admin, attached(BUNDLE), wave="baseline")
    assert "Read as FHIR Bundle of 2 QuestionnaireResponse(s)" in text
    assert "2 participant-waves, 18 answers" in text and "New participants 2 " in text
    assert counts(db) == before
    assert confirm(client, admin, location).status_code == 303
    answers = stored(db, "east")
    assert {code for code, _, _ in answers} == {"RP-020", "RP-021"} and len(answers) == 18
    assert answers[("RP-020", "baseline", "phq9_3")] == (2.0, False)  # LA6570-1: more than half the days
    assert answers[("RP-020", "baseline", "phq9_4")] == (0.0, False)
    rec = db.scalar(select(ImportRecord))
    assert rec.file_name == BUNDLE.name and rec.administrations == 2
    assert kept_files(app) == []


def test_fhir_responses_without_a_wave_take_the_wave_of_their_date(client, admin, db, north, tmp_path):
    first, _ = previewed(client, admin, attached(BUNDLE), north, kind="fhir", wave="baseline")
    assert confirm(client, admin, first).status_code == 303
    follow_up = json.loads(BUNDLE.read_text())["entry"][0]["resource"]
    follow_up["authored"] = "2026-04-15"  # baseline 2026-01-10 + 95 days: in the 3month window
    location, text = previewed(client, admin, attached(BUNDLE, json.dumps(follow_up).encode(), "later.json"), north)
    assert "Wave of every row by the responses' dates" in text and "Answers added 9 " in text
    assert confirm(client, admin, location).status_code == 303
    assert ("RP-020", "3month", "phq9_1") in stored(db, "north")
    follow_up["authored"] = "2026-09-01"
    _, text = previewed(client, admin, attached(BUNDLE, json.dumps(follow_up).encode(), "outside.json"), north)
    assert (
        "item[linkId=phq9_1]: 2026-09-01 is in no wave's window (baseline 2026-01-10) for participant 'RP-020';"
        " choose the wave of every row"
    ) in text
    assert "--wave" not in text


def test_a_foreign_response_with_its_questionnaire_is_mapped_and_its_total_recomputed(app, client, admin, db):
    fields = {"kind": "fhir", "wave": "baseline", "questionnaire": attached(FOREIGN_Q)}
    location, text = previewed(client, admin, attached(FOREIGN_QR), **fields)
    assert "Questionnaire fhir_questionnaire_foreign.json" in text
    assert (
        "1 warning item[linkId=total]: the response states a phq9 total of 20; its items give 9, which is used"
    ) in text
    [kept_q] = [p for p in kept_files(app) if p.name.endswith(".questionnaire.json")]
    assert stat.S_IMODE(kept_q.stat().st_mode) == 0o600
    assert confirm(client, admin, location).status_code == 303
    answers = stored(db, "east")
    assert len(answers) == 9 and answers[("RP-010", "baseline", "phq9_3")] == (2.0, False)
    assert sum(v for v, _ in answers.values()) == 9
    assert kept_files(app) == []


def test_a_response_whose_link_ids_do_not_match_lists_them_and_writes_nothing(client, admin, db):
    before = counts(db)
    location, text = previewed(client, admin, attached(FOREIGN_QR), kind="fhir", wave="baseline", instrument="phq9")
    assert "item[linkId=sleep]: linkId sleep is not a question of the Questionnaire; correct the linkId" in text
    assert "item[linkId=q8]: linkId q8 is not a question" in text
    assert "nothing can be stored" in text and "Store the import" not in text
    _, text = previewed(client, admin, attached(FOREIGN_QR, name="unknown.json"), kind="fhir", wave="baseline")
    assert "which is not given; upload it under “Questionnaire” with the responses" in text
    assert "--questionnaire" not in text and "--instrument" not in text
    refused = confirm(client, admin, location)
    assert refused.status_code == 303 and refused.headers["Location"].endswith(location)
    assert counts(db) == before


def test_a_fhir_file_that_is_not_json_is_refused_with_its_line_and_column(app, client, admin, db):
    before = counts(db)
    location, text = previewed(client, admin, attached(BUNDLE, b'{"resourceType": ', "broken.json"), kind="fhir")
    assert "Read as could not be read" in text
    assert "line 1, column 18: not JSON (Expecting value); save the file as JSON" in text
    assert "nothing can be stored" in text and app.instance_path not in text
    refused = confirm(client, admin, location)
    assert refused.status_code == 303 and refused.headers["Location"].endswith(location)
    assert "Nothing was stored: the file has 1 problem," in plain(client.get(location).get_data(as_text=True))
    assert counts(db) == before
    response = upload(client, admin, attached(BUNDLE, b"not json at all", "notes.json"))
    assert response.status_code == 303 and response.headers["Location"].endswith(EAST)
    assert "'notes.json' is not a file the import reads" in plain(client.get(EAST).get_data(as_text=True))


def test_a_response_without_a_subject_takes_the_participant_code_given(client, admin, db):
    response = json.loads(BUNDLE.read_text())["entry"][0]["resource"]
    del response["subject"]
    data = json.dumps(response).encode()
    _, text = previewed(client, admin, attached(BUNDLE, data, "nosubject.json"), wave="baseline")
    assert "subject: no subject identifier; type the participant's code under “Participant code”" in text
    location, text = previewed(
        client, admin, attached(BUNDLE, data, "nosubject.json"), wave="baseline", participant=" RP-030 "
    )
    assert "Participant code RP-030" in text
    assert confirm(client, admin, location).status_code == 303
    assert {code for code, _, _ in stored(db, "east")} == {"RP-030"}


def test_fields_of_another_format_are_refused_naming_the_field(app, client, admin):
    response = upload(client, admin, attached(BUNDLE), dictionary=attached(DICTIONARY), wave="baseline")
    assert response.status_code == 303 and response.headers["Location"].endswith(EAST)
    text = plain(client.get(EAST).get_data(as_text=True))
    assert "Data dictionary: this is for REDCap records, and the file is read as FHIR responses" in text
    upload(client, admin, attached(BUNDLE), kind="fhir", mapping=attached(MAP))
    assert "Map file: FHIR responses are mapped by their Questionnaire" in plain(
        client.get(EAST).get_data(as_text=True)
    )
    upload(client, admin, attached(RECORDS), kind="redcap", dictionary=attached(DICTIONARY), participant="RP-1")
    text = plain(client.get(EAST).get_data(as_text=True))
    assert "Participant code: this is for FHIR responses, and the file is read as REDCap records" in text
    upload(client, admin, attached(RECORDS), kind="fhir")
    assert "'redcap_phq9_records.csv' is not a file the import reads" in plain(client.get(EAST).get_data(as_text=True))
    assert kept_files(app) == []


def test_the_kept_dictionary_and_map_are_deleted_with_a_discarded_upload(app, client, admin, db, north):
    files = {"kind": "redcap", "dictionary": attached(DICTIONARY), "mapping": attached(MAP)}
    location, _ = previewed(client, admin, attached(RECORDS), north, **files)
    names = [p.name for p in kept_files(app)]
    assert len(names) == 4 and sum(n.endswith((".dictionary.csv", ".map.yaml")) for n in names) == 2
    page = client.get(location)
    response = client.post(f"{location}/discard", data={"csrf_token": admin.csrf(page.data)})
    assert response.status_code == 303 and kept_files(app) == []
    assert stored(db, "north") == {}


def test_only_admins_can_upload_redcap_and_fhir_files(app, client, web, db):
    create_user(db, "eva@example.org", PASSWORD, "evaluator", ["east"])
    db.commit()
    for email in ("east@example.org", "eva@example.org"):
        other = app.test_client()
        helper = type(web)(other)
        helper.sign_in(email)
        assert other.get(EAST).status_code == 404, email
        token = helper.csrf(other.get("/staff/pin").data)
        fields = {"csrf_token": token, "kind": "redcap", "file": attached(RECORDS), "dictionary": attached(DICTIONARY)}
        assert other.post(EAST, data=fields, content_type="multipart/form-data").status_code == 404, email
        fields = {"csrf_token": token, "kind": "fhir", "file": attached(BUNDLE), "wave": "baseline"}
        assert other.post(EAST, data=fields, content_type="multipart/form-data").status_code == 404, email
    assert kept_files(app) == [] and counts(db)["imports"] == 0
