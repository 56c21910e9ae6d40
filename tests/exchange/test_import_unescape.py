"""The formula escape of the toolkit's exports is undone on import, so ``=North`` comes back as ``=North``."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from import_programs import add_program
from import_programs import program_database
from import_programs import run
from sqlalchemy import select

from toolkit.exchange import import_rows
from toolkit.exchange import redcap_records
from toolkit.exchange.escape import escape_text
from toolkit.exchange.escape import FORMULA_START
from toolkit.exchange.escape import unescape_text
from toolkit.exchange.import_read import file_digest
from toolkit.exchange.import_read import read_frame
from toolkit.exchange.import_read import table_from_frame
from toolkit.exchange.limits import Limits
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Participant
from toolkit.store.models import Program

PHQ = [f"phq9_{i}" for i in range(1, 10)]
ORIGINALS = ["=North", "+peer", "-2+3", "@home", "\t=tab", "\r=cr", '=HYPERLINK("http://x", "y")']


@pytest.mark.parametrize("original", ORIGINALS)
def test_an_escaped_cell_reads_back_as_written(original):
    assert escape_text(original) == "'" + original
    assert unescape_text(escape_text(original)) == original


@pytest.mark.parametrize("text", ["'abc", "'", "''=x", "North", "=North", "-3", "'3", " '=x", ""])
def test_other_text_is_unchanged(text):
    assert unescape_text(text) == text


def test_every_formula_start_is_undone():
    assert [unescape_text("'" + c + "x") for c in FORMULA_START] == [c + "x" for c in FORMULA_START]


def test_the_readers_share_the_one_function():
    assert redcap_records.unescape_text is unescape_text
    assert import_rows.unescape_text is unescape_text


def read(path, registry):
    frame, described, _ = read_frame(path, Limits())
    return table_from_frame(frame, str(path), file_digest(path), described, registry.item_ids)


ROWS = [
    ["'=RP-1", "baseline", "'=North", "'+peer"],
    ["RP-2", "baseline", "'abc", "'-2+3"],
    ["RP-3", "baseline", "'@home", ""],
    ["RP-4", "baseline", "South", "'"],
]


def test_a_wide_csv_reads_escaped_identifiers_back(tmp_path, registry):
    path = tmp_path / "escaped.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["participant", "wave", "site", "group", "phq9_1"], *[[*r, "1"] for r in ROWS]])
    table = read(path, registry)
    assert table.problems == []
    waves = table.wave_frame()
    assert waves["participant"].tolist() == ["=RP-1", "RP-2", "RP-3", "RP-4"]
    assert waves["site"].tolist() == ["=North", "'abc", "@home", "South"]
    assert waves["group"].fillna("").tolist() == ["+peer", "-2+3", "", "'"]


def test_a_long_csv_and_an_xlsx_read_escaped_identifiers_back(tmp_path, registry):
    path = tmp_path / "long.csv"
    path.write_text("participant,wave,item,value,site\n'=RP-1,baseline,phq9_1,1,'=North\nRP-2,baseline,phq9_1,2,'x\n")
    table = read(path, registry)
    assert table.problems == []
    assert table.wave_frame()[["participant", "site"]].values.tolist() == [["=RP-1", "=North"], ["RP-2", "'x"]]
    book = tmp_path / "escaped.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["participant", "wave", "site", "group", "phq9_1"])
    for row in ROWS:
        workbook.active.append([*row, 1])
    workbook.save(book)
    table = read(book, registry)
    assert table.problems == []
    assert table.wave_frame()["site"].tolist() == ["=North", "'abc", "@home", "South"]


@pytest.fixture
def url(db_url, monkeypatch, tmp_path):
    """A migrated database with program east: waves baseline, 3month and exit; PHQ-9 and GAD-7."""
    return program_database(db_url, monkeypatch, tmp_path)


def sites(url: str, slug: str) -> dict[str, tuple[str | None, str | None]]:
    """Participant code -> (site, group) in program ``slug``."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        people = s.scalars(select(Participant).join(Program).where(Program.slug == slug)).all()
        out = {p.code: (p.site.name if p.site else None, p.group) for p in people}
    engine.dispose()
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_site_starting_with_equals_survives_export_and_import(url, tmp_path, fmt):
    paper = tmp_path / "paper.csv"
    paper.write_text(
        "participant,wave,date,site,group," + ",".join(PHQ) + "\n"
        "RP-001,baseline,2026-01-15,=North,+peer," + ",".join("1" * 9) + "\n"
        "RP-002,baseline,2026-01-16,'abc,," + ",".join("2" * 9) + "\n"
    )
    assert run("import", paper, "--program", "east", "--database", url).exit_code == 0
    assert sites(url, "east") == {"RP-001": ("=North", "+peer"), "RP-002": ("'abc", None)}
    exported = tmp_path / f"east.{fmt}"
    result = run("export", "--program", "east", "--format", fmt, "--out", exported, "--database", url)
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        assert "'=North" in exported.read_text(encoding="utf-8-sig")  # the file is escaped ...
    mapping = tmp_path / "map.yaml"
    mapping.write_text("ignore: [mode, language]\n")
    add_program(url, "west")
    back = run("import", exported, "--program", "west", "--map", mapping, "--database", url)
    assert back.exit_code == 0, back.output
    assert sites(url, "west") == sites(url, "east")  # ... and reads back as stored
