"""The REDCap data dictionary: columns, rows, field names and the round trip through the reader."""

from __future__ import annotations

import csv

import pytest
from mood_instruments import MOOD_YAML

from toolkit.errors import CommandError
from toolkit.errors import InputFileError
from toolkit.exchange.redcap_dictionary import choices_text
from toolkit.exchange.redcap_dictionary import COLUMNS
from toolkit.exchange.redcap_dictionary import dictionary_rows
from toolkit.exchange.redcap_dictionary import write_redcap_dictionary
from toolkit.exchange.redcap_dictionary_reader import parse_choices
from toolkit.exchange.redcap_dictionary_reader import read_redcap_dictionary
from toolkit.exchange.redcap_names import field_name
from toolkit.exchange.redcap_names import is_field_name
from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text
from toolkit.instruments.schema import ChoiceScale

# REDCap's data dictionary columns, in order (columns A-R), as listed in the REDCap
# knowledge base's column reference (bdeveer.github.io/REDCap_KB_RAG, RC-FD-08 "Data Dictionary
# Column Reference") and by REDCap tools that write dictionaries (Sage-Bionetworks/redcapdd
# get_dd_cols(); REDCapR's test dictionaries).
REDCAP_HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]


@pytest.fixture(scope="module")
def mood():
    return load_instrument_text(MOOD_YAML, "mood.yaml")


def read_rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_header_is_redcaps_18_columns_in_order(tmp_path):
    out = tmp_path / "dict.csv"
    write_redcap_dictionary([default_registry().get("phq9")], out)
    assert list(COLUMNS) == REDCAP_HEADER
    assert out.read_bytes().split(b"\r\n")[0].decode() == ",".join(f'"{c}"' if "," in c else c for c in REDCAP_HEADER)


def test_phq9_rows(tmp_path):
    out = tmp_path / "dict.csv"
    write_redcap_dictionary([default_registry().get("phq9")], out)
    rows = read_rows(out)
    assert [r["Variable / Field Name"] for r in rows] == ["record_id"] + [f"phq9_{i}" for i in range(1, 10)] + [
        "phq9_total"
    ]
    assert {r["Form Name"] for r in rows} == {"phq9"}
    first = rows[1]
    assert first["Field Type"] == "radio"
    assert first["Field Label"] == "Little interest or pleasure in doing things"
    assert first["Choices, Calculations, OR Slider Labels"] == (
        "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"
    )
    assert first["Section Header"].startswith("Over the last 2 weeks")
    assert rows[2]["Section Header"] == ""
    assert all(r["Required Field?"] == "y" for r in rows[1:10])
    assert first["Field Annotation"] == "outcomes item phq9_1"
    total = rows[-1]
    assert total["Field Type"] == "calc"
    assert total["Choices, Calculations, OR Slider Labels"] == "+".join(f"[phq9_{i}]" for i in range(1, 10))
    assert "prorated" in total["Field Note"]
    assert total["Field Label"] == "Depression severity"


def test_reverse_keyed_and_count_items(mood, tmp_path):
    out = tmp_path / "dict.csv"
    write_redcap_dictionary([mood], out)
    rows = {r["Variable / Field Name"]: r for r in read_rows(out)}
    assert rows["mood_2"]["Field Type"] == "radio"
    assert rows["mood_2"]["Choices, Calculations, OR Slider Labels"] == "1, No | 2, Somewhat | 3, Yes"
    assert rows["mood_2"]["Required Field?"] == ""  # the instrument allows "prefer not to say"
    assert rows["mood_3"]["Required Field?"] == "y"  # allow_decline: false on the item
    count = rows["mood_3"]
    assert (count["Field Type"], count["Text Validation Type OR Show Slider Number"]) == ("text", "integer")
    assert (count["Text Validation Min"], count["Text Validation Max"], count["Field Note"]) == ("0", "90", "nights")
    assert rows["mood_total"]["Choices, Calculations, OR Slider Labels"] == "[mood_1]+(3+1-[mood_2])"


def test_several_instruments_one_form_each_and_one_record_id():
    reg = default_registry()
    rows = dictionary_rows([reg.get("phq9"), reg.get("gad7")])
    names = [r["Variable / Field Name"] for r in rows]
    assert names.count("record_id") == 1 and names[0] == "record_id"
    assert rows[0]["Form Name"] == "phq9"
    assert [r["Form Name"] for r in rows].index("gad7") == 11


@pytest.mark.parametrize("name", ["phq9_1", "record_id", "a", "x" * 26])
def test_field_names_that_follow_the_rules_map_to_themselves(name):
    assert is_field_name(name) and field_name(name) == name


@pytest.mark.parametrize("toolkit_id", ["service_use_hospital_nights", "Phq9-1", "9lives", "x" * 40])
def test_other_ids_map_to_valid_stable_distinct_names(toolkit_id):
    name = field_name(toolkit_id)
    assert is_field_name(name) and name != toolkit_id
    assert field_name(toolkit_id) == name
    assert "__" not in name
    assert field_name(toolkit_id + "x") != name


def test_every_shipped_item_and_score_gets_a_valid_unique_name():
    rows = dictionary_rows(list(default_registry()))
    names = [r["Variable / Field Name"] for r in rows]
    assert all(is_field_name(n) for n in names)
    assert len(names) == len(set(names))


def test_colliding_names_are_refused(mood):
    with pytest.raises(CommandError, match="share this REDCap name"):
        dictionary_rows([mood, mood])


@pytest.mark.parametrize("ids", [["phq9"], ["phq9", "gad7", "service_use", "k10"], ["adult_hope"]])
def test_round_trip_gives_the_same_items_choices_and_values(tmp_path, ids):
    reg = default_registry()
    instruments = [reg.get(i) for i in ids]
    out = tmp_path / "dict.csv"
    mapping = write_redcap_dictionary(instruments, out)
    back = read_redcap_dictionary(out)
    expected_items = [item.id for inst in instruments for item in inst.items]
    assert list(back.items) == expected_items
    assert list(back.forms) == ids
    for inst in instruments:
        for item in inst.items:
            f = back.items[item.id]
            assert f.name == mapping[item.id]
            assert f.label == item.text["en"]
            assert f.form == inst.id
            scale = inst.response_scales[item.scale]
            if isinstance(scale, ChoiceScale):
                assert {float(k): v for k, v in f.choices.items()} == {o.value: o.label["en"] for o in scale.options}
        for scale in inst.scales:
            f = back.fields[mapping[f"{inst.id}_{scale.id}"]]
            assert f.score == (inst.id, scale.id) and f.type == "calc" and f.calculation


def test_reader_tolerates_a_byte_order_mark_and_unescapes(tmp_path, mood):
    out = tmp_path / "dict.csv"
    odd = mood.model_copy(update={"items": [mood.items[0].model_copy(update={"text": {"en": "=1+1 is two"}})]})
    odd = odd.model_copy(update={"scales": []})
    write_redcap_dictionary([odd], out)
    assert "'=1+1 is two" in out.read_text(encoding="utf-8")  # escaped in the file
    out.write_bytes(b"\xef\xbb\xbf" + out.read_bytes())
    back = read_redcap_dictionary(out)
    assert back.items["mood_1"].label == "=1+1 is two"


def test_reader_reads_a_dictionary_redcap_wrote(tmp_path):
    out = tmp_path / "redcap.csv"
    header = ",".join(f'"{c}"' for c in REDCAP_HEADER)
    out.write_text(
        header + "\n"
        'record_id,intake,,text,"Record ID",,,,,,,,,,,,,\n'
        'mood,intake,,dropdown,"How are you?","1, Good | 2, Bad",,,,,,,y,,,,,\n',
        encoding="utf-8",
    )
    back = read_redcap_dictionary(out)
    assert list(back.items) == ["mood"]
    assert back.items["mood"].choices == {"1": "Good", "2": "Bad"}
    assert back.items["mood"].required


def test_reader_refuses_a_file_that_is_not_a_dictionary(tmp_path):
    out = tmp_path / "x.csv"
    out.write_text("participant,wave\nA,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no column 'Variable / Field Name'"):
        read_redcap_dictionary(out)


def test_reader_reports_a_field_defined_twice_with_its_line(tmp_path):
    out = tmp_path / "x.csv"
    header = ",".join(f'"{c}"' for c in REDCAP_HEADER)
    out.write_text(header + "\na,f,,text,A\na,f,,text,B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"x.csv:3: field 'a' is defined twice"):
        read_redcap_dictionary(out)


def test_choices_text_and_parse_choices_agree():
    scale = default_registry().get("gad7").response_scales["frequency"]
    assert parse_choices(choices_text(scale)) == {
        "0": "Not at all",
        "1": "Several days",
        "2": "More than half the days",
        "3": "Nearly every day",
    }
