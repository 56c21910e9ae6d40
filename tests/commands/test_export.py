"""``outcomes export``: a program's data in each format, one site, scores, refusals and the audit event."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from toolkit.cli import main
from toolkit.demo import store_program
from toolkit.demo_data import generate_program
from toolkit.demo_data import PROGRAM_SLUG
from toolkit.demo_data import SITES
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse


def run(*args):
    return CliRunner().invoke(main, ["export", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def demo_url(db_url):
    """The demo program (30 people, three sites) in the test database."""
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        store_program(session, generate_program(seed=7, n=30))
    engine.dispose()
    return db_url


def events(url):
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == "export")))
        answers = session.scalar(select(ItemResponse.id).limit(1))
    engine.dispose()
    return found, answers


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta", "parquet"])
def test_each_format_is_written_and_audited(demo_url, tmp_path, fmt):
    out = tmp_path / f"riverside.{fmt}"
    result = run("--program", PROGRAM_SLUG, "--format", fmt, "--out", out, "--database", demo_url)
    assert result.exit_code == 0, result.output
    assert out.exists() and "rows (wide layout)" in result.output
    [event], _ = events(demo_url)
    assert event.detail["format"] == fmt and event.detail["layout"] == "wide"
    assert event.detail["by"].startswith("command line")
    assert event.staff_id is None and event.program_id is not None


def test_one_site_with_scores_in_the_long_layout(demo_url, tmp_path):
    out = tmp_path / "harbor.sav"
    args = ["--program", PROGRAM_SLUG, "--format", "sav", "--layout", "long", "--scores", "--site", SITES[1]]
    result = run(*args, "--out", out, "--database", demo_url)
    assert result.exit_code == 0, result.output
    data, _ = pyreadstat.read_sav(out)
    assert set(data["site"]) == {SITES[1]} and set(data["kind"]) == {"item", "score"}
    [event], _ = events(demo_url)
    detail = event.detail
    assert (detail["site"], detail["scores"], detail["layout"], detail["rows"]) == (SITES[1], True, "long", len(data))
    text = str(detail)
    assert "RPN-" not in text  # no participant code in the audit log
    assert set(detail) == {"format", "layout", "scores", "site", "rows", "by"}


def test_a_site_the_program_does_not_have_is_refused_naming_its_sites(demo_url, tmp_path):
    out = tmp_path / "x.csv"
    result = run(
        "--program", PROGRAM_SLUG, "--format", "csv", "--site", "Nowhere", "--out", out, "--database", demo_url
    )
    assert result.exit_code == 2
    assert f"error: --site: 'Nowhere' is not a site of program '{PROGRAM_SLUG}'; its sites: {SITES[0]}" in result.output
    assert not out.exists() and events(demo_url)[0] == []


def test_an_unknown_program_and_a_wrong_suffix_are_refused(demo_url, tmp_path):
    missing = run("--program", "nope", "--format", "csv", "--out", tmp_path / "x.csv", "--database", demo_url)
    assert missing.exit_code == 2 and "no program 'nope'" in missing.output
    wrong = run("--program", PROGRAM_SLUG, "--format", "dta", "--out", tmp_path / "x.csv", "--database", demo_url)
    assert wrong.exit_code == 2 and "error: --out:" in wrong.output and "x.dta" in wrong.output


def test_csv_and_parquet_hold_the_same_answers(demo_url, tmp_path):
    for fmt in ("csv", "parquet"):
        run("--program", PROGRAM_SLUG, "--format", fmt, "--out", tmp_path / f"a.{fmt}", "--database", demo_url)
    csv = pd.read_csv(tmp_path / "a.csv")
    parquet = pq.read_table(tmp_path / "a.parquet").to_pandas()
    assert list(csv.columns) == list(parquet.columns)
    assert csv["phq9_1"].equals(parquet["phq9_1"])
    assert (csv["participant"] == parquet["participant"]).all()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta", "parquet"])
def test_a_program_without_answers_exports_its_columns_and_no_rows(db_url, tmp_path, fmt):
    setup = ["programs", "add", "east", "--name", "East", "--waves", "baseline,exit", "--battery", "phq9"]
    assert CliRunner().invoke(main, [*setup, "--database", db_url]).exit_code == 0
    out = tmp_path / f"east.{fmt}"
    result = run("--program", "east", "--format", fmt, "--out", out, "--database", db_url)
    assert result.exit_code == 0 and "Wrote 0 rows" in result.output
    if fmt == "csv":
        assert out.read_text().startswith("participant,wave,site,group,date,mode,language,phq9_1,")


def test_redcap_records_and_a_fhir_bundle_are_written_and_audited(demo_url, tmp_path):
    import csv
    import json

    from fhir.resources.R4B.bundle import Bundle

    records = tmp_path / "records.csv"
    result = run("--program", PROGRAM_SLUG, "--format", "redcap", "--out", records, "--database", demo_url)
    assert result.exit_code == 0, result.output
    with open(records, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"record_id", "redcap_event_name", "phq9_1"} <= set(rows[0])
    assert {r["redcap_event_name"] for r in rows} == {"baseline_arm_1", "exit_arm_1"}
    bundle = tmp_path / "bundle.json"
    result = run("--program", PROGRAM_SLUG, "--format", "fhir", "--out", bundle, "--database", demo_url)
    assert result.exit_code == 0, result.output
    parsed = Bundle.model_validate(json.loads(bundle.read_text(encoding="utf-8")))
    kinds = {entry.resource.__resource_type__ for entry in parsed.entry}
    assert kinds == {"QuestionnaireResponse", "Observation"}
    found, _ = events(demo_url)
    assert [e.detail["format"] for e in found] == ["redcap", "fhir"]
