"""FHIR QuestionnaireResponses read into an import table: foreign linkIds and codes, totals, subjects, mistakes."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from toolkit.exchange.fhir_responses import read_fhir_responses
from toolkit.exchange.fhir_totals import check_totals
from toolkit.scoring import score

DATA = Path(__file__).parent / "data"
FOREIGN_Q = DATA / "fhir_questionnaire_foreign.json"
FOREIGN_QR = DATA / "fhir_response_foreign.json"
BUNDLE = DATA / "fhir_bundle_two_responses.json"
NO_ORDINAL = DATA / "fhir_response_no_ordinal.json"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read(path: Path, registry, **options):
    result = read_fhir_responses(path, "digest", registry, **options)
    if not result.table.problems:
        check_totals(result.table, result.totals, lambda wide: score(wide, registry).scores)
    return result.table


def values(wave) -> dict[str, float | None]:
    return {a.item: a.value for a in wave.answers}


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_foreign_link_ids_and_codes_are_mapped_by_loinc_code_then_in_order(registry):
    table = read(FOREIGN_QR, registry, questionnaire=load(FOREIGN_Q))
    assert table.problems == []
    (wave,) = table.waves
    assert (wave.participant, wave.wave, wave.date) == ("RP-010", "", dt.date(2026, 2, 3))
    # "sleep" carries phq9_3's LOINC code; q1..q8 take the other items in order
    assert values(wave) == {
        "phq9_1": 1,
        "phq9_2": 1,
        "phq9_3": 2,
        "phq9_4": 0,
        "phq9_5": 1,
        "phq9_6": 3,
        "phq9_7": 0,
        "phq9_8": 1,
        "phq9_9": 0,
    }
    sleep = next(a for a in wave.answers if a.item == "phq9_3")
    assert sleep.cell.where(str(FOREIGN_QR)) == f"{FOREIGN_QR}:item[linkId=sleep]"


def test_a_wrong_stated_total_is_a_warning_with_both_numbers(registry):
    table = read(FOREIGN_QR, registry, questionnaire=load(FOREIGN_Q))
    (warning,) = table.warnings
    assert warning.where == f"{FOREIGN_QR}:item[linkId=total]"
    assert "states a phq9 total of 20" in warning.message
    assert "give 9, which is used" in warning.message
    assert all(not a.item.endswith("total") for a in table.waves[0].answers)


def test_a_bundle_of_two_responses_with_identifier_and_contained_patient(registry):
    table = read(BUNDLE, registry, wave="baseline")
    assert table.problems == [] and table.warnings == []
    assert [(w.participant, w.wave, w.date) for w in table.waves] == [
        ("RP-020", "baseline", dt.date(2026, 1, 10)),
        ("RP-021", "baseline", dt.date(2026, 1, 12)),
    ]
    assert values(table.waves[1])["phq9_4"] == 3
    assert table.waves[1].answers[0].cell.where("F") == "F:entry[1].item[linkId=phq9_1]"
    assert "Bundle of 2 QuestionnaireResponse(s)" in table.described


def test_an_answer_code_without_ordinal_value_names_the_link_id(registry):
    table = read(NO_ORDINAL, registry)
    (problem,) = table.problems
    assert problem.where == f"{NO_ORDINAL}:item[linkId=i4]"
    assert "'x'" in problem.message and "no ordinal value" in problem.message


def test_a_questionnaire_without_loinc_codes_needs_the_instrument(registry, tmp_path):
    data = load(NO_ORDINAL)
    del data["contained"][0]["code"]
    path = write(tmp_path, data)
    assert "--instrument" in read(path, registry).problems[0].message
    table = read(path, registry, instrument="phq9")
    assert [p.where for p in table.problems] == [f"{path}:item[linkId=i4]"]


def test_a_wrong_item_count_stops_naming_the_questionnaire(registry, tmp_path):
    data = load(NO_ORDINAL)
    data["contained"][0]["item"] = data["contained"][0]["item"][:7]
    table = read(write(tmp_path, data), registry)
    (problem,) = table.problems
    assert "7 question(s)" in problem.message and "phq9 has 9 items" in problem.message


def test_an_unknown_questionnaire_needs_to_be_given(registry, tmp_path):
    table = read(FOREIGN_QR, registry)
    assert "--questionnaire" in table.problems[0].message


def test_invalid_json_names_line_and_column(registry, tmp_path):
    table = read(write(tmp_path, '{"resourceType": "Bundle",\n  "entry": [}'), registry)
    (problem,) = table.problems
    assert problem.where.endswith(":2:13")
    assert problem.message.startswith("not JSON")


def test_an_invalid_resource_names_the_entry_and_element(registry, tmp_path):
    data = load(BUNDLE)
    data["entry"][1]["resource"]["item"][2]["answer"][0]["valueCoding"]["code"] = 7
    path = write(tmp_path, data)
    (problem,) = read(path, registry, wave="baseline").problems
    assert problem.where == f"{path}:entry[1].item[linkId=phq9_3].answer[0].valueCoding.code"
    assert "not a valid QuestionnaireResponse" in problem.message


def test_a_response_without_subject_takes_the_participant_given(registry, tmp_path):
    data = copy.deepcopy(load(BUNDLE)["entry"][0]["resource"])
    del data["subject"]
    path = write(tmp_path, data)
    assert "--participant" in read(path, registry).problems[0].message
    table = read(path, registry, participant="RP-077")
    assert table.waves[0].participant == "RP-077"


def test_an_answer_not_among_the_options_is_a_problem(registry, tmp_path):
    data = load(BUNDLE)
    data["entry"][0]["resource"]["item"][0]["answer"][0]["valueCoding"]["code"] = "LA9999-9"
    path = write(tmp_path, data)
    (problem,) = read(path, registry).problems
    assert problem.where == f"{path}:entry[0].item[linkId=phq9_1]"
    assert "not an answer option" in problem.message


@pytest.mark.parametrize("kind", ["Patient", "Questionnaire"])
def test_a_resource_that_is_not_a_response_is_refused(registry, tmp_path, kind):
    path = write(tmp_path, {"resourceType": kind, "id": "x"})
    assert "is not a QuestionnaireResponse" in read(path, registry).problems[0].message


def test_the_hand_written_fixtures_are_valid_fhir():
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    assert Questionnaire.model_validate(load(FOREIGN_Q)).code[0].code == "44249-1"
    assert QuestionnaireResponse.model_validate(load(FOREIGN_QR)).subject.identifier.value == "RP-010"
    assert len(Bundle.model_validate(load(BUNDLE)).entry) == 2
    assert QuestionnaireResponse.model_validate(load(NO_ORDINAL)).contained[0].id == "q"


def test_an_ordinal_value_off_the_scale_is_a_problem_naming_the_link_id(registry, tmp_path):
    data = load(NO_ORDINAL)
    for option in data["contained"][0]["item"][1]["answerOption"]:
        for extension in option.get("extension", []):
            extension["valueDecimal"] += 3
    path = write(tmp_path, data)
    problems = read(path, registry).problems
    assert [p.where for p in problems] == [f"{path}:item[linkId=i2]", f"{path}:item[linkId=i4]"]
    assert "has the value 4, which is not an answer to phq9_2 (0, 1, 2 or 3)" in problems[0].message
