"""Reliability and reliable change: Cronbach's alpha and the Jacobson-Truax threshold."""

from __future__ import annotations

import math

import numpy as np


def rci_threshold(sd: float, reliability: float, z: float = 1.96) -> float:
    """Jacobson & Truax (1991) reliable change threshold in raw points.

    SEdiff = sd * sqrt(2) * sqrt(1 - r); threshold = z * SEdiff.

    Examples
    --------
    >>> round(rci_threshold(5, 0.85), 6)
    5.367681
    """
    if not (sd > 0 and 0 < reliability < 1):
        return math.nan
    return z * sd * math.sqrt(2.0) * math.sqrt(1.0 - reliability)


def reliable_change_categories(improvement: np.ndarray, threshold: float) -> np.ndarray:
    """Classify oriented changes: 1 reliably improved, -1 reliably deteriorated, 0 neither.

    ``improvement`` is the change oriented so that positive = better. A change
    counts as reliable when its size is at least ``threshold`` (a relative
    tolerance of 1e-9 absorbs floating-point error, so a change of exactly the
    threshold counts).

    Examples
    --------
    >>> reliable_change_categories(np.array([6., 5., -6., 0.]), 6.0)
    array([ 1,  0, -1,  0])
    """
    x = np.asarray(improvement, dtype=float)
    edge = threshold * (1.0 - 1e-9)
    return np.where(x >= edge, 1, np.where(x <= -edge, -1, 0)).astype(np.int64)


def cronbach_alpha(items: np.ndarray) -> tuple[float, float, float, int]:
    """Cronbach's alpha with a 95% Feldt CI on complete rows (listwise).

    ``items`` is an (n, k) array of keyed item values (reverse keys already
    applied); rows with any NaN are dropped first, so the CI uses the number of
    complete rows. (``pingouin.cronbach_alpha(nan_policy='listwise')`` computes
    its CI with the row count before deletion.) Returns (alpha, low, high,
    n_complete); NaN where fewer than 3 complete rows, fewer than 2 items or no
    variance.

    Examples
    --------
    >>> x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4.]])
    >>> round(cronbach_alpha(x)[0], 4)
    0.9286
    """
    import pandas as pd
    import pingouin as pg

    arr = np.asarray(items, dtype=float)
    if arr.ndim != 2:
        raise ValueError("cronbach_alpha: items must be a 2-D array (people x items)")
    complete = arr[~np.isnan(arr).any(axis=1)]
    n, k = complete.shape
    if n < 3 or k < 2:
        return math.nan, math.nan, math.nan, int(n)
    total_var = float(complete.sum(axis=1).var(ddof=1))
    if not total_var > 0 or not (complete.var(axis=0, ddof=1) > 0).any():
        return math.nan, math.nan, math.nan, int(n)
    alpha, ci = pg.cronbach_alpha(pd.DataFrame(complete), nan_policy="listwise", ci=0.95)
    return float(alpha), float(ci[0]), float(ci[1]), int(n)
