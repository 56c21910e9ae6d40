"""``outcomes import``: a file checked whole, written in one transaction, idempotent, with close codes and conflicts."""

from __future__ import annotations

from datetime import date

import pytest
from import_programs import program_database
from import_programs import run
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Notification
from toolkit.store.models import Participant
from toolkit.store.models import ReplacedAnswer

PHQ = [f"phq9_{i}" for i in range(1, 10)]
GAD = [f"gad7_{i}" for i in range(1, 8)]


@pytest.fixture
def url(db_url, monkeypatch, tmp_path):
    """A migrated database with program east: waves baseline, 3month (windowed) and exit; PHQ-9 and GAD-7."""
    return program_database(db_url, monkeypatch, tmp_path)


def wide_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    columns = columns or ["participant", "wave", "date", "site", *PHQ]
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


def person(code: str, wave: str = "baseline", day: str = "2026-01-15", value: int = 1, **extra) -> dict:
    return {"participant": code, "wave": wave, "date": day, "site": "North", **{i: value for i in PHQ}, **extra}


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        out = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Participant, Administration, ItemResponse, Alert, ImportRecord, ReplacedAnswer)
        }
    engine.dispose()
    return out


def query(url: str, statement):
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        rows = s.execute(statement).all()
    engine.dispose()
    return rows


def test_a_wide_file_is_stored_with_mode_import_its_dates_and_an_import_record(url, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(
        wide_csv(
            [
                person("RP-001", value=0),
                person("RP-002", value=2),
                person("RP-001", "3month", "2026-04-20", value=1, phq9_9=0),
            ]
        )
    )
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    assert "read as wide CSV, UTF-8, comma-separated; 3 participant-wave(s), 27 answer(s)" in result.output
    assert "added 2 participant(s), 3 administration(s), 27 answer(s)" in result.output
    assert counts(url) == {
        "participants": 2,
        "administrations": 3,
        "item_responses": 27,
        "alerts": 1,
        "imports": 1,
        "replaced_answers": 0,
    }
    rows = query(url, select(Administration.mode, Administration.completed_at, Administration.import_id))
    assert {r.mode for r in rows} == {"import"}
    assert sorted(r.completed_at.date() for r in rows) == [date(2026, 1, 15), date(2026, 1, 15), date(2026, 4, 20)]
    (rec,) = query(url, select(ImportRecord))
    assert rec[0].file_name == str(path) and len(rec[0].sha256) == 64 and rec[0].answers == 27


def test_the_same_file_again_is_a_no_op_that_says_so(url, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(wide_csv([person("RP-001")]))
    assert run("import", path, "--program", "east", "--database", url).exit_code == 0
    before = counts(url)
    again = run("import", path, "--program", "east", "--database", url)
    assert again.exit_code == 0
    assert "already imported into east" in again.output and "nothing to do" in again.output
    assert counts(url) == before


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(url, tmp_path):
    path = tmp_path / "bad.csv"
    rows = [
        person("RP-001"),
        person("RP-002", phq9_3=7),
        person("RP-003", wave="6mnth"),
        person("RP-001"),
        person("RP-004", day="2026-13-40"),
        person("RP-005", phq9_2="often"),
    ]
    path.write_text(wide_csv(rows))
    before = counts(url)
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 2
    err = result.output
    assert f"{path}:3:phq9_3: 7 is not an answer to phq9_3; give 0, 1, 2 or 3" in err
    assert f"{path}:5: participant 'RP-001' has a second row for wave 'baseline' (first on row 2)" in err
    assert f"{path}:6:date: '2026-13-40' is not a date; write it as YYYY-MM-DD" in err
    assert f"{path}:7:phq9_2: 'often' is not a number" in err
    assert counts(url) == before


def test_an_unknown_wave_and_an_item_outside_the_battery_are_named(url, tmp_path):
    path = tmp_path / "waves.csv"
    path.write_text(wide_csv([person("RP-003", wave="3mnth", k6_1=2)], ["participant", "wave", *PHQ, "k6_1"]))
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert f"{path}:2:wave: '3mnth' is not a wave of east; did you mean '3month'?" in result.output
    assert f"{path}:1:k6_1: k6_1 belongs to K6, which is not in the battery of east" in result.output
    assert counts(url)["administrations"] == 0


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-8-sig", ",", "UTF-8 with a byte-order mark, comma-separated"),
        ("utf-16", ";", "UTF-16, semicolon-separated"),
        ("cp1252", ";", "Latin-1 (Windows-1252), semicolon-separated"),
    ],
)
def test_encodings_and_semicolons_are_detected_and_named(url, tmp_path, encoding, delimiter, described):
    path = tmp_path / "legacy.csv"
    text = wide_csv([person("RP-001", site="Peña")]).replace(",", delimiter)
    path.write_bytes(text.encode(encoding))
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    assert f"read as wide CSV, {described}" in result.output
    assert query(url, select(Participant.code))[0][0] == "RP-001"


def test_a_close_code_is_never_merged_silently(url, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(wide_csv([person("RP-001")]))
    assert run("import", first, "--program", "east", "--database", url).exit_code == 0
    second = tmp_path / "second.csv"
    second.write_text(wide_csv([person("RP-0O1", "3month", "2026-04-20")]))
    refused = run("import", second, "--program", "east", "--database", url)
    assert refused.exit_code == 2
    assert (
        f"{second}:2:participant: 'RP-0O1' is close to 'RP-001', already enrolled; if it is the same person"
        " give --same RP-0O1=RP-001, if not give --new RP-0O1"
    ) in refused.output
    merged = run("import", second, "--program", "east", "--same", "RP-0O1=RP-001", "--database", url)
    assert merged.exit_code == 0, merged.output
    assert sorted(c for (c,) in query(url, select(Participant.code))) == ["RP-001"]
    third = tmp_path / "third.csv"
    third.write_text(wide_csv([person("RP-002")]))
    assert run("import", third, "--program", "east", "--dry-run", "--database", url).exit_code == 2
    kept = run("import", third, "--program", "east", "--new", "RP-002", "--database", url)
    assert kept.exit_code == 0, kept.output
    assert sorted(c for (c,) in query(url, select(Participant.code))) == ["RP-001", "RP-002"]


def test_conflicts_stop_unless_replaced_and_replacing_keeps_old_and_new(url, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(wide_csv([person("RP-001", value=1)]))
    assert run("import", first, "--program", "east", "--database", url).exit_code == 0
    second = tmp_path / "second.csv"
    second.write_text(wide_csv([person("RP-001", value=1, phq9_4=3)]))
    refused = run("import", second, "--program", "east", "--database", url)
    assert refused.exit_code == 2
    assert (
        f"{second}:2:phq9_4: participant 'RP-001' at wave 'baseline' has phq9_4 = 1 stored; the file says 3"
        in refused.output
    )
    replaced = run("import", second, "--program", "east", "--replace", "--database", url)
    assert replaced.exit_code == 0, replaced.output
    ((old, new),) = query(url, select(ReplacedAnswer.old_value, ReplacedAnswer.new_value))
    assert (old, new) == (1.0, 3.0)
    values = dict(query(url, select(ItemResponse.item_id, ItemResponse.value)))
    assert values["phq9_4"] == 3.0
    details = [d for (d,) in query(url, select(AuditEvent.detail).where(AuditEvent.kind == "import"))]
    assert details[-1]["replaced"] == 1 and "3" not in str({k: v for k, v in details[-1].items() if k != "import_id"})


def test_a_risk_answer_raises_an_imported_alert_at_the_files_date(url, tmp_path):
    path = tmp_path / "risk.csv"
    path.write_text(wide_csv([person("RP-001", day="2025-02-03", value=0, phq9_9=2)]))
    result = run("import", path, "--program", "east", "--database", url)
    assert "1 risk answer(s) raised alerts marked imported" in result.output
    ((source, raised, value),) = query(url, select(Alert.source, Alert.raised_at, Alert.value))
    assert (source, raised.date(), value) == ("import", date(2025, 2, 3), 2.0)
    assert query(url, select(func.count()).select_from(Notification))[0][0] == 0  # older than two weeks: no e-mail


def test_a_long_file_and_a_map_with_foreign_names_and_codes(url, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "record_id,event,field,answer\n"
        + "".join(f"RP-001,baseline_arm_1,{i},several\n" for i in ["no_interest", *PHQ[1:]])
        + "RP-001,baseline_arm_1,gad7_1,-99\n"
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns: {record_id: participant, event: wave, field: item, answer: value, no_interest: phq9_1}\n"
        "waves: {baseline_arm_1: baseline}\n"
        "values:\n  '*': {several: 1}\n"
        "declined: ['-99']\n"
    )
    dry = run("import", path, "--program", "east", "--map", mapping, "--dry-run", "--database", url)
    assert dry.exit_code == 0, dry.output
    assert (
        "read as long CSV" in dry.output
        and "would add 1 participant(s), 2 administration(s), 10 answer(s)" in dry.output
    )
    assert counts(url)["administrations"] == 0
    assert run("import", path, "--program", "east", "--map", mapping, "--database", url).exit_code == 0
    rows = dict(query(url, select(ItemResponse.item_id, ItemResponse.declined)))
    assert rows["gad7_1"] is True and rows["phq9_1"] is False


def test_a_bad_map_is_reported_by_line(url, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(wide_csv([person("RP-001")]))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {a: b}\ncolumn: {c: d}\n")
    result = run("import", path, "--program", "east", "--map", mapping, "--database", url)
    assert result.exit_code == 2
    assert f"{mapping}:2: column: extra inputs are not permitted" in result.output


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata_files_with_user_missing_codes(url, tmp_path, suffix):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {"participant": ["RP-001", "RP-002"], "wave": ["baseline", "baseline"], **{i: [1.0, 2.0] for i in PHQ}}
    )
    path = tmp_path / f"legacy{suffix}"
    labels = {i: {0: "Not at all", 1: "Several days", 2: "More than half the days", 3: "Nearly every day"} for i in PHQ}
    if suffix == ".sav":
        frame.loc[1, "phq9_2"] = -99.0
        pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, missing_ranges={"phq9_2": [-99]})
    else:
        frame["phq9_2"] = frame["phq9_2"].astype(object)
        frame.loc[1, "phq9_2"] = "a"
        pyreadstat.write_dta(frame, str(path), variable_value_labels=labels, missing_user_values={"phq9_2": ["a"]})
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 0, result.output
    declined = query(url, select(ItemResponse.item_id).where(ItemResponse.declined.is_(True)))
    assert declined == [("phq9_2",)]


def test_value_labels_off_the_scale_are_refused(url, tmp_path):
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"participant": ["RP-001"], "wave": ["baseline"], **{i: [1.0] for i in PHQ}})
    path = tmp_path / "coded.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"phq9_1": {1: "Not at all", 4: "Nearly every day"}})
    result = run("import", path, "--program", "east", "--database", url)
    assert result.exit_code == 2
    assert f"{path}:phq9_1: value label 4 = 'Nearly every day' is not an answer to phq9_1" in result.output
