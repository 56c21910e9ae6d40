"""The typed result: `outcomes analyze` output unchanged, the model's round trip, the schema file current.

``data/golden_*.json`` were written by ``outcomes analyze`` (with and without
``--suppressed``) before the result was typed, from the CSV files next to
them. The output must stay byte for byte the same, except for the
``schema_version`` field added first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import SCHEMA_VERSION
from toolkit.analysis.model import Withheld
from toolkit.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN = ["golden_synthetic", "golden_demo"]


def with_version(text: str) -> str:
    """The output captured before ``schema_version`` existed, with the field added first."""
    assert text.startswith("{\n")
    return text.replace("{\n", f'{{\n  "schema_version": {SCHEMA_VERSION},\n', 1)


@pytest.mark.parametrize("suppressed", [False, True], ids=["plain", "suppressed"])
@pytest.mark.parametrize("name", GOLDEN)
def test_analyze_output_is_byte_identical_to_before(name, suppressed, tmp_path):
    out = tmp_path / "result.json"
    args = ["analyze", str(DATA / f"{name}.csv"), "--pre", "baseline", "--post", "exit", "--json", str(out)]
    result = CliRunner().invoke(main, args + (["--suppressed"] if suppressed else []))
    assert result.exit_code == 0, result.output
    expected = (DATA / f"{name}{'.suppressed' if suppressed else ''}.json").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == with_version(expected)


@pytest.mark.parametrize("suffix", ["", ".suppressed"])
@pytest.mark.parametrize("name", GOLDEN)
def test_the_model_reads_back_what_it_writes(name, suffix):
    text = with_version((DATA / f"{name}{suffix}.json").read_text(encoding="utf-8"))
    model = AnalysisResult.model_validate_json(text)
    assert model.to_json() == text
    assert model.is_suppressed == (suffix == ".suppressed")


def test_withheld_counts_are_typed_values():
    text = with_version((DATA / "golden_synthetic.suppressed.json").read_text(encoding="utf-8"))
    model = AnalysisResult.model_validate_json(text)
    crosstab = model.scale("phq9").bands.crosstab
    marks = [v for row in crosstab for v in row if isinstance(v, Withheld)]
    assert marks and all(v.text in ("<11", "*") for v in marks)
    assert {v.reason for v in marks} <= {"small count", "complementary"}
    assert Withheld.model_validate("*").reason == "complementary"


def test_unknown_fields_are_refused():
    text = with_version((DATA / "golden_synthetic.json").read_text(encoding="utf-8"))
    data = json.loads(text)
    data["scales"][0]["effect"] = 1.0
    with pytest.raises(ValueError, match="effect"):
        AnalysisResult.model_validate(data)


def test_the_schema_file_is_current():
    from toolkit.analysis.schema import COMMAND
    from toolkit.analysis.schema import SCHEMA_FILE
    from toolkit.analysis.schema import schema_text

    assert SCHEMA_FILE.is_file(), f"{SCHEMA_FILE} is missing; write it with `{COMMAND}`"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        f"{SCHEMA_FILE} is stale: the result model changed. Regenerate it with `{COMMAND}`"
    )


def test_the_schema_names_every_field_of_the_output():
    from toolkit.analysis.schema import analysis_schema

    schema = analysis_schema()
    data = json.loads(with_version((DATA / "golden_demo.suppressed.json").read_text(encoding="utf-8")))
    assert set(data) <= set(schema["properties"])
    assert set(schema["required"]) <= set(data)
    scale_props = set(schema["$defs"]["ScaleResult"]["properties"])
    for s in data["scales"]:
        assert set(s) <= scale_props
