"""Significance tests: paired t, Wilcoxon signed-rank, ANCOVA with two groups, p-value adjustment."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps


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
