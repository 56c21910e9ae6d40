"""Orientation and edge cases of the per-scale change statistics."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.analysis.change import change_statistics


def test_orientation_for_higher_is_worse():
    pre = np.array([20.0, 18, 25, 14, 22, 17, 23, 16])
    post = np.array([14.0, 15, 20, 12, 15, 16, 18, 10])
    worse = change_statistics(pre, post, "worse")
    better = change_statistics(pre, post, "better")
    # raw direction kept: post - pre is negative
    assert worse["mean_change"] == -4.375 and worse["t"] < 0 and worse["change_ci"][1] < 0
    # a fall on a higher-is-worse scale is an improvement: positive effect sizes
    assert worse["g_av"] > 0 and worse["d_z"] == pytest.approx(2.050227, abs=1e-6)
    assert worse["g_av_ci"][0] > 0 and worse["g_av_ci"][0] < worse["g_av"] < worse["g_av_ci"][1]
    assert better["g_av"] == pytest.approx(-worse["g_av"])
    assert better["g_av_ci"] == pytest.approx([-worse["g_av_ci"][1], -worse["g_av_ci"][0]])
    assert worse["t"] == better["t"]


def test_too_few_pairs_give_none_not_nan():
    one = change_statistics(np.array([3.0]), np.array([5.0]), "better")
    assert one["n_pairs"] == 1 and one["mean_change"] == 2.0
    assert one["t"] is None and one["p"] is None and one["g_av"] is None and one["pre_sd"] is None
    none = change_statistics(np.array([]), np.array([]), "better")
    assert none["n_pairs"] == 0 and none["pre_mean"] is None and none["wilcoxon_p"] is None
