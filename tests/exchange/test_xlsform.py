"""The XLSForm workbook: sheets, columns and rows for ODK Collect and KoboToolbox."""

from __future__ import annotations

import openpyxl
import pytest
from mood_instruments import MOOD_YAML

from toolkit.exchange.xlsform import write_xlsform
from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text


def sheets(path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in book}


@pytest.fixture(scope="module")
def phq9(tmp_path_factory) -> dict[str, list[list]]:
    out = tmp_path_factory.mktemp("xlsform") / "phq9.xlsx"
    write_xlsform(default_registry().get("phq9"), out)
    return sheets(out)


def test_sheets_in_order(phq9):
    assert list(phq9) == ["survey", "choices", "settings"]


def test_survey_sheet(phq9):
    survey = phq9["survey"]
    assert survey[0] == ["type", "name", "label::English (en)", "label::Español (es)", "required", "constraint"]
    assert survey[1][:2] == ["note", "phq9_instructions"]
    first = survey[2]
    assert first[:5] == [
        "select_one frequency",
        "phq9_1",
        "Little interest or pleasure in doing things",
        "Poco interés o placer en hacer cosas",
        "yes",
    ]
    assert [row[1] for row in survey[2:]] == [f"phq9_{n}" for n in range(1, 10)]


def test_choices_sheet(phq9):
    choices = phq9["choices"]
    assert choices[0] == ["list_name", "name", "label::English (en)", "label::Español (es)"]
    assert choices[1:] == [
        ["frequency", "0", "Not at all", "Ningún día"],
        ["frequency", "1", "Several days", "Varios días"],
        ["frequency", "2", "More than half the days", "Más de la mitad de los días"],
        ["frequency", "3", "Nearly every day", "Casi todos los días"],
    ]


def test_settings_sheet(phq9):
    assert phq9["settings"] == [
        ["form_title", "form_id", "version", "default_language"],
        ["Patient Health Questionnaire-9", "phq9", "1", "English (en)"],
    ]


def test_count_item_is_an_integer_with_its_range_and_optional_items_are_not_required(tmp_path):
    out = tmp_path / "mood.xlsx"
    write_xlsform(load_instrument_text(MOOD_YAML, "mood.yaml"), out)
    rows = {row[1]: row for row in sheets(out)["survey"][1:]}
    assert rows["mood_3"][0] == "integer" and rows["mood_3"][5] == ". >= 0 and . <= 90"
    assert rows["mood_3"][4] == "yes"
    assert rows["mood_1"][4] is None  # "prefer not to say" is allowed


def test_formula_like_text_is_escaped_and_stored_as_text(tmp_path):
    mood = load_instrument_text(MOOD_YAML, "mood.yaml")
    item = mood.items[0].model_copy(update={"text": {"en": "=HYPERLINK(1)", "es": "+1+1 cmd"}})
    out = tmp_path / "odd.xlsx"
    write_xlsform(mood.model_copy(update={"items": [item]}), out)
    cell_row = next(openpyxl.load_workbook(out)["survey"].iter_rows(min_row=3, max_row=3))
    assert [c.value for c in cell_row[2:4]] == ["'=HYPERLINK(1)", "'+1+1 cmd"]
    assert all(c.data_type == "s" for c in cell_row if c.value is not None)
