"""Scoring engine behaviour (golden per-instrument cases live in test_scoring_golden.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from toolkit.scoring import keyed_items
from toolkit.scoring import round_half_up
from toolkit.scoring import score

PHQ9 = [f"phq9_{i}" for i in range(1, 10)]


def frame(rows: list[list], cols: list[str] = PHQ9) -> pd.DataFrame:
    data = {"participant": [f"p{i}" for i in range(len(rows))], "wave": ["baseline"] * len(rows)}
    data.update({c: [r[j] for r in rows] for j, c in enumerate(cols)})
    return pd.DataFrame(data)


def test_round_half_up_is_not_bankers_rounding():
    # Python's round() gives 12 for 12.5 and 14 for 13.5; the declared rule is half up.
    assert list(round_half_up(np.array([12.5, 13.5, 0.5, 2.4999, 2.675]), 0)) == [13, 14, 1, 2, 3]
    assert list(round_half_up(np.array([2.675, 1.005]), 2)) == [2.68, 1.01]


def test_output_columns_and_one_row_per_scale(registry):
    result = score(frame([[1] * 9, [0] * 9]), registry)
    assert list(result.scores.columns) == [
        "participant",
        "wave",
        "instrument",
        "scale",
        "score",
        "band",
        "items_answered",
        "valid",
        "reason",
    ]
    assert result.scores["score"].tolist() == [9.0, 0.0]
    assert result.scores["band"].tolist() == ["mild", "minimal"]


def test_site_and_group_are_carried_other_columns_ignored(registry):
    wide = frame([[1] * 9]).assign(site="north", group="peer", date="2026-01-02")
    out = score(wide, registry).scores
    assert out.loc[0, "site"] == "north" and out.loc[0, "group"] == "peer"
    assert "date" not in out.columns


def test_out_of_range_and_non_numeric_make_the_scale_invalid_with_reason(registry):
    result = score(frame([[1] * 8 + [4], [1] * 8 + ["two"], [1] * 8 + [1.5]]), registry)
    s = result.scores
    assert not s["valid"].any()
    assert s["score"].isna().all()
    assert s["reason"].tolist() == [
        "phq9_9: 4 is outside 0-3",
        "phq9_9: 'two' is not a number",
        "phq9_9: 1.5 is outside 0-3",
    ]
    assert result.invalid == {"out of range": 2, "not a number": 1}


def test_declined_counts_as_missing_not_invalid(registry):
    s = score(frame([[1] * 8 + ["declined"]]), registry).scores
    # 8 answered summing to 8, prorated 8 * 9 / 8 = 9
    assert s.loc[0, "valid"] and s.loc[0, "score"] == 9.0 and s.loc[0, "items_answered"] == 8


def test_too_few_items_gives_no_score_and_a_reason(registry):
    s = score(frame([[1] * 6 + [None] * 3, [None] * 9]), registry)
    assert s.scores["reason"].tolist() == ["6 of 9 items answered; at least 7 needed", "no items answered"]
    assert s.invalid == {"too few items answered": 1, "not answered": 1}


def test_a_missing_item_column_counts_as_unanswered(registry):
    wide = frame([[2] * 8], PHQ9[:8])
    s = score(wide, registry).scores
    assert s.loc[0, "score"] == 18.0  # 16 * 9 / 8 = 18
    assert s.loc[0, "items_answered"] == 8


def test_alert_rows(registry):
    result = score(frame([[0] * 9, [0] * 8 + [1], [0] * 8 + [3]]), registry)
    assert result.alerts[["participant", "item", "value", "level"]].to_dict("records") == [
        {"participant": "p1", "item": "phq9_9", "value": 1.0, "level": "urgent"},
        {"participant": "p2", "item": "phq9_9", "value": 3.0, "level": "urgent"},
    ]


def test_keyed_items_marks_invalid_cells_missing(registry):
    spec = registry.scales("phq9")[0]
    keyed = keyed_items(frame([[1] * 8 + [9]]), spec, registry)
    assert keyed.iloc[0].tolist()[:8] == [1.0] * 8
    assert np.isnan(keyed.iloc[0, 8])


def test_no_item_columns_gives_an_empty_table(registry):
    result = score(pd.DataFrame({"participant": ["a"], "wave": ["b"], "site": ["x"]}), registry)
    assert result.scores.empty and result.alerts.empty


answers = st.one_of(st.none(), st.integers(0, 3), st.sampled_from([7, "x", "declined"]))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(answers, min_size=9, max_size=9), min_size=1, max_size=25),
    seed=st.integers(0, 2**31 - 1),
    cut=st.integers(0, 25),
)
def test_shuffled_or_split_input_gives_the_same_scores(registry, rows, seed, cut):
    wide = frame(rows)
    key = ["participant", "wave", "instrument", "scale"]
    whole = score(wide, registry).scores.sort_values(key).reset_index(drop=True)
    shuffled = wide.sample(frac=1, random_state=seed % 2**32)
    # shuffle the columns too: the order of item columns must not matter
    shuffled = shuffled[["wave", "participant", *np.random.default_rng(seed).permutation(PHQ9)]]
    again = score(shuffled, registry).scores.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(whole, again[whole.columns], check_categorical=False)
    k = min(cut, len(wide))
    parts = [score(p, registry).scores for p in (wide.iloc[:k], wide.iloc[k:]) if len(p)]
    joined = pd.concat(parts, ignore_index=True).sort_values(key).reset_index(drop=True)
    as_text = {"instrument": str, "scale": str, "band": object, "reason": str}
    pd.testing.assert_frame_equal(whole.astype(as_text), joined.astype(as_text))


@pytest.mark.parametrize("n_rows", [0, 1])
def test_zero_and_one_rows(registry, n_rows):
    result = score(frame([[1] * 9] * n_rows), registry)
    assert len(result.scores) == n_rows


def test_true_false_cells_are_not_numbers(registry):
    # A column read as booleans (True/False) must not be scored as 1/0.
    wide = frame([[1] * 9, [1] * 9])
    wide["phq9_9"] = [True, False]
    result = score(wide, registry)
    assert result.scores["reason"].tolist() == ["phq9_9: 'True' is not a number", "phq9_9: 'False' is not a number"]
    assert result.invalid == {"not a number": 2}
