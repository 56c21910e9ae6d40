"""Plain, JSON-able results."""

from __future__ import annotations

import json

import numpy as np

from toolkit.analysis.result import plain


def test_plain_converts_numpy_and_missing():
    out = plain(
        {"a": np.int64(2), "b": [np.float64(np.inf), np.bool_(True)], "c": (1, None), "d": np.array([1.5, np.nan])}
    )
    assert out == {"a": 2, "b": [None, True], "c": [1, None], "d": [1.5, None]}
    assert type(out["a"]) is int and type(out["b"][1]) is bool
    json.dumps(out, allow_nan=False)
