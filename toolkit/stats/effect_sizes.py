"""Paired effect sizes: Hedges' g_av with its noncentral-t interval, and d_z."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

from toolkit.stats.noncentral_t import noncentrality_interval


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


def g_av_from_moments(n: np.ndarray, mean_diff: np.ndarray, var_pre: np.ndarray, var_post: np.ndarray) -> np.ndarray:
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


@dataclass(frozen=True)
class HedgesGAv:
    """Hedges' g_av with its 95% CI, in the raw direction, and how the CI was found.

    ``ci_method`` is ``"noncentral t"`` (exact inversion), ``"normal approximation"``
    (where the exact inversion is impossible) or None when there is no CI.
    """

    g: float
    ci_low: float
    ci_high: float
    ci_method: Literal["noncentral t", "normal approximation"] | None


def g_av(pre: np.ndarray, post: np.ndarray) -> HedgesGAv:
    """Hedges' g_av for paired data with a 95% CI, in the raw direction.

    g_av = J * (mean(post - pre) / sqrt((sd_pre^2 + sd_post^2) / 2)) with
    J = 1 - 3 / (4 (n - 1) - 1).

    The CI is the Algina & Keselman (2003) interval for the population
    delta_av: the observed paired t is inverted exactly through the
    noncentral t distribution with n - 1 df to 95% limits for the
    noncentrality parameter (:func:`noncentrality_interval`), and each limit
    is multiplied by sqrt(2 S_D^2 / (n (S_pre^2 + S_post^2))), the factor that
    turns t into d_av. Where the noncentral t cannot be evaluated at a limit,
    the normal approximation is used and ``ci_method`` says so.

    NaN for g_av and the CI where fewer than 3 pairs or no variance; NaN CI
    (``ci_method`` None) where the differences do not vary.

    Examples
    --------
    >>> pre = np.array([20., 18, 25, 14, 22, 17, 23, 16])
    >>> post = np.array([14., 15, 20, 12, 15, 16, 18, 10])
    >>> r = g_av(pre, post)
    >>> round(r.g, 6), round(r.ci_low, 6), round(r.ci_high, 6), r.ci_method
    (-1.116413, -2.014984, -0.473351, 'noncentral t')
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n = pre.size
    missing = HedgesGAv(math.nan, math.nan, math.nan, None)
    if n < 3:
        return missing
    diff = post - pre
    var_pre, var_post = float(pre.var(ddof=1)), float(post.var(ddof=1))
    s_av = math.sqrt((var_pre + var_post) / 2.0)
    sd_diff = float(diff.std(ddof=1))
    if not s_av > 0:
        return missing
    mean = float(diff.mean())
    g = float(hedges_j(n - 1)) * mean / s_av
    if not sd_diff > 0:
        return HedgesGAv(g, math.nan, math.nan, None)
    factor = math.sqrt(2.0 * sd_diff**2 / (n * (var_pre + var_post)))
    limits = noncentrality_interval(mean / (sd_diff / math.sqrt(n)), n - 1)
    return HedgesGAv(g, limits.low * factor, limits.high * factor, limits.method)


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
