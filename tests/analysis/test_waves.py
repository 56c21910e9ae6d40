"""Every wave: trajectories, the mixed model beside the complete cases, and missing-data patterns.

Reference numbers are worked by hand or computed here with numpy/scipy from
scores computed by the reference scorer of test_analyze_command.py, not by
toolkit code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from analysis_data import PHQ9
from analysis_data import synthetic_wide
from scipy import stats as sps
from test_analyze_command import reference_score

from toolkit.analysis import analyze
from toolkit.analysis import WaveChoice
from toolkit.analysis.catalogue import scale_info
from toolkit.analysis.missing_patterns import missing_patterns
from toolkit.analysis.mixed_models import agreement
from toolkit.analysis.mixed_models import mixed_models
from toolkit.analysis.trajectory import ScoreCube
from toolkit.analysis.trajectory import trajectories
from toolkit.instruments import default_registry

WAVES = ("baseline", "3month", "6month", "exit")


def cube_of(rows: list[list[float]]) -> ScoreCube:
    """One scale (PHQ-9 total): one list of scores per participant, NaN where missing."""
    return ScoreCube([("phq9", "total")], ["baseline", "3month", "exit"], np.array([rows], dtype=float))


@pytest.fixture(scope="module")
def phq9():
    return scale_info(default_registry(), "phq9", "total")


def test_balanced_case_model_change_equals_complete_case_change(phq9):
    # Everyone at every wave: the model's change is the difference of the wave means, which is the mean paired
    # change. Baseline 10, 12, 14 (mean 12, SD 2); 3 months 8, 11, 11 (mean 10); exit 7, 9, 8 (mean 8).
    cube = cube_of([[10, 8, 7], [12, 11, 9], [14, 11, 8]])
    paths = trajectories(cube, [phq9])
    [model] = mixed_models(cube, [phq9], paths)
    assert model["converged"] is True
    assert (model["n_participants"], model["n_observations"]) == (3, 9)
    assert model["baseline_sd"] == pytest.approx(2.0)
    three, exit_ = model["estimates"]
    assert three["change"] == pytest.approx(-2.0) and three["complete_case_change"] == pytest.approx(-2.0)
    assert exit_["change"] == pytest.approx(-4.0) and exit_["complete_case_change"] == pytest.approx(-4.0)
    # PHQ-9: higher is worse, so a fall of 4 points over a baseline SD of 2 is +2.0 (improvement)
    assert (three["effect_size"], exit_["effect_size"]) == (pytest.approx(1.0), pytest.approx(2.0))
    assert three["complete_case_n"] == 3 and three["agree"] is True
    low, high = three["ci"]
    assert low < -2.0 < high and three["se"] == pytest.approx((high - low) / (2 * 1.959963984540054))


def test_hand_worked_trajectory(phq9):
    cube = cube_of([[10, 8, 7], [12, math.nan, 9], [14, 11, math.nan]])
    [path] = trajectories(cube, [phq9])
    base, three, exit_ = path["points"]
    half = sps.t.ppf(0.975, 2) * 2 / math.sqrt(3)  # 4.3027 x SD 2 / sqrt 3
    assert (base["n"], base["mean"], base["sd"]) == (3, pytest.approx(12.0), pytest.approx(2.0))
    assert base["ci"] == pytest.approx([12 - half, 12 + half])
    assert base["n_pairs"] is None and base["mean_change"] is None and base["change_ci"] == [None, None]
    # 3 months: 8 and 11 (mean 9.5); pairs with baseline: -2 and -3
    assert (three["n"], three["mean"], three["n_pairs"]) == (2, pytest.approx(9.5), 2)
    assert three["mean_change"] == pytest.approx(-2.5)
    half_change = sps.t.ppf(0.975, 1) * np.std([-2, -3], ddof=1) / math.sqrt(2)
    assert three["change_ci"] == pytest.approx([-2.5 - half_change, -2.5 + half_change])
    assert path["higher_is"] == "worse" and path["domain"] == "clinical"


def test_agreement_rule():
    assert agreement(-2.0, [-3.0, -1.0], -2.5, [-3.5, -1.5]) is True
    assert agreement(-2.0, [-3.0, -1.0], -0.5, [-1.9, 0.9]) is False  # the model's change is outside the CC CI
    assert agreement(-2.0, [-2.2, -1.8], -1.5, [-2.5, -0.5]) is False  # the CC change is outside the model's CI
    assert agreement(-2.0, [-3.0, -1.0], -1.0, [-2.0, 0.0]) is True  # ends count as inside
    assert agreement(None, [None, None], -1.0, [-2.0, 0.0]) is None


def test_count_scales_have_no_mixed_model():
    result = analyze(synthetic_wide(80, seed=4, waves=("baseline", "exit")), "baseline", "exit")
    kinds = {(s.instrument, s.scale): s.kind for s in result.scales}
    assert {(m.instrument, m.scale) for m in result.mixed_model} == {k for k, v in kinds.items() if v == "score"}
    assert any(v == "count" for v in kinds.values())
    assert {(t.instrument, t.scale) for t in result.trajectory} == set(kinds)  # counts have trajectories


@pytest.fixture(scope="module")
def four_waves():
    wide = synthetic_wide(240, seed=21, waves=WAVES, follow_up=0.7)
    rng = np.random.default_rng(5)
    drop = (wide["wave"] == "3month") & (rng.random(len(wide)) < 0.3)  # attrition at 3 months too
    wide = wide[~drop].reset_index(drop=True)
    return wide, analyze(wide, "baseline", "exit")


def test_the_waves_default_to_the_file_order_with_pre_first_and_post_last(four_waves):
    _, result = four_waves
    assert result.waves == list(WAVES)
    assert result.selection.cohort == result.participants.enrolled == 240
    assert result.selection.first_date is None and result.selection.in_window is False


def test_trajectory_against_scipy(four_waves):
    wide, result = four_waves
    scores = {
        w: pd.Series(
            reference_score(wide[wide["wave"] == w], PHQ9, 7), index=wide.loc[wide["wave"] == w, "participant"]
        )
        for w in WAVES
    }
    path = next(t for t in result.trajectory if (t.instrument, t.scale) == ("phq9", "total"))
    base = scores["baseline"].dropna()
    for point, wave in zip(path.points, WAVES, strict=True):
        x = scores[wave].dropna()
        assert point.n == len(x)
        assert point.mean == pytest.approx(x.mean()) and point.sd == pytest.approx(x.std(ddof=1))
        ci = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
        assert point.ci == pytest.approx(list(ci))
        if wave == "baseline":
            continue
        both = pd.concat([base, x], axis=1, join="inner")
        diff = both.iloc[:, 1] - both.iloc[:, 0]
        assert point.n_pairs == len(diff) and point.mean_change == pytest.approx(diff.mean())
        ref = sps.ttest_rel(both.iloc[:, 1], both.iloc[:, 0]).confidence_interval()
        assert point.change_ci == pytest.approx([ref.low, ref.high])


def test_the_pre_post_analysis_is_unchanged_by_the_other_waves(four_waves):
    wide, result = four_waves
    two = analyze(wide[wide["wave"].isin(["baseline", "exit"])].reset_index(drop=True), "baseline", "exit")
    assert [s.model_dump() for s in result.scales] == [s.model_dump() for s in two.scales]
    assert result.participants.matched == two.participants.matched


def test_mixed_model_per_wave(four_waves):
    _, result = four_waves
    model = next(m for m in result.mixed_model if (m.instrument, m.scale) == ("phq9", "total"))
    path = next(t for t in result.trajectory if (t.instrument, t.scale) == ("phq9", "total"))
    assert model.converged and [e.wave for e in model.estimates] == list(WAVES[1:])
    assert model.n_observations == sum(p.n for p in path.points)
    assert model.baseline_sd == path.points[0].sd
    for estimate, point in zip(model.estimates, path.points[1:], strict=True):
        assert estimate.complete_case_n == point.n_pairs and estimate.complete_case_change == point.mean_change
        assert estimate.effect_size == pytest.approx(-estimate.change / model.baseline_sd)  # higher is worse
        assert estimate.ci[0] < estimate.change < estimate.ci[1]
        assert estimate.agree is True  # data missing completely at random: both estimate the same change
        assert estimate.change < 0  # the synthetic program improves


def test_model_against_r_lme4(phq9):
    # R 4 / lme4: d <- data.frame(id = c(1,1,1,2,2,3,3,4,4,4,5,5), wave = c(0,1,2,0,2,0,1,0,1,2,0,1),
    #   y = c(10,8,7,12,9,14,11,9,8,6,13,10)); m <- lmer(y ~ factor(wave) + (1 | id), data = d, REML = TRUE)
    # fixef(m): 11.6, -2.218083692, -3.311345429; sqrt(diag(vcov(m))): 0.7919003310, 0.3787089726, 0.4264344452
    # VarCorr: participant 2.8346182318, residual 0.3009124396
    nan = math.nan
    cube = cube_of([[10, 8, 7], [12, nan, 9], [14, 11, nan], [9, 8, 6], [13, 10, nan]])
    [model] = mixed_models(cube, [phq9], trajectories(cube, [phq9]))
    assert (model["n_participants"], model["n_observations"]) == (5, 12)
    assert model["converged"] is True
    assert model["participant_variance"] == pytest.approx(2.8346182318, rel=1e-5)
    assert model["residual_variance"] == pytest.approx(0.3009124396, rel=1e-5)
    three, exit_ = model["estimates"]
    assert (three["change"], exit_["change"]) == (
        pytest.approx(-2.218083692, rel=1e-6),
        pytest.approx(-3.311345429, rel=1e-6),
    )
    assert (three["se"], exit_["se"]) == (pytest.approx(0.3787089726, rel=1e-5), pytest.approx(0.4264344452, rel=1e-5))
    assert exit_["ci"] == pytest.approx(
        [-3.311345429 - 1.959963985 * 0.4264344452, -3.311345429 + 1.959963985 * 0.4264344452], rel=1e-5
    )
    # complete cases at exit: people 1, 2 and 4 (changes -3, -3, -3)
    assert (exit_["complete_case_n"], exit_["complete_case_change"]) == (3, pytest.approx(-3.0))


def test_missing_patterns_count_people_by_the_waves_they_have():
    wide = pd.DataFrame(
        {
            "participant": ["a", "a", "a", "b", "b", "c", "d", "d", "e", "f"],
            "wave": ["pre", "mid", "post", "pre", "post", "pre", "pre", "post", "mid", "other"],
        }
    )
    rows = missing_patterns(wide, ["pre", "mid", "post"])
    assert rows == [
        {"present": [True, False, True], "n": 2},
        {"present": [True, True, True], "n": 1},
        {"present": [True, False, False], "n": 1},
        {"present": [False, True, False], "n": 1},
    ]
    assert sum(r["n"] for r in rows) == 5  # f has no analysed wave


def test_chosen_waves_in_the_result(four_waves):
    wide, _ = four_waves
    result = analyze(wide, "baseline", "exit", choice=WaveChoice(waves=("baseline", "6month", "exit")))
    assert result.waves == ["baseline", "6month", "exit"]
    assert all(len(p.present) == 3 for p in result.missing_patterns)
    assert sum(p.n for p in result.missing_patterns) == result.participants.enrolled - int(
        (~wide.groupby("participant")["wave"].apply(lambda w: bool(set(w) & {"baseline", "6month", "exit"}))).sum()
    )
