"""Change over all waves from a random-intercept mixed model, beside the complete-case change.

Per scale of kind ``score`` (counts such as hospital nights are skewed and
mostly zero, which a normal model does not describe; they keep the Wilcoxon
test of the pre/post analysis), :func:`toolkit.stats.mixed.fit_random_intercept`
is fitted by REML to every valid score at the analysed waves, so everyone with
at least one score counts. Per later wave the model's change from the first
wave (Wald 95 % CI) stands beside the paired change of the people with both
waves (the trajectory's ``mean_change``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from toolkit import stats
from toolkit.analysis.catalogue import ScaleInfo
from toolkit.analysis.result import number
from toolkit.analysis.result import plain
from toolkit.analysis.trajectory import ScoreCube

if TYPE_CHECKING:
    from toolkit.stats.mixed import RandomInterceptFit

METHOD = (
    "Linear mixed model fitted by REML: wave as a categorical fixed effect, a random intercept per participant;"
    " everyone with at least one score counts; Wald 95% confidence intervals"
)
EFFECT_SIZE_METHOD = (
    "Model change divided by the sample SD of all first-wave scores, oriented so that a positive value"
    " means improvement (on the scale of g_av, without small-sample correction)"
)


def agreement(change: float | None, ci: Sequence, cc_change: float | None, cc_ci: Sequence) -> bool | None:
    """False when either CI leaves out the other estimate; None when something is missing.

    Examples
    --------
    >>> agreement(-2.0, [-3.0, -1.0], -2.5, [-3.5, -1.5])
    True
    >>> agreement(-2.0, [-2.2, -1.8], -3.0, [-3.5, -2.5])
    False
    """
    values = [change, cc_change, *ci, *cc_ci]
    if any(v is None for v in values):
        return None
    model_in_cc = cc_ci[0] <= change <= cc_ci[1]
    cc_in_model = ci[0] <= cc_change <= ci[1]
    return bool(model_in_cc and cc_in_model)


def _estimates(
    fit: RandomInterceptFit | None,
    present: np.ndarray,
    waves: list[str],
    points: list[dict],
    baseline_sd: float | None,
    sign: float,
) -> list[dict]:
    """One estimate per later wave; waves without scores (or a failed fit) have no model figures."""
    position = {int(w): i for i, w in enumerate(present)}
    out = []
    for w in range(1, len(waves)):
        point = points[w]
        k = position.get(w, 0)
        if fit is not None and fit.converged and k > 0:
            change = float(fit.change()[k - 1])
            se = float(fit.change_se()[k - 1])
            low, high = (float(a[k - 1]) for a in fit.change_ci())
        else:
            change = se = low = high = None
        effect = sign * change / baseline_sd if change is not None and baseline_sd else None
        cc_ci = point["change_ci"]
        out.append(
            {
                "wave": waves[w],
                "change": number(change),
                "se": number(se),
                "ci": [number(low), number(high)],
                "effect_size": number(effect),
                "complete_case_n": point["n_pairs"] or 0,
                "complete_case_change": point["mean_change"],
                "complete_case_ci": cc_ci,
                "agree": agreement(number(change), [number(low), number(high)], point["mean_change"], cc_ci),
            }
        )
    return out


def _fit(values: np.ndarray) -> tuple[RandomInterceptFit | None, np.ndarray]:
    """The fit on the cube slice of one scale (participant x wave), and the waves that have scores."""
    from toolkit.stats.mixed import fit_random_intercept

    person, wave = np.nonzero(~np.isnan(values))
    present = np.flatnonzero(np.bincount(wave, minlength=values.shape[1]) > 0)
    if present.size < 2 or present[0] != 0:
        return None, present
    code = np.full(values.shape[1], -1, dtype=np.int64)
    code[present] = np.arange(present.size)
    try:
        fit = fit_random_intercept(values[person, wave], person, code[wave], int(present.size))
    except ValueError:
        return None, present
    return fit, present


def mixed_models(cube: ScoreCube, infos: Sequence[ScaleInfo], trajectories: Sequence[dict]) -> list[dict]:
    """A mixed model per scale of kind ``score`` in ``infos`` (in that order), with per-wave estimates.

    ``trajectories`` are those of :func:`toolkit.analysis.trajectory.trajectories`
    for the same scales (their paired change is the complete-case side).
    """
    by_key = {(t["instrument"], t["scale"]): t for t in trajectories}
    out = []
    for info in infos:
        if info.kind != "score":
            continue
        values = cube.values[cube.index(info.key)]
        points = by_key[info.key]["points"]
        fit, present = _fit(values)
        scored = ~np.isnan(values)
        baseline_sd = points[0]["sd"]
        converged = bool(fit is not None and fit.converged)
        sign = stats.orientation(info.spec.higher_is)
        out.append(
            {
                **info.identity(),
                "method": METHOD,
                "effect_size_method": EFFECT_SIZE_METHOD,
                "n_participants": int(scored.any(axis=1).sum()),
                "n_observations": int(scored.sum()),
                "baseline_sd": baseline_sd,
                "participant_variance": fit.participant_variance if converged else None,
                "residual_variance": fit.residual_variance if converged else None,
                "converged": converged,
                "estimates": _estimates(fit, present, cube.waves, points, baseline_sd, sign),
            }
        )
    return plain(out)
