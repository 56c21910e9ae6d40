"""`outcomes instruments export` end to end: files written, exit codes and messages."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner
from fhir.resources.R4B.questionnaire import Questionnaire

from toolkit.cli import main
from toolkit.commands.instruments import EXPORT_FORMATS
from toolkit.instruments import default_registry
from toolkit.instruments import registry as registry_module


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def export(runner: CliRunner, *args: str):
    return runner.invoke(main, ["instruments", "export", *args])


def test_redcap_dictionary_of_two_instruments(runner, tmp_path):
    out = tmp_path / "dict.csv"
    result = export(runner, "phq9", "gad7", "--format", "redcap", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote phq9, gad7 as redcap to {out}." in result.output
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["Variable / Field Name"] == "record_id"
    assert {r["Form Name"] for r in rows} == {"phq9", "gad7"}
    assert len(rows) == 1 + 10 + 8
    assert [p.name for p in tmp_path.iterdir()] == ["dict.csv"]  # no temporary file left


def test_fhir_to_a_file_and_to_the_screen(runner, tmp_path):
    out = tmp_path / "gad7.json"
    result = export(runner, "gad7", "--format", "fhir", "--out", str(out), "--base-url", "https://fhir.example.org")
    assert result.exit_code == 0, result.output
    resource = json.loads(out.read_text(encoding="utf-8"))
    assert resource["url"] == "https://fhir.example.org/Questionnaire/gad7"
    Questionnaire.model_validate(resource)
    shown = export(runner, "gad7", "--format", "fhir")
    assert shown.exit_code == 0
    assert json.loads(shown.output)["code"][0]["code"] == "69737-5"


def test_xlsform(runner, tmp_path):
    out = tmp_path / "phq9.xlsx"
    result = export(runner, "phq9", "--format", "xlsform", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == ["survey", "choices", "settings"]


def test_unknown_instrument_exits_2_with_did_you_mean(runner, tmp_path):
    out = tmp_path / "dict.csv"
    result = export(runner, "phq", "--format", "redcap", "--out", str(out))
    assert result.exit_code == 2
    assert "error: instrument 'phq' is not defined; did you mean 'phq9'?" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq9", "gad7", "--format", "fhir"], "error: ID: the fhir format holds one instrument"),
        (["phq9", "--format", "xlsform"], "error: --out: the xlsform format is written to a file"),
        (["phq9", "--format", "redcap", "--out", "d.xlsx"], "the redcap format is a .csv file"),
        (["phq9", "--format", "sav", "--out", "d.sav"], "error: --format:"),
        (["--format", "redcap", "--out", "d.csv"], "Missing argument 'ID...'"),
    ],
)
def test_bad_arguments_exit_2(runner, args, message):
    result = export(runner, *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("fmt", ["redcap", "fhir", "xlsform"])
def test_licensed_instrument_is_refused(runner, tmp_path, fmt):
    out = tmp_path / f"mdes{EXPORT_FORMATS[fmt]}"
    result = export(runner, "mdes", "--format", fmt, "--out", str(out))
    assert result.exit_code == 2
    assert "error: mdes: licence status 'definition-only': the wording of MDES is licensed" in result.output
    assert "--licensed-wording" in result.output
    assert not out.exists()


def test_licensed_flag_without_an_overlay_says_where_the_wording_comes_from(runner, tmp_path):
    result = export(runner, "mdes", "--licensed-wording", "--format", "redcap", "--out", str(tmp_path / "m.csv"))
    assert result.exit_code == 2
    assert "no English wording is loaded for MDES" in result.output


@pytest.fixture
def mdes_overlay(tmp_path, monkeypatch):
    """A wording overlay for MDES (placeholder wording) loaded through $OUTCOMES_OVERLAYS."""
    folder = tmp_path / "overlays"
    folder.mkdir()
    inst = default_registry().get("mdes")
    items = "\n".join(f"  {item.id}: {{en: 'Statement {n}'}}" for n, item in enumerate(inst.items, start=1))
    labels = "{1: {en: Strongly disagree}, 2: {en: Disagree}, 3: {en: Agree}, 4: {en: Strongly agree}}"
    (folder / "mdes.yaml").write_text(
        f"overlay_for: mdes\nversion: 1\nresponse_scales:\n  agree4: {labels}\nitems:\n{items}\n", encoding="utf-8"
    )
    monkeypatch.setenv("OUTCOMES_OVERLAYS", str(folder))
    monkeypatch.setattr(registry_module, "_DEFAULT", None)
    yield
    monkeypatch.setattr(registry_module, "_DEFAULT", None)


def test_licensed_instrument_with_overlay_and_flag_is_exported(runner, tmp_path, mdes_overlay):
    out = tmp_path / "mdes.csv"
    result = export(runner, "mdes", "--licensed-wording", "--format", "redcap", "--out", str(out))
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        rows = {r["Variable / Field Name"]: r for r in csv.DictReader(handle)}
    assert rows["mdes_4"]["Field Label"] == "Statement 4"
    assert rows["mdes_4"]["Choices, Calculations, OR Slider Labels"].startswith("1, Strongly disagree | 2, Disagree")
    assert "(4+1-[mdes_4])" in rows["mdes_total"]["Choices, Calculations, OR Slider Labels"]
    refused = export(runner, "mdes", "--format", "redcap", "--out", str(tmp_path / "again.csv"))
    assert refused.exit_code == 2  # the overlay alone does not lift the licence rule


def test_unwritable_folder_exits_1(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = export(runner, "phq9", "--format", "redcap", "--out", str(blocker / "dict.csv"))
    assert result.exit_code == 1
    assert "cannot write the file" in result.output
