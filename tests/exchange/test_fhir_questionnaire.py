"""The FHIR R4 Questionnaire: valid for the R4B model, with LOINC codes, ordinal values and Spanish."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from mood_instruments import MOOD_YAML

from toolkit.exchange.fhir_questionnaire import ORDINAL_VALUE
from toolkit.exchange.fhir_questionnaire import questionnaire
from toolkit.exchange.fhir_questionnaire import TRANSLATION
from toolkit.exchange.fhir_questionnaire import write_questionnaire
from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text

PHQ9_ITEM_CODES = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_ITEM_CODES = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
ANSWER_CODES = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def spanish(element: dict) -> str:
    """The Spanish content of a ``_text``/``_display`` translation extension."""
    [translation] = [e for e in element["extension"] if e["url"] == TRANSLATION]
    parts = {e["url"]: e for e in translation["extension"]}
    assert parts["lang"]["valueCode"] == "es"
    return parts["content"]["valueString"]


@pytest.fixture(scope="module")
def phq9() -> dict:
    return questionnaire(default_registry().get("phq9"))


def questions(resource: dict) -> list[dict]:
    return [i for i in resource["item"] if i["type"] not in ("display",) and not i.get("readOnly")]


@pytest.mark.parametrize("instrument", [i.id for i in default_registry() if i.administrable])
def test_every_shipped_instrument_validates_as_r4b(instrument, tmp_path):
    out = tmp_path / "q.json"
    write_questionnaire(default_registry().get(instrument), out)
    resource = Questionnaire.model_validate(json.loads(out.read_text(encoding="utf-8")))
    assert resource.status == "active"


def test_phq9_header(phq9):
    assert phq9["resourceType"] == "Questionnaire"
    assert phq9["url"] == "urn:peer-outcomes:questionnaire:phq9"
    assert (phq9["version"], phq9["status"], phq9["title"]) == ("1", "active", "Patient Health Questionnaire-9")
    assert phq9["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    assert "Pfizer" in phq9["copyright"]


def test_base_url_makes_the_canonical_address():
    resource = questionnaire(default_registry().get("adult_hope"), "https://fhir.example.org/r4/")
    assert resource["url"] == "https://fhir.example.org/r4/Questionnaire/adult-hope"
    assert resource["id"] == "adult-hope"


def test_phq9_items_have_their_loinc_codes_and_link_ids(phq9):
    items = questions(phq9)
    assert [i["linkId"] for i in items] == [f"phq9_{n}" for n in range(1, 10)]
    assert [i["code"][0]["code"] for i in items] == PHQ9_ITEM_CODES
    assert all(i["code"][0]["system"] == "http://loinc.org" for i in items)
    assert all(i["required"] is True for i in items)


def test_gad7_codes():
    resource = questionnaire(default_registry().get("gad7"))
    assert resource["code"][0]["code"] == "69737-5"
    assert [i["code"][0]["code"] for i in questions(resource)] == GAD7_ITEM_CODES
    [total] = [i for i in resource["item"] if i.get("readOnly")]
    assert total["code"][0]["code"] == "70274-6"


def test_answer_options_carry_loinc_answers_ordinal_values_and_spanish(phq9):
    options = questions(phq9)[0]["answerOption"]
    assert [o["valueCoding"]["code"] for o in options] == ANSWER_CODES
    assert [o["valueCoding"]["display"] for o in options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    ordinals = [[e["valueDecimal"] for e in o["extension"] if e["url"] == ORDINAL_VALUE] for o in options]
    assert ordinals == [[0], [1], [2], [3]]
    assert spanish(options[1]["valueCoding"]["_display"]) == "Varios días"


def test_item_text_is_translated(phq9):
    first = questions(phq9)[0]
    assert first["text"] == "Little interest or pleasure in doing things"
    assert spanish(first["_text"]) == "Poco interés o placer en hacer cosas"
    intro = phq9["item"][0]
    assert intro["type"] == "display" and spanish(intro["_text"]).startswith("Durante las últimas 2 semanas")


def test_total_score_item_is_read_only_and_coded(phq9):
    [total] = [i for i in phq9["item"] if i.get("readOnly")]
    assert total["linkId"] == "phq9_total"
    assert total["code"] == [{"system": "http://loinc.org", "code": "44261-6"}]
    assert total["type"] == "integer"


def test_without_loinc_codes_options_use_the_questionnaires_own_system():
    resource = questionnaire(load_instrument_text(MOOD_YAML, "mood.yaml"))
    items = {i["linkId"]: i for i in resource["item"]}
    coding = items["mood_1"]["answerOption"][0]["valueCoding"]
    assert coding == coding | {"system": "urn:peer-outcomes:questionnaire:mood/scale/agree", "code": "1"}
    assert "code" not in items["mood_1"] and "code" not in resource
    assert items["mood_1"]["required"] is False  # the instrument offers "prefer not to say"
    count = items["mood_3"]
    assert count["type"] == "integer" and count["required"] is True
    assert [e["valueInteger"] for e in count["extension"]] == [0, 90]
    assert not [i for i in resource["item"] if i.get("readOnly")]  # no score code, no score item
