"""Baseline of completers versus non-completers."""

from __future__ import annotations

import math

import numpy as np

from toolkit.analysis.result import number


def _mean_sd(x: np.ndarray) -> tuple[float | None, float | None]:
    mean = number(x.mean()) if x.size else None
    sd = number(x.std(ddof=1)) if x.size >= 2 else None
    return mean, sd


def attrition_row(instrument: str, scale: str, pre: np.ndarray, post: np.ndarray) -> dict:
    """Baseline scores of completers (valid at both waves) and non-completers (valid pre only).

    ``mean_difference`` is completers minus non-completers;
    ``standardized_difference`` divides it by the pooled SD
    sqrt(((n1 - 1) s1^2 + (n2 - 1) s2^2) / (n1 + n2 - 2)).

    Examples
    --------
    >>> r = attrition_row("phq9", "total", np.array([10., 12, 14, 20, 22]), np.array([8., 9, 10, np.nan, np.nan]))
    >>> r["mean_difference"], round(r["standardized_difference"], 4)
    (-9.0, -4.9295)
    """
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    has_pre = ~np.isnan(pre)
    done = has_pre & ~np.isnan(post)
    gone = has_pre & np.isnan(post)
    a, b = pre[done], pre[gone]
    mean_a, sd_a = _mean_sd(a)
    mean_b, sd_b = _mean_sd(b)
    diff = mean_a - mean_b if mean_a is not None and mean_b is not None else None
    std_diff = None
    if diff is not None and a.size + b.size > 2:
        pooled_var = (
            (a.size - 1) * (a.var(ddof=1) if a.size > 1 else 0.0)
            + (b.size - 1) * (b.var(ddof=1) if b.size > 1 else 0.0)
        ) / (a.size + b.size - 2)
        if pooled_var > 0:
            std_diff = diff / math.sqrt(pooled_var)
    return {
        "instrument": instrument,
        "scale": scale,
        "n_completers": int(a.size),
        "n_noncompleters": int(b.size),
        "completer_mean": mean_a,
        "completer_sd": sd_a,
        "noncompleter_mean": mean_b,
        "noncompleter_sd": sd_b,
        "mean_difference": number(diff) if diff is not None else None,
        "standardized_difference": number(std_diff) if std_diff is not None else None,
    }
