"""Golden scoring cases for every instrument in the library, worked by hand.

Each expected value is computed by hand from the published scoring rule cited
in the test (or from the documented local convention in the instrument file
where no rule is published). Prorating is ``sum * n_items / n_answered``,
rounded half up (research/instruments.md A3 and D.7); item-mean scales are
rounded half up to 2 decimals.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit.scoring import score

NA = None


def items(inst: str, n: int) -> list[str]:
    return [f"{inst}_{i}" for i in range(1, n + 1)]


def wide(inst: str, n: int, rows: list[list]) -> pd.DataFrame:
    """A wide frame with one row per answer list (``None`` = blank)."""
    data: dict[str, list] = {
        "participant": [f"p{i}" for i in range(len(rows))],
        "wave": ["baseline"] * len(rows),
    }
    for j, col in enumerate(items(inst, n)):
        values = [r[j] for r in rows]
        if any(isinstance(v, str) for v in values):
            data[col] = pd.Series(values, dtype=object)
        else:
            data[col] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    return pd.DataFrame(data)


def scores(registry, inst: str, n: int, rows: list[list]) -> pd.DataFrame:
    """Scores of ``rows`` as a frame indexed by (participant, scale)."""
    out = score(wide(inst, n, rows), registry).scores
    out = out.astype({"scale": str, "band": object})
    return out.set_index(["participant", "scale"])


def one(registry, inst: str, n: int, answers: list, scale: str = "total") -> pd.Series:
    return scores(registry, inst, n, [answers]).loc[("p0", scale)]


def spread(total: int, n: int, low: int, high: int) -> list[int]:
    """``n`` item values within ``low..high`` that sum to ``total`` (filled from item 1)."""
    values = [low] * n
    rest = total - low * n
    for i in range(n):
        step = min(high - low, rest)
        values[i] += step
        rest -= step
    if rest:
        raise ValueError("total out of reach")
    return values


def assert_scored(row: pd.Series, value: float, answered: int, band: str | None = None) -> None:
    assert bool(row["valid"]), row["reason"]
    assert row["score"] == pytest.approx(value, abs=1e-9)
    assert row["items_answered"] == answered
    assert row["reason"] == ""
    if band is None:
        assert row["band"] is None or (isinstance(row["band"], float) and math.isnan(row["band"]))
    else:
        assert row["band"] == band


def assert_no_score(row: pd.Series, answered: int, needed: int, of: int) -> None:
    assert not bool(row["valid"])
    assert math.isnan(row["score"])
    assert row["items_answered"] == answered
    assert row["reason"] == f"{answered} of {of} items answered; at least {needed} needed"


# --------------------------------------------------------------------------------------------
# PHQ-9: Kroenke, Spitzer & Williams 2001 (sum 0-27, bands 0-4/5-9/10-14/15-19/20-27);
# NHS Data Dictionary: up to 2 missing items prorated, 3 or more missing gives no score.


def test_phq9_full_answers(registry):
    # 1+2+3+0+1+2+3+0+0 = 12 -> moderate (10-14)
    assert_scored(one(registry, "phq9", 9, [1, 2, 3, 0, 1, 2, 3, 0, 0]), 12, 9, "moderate")


def test_phq9_prorating_cases_of_research_section_d7(registry):
    # research/instruments.md D.7: 8 answered summing to 12 -> 12*9/8 = 13.5 -> 14 (half up; Python's
    # round() would give 14 here too, but 12.5 -> 12); 7 answered summing to 10 -> 12.857 -> 13;
    # 6 answered -> no score.
    s = scores(
        registry,
        "phq9",
        9,
        [
            [2, 2, 2, 2, 1, 1, 1, 1, NA],
            [2, 2, 2, 1, 1, 1, 1, NA, NA],
            [2, 2, 2, 1, 1, 1, NA, NA, NA],
        ],
    )
    assert_scored(s.loc[("p0", "total")], 14, 8, "moderate")
    assert_scored(s.loc[("p1", "total")], 13, 7, "moderate")
    assert_no_score(s.loc[("p2", "total")], 6, 7, 9)


def test_phq9_half_up_not_to_even(registry):
    # 8 answered summing to 1: 1*9/8 = 1.125 -> 1; 7 answered summing to 7: 7*9/7 = 9.
    # A tie: 8 answered summing to 4: 4*9/8 = 4.5 -> 5, band mild (to-even would give 4, minimal).
    s = scores(registry, "phq9", 9, [[1, 0, 0, 0, 0, 0, 0, 0, NA], [1] * 7 + [NA, NA], [1, 1, 1, 1, 0, 0, 0, 0, NA]])
    assert_scored(s.loc[("p0", "total")], 1, 8, "minimal")
    assert_scored(s.loc[("p1", "total")], 9, 7, "mild")
    assert_scored(s.loc[("p2", "total")], 5, 8, "mild")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(registry, total, band):
    # Kroenke 2001 severity bands, both sides of every edge.
    assert_scored(one(registry, "phq9", 9, spread(total, 9, 0, 3)), total, 9, band)


def test_phq9_item9_alert(registry):
    # research/instruments.md A4: any item-9 response > 0 raises an alert; 0 raises none.
    result = score(wide("phq9", 9, [[0] * 9, [0] * 8 + [1], [3] * 8 + [NA]]), registry)
    assert result.alerts[["participant", "instrument", "item", "value", "level"]].to_dict("records") == [
        {"participant": "p1", "instrument": "phq9", "item": "phq9_9", "value": 1.0, "level": "urgent"},
    ]


def test_phq9_invalid_values_are_not_scored(registry):
    result = score(wide("phq9", 9, [[4, 0, 0, 0, 0, 0, 0, 0, 0], ["x", 0, 0, 0, 0, 0, 0, 0, 0]]), registry)
    s = result.scores.set_index("participant")
    assert not s["valid"].any() and s["score"].isna().all()
    assert s.loc["p0", "reason"] == "phq9_1: 4 is outside 0-3"
    assert s.loc["p1", "reason"] == "phq9_1: 'x' is not a number"
    assert result.invalid == {"out of range": 1, "not a number": 1}


# --------------------------------------------------------------------------------------------
# PHQ-8: Kroenke et al. 2009 (items 1-8 of the PHQ-9, sum 0-24, PHQ-9 bands ending at 24).
# Missing items: the PHQ-9 rule carried over (local convention, see instruments/phq8.yaml).


def test_phq8_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "phq8",
        8,
        [
            [3] * 8,  # 24, severe
            [3, 3, 2, 1, 0, 0, NA, NA],  # 9 * 8 / 6 = 12, moderate
            [3, 3, 2, 1, 0, NA, NA, NA],  # 5 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 24, 8, "severe")
    assert_scored(s.loc[("p1", "total")], 12, 6, "moderate")
    assert_no_score(s.loc[("p2", "total")], 5, 6, 8)


@pytest.mark.parametrize(("total", "band"), [(9, "mild"), (10, "moderate"), (19, "moderately severe"), (20, "severe")])
def test_phq8_band_edges(registry, total, band):
    assert_scored(one(registry, "phq8", 8, spread(total, 8, 0, 3)), total, 8, band)


def test_phq8_has_no_alert(registry):
    assert score(wide("phq8", 8, [[3] * 8]), registry).alerts.empty


# --------------------------------------------------------------------------------------------
# GAD-7: Spitzer et al. 2006 (sum 0-21, bands 0-4/5-9/10-14/15-21). Missing items: the PHQ-9
# rule (up to 2 missing prorated) as a local convention (research/instruments.md A3).


def test_gad7_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "gad7",
        7,
        [
            [1, 1, 1, 1, 1, 1, 1],  # 7, mild
            [3, 2, 1, 1, 1, NA, NA],  # 8 * 7 / 5 = 11.2 -> 11, moderate
            [3, 2, 1, 1, 1, 1, NA],  # 9 * 7 / 6 = 10.5 -> 11 (half up; to-even gives 10)
            [3, 2, 1, 1, NA, NA, NA],  # 4 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 7, 7, "mild")
    assert_scored(s.loc[("p1", "total")], 11, 5, "moderate")
    assert_scored(s.loc[("p2", "total")], 11, 6, "moderate")
    assert_no_score(s.loc[("p3", "total")], 4, 5, 7)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(registry, total, band):
    assert_scored(one(registry, "gad7", 7, spread(total, 7, 0, 3)), total, 7, band)


# --------------------------------------------------------------------------------------------
# K10: Kessler et al. 2002, Australian scoring 1-5 per item (sum 10-50); ABS 4817.0.55.001 bands
# 10-15 low, 16-21 moderate, 22-29 high, 30-50 very high. Missing: 1 item prorated (local convention).


def test_k10_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "k10",
        10,
        [
            [1] * 10,  # 10, low
            [5] * 10,  # 50, very high
            [2, 2, 2, 2, 2, 2, 2, 3, 3, NA],  # 20 * 10 / 9 = 22.2 -> 22, high
            [2, 2, 2, 2, 2, 2, 2, 3, NA, NA],  # 8 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 10, 10, "low")
    assert_scored(s.loc[("p1", "total")], 50, 10, "very high")
    assert_scored(s.loc[("p2", "total")], 22, 9, "high")
    assert_no_score(s.loc[("p3", "total")], 8, 9, 10)


@pytest.mark.parametrize(
    ("total", "band"),
    [(15, "low"), (16, "moderate"), (21, "moderate"), (22, "high"), (29, "high"), (30, "very high")],
)
def test_k10_band_edges(registry, total, band):
    assert_scored(one(registry, "k10", 10, spread(total, 10, 1, 5)), total, 10, band)


def test_k10_zero_coded_answers_are_out_of_range(registry):
    # US 0-4 coding is not the shipped 1-5 coding: a 0 must not be scored silently.
    row = one(registry, "k10", 10, [0] + [1] * 9)
    assert not row["valid"] and math.isnan(row["score"])
    assert row["reason"] == "k10_1: 0 is outside 1-5"


# --------------------------------------------------------------------------------------------
# K6: Kessler et al. 2003, 0-4 per item (sum 0-24); >= 13 serious distress, 5-12 moderate
# (Prochaska et al. 2012). Missing: 1 item prorated (local convention).


def test_k6_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "k6",
        6,
        [
            [2, 2, 2, 2, 2, 2],  # 12, moderate
            [2, 2, 2, 2, 2, NA],  # 10 * 6 / 5 = 12, moderate
            [4, 3, 2, 2, 2, NA],  # 13 * 6 / 5 = 15.6 -> 16, serious
            [2, 2, 2, 2, NA, NA],  # 4 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 12, 6, "moderate")
    assert_scored(s.loc[("p1", "total")], 12, 5, "moderate")
    assert_scored(s.loc[("p2", "total")], 16, 5, "serious")
    assert_no_score(s.loc[("p3", "total")], 4, 5, 6)


@pytest.mark.parametrize(
    ("total", "band"), [(0, "low"), (4, "low"), (5, "moderate"), (12, "moderate"), (13, "serious"), (24, "serious")]
)
def test_k6_band_edges(registry, total, band):
    assert_scored(one(registry, "k6", 6, spread(total, 6, 0, 4)), total, 6, band)


# --------------------------------------------------------------------------------------------
# GSE: Schwarzer & Jerusalem 1995, 1-4 per item, sum 10-40. Schwarzer FAQ ("Mean.7"): score when
# at least 7 of 10 are answered, from the mean of the answered items (here x 10, rounded half up).


def test_gse_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "gse",
        10,
        [
            [3] * 10,  # 30
            [3, 3, 3, 3, 2, 3, 3, NA, NA, NA],  # mean 20/7 = 2.857 -> 28.57 -> 29
            [3, 3, 3, 3, 3, 3, 4, 4, NA, NA],  # mean 26/8 = 3.25 -> 32.5 -> 33 (to-even: 32)
            [3, 3, 3, 3, 3, 3, NA, NA, NA, NA],  # 6 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 30, 10)
    assert_scored(s.loc[("p1", "total")], 29, 7)
    assert_scored(s.loc[("p2", "total")], 33, 8)
    assert_no_score(s.loc[("p3", "total")], 6, 7, 10)


# --------------------------------------------------------------------------------------------
# State Hope Scale: Snyder et al. 1996, 8-point (1-8), sum 6-48; agency = items 2, 4, 6;
# pathways = items 1, 3, 5 (3-24 each). Missing: total prorates 1 of 6 (local convention);
# 3-item subscales need every item.


def test_state_hope_total_and_subscales(registry):
    s = scores(
        registry,
        "state_hope",
        6,
        [
            [8, 7, 6, 5, 4, 3],  # total 33; agency 7+5+3 = 15; pathways 8+6+4 = 18
            [8, 7, 6, 5, 4, NA],  # total 30*6/5 = 36; agency 2 of 3: no score; pathways 18
            [8, 7, 6, 5, NA, NA],  # 4 answered: no total
        ],
    )
    assert_scored(s.loc[("p0", "total")], 33, 6)
    assert_scored(s.loc[("p0", "agency")], 15, 3)
    assert_scored(s.loc[("p0", "pathways")], 18, 3)
    assert_scored(s.loc[("p1", "total")], 36, 5)
    assert_no_score(s.loc[("p1", "agency")], 2, 3, 3)
    assert_scored(s.loc[("p1", "pathways")], 18, 3)
    assert_no_score(s.loc[("p2", "total")], 4, 5, 6)


def test_state_hope_range_ends(registry):
    s = scores(registry, "state_hope", 6, [[1] * 6, [8] * 6])
    assert_scored(s.loc[("p0", "total")], 6, 6)
    assert_scored(s.loc[("p1", "total")], 48, 6)
    assert_scored(s.loc[("p1", "agency")], 24, 3)


# --------------------------------------------------------------------------------------------
# Adult Hope Scale: Snyder et al. 1991, 8-point, sum of 8 items (8-64); agency = 2, 9, 10, 12;
# pathways = 1, 4, 6, 8 (4-32 each); items 3, 5, 7, 11 are fillers, not scored.
# Missing: total prorates 1 of 8 (local convention); 4-item subscales need every item.

# item:     1  2  3  4  5  6  7  8  9 10 11 12
AHS_FULL = [8, 7, 1, 6, 1, 5, 1, 4, 3, 2, 1, 1]


def test_adult_hope_total_and_subscales(registry):
    s = scores(registry, "adult_hope", 12, [AHS_FULL])
    assert_scored(s.loc[("p0", "total")], 36, 8)  # 8+7+6+5+4+3+2+1
    assert_scored(s.loc[("p0", "agency")], 13, 4)  # 7+3+2+1
    assert_scored(s.loc[("p0", "pathways")], 23, 4)  # 8+6+5+4


def test_adult_hope_filler_answers_change_nothing(registry):
    other_fillers = list(AHS_FULL)
    for i in (3, 5, 7, 11):
        other_fillers[i - 1] = 8
    blank_fillers = list(AHS_FULL)
    for i in (3, 5, 7, 11):
        blank_fillers[i - 1] = NA
    s = scores(registry, "adult_hope", 12, [AHS_FULL, other_fillers, blank_fillers])
    cols = ["score", "items_answered", "valid"]
    for scale in ("total", "agency", "pathways"):
        base = s.loc[("p0", scale), cols].tolist()
        assert s.loc[("p1", scale), cols].tolist() == base
        assert s.loc[("p2", scale), cols].tolist() == base


def test_adult_hope_prorating_limit(registry):
    at_limit = list(AHS_FULL)
    at_limit[12 - 1] = NA  # 7 scored items: 35 * 8 / 7 = 40; agency 3 of 4: no score
    below = list(at_limit)
    below[1 - 1] = NA  # 6 scored items: no total
    s = scores(registry, "adult_hope", 12, [at_limit, below])
    assert_scored(s.loc[("p0", "total")], 40, 7)
    assert_no_score(s.loc[("p0", "agency")], 3, 4, 4)
    assert_scored(s.loc[("p0", "pathways")], 23, 4)
    assert_no_score(s.loc[("p1", "total")], 6, 7, 8)


# --------------------------------------------------------------------------------------------
# QPR-15: Law et al. 2014 / PhenX, 0-4 per item, sum 0-60. Missing: up to 3 of 15 prorated
# (local convention, at most 20% missing).


def test_qpr15_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "qpr15",
        15,
        [
            [2] * 15,  # 30
            [4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2] + [NA] * 3,  # 40 * 15 / 12 = 50
            [3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1] + [NA] * 3,  # 26 * 15 / 12 = 32.5 -> 33 (to-even: 32)
            [2] * 11 + [NA] * 4,  # 11 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 30, 15)
    assert_scored(s.loc[("p1", "total")], 50, 12)
    assert_scored(s.loc[("p2", "total")], 33, 12)
    assert_no_score(s.loc[("p3", "total")], 11, 12, 15)


# --------------------------------------------------------------------------------------------
# BARC-10: Vilsaint et al. 2017 / PhenX, 1-6 per item, sum 10-60. Missing: up to 2 of 10 prorated
# (local convention).


def test_barc10_full_prorated_and_too_few(registry):
    s = scores(
        registry,
        "barc10",
        10,
        [
            [5] * 10,  # 50
            [5, 5, 5, 5, 5, 4, 4, 4, NA, NA],  # 37 * 10 / 8 = 46.25 -> 46
            [6, 6, 5, 5, 5, 5, 5, 5, NA, NA],  # 42 * 10 / 8 = 52.5 -> 53 (to-even: 52)
            [5] * 7 + [NA] * 3,  # 7 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 50, 10)
    assert_scored(s.loc[("p1", "total")], 46, 8)
    assert_scored(s.loc[("p2", "total")], 53, 8)
    assert_no_score(s.loc[("p3", "total")], 7, 8, 10)


def test_barc10_zero_coded_answer_is_out_of_range(registry):
    # PhenX scores 1-6; sites using 0-6 must not be scored silently.
    row = one(registry, "barc10", 10, [5] * 9 + [0])
    assert not row["valid"] and row["reason"] == "barc10_10: 0 is outside 1-6"


# --------------------------------------------------------------------------------------------
# Service use: each count is its own scale (instruments/service_use.yaml); counts are whole
# numbers within 0-30 (nights, visits) or 0-100 (crisis contacts).


def test_service_use_counts_are_their_own_scales(registry):
    s = scores(registry, "service_use", 4, [[3, 2, 15, 0], [NA, 30, 100, NA]])
    assert_scored(s.loc[("p0", "hospital_nights")], 3, 1)
    assert_scored(s.loc[("p0", "ed_visits")], 2, 1)
    assert_scored(s.loc[("p0", "crisis_contacts")], 15, 1)
    assert_scored(s.loc[("p0", "jail_nights")], 0, 1)
    assert_scored(s.loc[("p1", "ed_visits")], 30, 1)
    assert_scored(s.loc[("p1", "crisis_contacts")], 100, 1)
    blank = s.loc[("p1", "hospital_nights")]
    assert not blank["valid"] and math.isnan(blank["score"]) and blank["reason"] == "no items answered"
    assert "total" not in {scale for _, scale in s.index}


def test_service_use_impossible_counts_are_invalid(registry):
    s = scores(registry, "service_use", 4, [[31, 2.5, 101, "two"]])
    assert s.loc[("p0", "hospital_nights"), "reason"] == "service_use_1: 31 is outside 0-30"
    assert s.loc[("p0", "ed_visits"), "reason"] == "service_use_2: 2.5 is outside 0-30"
    assert s.loc[("p0", "crisis_contacts"), "reason"] == "service_use_3: 101 is outside 0-100"
    assert s.loc[("p0", "jail_nights"), "reason"] == "service_use_4: 'two' is not a number"
    assert not s["valid"].any() and s["score"].isna().all()


# --------------------------------------------------------------------------------------------
# Herth Hope Index: Herth 1992, 1-4 per item, items 3 and 6 reverse-keyed (5 - value), sum 12-48.
# Missing: up to 2 of 12 prorated (local convention).


def test_hhi_reverse_keys(registry):
    s = scores(
        registry,
        "hhi",
        12,
        [
            [4] * 12,  # 10*4 + 2*(5-4) = 42
            [1] * 12,  # 10*1 + 2*(5-1) = 18
            [3, 3, 1, 3, 3, 1, 3, 3, 3, 3, 3, 3],  # 10*3 + 2*(5-1) = 38
            [4] * 10 + [NA, NA],  # (8*4 + 2*1) * 12 / 10 = 40.8 -> 41
            [4] * 9 + [NA] * 3,  # 9 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 42, 12)
    assert_scored(s.loc[("p1", "total")], 18, 12)
    assert_scored(s.loc[("p2", "total")], 38, 12)
    assert_scored(s.loc[("p3", "total")], 41, 10)
    assert_no_score(s.loc[("p4", "total")], 9, 10, 12)


# --------------------------------------------------------------------------------------------
# MDES: Rogers et al. 1997, 28 items, 4-point, item mean after keying (1-4). The reverse-keyed
# items are those declared in instruments/mdes.yaml (4, 7, 8, 10, 16, 17, 21, 22, 23; the official
# key is in the licensed manual). Missing: mean of at least 23 items (local convention).

MDES_REVERSED = {4, 7, 8, 10, 16, 17, 21, 22, 23}


def test_mdes_item_mean_with_reverse_keys(registry):
    all_four = [4] * 28  # (19*4 + 9*1) / 28 = 85/28 = 3.0357 -> 3.04
    at_limit = [3] * 23 + [NA] * 5  # items 1-23: (14*3 + 9*2) / 23 = 60/23 = 2.6087 -> 2.61
    below = [3] * 22 + [NA] * 6
    s = scores(registry, "mdes", 28, [all_four, at_limit, below])
    assert_scored(s.loc[("p0", "total")], 3.04, 28)
    assert_scored(s.loc[("p1", "total")], 2.61, 23)
    assert_no_score(s.loc[("p2", "total")], 22, 23, 28)
    (spec,) = registry.scales("mdes")
    assert {int(i.split("_")[1]) for i, r in zip(spec.items, spec.reverse, strict=True) if r} == MDES_REVERSED


# --------------------------------------------------------------------------------------------
# RAS-R: Corrigan et al. 2004, 24 items 1-5, item mean (1-5). Missing: mean of at least 20 items
# (local convention).


def test_rasr_item_mean(registry):
    s = scores(
        registry,
        "rasr",
        24,
        [
            [5] * 12 + [4] * 12,  # 108 / 24 = 4.5
            [4] * 15 + [3] * 9,  # 87 / 24 = 3.625 -> 3.63 (to-even: 3.62)
            [5] * 7 + [4] * 13 + [NA] * 4,  # 87 / 20 = 4.35
            [4] * 19 + [NA] * 5,  # 19 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 4.5, 24)
    assert_scored(s.loc[("p1", "total")], 3.63, 24)
    assert_scored(s.loc[("p2", "total")], 4.35, 20)
    assert_no_score(s.loc[("p3", "total")], 19, 20, 24)


# --------------------------------------------------------------------------------------------
# WEMWBS: Tennant et al. 2007, 14 items 1-5, sum 14-70. SWEMWBS: 7 items, raw sum 7-35 (the licensed
# metric conversion is not applied). Missing: at most 20% of items (local convention).


def test_wemwbs_sum_and_prorating(registry):
    s = scores(
        registry,
        "wemwbs",
        14,
        [
            [3] * 14,  # 42
            [4] * 4 + [3] * 8 + [NA, NA],  # 40 * 14 / 12 = 46.67 -> 47
            [3] * 11 + [NA] * 3,  # 11 answered: no score
            [1] * 14,  # 14
            [5] * 14,  # 70
        ],
    )
    assert_scored(s.loc[("p0", "total")], 42, 14)
    assert_scored(s.loc[("p1", "total")], 47, 12)
    assert_no_score(s.loc[("p2", "total")], 11, 12, 14)
    assert_scored(s.loc[("p3", "total")], 14, 14)
    assert_scored(s.loc[("p4", "total")], 70, 14)


def test_swemwbs_raw_sum_and_prorating(registry):
    s = scores(
        registry,
        "swemwbs",
        7,
        [
            [4] * 7,  # 28 (raw, not converted)
            [4, 4, 3, 3, 3, 3, NA],  # 20 * 7 / 6 = 23.33 -> 23
            [4] * 5 + [NA, NA],  # 5 answered: no score
        ],
    )
    assert_scored(s.loc[("p0", "total")], 28, 7)
    assert_scored(s.loc[("p1", "total")], 23, 6)
    assert_no_score(s.loc[("p2", "total")], 5, 6, 7)


# --------------------------------------------------------------------------------------------
# Every instrument: an out-of-range or non-numeric answer makes the scale invalid with a reason
# naming the item, and is counted; it is never scored.

OUT_OF_RANGE = {
    # instrument: (items, a valid answer, an answer above the scale, the scale shown in the reason)
    "phq9": (9, 1, 4, "0-3"),
    "phq8": (8, 1, 4, "0-3"),
    "gad7": (7, 1, 4, "0-3"),
    "k10": (10, 2, 6, "1-5"),
    "k6": (6, 2, 5, "0-4"),
    "gse": (10, 2, 5, "1-4"),
    "state_hope": (6, 4, 9, "1-8"),
    "adult_hope": (12, 4, 9, "1-8"),
    "qpr15": (15, 2, 5, "0-4"),
    "barc10": (10, 3, 7, "1-6"),
    "mdes": (28, 2, 5, "1-4"),
    "rasr": (24, 3, 6, "1-5"),
    "hhi": (12, 2, 5, "1-4"),
    "wemwbs": (14, 3, 6, "1-5"),
    "swemwbs": (7, 3, 6, "1-5"),
}


@pytest.mark.parametrize("inst", sorted(OUT_OF_RANGE))
def test_invalid_answers_make_every_scale_containing_them_invalid(registry, inst):
    n, ok, bad, shown = OUT_OF_RANGE[inst]
    # item 2 is scored in every instrument (in Adult Hope it is an agency item)
    high = [ok] * n
    high[1] = bad
    text = [ok] * n
    text[1] = "often"
    result = score(wide(inst, n, [high, text]), registry)
    s = result.scores.astype({"scale": str}).set_index(["participant", "scale"])
    containing = [spec.id for spec in registry.scales(inst) if f"{inst}_2" in spec.items]
    assert containing
    for scale in containing:
        assert not s.loc[("p0", scale), "valid"] and math.isnan(s.loc[("p0", scale), "score"])
        assert s.loc[("p0", scale), "reason"] == f"{inst}_2: {bad} is outside {shown}"
        assert not s.loc[("p1", scale), "valid"] and math.isnan(s.loc[("p1", scale), "score"])
        assert s.loc[("p1", scale), "reason"] == f"{inst}_2: 'often' is not a number"
    assert result.invalid == {"out of range": len(containing), "not a number": len(containing)}
