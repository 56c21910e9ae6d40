"""95% confidence limits for the noncentrality parameter of a noncentral t, by exact inversion."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import optimize
from scipy import special

from toolkit.stats.constants import Z95

NONCENTRAL_T = "noncentral t"
"""The limits invert the noncentral t distribution exactly."""
NORMAL_APPROXIMATION = "normal approximation"
"""The limits come from the normal approximation of the noncentral t (Abramowitz & Stegun 26.7.10)."""

_CDF_AT_UPPER_LIMIT = 0.025
_CDF_AT_LOWER_LIMIT = 0.975
_TOLERANCE = 1e-12
_AGREEMENT = 1e-9
_MAX_STEPS = 60


@dataclass(frozen=True)
class NoncentralityInterval:
    """95% limits for the noncentrality parameter and how they were found (None when there are none)."""

    low: float
    high: float
    method: Literal["noncentral t", "normal approximation"] | None


def _cdf(t: float, df: float, nc: float) -> float:
    """P(T <= t) for a noncentral t with ``df`` degrees of freedom and noncentrality ``nc`` (NaN where it fails)."""
    return float(special.nctdtr(df, nc, t))


def _spread(t: float, df: float) -> float:
    """The approximate standard deviation of the noncentral t at noncentrality t."""
    return math.sqrt(1.0 + t * t / (2.0 * df))


def _approximate_limit(t: float, df: float, outward: float) -> float:
    """The normal approximation's limit: t (1 - 1/(4 df)) -/+ 1.96 sqrt(1 + t^2 / (2 df))."""
    return t * (1.0 - 1.0 / (4.0 * df)) + outward * Z95 * _spread(t, df)


def _exact_limit(t: float, df: float, outward: float) -> float | None:
    """The noncentrality on the ``outward`` side of ``t`` (-1 below, +1 above) where P(T <= t) is 0.975 or 0.025.

    P(T <= t) falls as the noncentrality rises, is between about 0.3 and 0.5 at
    noncentrality t, and tends to 1 below and to 0 above. The search steps
    outward or inward from the normal approximation with doubling steps until
    the root is bracketed, then runs Brent's method. A NaN or infinite CDF
    only happens far out in a tail, where the probability is all but 1 (below)
    or 0 (above): it is read as that value, so it narrows the bracket. None
    when the CDF cannot be evaluated at the root.
    """
    target = _CDF_AT_LOWER_LIMIT if outward < 0 else _CDF_AT_UPPER_LIMIT
    far_out = 1.0 if outward < 0 else 0.0
    seen: dict[float, float] = {}

    def gap(nc: float) -> float:
        p = _cdf(t, df, nc)
        seen[nc] = p
        return (p if math.isfinite(p) else far_out) - target

    def beyond(value: float) -> bool:
        """True when a point whose gap is ``value`` lies beyond the root, further from t."""
        return value > 0 if outward < 0 else value < 0

    step = 0.25 * _spread(t, df)
    x = _approximate_limit(t, df, outward)
    gx = gap(x)
    direction = -outward if beyond(gx) else outward
    for _ in range(_MAX_STEPS):
        y = x + direction * step
        if direction != outward and (y - t) * outward <= 0:
            y = t
        gy = gap(y)
        if beyond(gy) != beyond(gx):
            break
        if y == t:
            return None
        x, gx, step = y, gy, 2.0 * step
    else:
        return None
    root, status = optimize.brentq(
        gap, min(x, y), max(x, y), xtol=_TOLERANCE, rtol=_TOLERANCE, full_output=True, disp=False
    )
    p = seen.get(root, math.nan)
    if not (status.converged and math.isfinite(p) and abs(p - target) <= _AGREEMENT):
        return None
    return float(root)


def noncentrality_interval(t: float, df: float) -> NoncentralityInterval:
    """95% confidence limits for the noncentrality parameter of a noncentral t given an observed t.

    The lower limit is the noncentrality at which P(T <= t) = 0.975, the upper
    the one at which it is 0.025 (the noncentral t with ``df`` degrees of
    freedom, inverted exactly with ``scipy.special.nctdtr``). Only where the
    CDF cannot be evaluated at a limit are both limits taken from the normal
    approximation t (1 - 1/(4 df)) -/+ 1.96 sqrt(1 + t^2 / (2 df))
    (Abramowitz & Stegun 26.7.10); ``method`` says which was used. NaN limits
    and no method for a non-finite t or df < 1.

    Examples
    --------
    >>> r = noncentrality_interval(7.0, 99)
    >>> round(r.low, 6), round(r.high, 6), r.method
    (4.797144, 9.174212, 'noncentral t')
    >>> r = noncentrality_interval(-7.0, 99)
    >>> round(r.low, 6), round(r.high, 6)
    (-9.174212, -4.797144)
    """
    if not (math.isfinite(t) and df >= 1):
        return NoncentralityInterval(math.nan, math.nan, None)
    # P(T <= -t | -nc) = 1 - P(T <= t | nc): work with |t| and mirror the limits.
    ta = abs(t)
    low = _exact_limit(ta, df, -1.0)
    high = _exact_limit(ta, df, 1.0) if low is not None else None
    method: Literal["noncentral t", "normal approximation"] = NONCENTRAL_T
    if low is None or high is None:
        low, high = _approximate_limit(ta, df, -1.0), _approximate_limit(ta, df, 1.0)
        method = NORMAL_APPROXIMATION
    if t < 0:
        low, high = -high, -low
    return NoncentralityInterval(low, high, method)
