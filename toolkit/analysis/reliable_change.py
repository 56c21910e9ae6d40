"""Reliable change (Jacobson & Truax 1991), recovery and severity-band movement."""

from __future__ import annotations

import math

import numpy as np

from toolkit import stats
from toolkit.analysis.result import number
from toolkit.instruments.scales import ScaleSpec

PUBLISHED = "published threshold"
REFERENCE = "reference SD and reliability"
SAMPLE_SD_REFERENCE_R = "sample baseline SD and reference reliability"
REFERENCE_SD_SAMPLE_ALPHA = "reference SD and alpha"
SAMPLE_SD_ALPHA = "sample baseline SD and alpha"


def rci_basis(spec: ScaleSpec, baseline_sd: float | None, alpha: float | None, pre_wave: str) -> dict:
    """Which threshold, SD and reliability the reliable change index uses.

    Precedence: a published threshold; else the reference SD and
    reliability; else the sample's baseline SD with the reference
    reliability; else the reference SD (or the sample's baseline SD) with
    the sample's Cronbach's alpha at baseline. The threshold is
    1.96 * SD * sqrt(2) * sqrt(1 - r). All values are None when none of these
    is available (for example a one-item count).

    Examples
    --------
    >>> from toolkit.instruments import default_registry
    >>> phq9 = default_registry().scales("phq9")[0]
    >>> rci_basis(phq9, 5.0, 0.8, "baseline")["threshold"]
    6.0
    """
    rc = spec.reliable_change
    ref_sd = rc.sd if rc else None
    ref_r = rc.reliability if rc else None
    source = rc.source if rc else None
    alpha_source = f"Cronbach's alpha of this sample at {pre_wave}"
    if rc is not None and rc.threshold is not None:
        return {
            "threshold": float(rc.threshold),
            "sd": ref_sd,
            "reliability": ref_r,
            "source": source,
            "basis": PUBLISHED,
        }
    if ref_sd is not None and ref_r is not None:
        sd, r, basis = ref_sd, ref_r, REFERENCE
    elif ref_r is not None and baseline_sd is not None:
        sd, r, basis = baseline_sd, ref_r, SAMPLE_SD_REFERENCE_R
    elif ref_sd is not None and alpha is not None:
        sd, r, basis, source = ref_sd, alpha, REFERENCE_SD_SAMPLE_ALPHA, f"{source}; {alpha_source}"
    elif baseline_sd is not None and alpha is not None:
        sd, r, basis, source = baseline_sd, alpha, SAMPLE_SD_ALPHA, alpha_source
    else:
        return {"threshold": None, "sd": None, "reliability": None, "source": None, "basis": None}
    threshold = stats.rci_threshold(sd, r)
    if math.isnan(threshold):
        return {"threshold": None, "sd": number(sd), "reliability": number(r), "source": source, "basis": None}
    return {"threshold": threshold, "sd": float(sd), "reliability": float(r), "source": source, "basis": basis}


def in_clinical_range(scores: np.ndarray, spec: ScaleSpec) -> np.ndarray:
    """True where a score is in the clinical range (``>= cutoff`` when higher is worse, ``< cutoff`` otherwise)."""
    if spec.clinical_cutoff is None:
        raise ValueError(f"{spec.instrument}.{spec.id}: no clinical_cutoff")
    x = np.asarray(scores, dtype=float)
    return x >= spec.clinical_cutoff if spec.higher_is == "worse" else x < spec.clinical_cutoff


def rci_counts(pre: np.ndarray, post: np.ndarray, spec: ScaleSpec, basis: dict) -> dict:
    """Counts of reliably improved, unchanged and deteriorated people, and recovered.

    ``recovered`` (reliably improved and moved from the clinical range at
    pre to the non-clinical range at post) and ``n_clinical_pre`` are None
    when the scale has no clinical cut-off. All counts are None when there is
    no threshold.

    Examples
    --------
    >>> from toolkit.instruments import default_registry
    >>> phq9 = default_registry().scales("phq9")[0]
    >>> b = {"threshold": 6.0}
    >>> r = rci_counts(np.array([18., 12, 9]), np.array([9., 7, 15]), phq9, b)
    >>> r["improved"], r["unchanged"], r["deteriorated"], r["recovered"], r["n_clinical_pre"]
    (1, 1, 1, 1, 2)
    """
    empty = {"improved": None, "unchanged": None, "deteriorated": None, "recovered": None, "n_clinical_pre": None}
    if basis.get("threshold") is None:
        return empty
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    improvement = stats.orientation(spec.higher_is) * (post - pre)
    cat = stats.reliable_change_categories(improvement, basis["threshold"])
    out = {
        "improved": int((cat == 1).sum()),
        "unchanged": int((cat == 0).sum()),
        "deteriorated": int((cat == -1).sum()),
        "recovered": None,
        "n_clinical_pre": None,
    }
    if spec.clinical_cutoff is not None:
        clinical_pre = in_clinical_range(pre, spec)
        clinical_post = in_clinical_range(post, spec)
        out["recovered"] = int(((cat == 1) & clinical_pre & ~clinical_post).sum())
        out["n_clinical_pre"] = int(clinical_pre.sum())
    return out


def clinical_bands(spec: ScaleSpec) -> list[int] | None:
    """Indices of the bands that lie in the clinical range, when the cut-off falls on a band edge.

    A band covers scores from its ``min`` up to the next band's ``min``. None
    when the scale has no cut-off or the cut-off splits a band.

    Examples
    --------
    >>> from toolkit.instruments import default_registry
    >>> clinical_bands(default_registry().scales("phq9")[0])
    [2, 3, 4]
    """
    if spec.clinical_cutoff is None or not spec.bands:
        return None
    mins = [b.min for b in spec.bands]
    if spec.clinical_cutoff not in mins:
        return None
    edge = mins.index(spec.clinical_cutoff)
    rows = range(edge, len(mins)) if spec.higher_is == "worse" else range(0, edge)
    return list(rows)


def band_crosstab(
    pre_band: np.ndarray, post_band: np.ndarray, labels: list[str], clinical_rows: list[int] | None = None
) -> dict:
    """Counts of people by pre band (rows) and post band (columns), in band order.

    ``clinical_rows`` (from :func:`clinical_bands`) is passed through.

    Examples
    --------
    >>> band_crosstab(np.array(["mild", "severe", "mild"]), np.array(["mild", "mild", "severe"]),
    ...               ["mild", "severe"])
    {'labels': ['mild', 'severe'], 'crosstab': [[1, 1], [1, 0]], 'clinical_rows': None}
    """
    import pandas as pd

    k = len(labels)
    pre_code = pd.Categorical(pre_band, categories=labels).codes.astype(np.int64)
    post_code = pd.Categorical(post_band, categories=labels).codes.astype(np.int64)
    keep = (pre_code >= 0) & (post_code >= 0)
    counts = np.bincount(pre_code[keep] * k + post_code[keep], minlength=k * k).reshape(k, k)
    return {"labels": list(labels), "crosstab": counts.tolist(), "clinical_rows": clinical_rows}
