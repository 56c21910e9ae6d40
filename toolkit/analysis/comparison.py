"""Comparison group: ANCOVA of post on group with pre as covariate."""

from __future__ import annotations

import numpy as np

from toolkit import stats
from toolkit.analysis.result import interval
from toolkit.analysis.result import number

MIN_PER_GROUP = 3
REFERENCE_LABELS = ("comparison", "control", "usual care", "usual_care", "tau", "waitlist", "wait-list", "wait_list")


def comparison_groups(groups: list[str | None]) -> tuple[str, str] | None:
    """The two group labels in reference-first order, or None unless there are exactly two.

    A label such as ``comparison`` or ``control`` comes first (the reference);
    otherwise the order is alphabetical.

    Examples
    --------
    >>> comparison_groups(["peer", "comparison", None, "peer"])
    ('comparison', 'peer')
    >>> comparison_groups(["a", "b", "c"]) is None
    True
    """
    labels = sorted({g for g in groups if isinstance(g, str) and g.strip()})
    if len(labels) != 2:
        return None
    ref = [g for g in labels if g.strip().lower() in REFERENCE_LABELS]
    if len(ref) == 1:
        return (ref[0], next(g for g in labels if g != ref[0]))
    return (labels[0], labels[1])


def ancova_block(pre: np.ndarray, post: np.ndarray, group: np.ndarray, groups: tuple[str, str] | None) -> dict | None:
    """ANCOVA ``post ~ group + pre`` over matched pairs that carry one of the two groups.

    ``adjusted_difference`` is the adjusted post mean of ``groups[1]`` minus
    that of ``groups[0]``, in raw units. None when there is no two-group
    comparison or either group has fewer than 3 pairs or the pre score does not
    vary.
    """
    if groups is None:
        return None
    group = np.asarray(group, dtype=object)
    keep = (group == groups[0]) | (group == groups[1])
    pre, post, group = np.asarray(pre, float)[keep], np.asarray(post, float)[keep], group[keep]
    n_a, n_b = int((group == groups[0]).sum()), int((group == groups[1]).sum())
    if min(n_a, n_b) < MIN_PER_GROUP or not pre.std() > 0:
        return None
    try:
        res = stats.ancova_two_groups(post, pre, group.astype(str), groups)
    except (ValueError, np.linalg.LinAlgError):
        return None
    return {
        "groups": list(groups),
        "group_n": [n_a, n_b],
        "adjusted_difference": number(res.difference),
        "ci": interval(res.ci_low, res.ci_high),
        "p": number(res.p),
        "partial_eta_sq": number(res.partial_eta_sq),
        "n": n_a + n_b,
    }
