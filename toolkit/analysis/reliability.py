"""Cronbach's alpha of each scale at the pre wave."""

from __future__ import annotations

import pandas as pd

from toolkit import stats
from toolkit.analysis.result import interval
from toolkit.analysis.result import number
from toolkit.instruments.registry import Registry
from toolkit.instruments.scales import ScaleSpec

LOW_ALPHA = 0.70


def alpha_at_pre(wide_pre: pd.DataFrame, spec: ScaleSpec, registry: Registry) -> dict:
    """Cronbach's alpha (listwise, reverse keys applied) with its 95% CI at the pre wave.

    ``wide_pre`` holds the pre-wave rows of the wide file. Scales with a
    single item, or whose items are not all in the file, get None.
    """
    from toolkit.scoring import keyed_items

    empty = {"alpha_pre": None, "alpha_pre_ci": [None, None], "alpha_n": None, "alpha_low": None}
    if len(spec.items) < 2 or not set(spec.items) <= set(wide_pre.columns):
        return empty
    items = keyed_items(wide_pre, spec, registry).to_numpy(dtype=float)
    alpha, low, high, n = stats.cronbach_alpha(items)
    value = number(alpha)
    return {
        "alpha_pre": value,
        "alpha_pre_ci": interval(low, high),
        "alpha_n": int(n),
        "alpha_low": None if value is None else bool(value < LOW_ALPHA),
    }
