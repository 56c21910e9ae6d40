"""A random-intercept linear mixed model for change across waves, fitted exactly by REML.

The model is ``score ~ wave (categorical) + (1 | participant)``: each
participant's scores share a random intercept with variance tau^2 on top of
residual noise with variance sigma^2, so the covariance of one participant's
n_i scores is V_i = sigma^2 I + tau^2 J (compound symmetry). Everyone with at
least one score contributes, which keeps the estimates valid when people
leave at random given their earlier scores.

With lambda = tau^2 / sigma^2, V_i^-1 = (I - w_i J) / sigma^2 where
w_i = lambda / (1 + n_i lambda), and log |V_i| = n_i log sigma^2 +
log(1 + n_i lambda). Every quantity of the REML likelihood is therefore a sum
over participants of a few numbers, and those sums only depend on a
participant's pattern of waves (which waves, how many scores) once the
scores are summed per participant. The data are reduced to one row per
pattern in one pass; sigma^2 is profiled out and the REML criterion is
maximised over lambda >= 0 (a grid on log lambda, Brent's method around the
best point, and the boundary lambda = 0, where lme4 reports a singular fit).
The optimum is the same as lme4's and statsmodels' ``MixedLM``, in time
linear in the number of scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LOG_LAMBDA_RANGE = (-23.0, 16.0)  # lambda = tau^2 / sigma^2 between 1e-10 and about 9e6
GRID_POINTS = 40  # one step per unit of log lambda; the root of the slope does the rest


@dataclass(frozen=True)
class RandomInterceptFit:
    """The REML fit of ``score ~ C(wave) + (1 | participant)``.

    ``fixed`` holds the mean at wave 0 (the intercept), then the effect of
    waves 1..W-1 versus wave 0; ``covariance`` is its covariance matrix
    (sigma^2 (X' H^-1 X)^-1 at the REML variances, as ``vcov`` in lme4).
    """

    fixed: np.ndarray
    covariance: np.ndarray
    participant_variance: float
    residual_variance: float
    n_participants: int
    n_observations: int
    converged: bool
    reml_log_likelihood: float

    def change(self) -> np.ndarray:
        """The estimated change from wave 0 to each later wave (``fixed[1:]``)."""
        return self.fixed[1:]

    def change_se(self) -> np.ndarray:
        """The standard errors of :meth:`change`."""
        return np.sqrt(np.diag(self.covariance))[1:]

    def change_ci(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wald (normal) confidence limits of :meth:`change`: lower and upper arrays."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"change_ci: level {level} is not between 0 and 1; use e.g. 0.95")
        z = NormalDist().inv_cdf(0.5 + level / 2.0)
        se = self.change_se()
        return self.change() - z * se, self.change() + z * se


@dataclass(frozen=True)
class _Patterns:
    """The data reduced to one row per pattern of waves (P patterns, W waves)."""

    counts: np.ndarray  # (P, W) scores per wave of a participant with this pattern
    people: np.ndarray  # (P,) participants with this pattern
    size: np.ndarray  # (P,) scores per participant (n_i)
    sum_s: np.ndarray  # (P, W) sum over the pattern's participants of counts * s_i (s_i: their score sum)
    sum_s2: np.ndarray  # (P,) sum of s_i^2
    wave_n: np.ndarray  # (W,) scores per wave
    wave_sum: np.ndarray  # (W,) sum of (centred) scores per wave
    sum_y2: float  # sum of squared (centred) scores


def _codes(participant: np.ndarray) -> tuple[np.ndarray, int]:
    """Participant ids as codes 0..K-1."""
    if participant.dtype.kind in "iu":
        if participant.size and participant.min() >= 0 and participant.max() < 4 * participant.size:
            seen = np.bincount(participant.astype(np.int64)) > 0  # small codes: no sort needed
            return (np.cumsum(seen) - 1)[participant], int(seen.sum())
        uniques, codes = np.unique(participant, return_inverse=True)
        return codes.reshape(-1), uniques.size
    import pandas as pd

    codes, uniques = pd.factorize(participant)
    if (codes < 0).any():
        raise ValueError("fit_random_intercept: participant has missing ids; drop those rows or give them an id")
    return codes, len(uniques)


def _check(y: np.ndarray, participant: np.ndarray, wave: np.ndarray, n_waves: int) -> None:
    where = "fit_random_intercept"
    if y.ndim != 1 or participant.shape != y.shape or wave.shape != y.shape:
        raise ValueError(
            f"{where}: y, participant and wave must be 1-D arrays of one length; "
            f"got shapes {y.shape}, {participant.shape}, {wave.shape}"
        )
    bad = ~np.isfinite(y)
    if bad.any():
        raise ValueError(
            f"{where}: y has {int(bad.sum())} missing or infinite score(s), the first at row {int(np.argmax(bad))}; "
            "drop those rows before fitting (the model uses every score that exists)"
        )
    if n_waves < 1:
        raise ValueError(f"{where}: n_waves is {n_waves}; give the number of waves (at least 1)")
    if wave.dtype.kind not in "iu":
        raise ValueError(f"{where}: wave has dtype {wave.dtype}; give integer codes 0..{n_waves - 1} (0 = baseline)")
    if wave.size and (wave.min() < 0 or wave.max() >= n_waves):
        raise ValueError(
            f"{where}: wave codes run from {wave.min()} to {wave.max()}; they must lie in 0..{n_waves - 1} "
            "(0 = baseline); fix n_waves or the codes"
        )
    counts = np.bincount(wave.astype(np.int64), minlength=n_waves) if wave.size else np.zeros(n_waves, dtype=int)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        which = "wave 0 (the baseline)" if empty[0] == 0 else f"wave {empty[0]}"
        raise ValueError(
            f"{where}: {which} has no score, so change to or from it cannot be estimated; "
            "drop the empty wave from the codes and n_waves, or add its scores"
        )
    if y.size <= n_waves:
        raise ValueError(f"{where}: {y.size} score(s) for {n_waves} wave means; the model needs more scores than waves")


def _patterns(y: np.ndarray, person: np.ndarray, n_people: int, wave: np.ndarray, n_waves: int) -> _Patterns:
    wave_n = np.bincount(wave, minlength=n_waves).astype(float)
    wave_sum = np.bincount(wave, weights=y, minlength=n_waves)
    centred = y - (wave_sum / wave_n)[wave]  # within the column space of X: leaves the likelihood unchanged
    wave_sum = np.bincount(wave, weights=centred, minlength=n_waves)
    cell = np.bincount(person * n_waves + wave, minlength=n_people * n_waves).reshape(n_people, n_waves)
    s = np.bincount(person, weights=centred, minlength=n_people)
    base = int(cell.max()) + 1
    if n_waves * math.log2(base) < 62:  # one integer per pattern: a fast 1-D unique
        key = cell @ base ** np.arange(n_waves, dtype=np.int64)
        _, first, which = np.unique(key, return_index=True, return_inverse=True)
    else:
        _, first, which = np.unique(cell, axis=0, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    counts = cell[first].astype(float)
    weighted = np.column_stack(
        [np.bincount(which, weights=cell[:, j] * s, minlength=first.size) for j in range(n_waves)]
    )
    return _Patterns(
        counts=counts,
        people=np.bincount(which, minlength=first.size).astype(float),
        size=counts.sum(axis=1),
        sum_s=weighted,
        sum_s2=np.bincount(which, weights=s * s, minlength=first.size),
        wave_n=wave_n,
        wave_sum=wave_sum,
        sum_y2=float(centred @ centred),
    )


def _design(n_waves: int) -> np.ndarray:
    """M with X = D M: D the wave indicators, X the intercept and wave 1..W-1 dummies."""
    m = np.eye(n_waves)
    m[:, 0] = 1.0
    return m


@dataclass(frozen=True)
class _Profile:
    criterion: float  # the REML log-likelihood with sigma^2 profiled out
    xtx: np.ndarray  # X' H^-1 X
    beta: np.ndarray  # GLS estimate (centred scores)
    rss: float  # (y - X beta)' H^-1 (y - X beta)


def _profile(p: _Patterns, lam: float, m: np.ndarray) -> _Profile:
    w = lam / (1.0 + p.size * lam)  # per pattern
    dtd = np.diag(p.wave_n) - (p.counts * (w * p.people)[:, None]).T @ p.counts
    dty = p.wave_sum - w @ p.sum_s
    yty = p.sum_y2 - float(w @ p.sum_s2)
    xtx = m.T @ dtd @ m
    xty = m.T @ dty
    chol = np.linalg.cholesky(xtx)
    beta = np.linalg.solve(xtx, xty)
    rss = max(yty - float(beta @ xty), 0.0)
    n_obs = float(p.wave_n.sum())
    dof = n_obs - m.shape[0]
    log_det_h = float(p.people @ np.log1p(p.size * lam))
    log_det_xtx = 2.0 * float(np.log(np.diag(chol)).sum())
    if rss <= 0.0:
        criterion = -math.inf
    else:
        criterion = -0.5 * (dof * (1.0 + math.log(2.0 * math.pi * rss / dof)) + log_det_h + log_det_xtx)
    return _Profile(criterion, xtx, beta, rss)


def _slope(p: _Patterns, lam: float, m: np.ndarray, fit: _Profile) -> float:
    """d criterion / d lambda at ``fit`` (the profile at ``lam``), from the same pattern sums.

    With dV/dlambda = J per participant (in units of sigma^2): d rss = -sum_i (E_i / (1 + n_i lambda))^2,
    E_i a participant's total residual; d log|H| = sum_i n_i / (1 + n_i lambda); d log|X' H^-1 X| =
    -sum_i x_i' (X' H^-1 X)^-1 x_i / (1 + n_i lambda)^2, x_i = X_i' 1.
    """
    d = 1.0 + p.size * lam
    mu = m @ fit.beta  # the (centred) wave means
    totals = p.sum_s2 - 2.0 * (p.sum_s @ mu) + p.people * (p.counts @ mu) ** 2  # sum of E_i^2 per pattern
    x = p.counts @ m
    leverage = np.einsum("pi,ij,pj->p", x, np.linalg.inv(fit.xtx), x)
    dof = float(p.wave_n.sum()) - m.shape[0]
    d_rss = -float(totals @ d**-2)
    d_log_h = float(p.people @ (p.size / d))
    d_log_xtx = -float((p.people * d**-2) @ leverage)
    return -0.5 * (dof * d_rss / fit.rss + d_log_h + d_log_xtx)


def _maximise(p: _Patterns, m: np.ndarray) -> tuple[float, bool]:
    """The lambda >= 0 that maximises the profiled REML criterion, and whether the search converged.

    A grid on log lambda finds the highest point; the root of the criterion's
    slope between its neighbours (Brent's method) gives the optimum to
    machine precision. Zero when the criterion is highest at lambda = 0 (a
    singular fit); infinite when it still grows at the top of the range (the
    scores do not vary within participants beyond the wave means).
    """
    from scipy import optimize

    def criterion(lam: float) -> float:
        value = _profile(p, lam, m).criterion
        return value if math.isfinite(value) else -math.inf

    def slope(lam: float) -> float:
        return _slope(p, lam, m, _profile(p, lam, m))

    grid = np.exp(np.linspace(*LOG_LAMBDA_RANGE, GRID_POINTS))
    values = np.array([criterion(g) for g in grid])
    at_zero = criterion(0.0)
    best = int(np.argmax(values))
    if not math.isfinite(values[best]) or (at_zero >= values[best] and slope(0.0) <= 0.0):
        return 0.0, math.isfinite(at_zero)  # the optimum is on the boundary tau^2 = 0: a singular fit
    if best == grid.size - 1:
        return math.inf, False  # sigma^2 / tau^2 below 1e-7: no residual variation to speak of
    lo, hi = (0.0 if best == 0 else grid[best - 1]), grid[best + 1]
    if slope(lo) > 0.0 > slope(hi):
        lam, found = optimize.brentq(slope, lo, hi, xtol=1e-300, rtol=1e-14, full_output=True)
        lam, converged = float(lam), bool(found.converged)
    else:  # not one peak between the neighbours: search the criterion itself
        found = optimize.minimize_scalar(lambda x: -criterion(x), bounds=(lo, hi), method="bounded")
        lam, converged = float(found.x), bool(found.success)
    if criterion(lam) < values[best]:
        lam = float(grid[best])
    return (0.0, True) if at_zero >= criterion(lam) else (lam, converged)


def fit_random_intercept(y: np.ndarray, participant: np.ndarray, wave: np.ndarray, n_waves: int) -> RandomInterceptFit:
    """Fit ``y ~ C(wave) + (1 | participant)`` by REML, exactly and without a loop over participants.

    Parameters
    ----------
    y : array of float
        One score per row; no missing values (drop rows without a score).
    participant : array
        Who each score belongs to: any hashable ids or integer codes.
    wave : array of int
        The wave of each score, coded 0..n_waves-1 with 0 the baseline.
    n_waves : int
        The number of waves; every wave needs at least one score.

    Returns
    -------
    RandomInterceptFit
        Fixed effects (wave-0 mean, then change from wave 0 to each later
        wave), their covariance, tau^2 and sigma^2 (REML; tau^2 = 0 for a
        singular fit) and the REML log-likelihood as lme4 reports it.

    Raises
    ------
    ValueError
        A missing or infinite score, a wave without scores, codes outside
        0..n_waves-1, or too few scores.

    Examples
    --------
    Three people at two waves, everyone at both: the change is the
    difference of the wave means, (6 + 5 + 7) / 3 - (2 + 3 + 4) / 3 = 3.

    >>> fit = fit_random_intercept(
    ...     np.array([2.0, 6.0, 3.0, 5.0, 4.0, 7.0]), np.array(["a", "a", "b", "b", "c", "c"]),
    ...     np.array([0, 1, 0, 1, 0, 1]), n_waves=2)
    >>> fit.change().round(6), fit.fixed[0].round(6)
    (array([3.]), np.float64(3.0))
    >>> round(fit.residual_variance, 6), round(fit.participant_variance, 6)
    (0.5, 0.5)
    """
    y = np.asarray(y, dtype=float)
    participant = np.asarray(participant)
    wave = np.asarray(wave)
    _check(y, participant, wave, n_waves)
    person, n_people = _codes(participant)
    if n_people == y.size:
        raise ValueError(
            "fit_random_intercept: every participant has one score, so the participant and residual "
            "variances cannot be told apart; the model needs some participants with two or more scores"
        )
    wave = wave.astype(np.int64)
    means = np.bincount(wave, weights=y, minlength=n_waves) / np.bincount(wave, minlength=n_waves)
    patterns = _patterns(y, person, n_people, wave, n_waves)
    m = _design(n_waves)
    lam, converged = _maximise(patterns, m)
    fit = _profile(patterns, lam, m) if math.isfinite(lam) else None
    if fit is None or not math.isfinite(fit.criterion):
        raise ValueError(
            "fit_random_intercept: the scores do not vary within waves beyond the participant means, "
            "so the residual variance is 0 and the model cannot be fitted; check the scores"
        )
    sigma2 = fit.rss / (y.size - n_waves)
    fixed = fit.beta + np.linalg.solve(m, means)  # undo the centring within waves
    return RandomInterceptFit(
        fixed=fixed,
        covariance=sigma2 * np.linalg.inv(fit.xtx),
        participant_variance=lam * sigma2,
        residual_variance=sigma2,
        n_participants=n_people,
        n_observations=int(y.size),
        converged=converged,
        reml_log_likelihood=fit.criterion,
    )
