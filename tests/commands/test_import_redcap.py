"""``outcomes import --format redcap``: a records export with its dictionary, and the toolkit's own records back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from import_programs import add_program
from import_programs import program_database
from import_programs import run
from import_programs import stored
from sqlalchemy import select

from toolkit.exchange.redcap_dictionary import write_redcap_dictionary
from toolkit.exchange.redcap_records_writer import write_redcap_records
from toolkit.instruments import default_registry
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.exports import export_rows
from toolkit.store.models import Administration
from toolkit.store.models import Participant

DATA = Path(__file__).parents[1] / "exchange" / "data"
RECORDS = DATA / "redcap_phq9_records.csv"
DICTIONARY = DATA / "redcap_phq9_dictionary.csv"
MAP = DATA / "redcap_phq9_map.yaml"
PHQ = [f"phq9_{i}" for i in range(1, 10)]


@pytest.fixture
def url(db_url, monkeypatch, tmp_path):
    """A migrated database with program east: waves baseline, 3month and exit; PHQ-9 and GAD-7."""
    return program_database(db_url, monkeypatch, tmp_path)


def test_a_foreign_records_export_with_its_dictionary_and_a_map(url):
    result = run(
        "import", RECORDS, "--format", "redcap", "--dictionary", DICTIONARY, "--map", MAP,
        "--program", "east", "--database", url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "read as REDCap records, UTF-8 with a byte-order mark" in result.output
    assert "form status column(s) (*_complete) not read" in result.output
    answers = stored(url, "east")
    assert answers[("RP-001", "baseline", "phq9_3")] == (1.0, False)
    assert answers[("RP-001", "3month", "phq9_2")] == (1.0, False)
    assert ("007", "baseline", "phq9_6") not in answers and ("007", "baseline", "phq9_3") not in answers
    assert len(answers) == 9 + 9 + 7  # 007: phq9_6 blank, no box of phq9_3 ticked
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        days = s.execute(select(Participant.code, Administration.completed_at).join(Participant)).all()
    engine.dispose()
    assert {(c, d.date()) for c, d in days if d is not None} >= {
        ("RP-001", date(2026, 1, 15)),
        ("007", date(2026, 1, 20)),
    }


def test_a_records_export_needs_its_dictionary(url):
    result = run("import", RECORDS, "--format", "redcap", "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert "--dictionary" in result.output


def test_a_foreign_dictionary_without_a_map_is_refused_naming_each_field(url):
    result = run(
        "import", RECORDS, "--format", "redcap", "--dictionary", DICTIONARY, "--program", "east", "--database", url
    )
    assert result.exit_code == 2
    assert f"error: {DICTIONARY}:interest: field 'interest' is not an item of any instrument" in result.output
    assert stored(url, "east") == {}


def test_our_records_and_dictionary_import_into_a_fresh_program_as_the_same_answers(url, tmp_path):
    wide = tmp_path / "paper.csv"
    wide.write_text(
        "participant,wave,date," + ",".join(PHQ) + ",gad7_1,gad7_2\n"
        "RP-001,baseline,2026-01-15,0,1,2,3,0,1,2,3,0,2,declined\n"
        "RP-001,3month,2026-04-20,1,1,1,1,1,1,1,1,1,,\n"
        "0042,baseline,2026-01-16,3,3,3,2,2,2,1,1,,1,1\n"
    )
    first = run("import", wide, "--program", "east", "--database", url)
    assert first.exit_code == 0, first.output
    registry = default_registry()
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        rows = export_rows(s, "east")
    engine.dispose()
    dictionary, records = tmp_path / "dict.csv", tmp_path / "records.csv"
    write_redcap_dictionary([registry.get("phq9"), registry.get("gad7")], dictionary)
    write_redcap_records(rows.visits, rows.responses, rows.battery, registry, records)
    add_program(url, "west")
    back = run(
        "import", records, "--format", "redcap", "--dictionary", dictionary, "--program", "west", "--database", url
    )
    assert back.exit_code == 0, back.output
    original = stored(url, "east")
    declined = {key for key, (_value, was_declined) in original.items() if was_declined}
    assert declined == {("RP-001", "baseline", "gad7_2")}
    assert stored(url, "west") == {key: answer for key, answer in original.items() if key not in declined}


def test_a_file_given_with_a_dictionary_is_read_as_redcap_records(url):
    result = run(
        "import", RECORDS, "--dictionary", DICTIONARY, "--map", MAP, "--dry-run", "--program", "east", "--database", url
    )
    assert result.exit_code == 0, result.output
    assert "read as REDCap records" in result.output
    assert "would add 2 participant(s), 3 administration(s), 25 answer(s)" in result.output
