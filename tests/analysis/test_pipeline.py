"""analyze() input checks and shape."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_data import synthetic_wide

from toolkit.analysis import analyze
from toolkit.errors import InputFileError


def test_same_wave_twice_is_refused():
    with pytest.raises(InputFileError, match="both name wave 'baseline'"):
        analyze(synthetic_wide(12, seed=1), "baseline", "baseline")


def test_duplicate_participant_wave_rows_are_refused():
    wide = synthetic_wide(12, seed=1)
    wide = pd.concat([wide, wide.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputFileError, match="second row for wave 'baseline'"):
        analyze(wide, "baseline", "exit")


def test_other_waves_are_ignored_and_enrolled_counts_everyone():
    wide = synthetic_wide(30, seed=2)
    third = synthetic_wide(30, seed=2, waves=("baseline", "6-month"))
    extra = third[third["wave"] == "6-month"].copy()
    extra["participant"] = extra["participant"] + "-x"  # people seen only at 6 months
    res = analyze(pd.concat([wide, extra], ignore_index=True), "baseline", "exit")
    only_here = analyze(wide, "baseline", "exit")
    assert res.participants.enrolled == 30 + extra["participant"].nunique()
    assert res.participants.matched == only_here.participants.matched
    assert res.scales[0].g_av == only_here.scales[0].g_av


def test_a_scale_answered_by_nobody_is_left_out():
    wide = synthetic_wide(30, seed=3)
    wide["gad7_1"] = float("nan")
    for c in [f"gad7_{i}" for i in range(2, 8)]:
        wide[c] = float("nan")
    res = analyze(wide, "baseline", "exit")
    assert "gad7" not in {s.instrument for s in res.scales}
    assert res.data_quality.invalid_by_reason["not answered"] >= 60


def test_no_group_column_means_no_ancova_and_no_sites():
    wide = synthetic_wide(30, seed=4, sites=(), groups=None)
    res = analyze(wide, "baseline", "exit")
    assert res.sites == [] and all(s.ancova is None for s in res.scales)


def test_missing_item_percentage():
    wide = synthetic_wide(20, seed=5, item_missing=0.0, follow_up=1.0)
    wide.loc[0, ["phq9_1", "phq9_2"]] = float("nan")  # 2 of 9 cells in one of 40 administered rows
    wide.loc[1, [f"phq9_{i}" for i in range(1, 10)]] = float("nan")  # not administered: not counted
    res = analyze(wide, "baseline", "exit")
    assert res.data_quality.missing_item_pct["phq9"] == pytest.approx(100 * 2 / (39 * 9))
    assert res.data_quality.missing_item_pct["service_use"] == 0.0
