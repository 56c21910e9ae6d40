"""REDCap records exports read into an import table: events, timestamps, checkboxes, dictionaries and their codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.exchange.import_map import IDENTITY
from toolkit.exchange.import_map import read_map
from toolkit.exchange.redcap_records import event_wave
from toolkit.exchange.redcap_records import read_redcap_file

DATA = Path(__file__).parent / "data"
RECORDS = DATA / "redcap_phq9_records.csv"
DICTIONARY = DATA / "redcap_phq9_dictionary.csv"
MAP = DATA / "redcap_phq9_map.yaml"


def answers(wave) -> dict[str, float | None]:
    return {a.item: a.value for a in wave.answers}


@pytest.fixture
def table(registry):
    return read_redcap_file(RECORDS, DICTIONARY, registry, mapping=read_map(MAP))


def test_the_fixture_starts_with_a_byte_order_mark():
    assert RECORDS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_records_are_read_by_record_id_and_event(table):
    assert table.problems == []
    assert [w.key for w in table.waves] == [("RP-001", "baseline"), ("RP-001", "3month"), ("007", "baseline")]
    assert "byte-order mark" in table.described


def test_a_record_id_keeps_its_leading_zeros(table):
    assert table.waves[2].participant == "007"


def test_survey_timestamps_give_the_date_and_not_completed_gives_none(table):
    assert table.waves[0].date == dt.date(2026, 1, 15)
    assert table.waves[1].date is None
    assert table.waves[2].date == dt.date(2026, 1, 20)


def test_form_status_and_score_columns_are_not_read_and_the_description_says_so(table):
    assert "1 form status column(s) (*_complete) not read" in table.described
    assert "1 score or other non-answer field(s) not read" in table.described
    assert all(not a.item.endswith(("_complete", "_score")) for w in table.waves for a in w.answers)


def test_fields_are_mapped_to_items_and_a_blank_cell_is_no_answer(table):
    assert answers(table.waves[0]) == {
        "phq9_1": 1,
        "phq9_2": 2,
        "phq9_3": 1,
        "phq9_4": 1,
        "phq9_5": 0,
        "phq9_6": 1,
        "phq9_7": 0,
        "phq9_8": 0,
        "phq9_9": 0,
    }
    assert "phq9_6" not in answers(table.waves[2])


def test_one_ticked_box_is_the_answer_and_none_ticked_is_no_answer(table):
    sleep = {w.key: next((a for a in w.answers if a.item == "phq9_3"), None) for w in table.waves}
    assert sleep[("RP-001", "baseline")].value == 1
    assert sleep[("RP-001", "baseline")].cell.column == "sleep___1"
    assert sleep[("RP-001", "3month")].value == 0
    assert sleep[("007", "baseline")] is None


def test_two_ticked_boxes_are_a_problem_naming_the_row_and_columns(registry, tmp_path):
    lines = RECORDS.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("2026-01-15 10:02:33,1,2,0,1,0,0", "2026-01-15 10:02:33,1,2,0,1,1,0")
    records = tmp_path / "records.csv"
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_redcap_file(records, DICTIONARY, registry, mapping=read_map(MAP))
    assert len(table.problems) == 1
    assert table.problems[0].where == f"{records}:2:sleep___1"
    assert "sleep___1, sleep___2" in table.problems[0].message
    assert "untick all but one" in table.problems[0].message


def test_a_foreign_dictionary_without_a_map_names_each_field(registry):
    table = read_redcap_file(RECORDS, DICTIONARY, registry)
    wheres = [p.where for p in table.problems]
    assert f"{DICTIONARY}:interest" in wheres
    assert all("--map" in p.message for p in table.problems)
    assert table.waves == []


def test_choice_codes_that_differ_from_the_scale_need_a_values_map(registry, tmp_path):
    shifted = DICTIONARY.read_text(encoding="utf-8").replace(
        '"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"',
        '"1, Not at all | 2, Several days | 3, More than half the days | 4, Nearly every day"',
    )
    dictionary = tmp_path / "dict.csv"
    dictionary.write_text(shifted, encoding="utf-8")
    table = read_redcap_file(RECORDS, dictionary, registry, mapping=read_map(MAP))
    bad = [p for p in table.problems if p.where == f"{dictionary}:interest"]
    assert len(bad) == 1
    assert "choice '4, Nearly every day' is not an answer to phq9_1" in bad[0].message
    assert "values" in bad[0].message
    items = [f"phq9_{i}" for i in range(1, 10)]
    fixed = tmp_path / "map.yaml"
    fixed.write_text(
        MAP.read_text(encoding="utf-8") + "values:\n" + "".join(f"  {i}: {{1: 0, 2: 1, 3: 2, 4: 3}}\n" for i in items),
        encoding="utf-8",
    )
    shifted_records = tmp_path / "records.csv"
    shifted_records.write_text("record_id,redcap_event_name,interest\nRP-9,baseline_arm_1,4\n", encoding="utf-8")
    dictionary.write_text(shifted.replace("study_id,", "record_id,"), encoding="utf-8")
    table = read_redcap_file(shifted_records, dictionary, registry, mapping=read_map(fixed))
    assert table.problems == []
    assert answers(table.waves[0]) == {"phq9_1": 3}


def test_a_column_the_dictionary_does_not_have_is_a_problem(registry, tmp_path):
    records = tmp_path / "records.csv"
    records.write_text("study_id,redcap_event_name,interest,mood_notes\nRP-1,baseline_arm_1,1,x\n", encoding="utf-8")
    table = read_redcap_file(records, DICTIONARY, registry, mapping=read_map(MAP))
    assert [p.where for p in table.problems] == [f"{records}:1:mood_notes"]
    assert "ignore" in table.problems[0].message


def test_without_events_the_wave_is_given(registry, tmp_path):
    records = tmp_path / "records.csv"
    records.write_text("study_id,interest\nRP-1,2\n", encoding="utf-8")
    missing = read_redcap_file(records, DICTIONARY, registry, mapping=read_map(MAP))
    assert "give --wave" in missing.problems[0].message
    table = read_redcap_file(records, DICTIONARY, registry, mapping=read_map(MAP), wave="exit")
    assert [w.key for w in table.waves] == [("RP-1", "exit")]


def test_a_bad_timestamp_is_a_problem_at_its_cell(registry, tmp_path):
    records = tmp_path / "records.csv"
    records.write_text("study_id,redcap_event_name,phq9_survey_timestamp\nRP-1,baseline_arm_1,15/01/2026\n")
    table = read_redcap_file(records, DICTIONARY, registry, mapping=read_map(MAP))
    assert [p.where for p in table.problems] == [f"{records}:2:phq9_survey_timestamp"]


@pytest.mark.parametrize(
    ("event", "wave"),
    [("baseline_arm_1", "baseline"), ("month_6_arm_12", "month_6"), ("exit", "exit"), ("arm_1_visit", "arm_1_visit")],
)
def test_event_names_lose_their_arm(event, wave):
    assert event_wave(event, IDENTITY) == wave
