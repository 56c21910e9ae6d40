"""Stored answers written as a FHIR Bundle validate and read back as the same answers."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from toolkit.exchange.fhir_bundle import fhir_bundle
from toolkit.exchange.fhir_bundle import write_fhir_bundle
from toolkit.exchange.fhir_questionnaire import questionnaire
from toolkit.exchange.fhir_responses import read_fhir_responses
from toolkit.scoring import score

VISITS = pd.DataFrame(
    {
        "participant": ["RP-001", "RP-001", "RP-002"],
        "wave": ["baseline", "exit", "baseline"],
        "site": [None] * 3,
        "group": [None] * 3,
        "date": [dt.date(2026, 1, 5), dt.date(2026, 4, 6), dt.date(2026, 1, 7)],
        "mode": ["import"] * 3,
        "language": ["en"] * 3,
    }
)
ANSWERS = {
    (0, "phq9"): [1, 2, 3, 0, 1, 2, 3, 0, 0],
    (0, "gad7"): [0, 1, 2, 3, 0, 1, 2],
    (0, "service_use"): [4],
    (1, "phq9"): [0, 0, 1, 0, 0, 0, 0, 0, "declined"],
    (2, "phq9"): [3, 3, 3, 3, 3, 3, 3, 3, 1],
}
BATTERY = ("phq9", "gad7", "service_use")


def responses() -> pd.DataFrame:
    rows = []
    for (visit, inst), values in ANSWERS.items():
        for n, value in enumerate(values, 1):
            declined = value == "declined"
            rows.append((visit, inst, f"{inst}_{n}", np.nan if declined else float(value), declined))
    return pd.DataFrame(rows, columns=["visit", "instrument", "item", "value", "declined"])


def bundle(registry) -> dict:
    return fhir_bundle(VISITS, responses(), registry, "east", lambda wide: score(wide, registry).scores, BATTERY)


def test_the_bundle_and_the_questionnaires_validate(registry):
    data = bundle(registry)
    parsed = Bundle.model_validate(data)
    assert parsed.type == "collection"
    for inst in BATTERY:
        Questionnaire.model_validate(questionnaire(registry.get(inst)))


def test_one_response_per_administration_in_battery_order(registry):
    entries = bundle(registry)["entry"]
    responses_ = [e["resource"] for e in entries if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    assert [(r["subject"]["identifier"]["value"], r["questionnaire"]) for r in responses_] == [
        ("RP-001", "urn:peer-outcomes:questionnaire:phq9"),
        ("RP-001", "urn:peer-outcomes:questionnaire:gad7"),
        ("RP-001", "urn:peer-outcomes:questionnaire:service_use"),
        ("RP-001", "urn:peer-outcomes:questionnaire:phq9"),
        ("RP-002", "urn:peer-outcomes:questionnaire:phq9"),
    ]
    first = responses_[0]
    assert first["authored"] == "2026-01-05"
    coding = first["item"][1]["answer"][0]["valueCoding"]
    assert (coding["system"], coding["code"]) == ("http://loinc.org", "LA6570-1")
    assert coding["extension"][0]["valueDecimal"] == 2
    assert responses_[2]["item"][0]["answer"] == [{"valueInteger": 4}]


def test_observations_carry_the_loinc_score_code_and_derive_from_the_response(registry):
    entries = bundle(registry)["entry"]
    urls = {e["fullUrl"]: e["resource"] for e in entries}
    observations = [e["resource"] for e in entries if e["resource"]["resourceType"] == "Observation"]
    phq = [o for o in observations if o["code"]["coding"][0]["code"] == "44261-6"]
    assert [o["valueQuantity"]["value"] for o in phq] == [12, 1, 25]  # the exit score is prorated over 8 items
    source = urls[phq[0]["derivedFrom"][0]["reference"]]
    assert source["resourceType"] == "QuestionnaireResponse"
    assert source["subject"]["identifier"]["value"] == "RP-001"


def test_the_same_data_gives_the_same_file(registry):
    assert json.dumps(bundle(registry)) == json.dumps(bundle(registry))


def test_the_exported_bundle_reads_back_as_the_same_answers(registry, tmp_path):
    path = tmp_path / "bundle.json"
    write_fhir_bundle(bundle(registry), path)
    read = read_fhir_responses(path, "digest", registry)
    assert read.table.problems == []
    back: dict[tuple[str, str], dict] = {}
    for wave in read.table.waves:
        for a in wave.answers:
            back.setdefault((wave.participant, str(wave.date)), {})[a.item] = "declined" if a.declined else a.value
    assert back[("RP-001", "2026-01-05")] == {
        f"{inst}_{n}": float(v) for (visit, inst), vs in ANSWERS.items() if visit == 0 for n, v in enumerate(vs, 1)
    }
    assert back[("RP-001", "2026-04-06")]["phq9_9"] == "declined"
    assert back[("RP-002", "2026-01-07")] == {f"phq9_{n}": float(v) for n, v in enumerate(ANSWERS[(2, "phq9")], 1)}
    assert "other resource(s)" in read.table.described


def test_the_export_formats_write_their_files(registry, tmp_path):
    from types import SimpleNamespace

    import pytest

    from toolkit.exchange.exchange_exports import write_exchange_export
    from toolkit.exchange.exchange_exports import written_text

    rows = SimpleNamespace(visits=VISITS, responses=responses(), battery=BATTERY, slug="east")
    scorer = lambda wide: score(wide, registry).scores  # noqa: E731
    assert write_exchange_export(rows, registry, "redcap", tmp_path / "r.csv", scorer) == 3
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("record_id,redcap_event_name,phq9_1,")
    count = write_exchange_export(rows, registry, "fhir", tmp_path / "b.json", scorer)
    assert count == len(json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["entry"]) == 5 + 5
    assert "FHIR Bundle of 10 resources" in written_text("fhir", count, tmp_path / "b.json")
    with pytest.raises(ValueError, match="not one of redcap, fhir"):
        write_exchange_export(rows, registry, "xml", tmp_path / "x", scorer)
