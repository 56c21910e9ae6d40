"""toolkit.stats against independent reference values.

Sources: research/instruments.md section D (values reproduced with
pingouin 0.7.0), pingouin's bundled datasets (loaded at test time), and
small cases worked by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as sps

from toolkit import stats

# research/instruments.md D.3: 8 complete pairs after dropping the NaN pairs.
D3_PRE = np.array([20, 18, 25, 14, 22, 17, np.nan, 19, 23, 16], dtype=float)
D3_POST = np.array([14, 15, 20, 12, 15, 16, 10, np.nan, 18, 10], dtype=float)
KEEP = ~np.isnan(D3_PRE) & ~np.isnan(D3_POST)
PRE, POST = D3_PRE[KEEP], D3_POST[KEEP]


def test_d3_paired_t_in_the_raw_direction_post_minus_pre():
    r = stats.paired_t(POST - PRE)
    # pingouin ttest(pre, post, paired=True): T = 5.798918, dof 7, p 0.000664, CI95 [2.59, 6.16]
    # for pre - post; post - pre flips the sign of T and of the CI.
    assert r.n == 8 and r.df == 7
    assert r.t == pytest.approx(-5.798918, abs=1e-6)
    assert r.p == pytest.approx(0.000664, abs=5e-7)
    assert (round(r.ci_low, 2), round(r.ci_high, 2)) == (-6.16, -2.59)
    assert r.mean == pytest.approx(-4.375)


def test_d3_d_z_and_wilcoxon():
    dz, low, high = stats.d_z(POST - PRE)
    assert dz == pytest.approx(-2.050227, abs=1e-6)  # = T / sqrt(8)
    # pingouin's compute_esci with the paired (d_z) SE and t quantile, unrounded here.
    ref = pg.compute_esci(2.050227, nx=8, ny=8, paired=True, eftype="cohen", decimals=6)
    assert (-high, -low) == pytest.approx((ref[0], ref[1]), abs=2e-6)
    # All 8 differences are negative: W = 0, exact two-sided p = 2 / 2**8 = 0.0078125.
    assert stats.wilcoxon_p(POST - PRE) == pytest.approx(2 / 256)


def test_d3_g_av_uses_df_n_minus_1():
    g = stats.g_av(PRE, POST).g
    # d_av (pingouin paired cohen) = 1.255964 for pre - post; J = 1 - 3/(4*7 - 1) = 24/27.
    assert g == pytest.approx(-1.255964 * 24 / 27, abs=1e-6)
    # pingouin's hedges (J from 2n - 2 df) is 1.187457: ours must differ from it.
    assert abs(abs(g) - 1.187457) > 0.05


def test_g_av_hand_worked_small_case():
    # pre = 1,2,3,4 (mean 2.5, var 5/3); post = 2,3,4,6 (mean 3.75, var 8.75/3 = 2.916667)
    # mean diff = 1.25; s_av = sqrt((1.666667 + 2.916667) / 2) = sqrt(2.291667) = 1.513825
    # d_av = 1.25 / 1.513825 = 0.825723; df = n - 1 = 3: J = 1 - 3/(12 - 1) = 8/11 = 0.727273
    # g_av = 0.825723 * 0.727273 = 0.600526
    g = stats.g_av(np.array([1, 2, 3, 4.0]), np.array([2, 3, 4, 6.0])).g
    assert g == pytest.approx(0.600526, abs=1e-6)
    assert stats.hedges_j(3) == pytest.approx(8 / 11)


def test_g_av_from_moments_matches_g_av():
    g = stats.g_av(PRE, POST).g
    diff = POST - PRE
    vec = stats.g_av_from_moments(
        np.array([8]), np.array([diff.mean()]), np.array([PRE.var(ddof=1)]), np.array([POST.var(ddof=1)])
    )
    assert vec[0] == pytest.approx(g)


def _nc_limit(t: float, df: int, q: float) -> float:
    """Noncentrality lambda with P(T <= t | lambda) = q, by plain bisection (independent of the toolkit)."""
    lo, hi = t - 30.0, t + 30.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if sps.nct.cdf(t, df, mid) > q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_g_av_ci_is_algina_keselman_noncentral_t():
    # Algina & Keselman (2003): CI for delta_av = lambda limits * sqrt(2 S_D^2 / (n (S1^2 + S2^2))).
    r = stats.g_av(PRE, POST)
    diff = POST - PRE
    n = 8
    t = diff.mean() / (diff.std(ddof=1) / math.sqrt(n))
    factor = math.sqrt(2 * diff.var(ddof=1) / (n * (PRE.var(ddof=1) + POST.var(ddof=1))))
    expected = (_nc_limit(t, 7, 0.975) * factor, _nc_limit(t, 7, 0.025) * factor)
    assert (r.ci_low, r.ci_high) == pytest.approx(expected, abs=1e-6)
    assert r.ci_low < -1.255964 < r.ci_high
    assert r.ci_method == "noncentral t"


def test_g_av_ci_at_t_7_with_100_pairs_inverts_the_noncentral_t_exactly():
    # Differences built so that the paired t is exactly 7 with 99 df (mean 1.4, SD 2, n = 100).
    rng = np.random.default_rng(5)
    pre = rng.normal(20.0, 5.0, 100)
    z = rng.normal(size=100)
    diff = 1.4 + 2.0 * (z - z.mean()) / z.std(ddof=1)
    post = pre + diff
    assert diff.mean() / (diff.std(ddof=1) / 10) == pytest.approx(7.0, rel=1e-12)
    factor = math.sqrt(2 * diff.var(ddof=1) / (100 * (pre.var(ddof=1) + post.var(ddof=1))))
    r = stats.g_av(pre, post)
    # R: uniroot(function(l) pt(7, 99, l) - q, c(-1, 15), tol = 1e-15)$root for q = .975, .025
    # gives 4.797143708363, 9.174212482679 (see tests/stats/test_noncentral_t.py). The former
    # search hit a NaN from scipy's CDF and used the normal approximation: 4.810908, 9.189092.
    assert r.ci_method == "noncentral t"
    assert (r.ci_low, r.ci_high) == pytest.approx((4.797143708363 * factor, 9.174212482679 * factor), rel=1e-9)
    assert abs(r.ci_low - 4.810908 * factor) > 1e-3 * factor


@pytest.mark.slow
def test_g_av_ci_coverage_by_simulation():
    # 95% CI for delta_av should cover the true value about 95% of the time (n = 20, rho = .5);
    # with 1000 replications the Monte Carlo SE of the coverage is about 0.007.
    rng = np.random.default_rng(7)
    delta, n, reps, hits = 0.5, 20, 1000, 0
    cov = [[1.0, 0.5], [0.5, 1.0]]
    for _ in range(reps):
        x = rng.multivariate_normal([0.0, delta], cov, size=n)
        r = stats.g_av(x[:, 0], x[:, 1])
        hits += r.ci_low <= delta <= r.ci_high
    assert 0.93 <= hits / reps <= 0.97


def test_large_sample_with_a_huge_t_is_still_exact():
    # n = 100,000 and t of about -1896: the noncentral t is still inverted exactly.
    rng = np.random.default_rng(1)
    pre = rng.normal(10, 2, 100_000)
    post = pre - 3 + rng.normal(0, 0.5, 100_000)
    r = stats.g_av(pre, post)
    assert r.ci_low < r.g < r.ci_high and r.ci_high - r.ci_low < 0.05
    assert r.ci_method == "noncentral t"


def test_g_av_without_an_interval_has_no_ci_method():
    assert stats.g_av(np.array([1.0, 2.0]), np.array([2.0, 3.0])).ci_method is None  # fewer than 3 pairs
    same = stats.g_av(np.array([1.0, 2.0, 4.0]), np.array([2.0, 3.0, 5.0]))  # every difference is 1
    assert same.g == pytest.approx(1 / math.sqrt(7 / 3) * (1 - 3 / 7))
    assert math.isnan(same.ci_low) and math.isnan(same.ci_high) and same.ci_method is None


def test_d4_rci_arithmetic():
    # SD = 5, r = .85: SEdiff = 5 * sqrt(2) * sqrt(.15) = 2.738613; 1.96 * SEdiff = 5.367681.
    assert stats.rci_threshold(5, 0.85) == pytest.approx(5.367681, abs=1e-6)
    se_diff = stats.rci_threshold(5, 0.85) / 1.96
    assert (9 - 18) / se_diff == pytest.approx(-3.286335, abs=1e-6)
    assert math.isnan(stats.rci_threshold(5, 1.0)) and math.isnan(stats.rci_threshold(0, 0.8))


def test_reliable_change_counts_on_threshold_edges():
    # Published threshold 6: a change of exactly 6 is reliable, 5.9 is not.
    cats = stats.reliable_change_categories(np.array([6.0, 5.9, -6.0, -5.9, 0.0, 12.0]), 6.0)
    assert cats.tolist() == [1, 0, -1, 0, 0, 1]
    # Computed threshold that should be exactly 5: r = .5 gives SEdiff = SD, so SD = 5 / 1.96.
    thr = stats.rci_threshold(5 / 1.96, 0.5)
    assert thr == pytest.approx(5.0, abs=1e-12)
    cats = stats.reliable_change_categories(np.array([5.0, -5.0, 4.999]), thr)
    assert cats.tolist() == [1, -1, 0]


def test_d1_cronbach_alpha_listwise():
    data = pg.read_dataset("cronbach_wide_missing")
    alpha, low, high, n = stats.cronbach_alpha(data.to_numpy(dtype=float))
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)  # R psych::alpha(use="complete.obs")
    assert n == 9
    # Feldt CI with the 9 complete rows and 11 items, computed here with scipy's F quantiles.
    k, df1 = 11, n - 1
    ref_low = 1 - (1 - alpha) * sps.f.isf(0.025, df1, df1 * (k - 1))
    ref_high = 1 - (1 - alpha) * sps.f.isf(0.975, df1, df1 * (k - 1))
    assert (low, high) == pytest.approx((round(ref_low, 3), round(ref_high, 3)), abs=1e-9)
    # pingouin's own listwise CI [0.581, 0.933] uses the 12 rows before deletion; ours must not.
    assert (low, high) != pytest.approx((0.581, 0.933), abs=1e-3)


def test_d1_cronbach_alpha_long_dataset():
    data = pg.read_dataset("cronbach_alpha")
    wide = data.pivot(index="Subj", columns="Items", values="Scores")
    alpha, low, high, _ = stats.cronbach_alpha(wide.to_numpy(dtype=float))
    assert alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (low, high) == pytest.approx((0.195, 0.84), abs=1e-9)


def test_cronbach_alpha_degenerate_inputs_are_nan():
    assert math.isnan(stats.cronbach_alpha(np.ones((5, 3)))[0])
    assert math.isnan(stats.cronbach_alpha(np.array([[1.0, 2.0], [2.0, 3.0]]))[0])


def test_d6_p_adjustment():
    p = np.array([0.01, 0.04, 0.03, 0.20, np.nan])
    holm = stats.adjust_p(p, "holm")
    bh = stats.adjust_p(p, "fdr_bh")
    assert holm[:4] == pytest.approx([0.04, 0.09, 0.09, 0.20])
    assert bh[:4] == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert np.isnan(holm[4]) and np.isnan(bh[4])
    with pytest.raises(ValueError, match="method"):
        stats.adjust_p(p, "bonf")


def _pg_ancova(data):
    import warnings

    with warnings.catch_warnings():
        # pingouin 0.7 calls DataFrame.rename(inplace=True), deprecated in pandas 3.1
        warnings.filterwarnings("ignore", message="The inplace keyword", category=pd.errors.Pandas4Warning)
        return pg.ancova(data=data, dv="Scores", covar="Income", between="Method")


def test_d1_ancova_reference_and_two_group_agreement():
    data = pg.read_dataset("ancova")
    method = _pg_ancova(data).set_index("Source").loc["Method"]
    # research/instruments.md D.1: Method F(3,31) = 3.3365, p = .0319, np2 = .2441
    assert (float(method["F"]), float(method["p_unc"]), float(method["np2"])) == pytest.approx(
        (3.3365, 0.0319, 0.2441), abs=1e-4
    )
    for a, b in (("A", "B"), ("A", "D"), ("C", "D")):
        two = data[data["Method"].isin([a, b])]
        ref = _pg_ancova(two).set_index("Source").loc["Method"]
        res = stats.ancova_two_groups(
            two["Scores"].to_numpy(float), two["Income"].to_numpy(float), two["Method"].to_numpy(), (a, b)
        )
        assert res.f == pytest.approx(float(ref["F"]))
        assert res.p == pytest.approx(float(ref["p_unc"]))
        assert res.partial_eta_sq == pytest.approx(float(ref["np2"]))


def test_ancova_two_groups_against_least_squares_by_hand():
    data = pg.read_dataset("ancova")
    two = data[data["Method"].isin(["A", "B"])]
    res = stats.ancova_two_groups(
        two["Scores"].to_numpy(float), two["Income"].to_numpy(float), two["Method"].to_numpy(), ("A", "B")
    )
    # Independent fit: solve the normal equations of Scores ~ 1 + [Method == B] + Income.
    y = two["Scores"].to_numpy(float)
    x = np.column_stack([np.ones(len(y)), (two["Method"] == "B").to_numpy(float), two["Income"].to_numpy(float)])
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    df = len(y) - 3
    se = math.sqrt(resid @ resid / df * xtx_inv[1, 1])
    t = beta[1] / se
    crit = sps.t.ppf(0.975, df)
    assert res.group_n == (8, 8)
    assert res.difference == pytest.approx(beta[1])
    assert (res.ci_low, res.ci_high) == pytest.approx((beta[1] - crit * se, beta[1] + crit * se))
    assert res.p == pytest.approx(2 * sps.t.sf(abs(t), df))
    assert res.f == pytest.approx(t * t)
    assert res.partial_eta_sq == pytest.approx(t * t / (t * t + df))  # F / (F + df_resid) for 1 df


def test_orientation():
    assert stats.orientation("better") == 1.0 and stats.orientation("worse") == -1.0
    with pytest.raises(ValueError, match="higher_is"):
        stats.orientation("up")


def test_paired_t_needs_variance():
    r = stats.paired_t(np.array([2.0, 2.0, 2.0]))
    assert math.isnan(r.t) and math.isnan(r.p) and r.mean == 2.0
    assert math.isnan(stats.wilcoxon_p(np.zeros(4)))


def test_p_value_does_not_underflow_early():
    d = np.array([10.0, 10.1, 9.9, 10.05, 9.95] * 20)
    r = stats.paired_t(d)
    assert 0 < r.p < 1e-100


def test_stats_module_keeps_pingouin_lazy():
    import subprocess
    import sys

    code = "import sys, toolkit.stats; print('pingouin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_pandas_frame_input_for_alpha():
    frame = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 3, 3, 4], "c": [2, 2, 3, 5]}, dtype=float)
    assert stats.cronbach_alpha(frame.to_numpy())[3] == 4


def test_wilcoxon_with_ties_matches_scipy_permutation_and_is_fast():
    import time

    # 10 non-zero differences with ties: scipy's 'auto' runs an exhaustive permutation test here.
    d = np.array([1.0, 1, 2, -1, 3, 3, 2, -2, 4, 1])
    ref = sps.wilcoxon(d, zero_method="wilcox").pvalue  # exhaustive: 2**10 < 9999 resamples
    t0 = time.perf_counter()
    assert stats.wilcoxon_p(d) == pytest.approx(ref, abs=1e-12)
    assert time.perf_counter() - t0 < 0.2
    # zeros are dropped before testing
    assert stats.wilcoxon_p(np.append(d, [0.0, 0.0])) == pytest.approx(ref, abs=1e-12)
    # larger tied samples: normal approximation (tie-corrected, continuity-corrected), as scipy
    big = np.tile(d, 5)
    assert stats.wilcoxon_p(big) == pytest.approx(sps.wilcoxon(big, correction=True, method="asymptotic").pvalue)
