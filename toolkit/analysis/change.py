"""Pre/post change of one scale over its matched pairs."""

from __future__ import annotations

import numpy as np

from toolkit import stats
from toolkit.analysis.result import interval
from toolkit.analysis.result import number


def _sd(x: np.ndarray) -> float | None:
    return float(x.std(ddof=1)) if x.size >= 2 else None


def _oriented_interval(low: float, high: float, sign: float) -> list[float | None]:
    return interval(low, high) if sign > 0 else interval(-high, -low)


def change_statistics(pre: np.ndarray, post: np.ndarray, higher_is: str) -> dict:
    """Paired statistics of ``post - pre`` for matched pairs.

    Raw-unit fields (``mean_change``, ``change_ci``, ``t``) keep the direction
    post - pre. Effect sizes (``g_av``, ``d_z`` and their CIs) are oriented so
    that a positive value means improvement. ``g_av_ci_method`` says how the
    g_av CI was found (``"noncentral t"`` or ``"normal approximation"``), None
    when there is no CI.

    Examples
    --------
    >>> r = change_statistics(np.array([20., 18, 25, 14, 22, 17, 23, 16]),
    ...                       np.array([14., 15, 20, 12, 15, 16, 18, 10]), "worse")
    >>> r["mean_change"], round(r["t"], 4), round(r["d_z"], 4), r["g_av_ci_method"]
    (-4.375, -5.7989, 2.0502, 'noncentral t')
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    sign = stats.orientation(higher_is)
    diff = post - pre
    n = int(diff.size)
    t = stats.paired_t(diff)
    g = stats.g_av(pre, post)
    g_ci = _oriented_interval(g.ci_low, g.ci_high, sign)
    dz, dz_low, dz_high = stats.d_z(diff)
    return {
        "n_pairs": n,
        "pre_mean": number(pre.mean()) if n else None,
        "pre_sd": _sd(pre),
        "post_mean": number(post.mean()) if n else None,
        "post_sd": _sd(post),
        "mean_change": number(t.mean),
        "change_ci": interval(t.ci_low, t.ci_high),
        "t": number(t.t),
        "df": t.df if n >= 2 else None,
        "p": number(t.p),
        "wilcoxon_p": number(stats.wilcoxon_p(diff)) if n else None,
        "g_av": number(sign * g.g),
        "g_av_ci": g_ci,
        "g_av_ci_method": g.ci_method if None not in g_ci else None,
        "d_z": number(sign * dz),
        "d_z_ci": _oriented_interval(dz_low, dz_high, sign),
    }


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def count_summary(pre: np.ndarray, post: np.ndarray) -> dict:
    """Totals, medians and the number with any use at each wave, over matched pairs.

    Examples
    --------
    >>> count_summary(np.array([0., 2, 5]), np.array([0., 0, 1]))
    {'pre_total': 7, 'post_total': 1, 'pre_median': 2.0, 'post_median': 0.0, 'pre_any': 2, 'post_any': 1}
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    n = pre.size
    return {
        "pre_total": _whole(pre.sum()),
        "post_total": _whole(post.sum()),
        "pre_median": float(np.median(pre)) if n else None,
        "post_median": float(np.median(post)) if n else None,
        "pre_any": int((pre > 0).sum()),
        "post_any": int((post > 0).sum()),
    }
