"""The wave of a response found from its date and the wave schedule, and one visit's responses joined."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.exchange.fhir_responses import FhirCell
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.exchange.wave_by_date import assign_waves
from toolkit.exchange.wave_by_date import merge_waves
from toolkit.exchange.wave_by_date import waves_on
from toolkit.schedule import parse_waves

BASELINE = dt.date(2026, 1, 10)
WAVES = parse_waves("baseline,3month:+91[-30,+60],6month:+182[-40,+40],exit")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (BASELINE, ["baseline"]),
        (dt.date(2026, 1, 11), []),
        (BASELINE + dt.timedelta(days=61), ["3month"]),
        (BASELINE + dt.timedelta(days=141), ["3month"]),
        (BASELINE + dt.timedelta(days=145), ["3month", "6month"]),
        (BASELINE + dt.timedelta(days=162), ["6month"]),
        (BASELINE + dt.timedelta(days=223), []),
    ],
)
def test_the_waves_whose_window_holds_a_day(day, expected):
    assert waves_on(day, BASELINE, WAVES) == expected


def response(code: str, day: dt.date | None, wave: str = "", entry: int = 0, items=("phq9_1",)) -> ImportedWave:
    found = ImportedWave(code, wave, entry, date=day)
    for item in items:
        found.answers.append(ImportedAnswer(item, 1.0, False, FhirCell(entry, f"entry[{entry}].item[linkId={item}]")))
    return found


def test_assigning_waves_names_each_response_that_has_none():
    table = ImportTable("b.json", "x", "FHIR Bundle")
    table.waves = [
        response("RP-1", BASELINE + dt.timedelta(days=95), entry=0),
        response("RP-1", BASELINE + dt.timedelta(days=145), entry=1),
        response("RP-2", BASELINE, entry=2),
        response("RP-1", None, entry=3),
        response("RP-1", dt.date(2026, 2, 1), wave="exit", entry=4),
    ]
    assign_waves(table, {"RP-1": BASELINE}, WAVES)
    assert [(w.participant, w.wave) for w in table.waves] == [("RP-1", "3month"), ("RP-1", "exit")]
    assert [p.where for p in table.problems] == ["b.json:entry[1]", "b.json:entry[2]", "b.json:entry[3]"]
    assert "in the windows of 3month, 6month" in table.problems[0].message
    assert "'RP-2' has no baseline stored" in table.problems[1].message
    assert all(p.message.endswith("give --wave") for p in table.problems)


def test_responses_of_one_visit_are_joined_with_the_latest_date():
    table = ImportTable("b.json", "x", "FHIR Bundle")
    table.waves = [
        response("RP-1", BASELINE, "baseline", 0, ("phq9_1",)),
        response("RP-1", BASELINE + dt.timedelta(days=1), "baseline", 1, ("gad7_1",)),
        response("RP-2", BASELINE, "baseline", 2),
    ]
    merge_waves(table)
    assert [(w.participant, [a.item for a in w.answers], w.date) for w in table.waves] == [
        ("RP-1", ["phq9_1", "gad7_1"], BASELINE + dt.timedelta(days=1)),
        ("RP-2", ["phq9_1"], BASELINE),
    ]
