"""Noncentrality limits of the noncentral t against independent computations.

Two references, neither of which uses scipy's noncentral t:

* R's ``pt(q, df, ncp)`` (algorithm AS 243), inverted with ``uniroot`` in R; the
  numbers are stored below with the R call. R computes ``pt`` exactly only for
  ncp up to 37.62 and df up to 4e5 and approximates beyond, so the cases with
  t = 60 or n = 1,000,000 are checked against the second reference only.
* The CDF written from its definition and integrated numerically in this file:
  T = (Z + ncp) / S with S = sqrt(V / df), V chi-square with df degrees of
  freedom, so P(T <= t) = E[Phi(t S - ncp)], integrated over the density of
  log S, exp(df y - df e^(2y) / 2) up to a constant (normalized numerically).
"""

from __future__ import annotations

import itertools
import math

import pytest
from scipy import integrate
from scipy import optimize
from scipy import special

from toolkit.stats import noncentral_t
from toolkit.stats.noncentral_t import noncentrality_interval

_BREAKS = [-40.0, -10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0, 40.0]


def reference_cdf(t: float, df: float, nc: float) -> float:
    """P(T <= t | df, nc) by quadrature over u = log(S) sqrt(2 df), where log S is about standard normal."""
    scale = math.sqrt(2.0 * df)

    def density(u: float) -> float:
        y = u / scale
        return math.exp(df * (y - math.expm1(2.0 * y) / 2.0))

    def weighted(u: float) -> float:
        return float(special.ndtr(t * math.exp(u / scale) - nc)) * density(u)

    options = {"epsabs": 1e-15, "epsrel": 1e-13, "limit": 400}
    pieces = list(itertools.pairwise(_BREAKS))
    num = sum(integrate.quad(weighted, a, b, **options)[0] for a, b in pieces)
    den = sum(integrate.quad(density, a, b, **options)[0] for a, b in pieces)
    return num / den


def reference_limits(t: float, n: int) -> tuple[float, float]:
    """95% limits for the noncentrality at n - 1 df, by root finding on :func:`reference_cdf`."""
    df = n - 1
    reach = 15.0 * math.sqrt(1.0 + t * t / (2.0 * df)) + 5.0

    def limit(q: float) -> float:
        return optimize.brentq(lambda nc: reference_cdf(t, df, nc) - q, t - reach, t + reach, xtol=1e-13, rtol=1e-14)

    return limit(0.975), limit(0.025)


# Rscript -e '
#   lim <- function(t, df, q) uniroot(function(l) pt(t, df, l) - q, c(t - 8, t + 8), tol = 1e-15)$root
#   for (df in c(5, 11, 99, 999)) for (t in c(6, 7, 8))
#     cat(sprintf("(%g, %d, %.12f, %.12f),\n", t, df, lim(t, df, 0.975), lim(t, df, 0.025)))'
# (R 4.2.2; the warnings it prints come from pt at the ends of the bracket, far in the tails.)
R_UNIROOT = [
    (6, 5, 1.858240219856, 10.051265688407),
    (7, 5, 2.337548943594, 11.594934365311),
    (8, 5, 2.802326980108, 13.151937847197),
    (6, 11, 2.792723748602, 9.105172524711),
    (7, 11, 3.463671278442, 10.439600207529),
    (8, 11, 4.119689035747, 11.789767444095),
    (6, 99, 3.856795826944, 8.117369173838),
    (7, 99, 4.797143708363, 9.174212482679),
    (8, 99, 5.730642535854, 10.238385428075),
    (6, 999, 4.020985757172, 7.976061970617),
    (7, 999, 5.014442136964, 8.982134252031),
    (8, 999, 6.006957488514, 9.989156747927),
]


@pytest.mark.parametrize(("t", "df", "low", "high"), R_UNIROOT)
def test_limits_match_r_pt_inverted_by_uniroot(t, df, low, high):
    # Before the exact inversion, scipy's CDF returned NaN inside the search's bracket for
    # (8, 5), (7, 99) and (7, 999), and both limits came from the normal approximation:
    # (2.668322, 13.331678), (4.810908, 9.189092) and (5.016148, 8.983852).
    r = noncentrality_interval(float(t), df)
    assert r.method == "noncentral t"
    assert (r.low, r.high) == pytest.approx((low, high), rel=1e-9)


@pytest.mark.parametrize(("t", "df", "low", "high"), R_UNIROOT[1::3])
def test_the_integral_reference_agrees_with_r(t, df, low, high):
    assert reference_limits(float(t), df + 1) == pytest.approx((low, high), rel=1e-9)


# (t, n, the former limits where they were wrong: the normal approximation after a failed search)
CASES = [
    (6.0, 6, None),
    (7.0, 6, None),
    (8.0, 6, (2.668322, 13.331678)),
    (6.0, 12, None),
    (7.0, 12, None),
    (8.0, 12, None),
    (6.0, 100, None),
    (7.0, 100, (4.810908, 9.189092)),
    (8.0, 100, None),
    (6.0, 1000, None),
    (7.0, 1000, (5.016148, 8.983852)),
    (8.0, 1000, None),
    (-7.0, 100, (-9.189092, -4.810908)),
    (-8.0, 6, (-13.331678, -2.668322)),
    (-6.0, 1000, None),
    (0.0, 12, None),
    (1e-8, 100, None),
    (-0.05, 6, None),
    (8.0, 3, None),
    (60.0, 5, (18.376714, 101.623286)),
    (-60.0, 5, (-101.623286, -18.376714)),
    (60.0, 1000, None),
    (60.0, 1_000_000, None),
    (-60.0, 1_000_000, None),
    (0.5, 1_000_000, None),
    (6.0, 1_000_000, (4.040018, 7.959982)),
    (7.0, 1_000_000, (5.040012, 8.959988)),
]


@pytest.mark.parametrize(("t", "n", "former"), CASES)
def test_limits_match_the_integrated_density(t, n, former):
    r = noncentrality_interval(t, n - 1)
    low, high = reference_limits(abs(t), n)
    if t < 0:
        low, high = -high, -low
    assert r.method == "noncentral t"
    assert r.low == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert r.high == pytest.approx(high, rel=1e-9, abs=1e-12)
    if former is not None:
        # the former value was wrong by more than rounding: this case failed before
        assert abs(former[0] - low) + abs(former[1] - high) > 1e-6


def test_t_of_zero_gives_the_normal_quantiles_exactly():
    # P(T <= 0 | nc) = Phi(-nc) for every df, so the limits are -/+ 1.959964.
    for df in (4, 99, 999_999):
        r = noncentrality_interval(0.0, df)
        assert (r.low, r.high) == pytest.approx((-1.959963984540054, 1.959963984540054), abs=1e-11)


def test_nan_from_the_cdf_narrows_the_bracket(monkeypatch):
    # A CDF that fails wherever the probability is below 0.01 or above 0.99 still gives the exact limits.
    exact = noncentral_t._cdf
    failures = []

    def failing(t, df, nc):
        p = exact(t, df, nc)
        if 0.01 < p < 0.99:
            return p
        failures.append(nc)
        return math.nan

    monkeypatch.setattr(noncentral_t, "_cdf", failing)
    # (60, 4): the integrated density gives 20.819854405540, 100.185328385281
    for t, df, low, high in R_UNIROOT + [(60.0, 4, 20.819854405540, 100.185328385281)]:
        r = noncentrality_interval(float(t), df)
        assert r.method == "noncentral t"
        assert (r.low, r.high) == pytest.approx((low, high), rel=1e-9)
    assert failures


def test_normal_approximation_only_where_the_cdf_cannot_be_evaluated(monkeypatch):
    monkeypatch.setattr(noncentral_t, "_cdf", lambda t, df, nc: math.nan)
    r = noncentrality_interval(-7.0, 99)
    # t (1 - 1/(4 df)) -/+ 1.959964 sqrt(1 + t^2 / (2 df)) for |t| = 7, df = 99, mirrored:
    # 7 * 395/396 = 6.982323; sqrt(1 + 49/198) = 1.116904; 6.982323 -/+ 2.189092 = 4.793231, 9.171415
    assert r.method == "normal approximation"
    assert (r.low, r.high) == pytest.approx((-9.171415, -4.793231), abs=1e-6)


def test_a_cdf_failing_at_the_limit_itself_is_not_trusted(monkeypatch):
    exact = noncentral_t._cdf
    monkeypatch.setattr(noncentral_t, "_cdf", lambda t, df, nc: math.nan if 8.5 < nc < 9.5 else exact(t, df, nc))
    assert noncentrality_interval(7.0, 99).method == "normal approximation"


def test_no_limits_without_a_finite_t_or_a_degree_of_freedom():
    for t, df in ((math.nan, 10), (math.inf, 10), (2.0, 0)):
        r = noncentrality_interval(t, df)
        assert math.isnan(r.low) and math.isnan(r.high) and r.method is None


def test_a_handful_of_cdf_evaluations_per_limit(monkeypatch):
    exact = noncentral_t._cdf
    calls = []

    def counted(t, df, nc):
        calls.append(nc)
        return exact(t, df, nc)

    monkeypatch.setattr(noncentral_t, "_cdf", counted)
    most = 0
    for t in (-60.0, -7.0, -0.3, 0.0, 2.5, 6.0, 7.0, 8.0, 30.0, 60.0):
        for df in (2, 4, 11, 99, 999, 99_999, 999_999):
            calls.clear()
            assert noncentrality_interval(t, df).method == "noncentral t"
            most = max(most, len(calls))
    assert most <= 24
