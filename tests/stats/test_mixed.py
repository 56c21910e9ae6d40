"""The random-intercept mixed model: hand-worked, statsmodels and lme4 references, invariances, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.stats.mixed import fit_random_intercept

DATA = Path(__file__).parent / "data"


def test_balanced_complete_data_matches_the_anova_estimators_worked_by_hand():
    # 4 people x 3 waves, everyone at every wave.
    scores = np.array(
        [
            [9, 12, 15],  # a: mean 12
            [5, 8, 8],  # b: mean 7
            [8, 12, 13],  # c: mean 11
            [2, 8, 8],  # d: mean 6
        ],
        dtype=float,
    )
    y = scores.ravel()
    participant = np.repeat(["a", "b", "c", "d"], 3)
    wave = np.tile([0, 1, 2], 4)
    # Wave means 6, 10, 11; grand mean 9. Residuals y - person mean - wave mean + 9:
    #   a: 0, -1, 1   b: 1, 0, -1   c: 0, 0, 0   d: -1, 1, 0
    # SS residual = 6 on (4 - 1)(3 - 1) = 6 df, so sigma^2 = 1.
    # MS participants = 3 * ((12-9)^2 + (7-9)^2 + (11-9)^2 + (6-9)^2) / 3 = 26,
    # so tau^2 = (26 - 1) / 3 = 25/3 (ANOVA = REML in balanced data when positive).
    # Var(change) = 2 sigma^2 / 4 = 1/2; Var(wave-0 mean) = (sigma^2 + tau^2) / 4 = 7/3.
    fit = fit_random_intercept(y, participant, wave, n_waves=3)
    assert fit.fixed == pytest.approx([6.0, 4.0, 5.0], abs=1e-10)
    assert fit.change() == pytest.approx([10.0 - 6.0, 11.0 - 6.0], abs=1e-10)
    assert fit.residual_variance == pytest.approx(1.0, rel=1e-10)
    assert fit.participant_variance == pytest.approx(25 / 3, rel=1e-10)
    assert np.sqrt(np.diag(fit.covariance)) == pytest.approx([np.sqrt(7 / 3), np.sqrt(0.5), np.sqrt(0.5)], rel=1e-10)
    assert fit.change_se() == pytest.approx([np.sqrt(0.5)] * 2, rel=1e-7)
    # the two changes share the wave-0 mean: Cov = sigma^2 / 4
    assert fit.covariance[1, 2] == pytest.approx(0.25, rel=1e-7)
    assert (fit.n_participants, fit.n_observations, fit.converged) == (4, 12, True)


def _dropout_data(seed: int = 3, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    intercepts = rng.normal(0, 2, n)
    rows = []
    for i in range(n):
        last = rng.choice(4, p=[0.3, 0.15, 0.15, 0.4])
        for w in range(last + 1):
            if w > 0 and rng.random() < 0.1:
                continue  # an intermittent missed wave
            rows.append((f"p{i}", w, 10 + [0, 1.5, 2, 2.2][w] + intercepts[i] + rng.normal(0, 3)))
    return pd.DataFrame(rows, columns=["id", "wave", "y"])


def _gls_covariance(d: pd.DataFrame, tau2: float, sigma2: float) -> np.ndarray:
    """(X' V^-1 X)^-1 with dense V_i = sigma^2 I + tau^2 J, one participant at a time."""
    information = np.zeros((4, 4))
    for _, person in d.groupby("id"):
        x = np.column_stack([np.ones(len(person))] + [(person["wave"] == k).to_numpy(float) for k in (1, 2, 3)])
        v = sigma2 * np.eye(len(person)) + tau2 * np.ones((len(person), len(person)))
        information += x.T @ np.linalg.solve(v, x)
    return np.linalg.inv(information)


def test_unbalanced_data_with_dropout_matches_statsmodels_mixedlm():
    import statsmodels.formula.api as smf

    d = _dropout_data()
    assert d.groupby("wave").size().tolist() != [300] * 4
    reference = smf.mixedlm("y ~ C(wave)", d, groups=d["id"], re_formula="1").fit(reml=True)
    fit = fit_random_intercept(d["y"].to_numpy(), d["id"].to_numpy(), d["wave"].to_numpy(), n_waves=4)
    assert fit.fixed == pytest.approx(reference.fe_params.to_numpy(), rel=1e-5)
    assert fit.participant_variance == pytest.approx(float(reference.cov_re.iloc[0, 0]), rel=1e-4)
    assert fit.residual_variance == pytest.approx(float(reference.scale), rel=1e-5)
    assert fit.reml_log_likelihood >= reference.llf - 1e-8  # the same optimum, found at least as precisely
    assert fit.reml_log_likelihood == pytest.approx(reference.llf, abs=1e-6)
    # Our covariance is lme4's vcov: sigma^2 (X' H^-1 X)^-1 at the REML variances; rebuilt densely from
    # statsmodels' variances it agrees to 1e-5. statsmodels' bse_fe come from its observed Hessian,
    # which couples the fixed effects with the variances, and differ from lme4's by about 1e-4.
    dense = _gls_covariance(d, float(reference.cov_re.iloc[0, 0]), float(reference.scale))
    assert np.sqrt(np.diag(fit.covariance)) == pytest.approx(np.sqrt(np.diag(dense)), rel=1e-5)
    assert np.sqrt(np.diag(fit.covariance)) == pytest.approx(reference.bse_fe.to_numpy(), rel=1e-3)
    assert fit.n_participants == d["id"].nunique() and fit.n_observations == len(d)


def _lme4_data() -> pd.DataFrame:
    return pd.read_csv(DATA / "lme4_random_intercept.csv")


def test_matches_lme4_on_60_participants_with_dropout():
    # R 4.2.2, lme4 1.1.31:
    #   d <- read.csv("tests/stats/data/lme4_random_intercept.csv")
    #   m <- lmer(y ~ factor(wave) + (1|id), data = d, REML = TRUE)
    #   print(fixef(m), digits = 12); print(sqrt(diag(vcov(m))), digits = 12)
    #   print(as.data.frame(VarCorr(m))$vcov, digits = 12)
    #   print(confint(m, method = "Wald"), digits = 12); print(logLik(m), digits = 14)
    fixef = [29.51166666667, 4.78512138109, 6.50130567206, 6.76496468775]
    se = [0.733449462970, 0.988480813296, 1.115661459364, 1.275147897250]
    vcov = [7.20542656497, 25.07146031886]  # participant (intercept), residual
    wald_lower = [2.84773458762, 4.31464939277, 4.26572073418]
    wald_upper = [6.72250817456, 8.68796195135, 9.26420864132]
    log_lik = -505.37468412937
    d = _lme4_data()
    assert d.groupby("wave").size().tolist() == [60, 47, 33, 23]
    fit = fit_random_intercept(d["y"].to_numpy(), d["id"].to_numpy(), d["wave"].to_numpy(), n_waves=4)
    assert fit.fixed == pytest.approx(fixef, rel=1e-7)
    assert np.sqrt(np.diag(fit.covariance)) == pytest.approx(se, rel=1e-6)
    assert [fit.participant_variance, fit.residual_variance] == pytest.approx(vcov, rel=1e-6)
    lower, upper = fit.change_ci(0.95)
    assert lower == pytest.approx(wald_lower, rel=1e-6)
    assert upper == pytest.approx(wald_upper, rel=1e-6)
    assert fit.reml_log_likelihood == pytest.approx(log_lik, abs=1e-8)
    assert fit.converged


def test_a_singular_fit_has_no_participant_variance_and_the_ols_residual_variance():
    # R 4.2.2, lme4 1.1.31 ("boundary (singular) fit"; isSingular(m) is TRUE):
    #   d <- data.frame(id = c("a","a","a","b","b","b","c","c","d","d","d","e","f","f"),
    #                   wave = c(0,1,2, 0,1,2, 0,1, 0,1,2, 0, 0,2),
    #                   y = c(12,9,16, 8,15,11, 14,10, 9,14,12, 11, 13,10))
    #   m <- lmer(y ~ factor(wave) + (1|id), data = d, REML = TRUE)
    #   fixef(m); sqrt(diag(vcov(m))); as.data.frame(VarCorr(m))$vcov; logLik(m)
    #   sigma(lm(y ~ factor(wave), data = d))^2   # 6.68939393939, the same as the residual variance
    participant = np.array(list("aaabbbccdddeff"))
    wave = np.array([0, 1, 2, 0, 1, 2, 0, 1, 0, 1, 2, 0, 0, 2])
    y = np.array([12, 9, 16, 8, 15, 11, 14, 10, 9, 14, 12, 11, 13, 10], dtype=float)
    fit = fit_random_intercept(y, participant, wave, n_waves=3)
    assert fit.participant_variance == 0.0
    assert fit.residual_variance == pytest.approx(6.68939393939, rel=1e-10)
    assert fit.fixed == pytest.approx([11.166666666667, 0.833333333333, 1.083333333333], rel=1e-10)
    assert np.sqrt(np.diag(fit.covariance)) == pytest.approx([1.05588777334, 1.66950515865, 1.66950515865], rel=1e-10)
    assert fit.reml_log_likelihood == pytest.approx(-28.343375990082, abs=1e-9)
    assert fit.converged


def test_row_order_and_participant_labels_do_not_matter():
    d = _lme4_data()
    fit = fit_random_intercept(d["y"].to_numpy(), d["id"].to_numpy(), d["wave"].to_numpy(), n_waves=4)
    rng = np.random.default_rng(7)
    shuffled = d.iloc[rng.permutation(len(d))]
    relabel = dict(zip(d["id"].unique(), rng.permutation(10_000)[: d["id"].nunique()] * 13 - 900, strict=True))
    again = fit_random_intercept(
        shuffled["y"].to_numpy(), shuffled["id"].map(relabel).to_numpy(), shuffled["wave"].to_numpy(), n_waves=4
    )
    assert again.fixed == pytest.approx(fit.fixed, rel=1e-10)
    assert again.covariance == pytest.approx(fit.covariance, rel=1e-8)
    assert again.participant_variance == pytest.approx(fit.participant_variance, rel=1e-8)
    assert again.residual_variance == pytest.approx(fit.residual_variance, rel=1e-10)
    assert again.reml_log_likelihood == pytest.approx(fit.reml_log_likelihood, rel=1e-12)
    # small non-negative integer codes (read without sorting) give the same fit too
    dense = dict(zip(d["id"].unique(), rng.permutation(d["id"].nunique()), strict=True))
    coded = fit_random_intercept(
        shuffled["y"].to_numpy(), shuffled["id"].map(dense).to_numpy(), shuffled["wave"].to_numpy(), n_waves=4
    )
    assert coded.fixed == pytest.approx(fit.fixed, rel=1e-10)
    assert coded.participant_variance == pytest.approx(fit.participant_variance, rel=1e-8)
    assert coded.n_participants == fit.n_participants == 60
    # a different participant structure does change the fit: the labels are used, not ignored
    merged = fit_random_intercept(
        d["y"].to_numpy(), d["id"].str.slice(0, 2).to_numpy(), d["wave"].to_numpy(), n_waves=4
    )
    assert merged.n_participants < fit.n_participants
    assert merged.participant_variance != pytest.approx(fit.participant_variance, rel=1e-3)


def test_change_ci_uses_normal_quantiles():
    fit = fit_random_intercept(*(_lme4_data()[c].to_numpy() for c in ("y", "id", "wave")), n_waves=4)
    lower, upper = fit.change_ci(0.90)
    assert (upper - lower) / 2 == pytest.approx(1.6448536269514722 * fit.change_se(), rel=1e-12)
    with pytest.raises(ValueError, match="change_ci: level 95"):
        fit.change_ci(95)


@pytest.mark.parametrize(
    ("y", "participant", "wave", "n_waves", "message"),
    [
        (
            [1.0, np.nan, 3.0, 4.0, 5.0],
            "aabbc",
            [0, 1, 0, 1, 0],
            2,
            r"y has 1 missing or infinite score\(s\), the first at row 1",
        ),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "aabbc", [0, 2, 0, 2, 0], 3, r"wave 1 has no score"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "aabbc", [1, 2, 1, 2, 1], 3, r"wave 0 \(the baseline\) has no score"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "aabbc", [0, 1, 0, 3, 0], 2, r"must lie in 0..1"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "aabbc", [0.0, 1.0, 0.0, 1.0, 0.0], 2, r"give integer codes"),
        ([1.0, 2.0, 3.0, 4.0], "abcd", [0, 1, 0, 1], 2, r"every participant has one score"),
        ([1.0, 2.0, 3.0], "aab", [0, 1, 0, 1], 2, r"1-D arrays of one length"),
    ],
)
def test_bad_input_raises_naming_the_problem(y, participant, wave, n_waves, message):
    with pytest.raises(ValueError, match=rf"^fit_random_intercept: .*{message}"):
        fit_random_intercept(np.asarray(y), np.array(list(participant)), np.asarray(wave), n_waves)


def test_scores_without_residual_variation_raise():
    # every score is its person's mean plus the wave mean: nothing is left for sigma^2
    y = np.array([1.0, 3.0, 2.0, 4.0, 5.0, 7.0])
    with pytest.raises(ValueError, match="^fit_random_intercept: .*residual variance is 0"):
        fit_random_intercept(y, np.array(list("aabbcc")), np.array([0, 1, 0, 1, 0, 1]), n_waves=2)


def test_many_waves_and_repeated_scores_in_a_wave_match_lme4():
    # 40 people, 20 waves, and one person with 13 scores at wave 3: too many patterns for one integer key each.
    # statsmodels' MixedLM stops about 1e-4 (relative) short of this optimum; lme4 and this fit agree.
    # R 4.2.2, lme4 1.1.31:
    #   d <- read.csv("tests/stats/data/lme4_many_waves.csv")
    #   m <- lmer(y ~ factor(wave) + (1|id), data = d, REML = TRUE)
    #   print(fixef(m)[c(1, 2, 4, 20)], digits = 12); print(sqrt(diag(vcov(m)))[c(1, 2, 4, 20)], digits = 12)
    #   print(as.data.frame(VarCorr(m))$vcov, digits = 12); print(logLik(m), digits = 14)
    d = pd.read_csv(DATA / "lme4_many_waves.csv")
    assert d.groupby("id").size().max() == 26 and d["wave"].nunique() == 20
    fit = fit_random_intercept(d["y"].to_numpy(), d["id"].to_numpy(), d["wave"].to_numpy(), n_waves=20)
    pick = [0, 1, 3, 19]
    assert fit.fixed[pick] == pytest.approx([2.204388786351, 0.142601293479, 0.134156988340, 1.787033251747], rel=1e-7)
    se = np.sqrt(np.diag(fit.covariance))[pick]
    assert se == pytest.approx([0.369592088561, 0.404394612989, 0.396203939933, 0.409798778071], rel=1e-6)
    assert [fit.participant_variance, fit.residual_variance] == pytest.approx([2.11822810390, 2.29357909799], rel=1e-6)
    assert fit.reml_log_likelihood == pytest.approx(-1129.0598350622, abs=1e-8)


def _dense_reml(d: pd.DataFrame, tau2: float, sigma2: float, n_waves: int) -> float:
    """The REML log-likelihood written out with dense V_i, one participant at a time (lme4's constant)."""
    blocks = []
    for _, person in d.groupby("id"):
        x = np.column_stack([np.ones(len(person))] + [(person["wave"] == k).to_numpy(float) for k in range(1, n_waves)])
        v = sigma2 * np.eye(len(person)) + tau2 * np.ones((len(person), len(person)))
        blocks.append((x, person["y"].to_numpy(), v))
    xvx = sum(x.T @ np.linalg.solve(v, x) for x, _, v in blocks)
    xvy = sum(x.T @ np.linalg.solve(v, y) for x, y, v in blocks)
    beta = np.linalg.solve(xvx, xvy)
    quad = sum((y - x @ beta) @ np.linalg.solve(v, y - x @ beta) for x, y, v in blocks)
    log_det_v = sum(np.linalg.slogdet(v)[1] for _, _, v in blocks)
    n = len(d)
    return -0.5 * ((n - n_waves) * np.log(2 * np.pi) + log_det_v + np.linalg.slogdet(xvx)[1] + quad)


@pytest.mark.parametrize("ratio", [0.0, 0.02, 1.0, 50.0])
def test_the_optimum_is_the_maximum_of_the_dense_reml_likelihood(ratio):
    rng = np.random.default_rng(int(ratio * 100) + 1)
    rows = []
    for i in range(50):
        intercept = rng.normal(0, np.sqrt(ratio))
        for w in range(3):
            if w == 0 or rng.random() < 0.7:
                rows.append((i, w, 5 + 0.5 * w + intercept + rng.normal(0, 1)))
    d = pd.DataFrame(rows, columns=["id", "wave", "y"])
    fit = fit_random_intercept(d["y"].to_numpy(), d["id"].to_numpy(), d["wave"].to_numpy(), n_waves=3)
    tau2, sigma2 = fit.participant_variance, fit.residual_variance
    best = _dense_reml(d, tau2, sigma2, 3)
    assert fit.reml_log_likelihood == pytest.approx(best, abs=1e-9)
    nearby = [(tau2 * 1.01 + 1e-4, sigma2), (tau2, sigma2 * 1.01), (tau2, sigma2 * 0.99)]
    nearby += [(tau2 * 0.99, sigma2)] if tau2 > 0 else []  # tau^2 = 0 (a singular fit) cannot go lower
    for t, s in nearby:
        assert _dense_reml(d, t, s, 3) < best
    for lam in (0.0, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0):  # the profile over a wide range of tau^2 / sigma^2
        assert _dense_reml(d, lam * sigma2, sigma2, 3) <= best + 1e-9
