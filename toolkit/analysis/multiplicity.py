"""Adjusting p-values for multiple outcomes, family by family."""

from __future__ import annotations

import numpy as np

from toolkit import stats

HOLM = "holm"
BH = "fdr_bh"


def tested_p(scale: dict) -> tuple[float | None, str]:
    """The p-value a scale contributes to its family, and which field it came from.

    Counts (service use) are tested with the Wilcoxon signed-rank test; other
    scales with the paired t-test.
    """
    field = "wilcoxon_p" if scale["kind"] == "count" else "p"
    return scale[field], field


def adjust_families(scales: list[dict]) -> None:
    """Fill ``p_adjusted``, ``p_adjust_method`` and ``p_adjusted_for`` in place.

    Families: within each domain, Holm across the ``total`` scales and
    Benjamini-Hochberg across the other scales (subscales and counts). A scale
    without a p-value gets ``p_adjusted`` None and does not count towards its
    family's size.

    Examples
    --------
    >>> rows = [{"domain": "recovery", "is_total": True, "kind": "score", "p": p, "wilcoxon_p": None}
    ...         for p in (.01, .04, .03, .20)]
    >>> adjust_families(rows)
    >>> [round(r["p_adjusted"], 4) for r in rows]
    [0.04, 0.09, 0.09, 0.2]
    """
    families: dict[tuple[str, bool], list[int]] = {}
    for i, s in enumerate(scales):
        families.setdefault((s["domain"], bool(s["is_total"])), []).append(i)
    for (_, is_total), members in families.items():
        method = HOLM if is_total else BH
        raw = np.array(
            [np.nan if tested_p(scales[i])[0] is None else tested_p(scales[i])[0] for i in members], dtype=float
        )
        adjusted = stats.adjust_p(raw, method)
        for i, value in zip(members, adjusted, strict=True):
            scales[i]["p_adjusted"] = None if np.isnan(value) else float(value)
            scales[i]["p_adjust_method"] = method
            scales[i]["p_adjusted_for"] = tested_p(scales[i])[1]
