"""Comparison-group ANCOVA block."""

from __future__ import annotations

import numpy as np

from toolkit.analysis.comparison import ancova_block
from toolkit.analysis.comparison import comparison_groups


def test_group_order_puts_the_comparison_first():
    assert comparison_groups(["peer", "control"]) == ("control", "peer")
    assert comparison_groups(["b", "a", None]) == ("a", "b")
    assert comparison_groups(["only"]) is None


def test_ancova_needs_three_pairs_per_group():
    pre = np.array([1.0, 2, 3, 4, 5, 6])
    post = pre + np.array([0, 1, 0, 2, 2, 3])
    small = np.array(["a", "a", "b", "b", "b", "b"], dtype=object)
    assert ancova_block(pre, post, small, ("a", "b")) is None
    ok = np.array(["a", "a", "a", "b", "b", "b"], dtype=object)
    block = ancova_block(pre, post, ok, ("a", "b"))
    assert block["group_n"] == [3, 3] and block["n"] == 6
    assert block["ci"][0] < block["adjusted_difference"] < block["ci"][1]
    assert ancova_block(pre, post, ok, None) is None
