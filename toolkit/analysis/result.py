"""Turning computed values into plain, JSON-able Python."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """A copy of ``value`` with numpy types as Python types and NaN or infinity as None.

    Dicts, lists and tuples are converted recursively (tuples become lists).

    Examples
    --------
    >>> plain({"n": np.int64(3), "m": np.float64("nan"), "ci": (np.float64(1.5), 2)})
    {'n': 3, 'm': None, 'ci': [1.5, 2]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if value is None or isinstance(value, str):
        return value
    if _is_missing(value):
        return None
    return str(value)


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: Any) -> float | None:
    """A float, or None when the value is missing, NaN or infinite.

    Examples
    --------
    >>> number(np.float64(2.5)), number(float("nan")), number(None)
    (2.5, None, None)
    """
    if value is None:
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def interval(low: Any, high: Any) -> list[float | None]:
    """A two-element ``[low, high]`` list of plain floats (None where missing).

    Examples
    --------
    >>> interval(np.float64(1.0), float("nan"))
    [1.0, None]
    """
    return [number(low), number(high)]
