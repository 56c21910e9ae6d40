"""Stored answers written as REDCap records read back, with the toolkit's dictionary, as the same answers."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from toolkit.exchange.redcap_dictionary import write_redcap_dictionary
from toolkit.exchange.redcap_records import read_redcap_file
from toolkit.exchange.redcap_records_writer import event_name
from toolkit.exchange.redcap_records_writer import redcap_records
from toolkit.exchange.redcap_records_writer import write_redcap_records

VISITS = pd.DataFrame(
    {
        "participant": ["RP-001", "RP-001", "=cmd"],
        "wave": ["baseline", "3month", "baseline"],
        "site": [None, None, None],
        "group": [None, None, None],
        "date": [dt.date(2026, 1, 5), dt.date(2026, 4, 6), None],
        "mode": ["import"] * 3,
        "language": ["en"] * 3,
    }
)
ANSWERS = {
    (0, "phq9"): [1, 2, 3, 0, 1, 2, 3, 0, None],
    (0, "gad7"): [0, 1, 2, 3, 0, 1, 2],
    (1, "phq9"): [0, 0, 1, 0, 0, 0, 0, 0, 0],
    (2, "phq9"): [3, 3, 3, 3, 3, 3, 3, 3, "declined"],
}


def responses() -> pd.DataFrame:
    rows = []
    for (visit, inst), values in ANSWERS.items():
        for n, value in enumerate(values, 1):
            if value is None:
                continue
            declined = value == "declined"
            rows.append((visit, inst, f"{inst}_{n}", np.nan if declined else float(value), declined))
    return pd.DataFrame(rows, columns=["visit", "instrument", "item", "value", "declined"])


def test_columns_are_record_id_event_fields_and_form_status(registry):
    frame = redcap_records(VISITS, responses(), ("phq9", "gad7"), registry)
    assert list(frame.columns[:3]) == ["record_id", "redcap_event_name", "phq9_1"]
    assert "phq9_complete" in frame.columns and frame.columns[-1] == "gad7_complete"
    assert frame["redcap_event_name"].tolist() == ["baseline_arm_1", "3month_arm_1", "baseline_arm_1"]
    assert frame["gad7_complete"].tolist() == ["2", "", ""]
    assert frame["phq9_9"].tolist() == ["", "0", ""]
    assert frame.loc[0, "phq9_3"] == "3"


@pytest.mark.parametrize(("wave", "event"), [("baseline", "baseline_arm_1"), ("6 Month", "6_month_arm_1")])
def test_event_names(wave, event):
    assert event_name(wave) == event


def test_records_and_the_dictionary_read_back_as_the_same_answers(registry, tmp_path):
    dictionary = tmp_path / "dict.csv"
    records = tmp_path / "records.csv"
    write_redcap_dictionary([registry.get("phq9"), registry.get("gad7")], dictionary)
    assert write_redcap_records(VISITS, responses(), ("phq9", "gad7"), registry, records) == 3
    table = read_redcap_file(records, dictionary, registry)
    assert table.problems == []
    back = {(w.participant, w.wave): {a.item: a.value for a in w.answers} for w in table.waves}
    assert back[("RP-001", "baseline")] == {
        **{f"phq9_{n}": float(v) for n, v in enumerate(ANSWERS[(0, "phq9")], 1) if v is not None},
        **{f"gad7_{n}": float(v) for n, v in enumerate(ANSWERS[(0, "gad7")], 1)},
    }
    assert back[("RP-001", "3month")] == {f"phq9_{n}": float(v) for n, v in enumerate(ANSWERS[(1, "phq9")], 1)}
    assert back[("=cmd", "baseline")]["phq9_1"] == 3  # the escaped code reads back as it was


def test_a_code_that_looks_like_a_formula_is_escaped(registry, tmp_path):
    records = tmp_path / "records.csv"
    write_redcap_records(VISITS, responses(), ("phq9",), registry, records)
    with records.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[3][0] == "'=cmd"
    assert records.read_bytes().count(b"\r\n") == 4
