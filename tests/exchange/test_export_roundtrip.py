"""A wide response file put into the store and exported to every format reads back as stored, with labels."""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from toolkit.exchange.export_layout import build_table
from toolkit.exchange.export_variables import DECLINED_CODE
from toolkit.exchange.export_writer import write_export
from toolkit.exchange.wide_file import read_wide
from toolkit.scoring import score
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.exports import export_rows
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.programs import add_participant
from toolkit.store.programs import create_program

PHQ9 = [f"phq9_{i}" for i in range(1, 10)]
GAD7 = [f"gad7_{i}" for i in range(1, 8)]
ITEMS = PHQ9 + GAD7 + ["service_use_1"]
WIDE_CSV = (
    "participant,wave,site,group," + ",".join(ITEMS) + "\n"
    "P001,baseline,Main St,peer,1,2,3,0,1,2,3,0,declined,0,1,2,3,0,1,2,4\n"
    "P001,exit,Main St,peer,0,0,1,0,0,1,0,0,0,0,0,1,1,0,0,0,0\n"
    "P002,baseline,Harbor,=1+2,3,3,3,3,3,3,3,3,1,,3,3,3,3,3,declined,12\n"
    "P003,baseline,,,2,2,2,2,2,2,2,2,0,1,1,1,1,1,1,1,\n"
)
MODES = ("tablet", "paper", "import")
COMPLETED = dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)  # 1 March in New York


def store_wide(session, registry, wide: pd.DataFrame) -> int:
    """Put a wide response table into a new program ``east``; returns the number of item responses stored."""
    instruments = list(dict.fromkeys(registry.item(c)[0].id for c in wide.columns if registry.item(c)))
    program = create_program(
        session, registry, "east", "Eastside", ["baseline", "exit"], instruments, time_zone="America/New_York"
    )
    waves = {w.name: w for w in program.waves}
    people = {}
    stored = 0
    for n, row in enumerate(wide.to_dict("records")):
        code = row["participant"]
        if code not in people:
            site = row["site"] if isinstance(row["site"], str) else None
            group = row["group"] if isinstance(row["group"], str) else None
            people[code] = add_participant(session, program, code, site=site, group=group)
        for inst_id in instruments:
            admin = Administration(
                participant_id=people[code].id,
                wave_id=waves[row["wave"]].id,
                instrument_id=inst_id,
                instrument_version=registry.get(inst_id).version,
                status="complete",
                mode=MODES[n % 3],
                language="es" if n == 2 else "en",
                submission_key=f"{code}-{row['wave']}-{inst_id}",
                started_at=COMPLETED - dt.timedelta(minutes=10),
                completed_at=COMPLETED + dt.timedelta(days=n),
            )
            session.add(admin)
            session.flush()
            for item in registry.get(inst_id).items:
                cell = row.get(item.id)
                if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                    continue
                declined = isinstance(cell, str) and cell.strip() == "declined"
                value = None if declined else float(cell)
                session.add(ItemResponse(administration_id=admin.id, item_id=item.id, value=value, declined=declined))
                stored += 1
    session.commit()
    return stored


@pytest.fixture
def stored(db_url, registry, tmp_path):
    """The README's wide layout in a CSV, read as ``outcomes score`` reads it and stored; the export rows."""
    path = tmp_path / "responses.csv"
    path.write_text(WIDE_CSV, encoding="utf-8")
    wide = read_wide(path, registry)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        count = store_wide(session, registry, wide)
        rows = export_rows(session, "east")
    engine.dispose()
    return wide, rows, count


def expected(wide: pd.DataFrame, item: str, row: int):
    """The stored answer: a float, ``"declined"``, or None when missing."""
    cell = wide.at[row, item]
    if isinstance(cell, str):
        return "declined" if cell == "declined" else float(cell)
    return None if pd.isna(cell) else float(cell)


def table(rows, registry, layout="wide", scores=False):
    scorer = (lambda w: score(w, registry).scores) if scores else None
    return build_table(rows.visits, rows.responses, rows.battery, registry, layout, scorer)


def test_sav_holds_the_stored_values_labels_and_declined_as_user_missing(stored, registry, tmp_path):
    wide, rows, _ = stored
    write_export(table(rows, registry), "sav", tmp_path / "e.sav")
    data, meta = pyreadstat.read_sav(tmp_path / "e.sav", user_missing=True)
    assert list(data["participant"]) == ["P001", "P001", "P002", "P003"]
    for item in ITEMS:
        for n in range(4):
            want = expected(wide, item, n)
            got = data.at[n, item]
            if want == "declined":
                assert got == DECLINED_CODE
            elif want is None:
                assert math.isnan(got)
            else:
                assert got == want
        assert meta.missing_ranges[item] == [{"lo": DECLINED_CODE, "hi": DECLINED_CODE}]
    assert meta.column_names_to_labels["phq9_1"] == "Little interest or pleasure in doing things"
    assert meta.variable_value_labels["phq9_1"][0.0] == "Not at all"
    assert meta.variable_value_labels["phq9_1"][DECLINED_CODE] == "Declined (prefer not to say)"
    assert "service_use_1" in meta.column_names and 0.0 not in meta.variable_value_labels.get("service_use_1", {})
    assert data.at[0, "date"] == dt.date(2026, 3, 1) and meta.original_variable_types["date"].startswith("DATE")
    assert list(data["mode"]) == ["tablet", "paper", "import", "tablet"]
    assert data.at[2, "language"] == "es" and data.at[3, "site"] == ""


def test_dta_holds_declined_as_a_and_labels_cut_to_80_characters(stored, registry, tmp_path):
    wide, rows, _ = stored
    write_export(table(rows, registry, scores=True), "dta", tmp_path / "e.dta")
    data, meta = pyreadstat.read_dta(tmp_path / "e.dta", user_missing=True)
    assert data.at[0, "phq9_9"] == "a" and data.at[2, "gad7_7"] == "a"
    assert data.at[1, "phq9_9"] == 0.0 and data.at[2, "service_use_1"] == 12.0
    assert meta.missing_user_values["phq9_9"] == ["a"]
    assert meta.variable_value_labels["phq9_9"]["a"] == "Declined (prefer not to say)"
    assert meta.variable_value_labels["phq9_9"][3] == "Nearly every day"
    labels = meta.column_names_to_labels
    assert all(len(label or "") <= 80 for label in labels.values())
    assert labels["phq9_8"].startswith("Moving or speaking so slowly") and labels["phq9_8"].endswith("...")
    assert all(len(name) <= 32 and name.replace("_", "").isalnum() for name in meta.column_names)
    assert meta.original_variable_types["date"] == "%td" and data.at[0, "date"] == dt.date(2026, 3, 1)
    assert meta.variable_value_labels["phq9_total_band"][1] == "minimal"


def test_xlsx_has_a_data_sheet_and_a_sheet_of_variables_with_text_escaped(stored, registry, tmp_path):
    wide, rows, _ = stored
    write_export(table(rows, registry), "xlsx", tmp_path / "e.xlsx")
    book = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert book.sheetnames == ["Data", "Variables"]
    sheet = book["Data"]
    head = [c.value for c in sheet[1]]
    cells = {head[j]: [sheet.cell(row=n + 2, column=j + 1) for n in range(4)] for j in range(len(head))}
    for item in ITEMS:
        for n in range(4):
            want = expected(wide, item, n)
            assert cells[item][n].value == want, (item, n)
    assert cells["group"][2].value == "'=1+2" and cells["group"][2].data_type == "s"
    assert cells["date"][0].is_date and cells["date"][0].value.date() == dt.date(2026, 3, 1)
    variables = {row[0]: row[1:] for row in book["Variables"].iter_rows(min_row=2, values_only=True)}
    assert variables["phq9_1"][0] == "Little interest or pleasure in doing things"
    assert variables["phq9_1"][1].startswith("0 = Not at all; 1 = Several days")
    assert "declined = Declined (prefer not to say)" in variables["phq9_1"][1]


def test_csv_reads_back_as_the_wide_file_with_formulas_escaped(stored, registry, tmp_path):
    wide, rows, _ = stored
    write_export(table(rows, registry), "csv", tmp_path / "e.csv")
    back = pd.read_csv(tmp_path / "e.csv", dtype=str, keep_default_na=False)
    for item in ITEMS:
        for n in range(4):
            want = expected(wide, item, n)
            cell = back.at[n, item]
            assert cell == ("" if want is None else want if want == "declined" else str(int(want))), (item, n)
    assert back.at[2, "group"] == "'=1+2" and back.at[0, "date"] == "2026-03-01"
    assert (tmp_path / "e.csv").read_bytes().count(b"\r\n") == 5
    again = read_wide(tmp_path / "e.csv", registry)  # the export is itself a wide response file
    assert score(again, registry).scores["score"].equals(score(wide, registry).scores["score"])


def test_parquet_keeps_dates_floats_and_strings(stored, registry, tmp_path):
    wide, rows, _ = stored
    write_export(table(rows, registry), "parquet", tmp_path / "e.parquet")
    back = pq.read_table(tmp_path / "e.parquet")
    assert str(back.schema.field("date").type) == "date32[day]"
    assert str(back.schema.field("phq9_1").type) == "double" and str(back.schema.field("participant").type) == "string"
    assert back.schema.field("phq9_1").metadata[b"label"] == b"Little interest or pleasure in doing things"
    columns = back.to_pydict()
    for item in ITEMS:
        for n in range(4):
            want = expected(wide, item, n)
            assert columns[item][n] == (None if want in (None, "declined") else want), (item, n)
    assert columns["date"][0] == dt.date(2026, 3, 1) and columns["group"][2] == "=1+2"


def test_long_layout_has_one_row_per_stored_answer(stored, registry, tmp_path):
    wide, rows, count = stored
    long = table(rows, registry, layout="long")
    assert len(long.frame) == count == len(rows.responses)
    write_export(long, "sav", tmp_path / "l.sav")
    data, meta = pyreadstat.read_sav(tmp_path / "l.sav", user_missing=True)
    assert len(data) == count
    declined = data[data["declined"] == 1]
    assert set(declined["item"]) == {"phq9_9", "gad7_7"} and (declined["value"] == DECLINED_CODE).all()
    first = data[(data["participant"] == "P001") & (data["wave"] == "baseline")]
    assert list(first["item"])[:3] == ["phq9_1", "phq9_2", "phq9_3"] and list(first["value"])[:3] == [1.0, 2.0, 3.0]
    write_export(long, "csv", tmp_path / "l.csv")
    assert len(pd.read_csv(tmp_path / "l.csv")) == count


def test_scores_are_those_of_the_scoring_module(stored, registry, tmp_path):
    wide, rows, _ = stored
    scored = table(rows, registry, scores=True)
    want = score(wide, registry).scores
    phq9 = want[(want["instrument"] == "phq9") & (want["scale"] == "total")].reset_index(drop=True)
    frame = scored.frame
    assert frame["phq9_total"].equals(phq9["score"].astype("float64"))
    assert list(frame["phq9_total_band"]) == [None if pd.isna(b) else b for b in phq9["band"].astype(object)]
    assert list(frame["phq9_total_valid"]) == list(phq9["valid"])
    write_export(scored, "parquet", tmp_path / "s.parquet")
    back = pq.read_table(tmp_path / "s.parquet").to_pydict()
    assert back["phq9_total"][:2] == list(phq9["score"][:2]) and back["phq9_total_valid"] == list(phq9["valid"])
    long = table(rows, registry, layout="long", scores=True)
    score_rows = long.frame[long.frame["kind"] == "score"]
    assert len(score_rows) == len(want) and set(score_rows["item"]) >= {"phq9_total", "gad7_total"}
