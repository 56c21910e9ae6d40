"""Small statistics functions for pre/post outcome analysis.

This is the only module that imports pingouin (and only inside the functions
that use it, so importing this module stays cheap). Everything here works on
plain numpy arrays and runs in time linear in the number of people.

Conventions
-----------
* ``diff`` is always ``post - pre`` in raw units.
* Effect sizes are returned in the raw direction; orienting them so that a
  positive value means improvement is the caller's job (see
  :func:`orientation`).
* A value that cannot be computed (too few people, no variance) is ``nan``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import stats as sps

Z95 = float(sps.norm.ppf(0.975))
"""The two-sided 95% normal quantile, 1.959963984540054."""


@dataclass(frozen=True)
class PairedT:
    """A paired t-test: ``n`` pairs, mean and SD of ``post - pre``, 95% CI, t, df, p."""

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p: float


def orientation(higher_is: str) -> float:
    """+1 when higher scores are better, -1 when higher scores are worse.

    Multiplying a raw change (post - pre) by this gives a change in which a
    positive value means improvement.

    Examples
    --------
    >>> orientation("worse") * (9 - 18)
    9.0
    """
    if higher_is not in ("better", "worse"):
        raise ValueError(f"higher_is: '{higher_is}' is not 'better' or 'worse'; fix the scale definition")
    return 1.0 if higher_is == "better" else -1.0


def paired_t(diff: np.ndarray) -> PairedT:
    """Paired t-test on the differences ``post - pre``.

    The p-value comes from ``scipy.stats.t.sf`` so that very small p-values
    do not underflow to 0 before about 1e-300.

    Examples
    --------
    >>> r = paired_t(np.array([6., 3., 5., 2., 7., 1., 5., 6.]))
    >>> round(r.t, 6), r.df, round(r.p, 6)
    (5.798918, 7, 0.000664)
    """
    d = np.asarray(diff, dtype=float)
    n = int(d.size)
    mean = float(d.mean()) if n else math.nan
    sd = float(d.std(ddof=1)) if n >= 2 else math.nan
    if n < 2 or not sd > 0:
        return PairedT(n, mean, sd, math.nan, math.nan, math.nan, max(n - 1, 0), math.nan)
    se = sd / math.sqrt(n)
    df = n - 1
    crit = float(sps.t.ppf(0.975, df))
    t = mean / se
    p = float(min(1.0, 2.0 * sps.t.sf(abs(t), df)))
    return PairedT(n, mean, sd, mean - crit * se, mean + crit * se, float(t), df, p)


def hedges_j(df: float | np.ndarray) -> float | np.ndarray:
    """Hedges' small-sample correction J = 1 - 3 / (4 df - 1).

    For paired data df = n - 1 (pingouin uses 2n - 2, which is wrong here).

    Examples
    --------
    >>> round(hedges_j(7), 6)
    0.888889
    """
    if np.ndim(df):
        return 1.0 - 3.0 / (4.0 * np.asarray(df, dtype=float) - 1.0)
    return 1.0 - 3.0 / (4.0 * float(df) - 1.0)


def g_av_from_moments(
    n: np.ndarray, mean_diff: np.ndarray, var_pre: np.ndarray, var_post: np.ndarray
) -> np.ndarray:
    """Hedges' g_av for many groups at once from their moments.

    d_av = mean(post - pre) / sqrt((var_pre + var_post) / 2) and
    g_av = J * d_av with J = 1 - 3 / (4 (n - 1) - 1). NaN where n < 3 or both
    variances are 0.

    Examples
    --------
    >>> g_av_from_moments(np.array([4]), np.array([-1.0]), np.array([1.0]), np.array([1.0]))
    array([-0.72727273])
    """
    n = np.asarray(n, dtype=float)
    s_av = np.sqrt((np.asarray(var_pre, dtype=float) + np.asarray(var_post, dtype=float)) / 2.0)
    ok = (n >= 3) & (s_av > 0)
    out = np.full(n.shape, np.nan)
    j = 1.0 - 3.0 / (4.0 * (n[ok] - 1.0) - 1.0)
    out[ok] = j * np.asarray(mean_diff, dtype=float)[ok] / s_av[ok]
    return out


def _noncentrality_limits(t: float, df: int) -> tuple[float, float]:
    """95% limits for the noncentrality parameter of a noncentral t given an observed t."""
    sign = -1.0 if t < 0 else 1.0
    ta = abs(t)
    approx_sd = math.sqrt(1.0 + ta * ta / (2.0 * df))
    width = 12.0 * approx_sd + 2.0

    def cdf_gap(nc: float, q: float) -> float:
        return float(sps.nct.cdf(ta, df, nc)) - q

    try:
        with np.errstate(all="ignore"):
            low = optimize.brentq(cdf_gap, ta - width, ta + width, args=(0.975,), xtol=1e-10)
            high = optimize.brentq(cdf_gap, ta - width, ta + width, args=(0.025,), xtol=1e-10)
    except (ValueError, RuntimeError):
        # Far in the tail scipy's noncentral t can return NaN; the large-sample
        # normal approximation of the noncentral t is accurate there.
        low, high = ta - Z95 * approx_sd, ta + Z95 * approx_sd
    if sign < 0:
        return -high, -low
    return low, high


def g_av(pre: np.ndarray, post: np.ndarray) -> tuple[float, float, float]:
    """Hedges' g_av for paired data with a 95% CI, in the raw direction.

    g_av = J * (mean(post - pre) / sqrt((sd_pre^2 + sd_post^2) / 2)) with
    J = 1 - 3 / (4 (n - 1) - 1).

    The CI is the Algina & Keselman (2003) interval for the population
    delta_av: the observed paired t is inverted through the noncentral t
    distribution with n - 1 df to 95% limits for the noncentrality
    parameter, and each limit is multiplied by
    sqrt(2 S_D^2 / (n (S_pre^2 + S_post^2))), the factor that turns t into
    d_av. It needs only a few evaluations of the noncentral t, whatever n.
    Where scipy's noncentral t fails far in the tail the normal approximation
    lambda +/- 1.96 sqrt(1 + t^2 / (2 df)) is used.

    Returns (g_av, ci_low, ci_high); NaN where fewer than 3 pairs or no
    variance.

    Examples
    --------
    >>> pre = np.array([20., 18, 25, 14, 22, 17, 23, 16])
    >>> post = np.array([14., 15, 20, 12, 15, 16, 18, 10])
    >>> round(g_av(pre, post)[0], 6)
    -1.116413
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n = pre.size
    if n < 3:
        return math.nan, math.nan, math.nan
    diff = post - pre
    var_pre, var_post = float(pre.var(ddof=1)), float(post.var(ddof=1))
    s_av = math.sqrt((var_pre + var_post) / 2.0)
    sd_diff = float(diff.std(ddof=1))
    if not s_av > 0:
        return math.nan, math.nan, math.nan
    mean = float(diff.mean())
    d = mean / s_av
    g = float(hedges_j(n - 1)) * d
    if not sd_diff > 0:
        return g, math.nan, math.nan
    factor = math.sqrt(2.0 * sd_diff**2 / (n * (var_pre + var_post)))
    t = mean / (sd_diff / math.sqrt(n))
    low, high = _noncentrality_limits(t, n - 1)
    return g, low * factor, high * factor


def d_z(diff: np.ndarray) -> tuple[float, float, float]:
    """Cohen's d_z = mean(diff) / SD(diff) with a 95% CI, in the raw direction.

    The CI uses SE = sqrt(1/n + d_z^2 / (2n)) and the t quantile with n - 1 df
    (Hedges & Olkin 1985), the same interval as ``pingouin.compute_esci`` for
    a paired d but without its rounding.

    Examples
    --------
    >>> round(d_z(np.array([6., 3., 5., 2., 7., 1., 5., 6.]))[0], 6)
    2.050227
    """
    d = np.asarray(diff, dtype=float)
    n = d.size
    if n < 2:
        return math.nan, math.nan, math.nan
    sd = float(d.std(ddof=1))
    if not sd > 0:
        return math.nan, math.nan, math.nan
    dz = float(d.mean()) / sd
    se = math.sqrt(1.0 / n + dz * dz / (2.0 * n))
    crit = float(sps.t.ppf(0.975, n - 1))
    return dz, dz - crit * se, dz + crit * se


EXACT_SIGN_FLIPS = 13
"""Up to this many non-zero differences with ties, the signed-rank p is exact by enumeration."""


def _signed_rank_exact_with_ties(d: np.ndarray) -> float:
    """Exact two-sided p of the signed-rank statistic with tied ranks: all 2^n sign patterns."""
    ranks = sps.rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    n = d.size
    patterns = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    r_plus = patterns @ ranks
    eps = 1e-9 * max(1.0, float(ranks.sum()))
    low = np.mean(r_plus <= observed + eps)
    high = np.mean(r_plus >= observed - eps)
    return float(min(1.0, 2.0 * min(low, high)))


def wilcoxon_p(diff: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p for ``post - pre`` (zero differences dropped).

    Without ties: ``scipy.stats.wilcoxon`` (exact up to 50 differences, else
    the normal approximation with continuity correction). With tied
    differences: exact by enumerating every sign pattern up to 13 non-zero
    differences (the conditional distribution scipy's permutation test uses,
    without its cost of about 1.5 s), else the normal approximation with
    tie-corrected variance and continuity correction. Linear in n for large
    samples, unlike ``pingouin.wilcoxon``, which builds an n x n matrix. NaN
    when every difference is 0 or there are none.

    Examples
    --------
    >>> wilcoxon_p(np.array([6., 3., 5., 2., 7., 1., 5., 6.]))
    0.0078125
    """
    d = np.asarray(diff, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return math.nan
    tied = np.unique(np.abs(d)).size < d.size
    if tied and d.size <= EXACT_SIGN_FLIPS:
        return _signed_rank_exact_with_ties(d)
    method = "asymptotic" if tied else "auto"
    return float(sps.wilcoxon(d, zero_method="wilcox", correction=True, method=method).pvalue)


def rci_threshold(sd: float, reliability: float, z: float = 1.96) -> float:
    """Jacobson & Truax (1991) reliable change threshold in raw points.

    SEdiff = sd * sqrt(2) * sqrt(1 - r); threshold = z * SEdiff.

    Examples
    --------
    >>> round(rci_threshold(5, 0.85), 6)
    5.367681
    """
    if not (sd > 0 and 0 < reliability < 1):
        return math.nan
    return z * sd * math.sqrt(2.0) * math.sqrt(1.0 - reliability)


def reliable_change_categories(improvement: np.ndarray, threshold: float) -> np.ndarray:
    """Classify oriented changes: 1 reliably improved, -1 reliably deteriorated, 0 neither.

    ``improvement`` is the change oriented so that positive = better. A change
    counts as reliable when its size is at least ``threshold`` (a relative
    tolerance of 1e-9 absorbs floating-point error, so a change of exactly the
    threshold counts).

    Examples
    --------
    >>> reliable_change_categories(np.array([6., 5., -6., 0.]), 6.0)
    array([ 1,  0, -1,  0])
    """
    x = np.asarray(improvement, dtype=float)
    edge = threshold * (1.0 - 1e-9)
    return np.where(x >= edge, 1, np.where(x <= -edge, -1, 0)).astype(np.int64)


def cronbach_alpha(items: np.ndarray) -> tuple[float, float, float, int]:
    """Cronbach's alpha with a 95% Feldt CI on complete rows (listwise).

    ``items`` is an (n, k) array of keyed item values (reverse keys already
    applied); rows with any NaN are dropped first, so the CI uses the number of
    complete rows. (``pingouin.cronbach_alpha(nan_policy='listwise')`` computes
    its CI with the row count before deletion.) Returns (alpha, low, high,
    n_complete); NaN where fewer than 3 complete rows, fewer than 2 items or no
    variance.

    Examples
    --------
    >>> x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4.]])
    >>> round(cronbach_alpha(x)[0], 4)
    0.9286
    """
    import pandas as pd
    import pingouin as pg

    arr = np.asarray(items, dtype=float)
    if arr.ndim != 2:
        raise ValueError("cronbach_alpha: items must be a 2-D array (people x items)")
    complete = arr[~np.isnan(arr).any(axis=1)]
    n, k = complete.shape
    if n < 3 or k < 2:
        return math.nan, math.nan, math.nan, int(n)
    total_var = float(complete.sum(axis=1).var(ddof=1))
    if not total_var > 0 or not (complete.var(axis=0, ddof=1) > 0).any():
        return math.nan, math.nan, math.nan, int(n)
    alpha, ci = pg.cronbach_alpha(pd.DataFrame(complete), nan_policy="listwise", ci=0.95)
    return float(alpha), float(ci[0]), float(ci[1]), int(n)


def adjust_p(pvalues: np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values (``'holm'`` or ``'fdr_bh'``); NaN stays NaN and is not counted.

    Examples
    --------
    >>> adjust_p(np.array([.01, .04, .03, .20, np.nan]), "holm").round(4).tolist()
    [0.04, 0.09, 0.09, 0.2, nan]
    """
    import pingouin as pg

    if method not in ("holm", "fdr_bh"):
        raise ValueError(f"adjust_p: method '{method}' is not 'holm' or 'fdr_bh'")
    p = np.asarray(pvalues, dtype=float)
    if p.size == 0 or np.isnan(p).all():
        return p.copy()
    _, adjusted = pg.multicomp(p, method=method)
    return np.asarray(adjusted, dtype=float)


@dataclass(frozen=True)
class Ancova:
    """ANCOVA of post on a two-level group with pre as covariate.

    ``difference`` is the adjusted mean of ``groups[1]`` minus ``groups[0]``
    in raw units, with its 95% CI.
    """

    groups: tuple[str, str]
    group_n: tuple[int, int]
    difference: float
    ci_low: float
    ci_high: float
    f: float
    p: float
    partial_eta_sq: float


def ancova_two_groups(post: np.ndarray, pre: np.ndarray, group: np.ndarray, groups: tuple[str, str]) -> Ancova:
    """ANCOVA ``post ~ group + pre`` for exactly two groups, by least squares.

    The adjusted difference is the coefficient of the ``groups[1]``
    indicator, with a 95% CI on n - 3 residual df. The group's sum of squares
    is the drop in residual SS when the indicator is added to ``post ~ pre``
    (type II, as ``pingouin.ancova``); F = SS_group / (SS_resid / (n - 3)),
    partial eta squared = SS_group / (SS_group + SS_resid). Computed with
    numpy rather than ``pingouin.ancova``, whose formula interface loops in
    Python over every row (about 1 s per 100,000 rows); the tests check the
    two agree.

    Examples
    --------
    >>> r = ancova_two_groups(np.array([3., 5, 4, 8, 9, 9]), np.array([1., 3, 2, 3, 5, 4]),
    ...                       np.array(["a", "a", "a", "b", "b", "b"]), ("a", "b"))
    >>> r.group_n, round(r.difference, 4)
    ((3, 3), 3.1667)
    """
    post = np.asarray(post, dtype=float)
    pre = np.asarray(pre, dtype=float)
    is_b = (np.asarray(group) == groups[1]).astype(float)
    n = post.size
    n_b = int(is_b.sum())
    x = np.column_stack([np.ones(n), is_b, pre])
    beta, _, rank, _ = np.linalg.lstsq(x, post, rcond=None)
    if rank < 3 or n <= 3:
        raise ValueError("ancova_two_groups: the design is singular (constant pre score or one group empty)")
    resid = post - x @ beta
    ss_resid = float(resid @ resid)
    reduced = np.column_stack([np.ones(n), pre])
    beta_r, *_ = np.linalg.lstsq(reduced, post, rcond=None)
    resid_r = post - reduced @ beta_r
    ss_group = max(float(resid_r @ resid_r) - ss_resid, 0.0)
    df_resid = n - 3
    sigma2 = ss_resid / df_resid
    se = math.sqrt(sigma2 * np.linalg.inv(x.T @ x)[1, 1])
    crit = float(sps.t.ppf(0.975, df_resid))
    f_value = ss_group / sigma2 if sigma2 > 0 else math.inf
    diff = float(beta[1])
    return Ancova(
        groups=groups,
        group_n=(n - n_b, n_b),
        difference=diff,
        ci_low=diff - crit * se,
        ci_high=diff + crit * se,
        f=f_value,
        p=float(sps.f.sf(f_value, 1, df_resid)),
        partial_eta_sq=ss_group / (ss_group + ss_resid) if ss_group + ss_resid > 0 else math.nan,
    )
