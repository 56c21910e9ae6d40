"""``outcomes import --format fhir``: responses mapped onto instruments, totals recomputed, waves found by date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_programs import add_program
from import_programs import program_database
from import_programs import run
from import_programs import stored

from toolkit.exchange.fhir_bundle import fhir_bundle
from toolkit.exchange.fhir_bundle import write_fhir_bundle
from toolkit.instruments import default_registry
from toolkit.scoring import score
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.exports import export_rows

DATA = Path(__file__).parents[1] / "exchange" / "data"
FOREIGN_Q = DATA / "fhir_questionnaire_foreign.json"
FOREIGN_QR = DATA / "fhir_response_foreign.json"
BUNDLE = DATA / "fhir_bundle_two_responses.json"
NO_ORDINAL = DATA / "fhir_response_no_ordinal.json"


@pytest.fixture
def url(db_url, monkeypatch, tmp_path):
    """A migrated database with program east: waves baseline, 3month (windowed) and exit; PHQ-9 and GAD-7."""
    return program_database(db_url, monkeypatch, tmp_path)


def test_a_foreign_response_with_its_questionnaire_and_a_wrong_total(url):
    result = run(
        "import", FOREIGN_QR, "--format", "fhir", "--questionnaire", FOREIGN_Q, "--wave", "baseline",
        "--program", "east", "--database", url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {FOREIGN_QR}:item[linkId=total]: the response states a phq9 total of 20; its items give 9,"
        " which is used"
    ) in result.output
    answers = stored(url, "east")
    assert len(answers) == 9
    assert answers[("RP-010", "baseline", "phq9_3")] == (2.0, False)
    assert sum(v for v, _ in answers.values()) == 9


def test_a_bundle_of_two_responses(url):
    result = run("import", BUNDLE, "--format", "fhir", "--wave", "baseline", "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    assert "FHIR Bundle of 2 QuestionnaireResponse(s); 2 participant-wave(s), 18 answer(s)" in result.output
    assert {code for code, _, _ in stored(url, "east")} == {"RP-020", "RP-021"}


def test_an_answer_code_without_ordinal_value_stops_naming_the_link_id(url):
    result = run("import", NO_ORDINAL, "--format", "fhir", "--wave", "baseline", "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert f"error: {NO_ORDINAL}:item[linkId=i4]: answer code 'x' of linkId i4 has no ordinal value" in result.output
    assert stored(url, "east") == {}


def test_invalid_json_and_an_unknown_instrument_are_refused(url, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": ')
    result = run("import", broken, "--format", "fhir", "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert f"error: {broken}:1:18: not JSON" in result.output
    result = run(
        "import", NO_ORDINAL, "--format", "fhir", "--instrument", "phq8x", "--program", "east", "--database", url
    )
    assert result.exit_code == 2
    assert "'phq8x' is not an instrument; did you mean 'phq8'?" in result.output


def test_the_wave_is_found_from_the_authored_date_and_the_baseline(url, tmp_path):
    assert run("import", BUNDLE, "--wave", "baseline", "--program", "east", "--database", url).exit_code == 0
    follow_up = json.loads(BUNDLE.read_text())["entry"][0]["resource"]
    follow_up["authored"] = "2026-04-15"  # baseline 2026-01-10 + 95 days: in the 3month window
    later = tmp_path / "later.json"
    later.write_text(json.dumps(follow_up))
    result = run("import", later, "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    assert ("RP-020", "3month", "phq9_1") in stored(url, "east")
    follow_up["authored"] = "2026-09-01"
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(follow_up))
    refused = run("import", outside, "--program", "east", "--database", url)
    assert refused.exit_code == 2
    assert "2026-09-01 is in no wave's window (baseline 2026-01-10) for participant 'RP-020'; give --wave" in (
        refused.output
    )


def test_a_participant_without_a_baseline_needs_the_wave(url):
    result = run("import", BUNDLE, "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert "participant 'RP-020' has no baseline stored" in result.output
    assert f"error: {BUNDLE}:entry[0]: participant" in result.output


def test_an_exported_bundle_imports_into_a_fresh_program_as_the_same_answers(url, tmp_path):
    wide = tmp_path / "paper.csv"
    wide.write_text(
        "participant,wave,date," + ",".join(f"phq9_{i}" for i in range(1, 10)) + ",gad7_1,gad7_2\n"
        "RP-001,baseline,2026-01-15,0,1,2,3,0,1,2,3,0,2,declined\n"
        "RP-001,3month,2026-04-20,1,1,1,1,1,1,1,1,1,,\n"
        "0042,baseline,2026-01-16,3,3,3,2,2,2,1,1,,1,1\n"
    )
    assert run("import", wide, "--program", "east", "--database", url).exit_code == 0
    registry = default_registry()
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        rows = export_rows(s, "east")
    engine.dispose()
    bundle = tmp_path / "east.json"
    scorer = lambda wide: score(wide, registry).scores  # noqa: E731
    write_fhir_bundle(fhir_bundle(rows.visits, rows.responses, registry, "east", scorer, rows.battery), bundle)
    add_program(url, "west")
    result = run("import", bundle, "--program", "west", "--database", url)
    assert result.exit_code == 0, result.output
    assert "other resource(s) (such as score Observations) not read" in result.output
    assert stored(url, "west") == stored(url, "east")
    assert ("RP-001", "baseline", "gad7_2") in stored(url, "west")


def test_a_json_file_is_read_as_fhir_and_fhir_options_need_fhir(url, tmp_path):
    result = run("import", BUNDLE, "--wave", "baseline", "--dry-run", "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    assert "read as FHIR Bundle" in result.output
    wide = tmp_path / "paper.csv"
    wide.write_text("participant,wave,phq9_1\nRP-1,baseline,1\n")
    refused = run("import", wide, "--questionnaire", FOREIGN_Q, "--program", "east", "--database", url)
    assert refused.exit_code == 2
    assert "--questionnaire is for --format fhir" in refused.output


def test_an_invalid_questionnaire_is_refused_naming_the_element(url, tmp_path):
    data = json.loads(FOREIGN_Q.read_text())
    data["date"] = "yesterday"
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps(data))
    result = run(
        "import", FOREIGN_QR, "--questionnaire", bad, "--wave", "baseline", "--program", "east", "--database", url
    )
    assert result.exit_code == 2
    assert f"error: {bad}:date: not a valid Questionnaire" in result.output


def test_a_map_is_not_read_for_fhir(url, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {}\n")
    result = run("import", BUNDLE, "--map", mapping, "--wave", "baseline", "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert "give --questionnaire instead of --map" in result.output
