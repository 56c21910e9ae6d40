"""Reliable change basis, categories, recovery and band movement (Jacobson & Truax 1991)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from toolkit.analysis.reliable_change import band_crosstab
from toolkit.analysis.reliable_change import clinical_bands
from toolkit.analysis.reliable_change import rci_basis
from toolkit.analysis.reliable_change import rci_counts
from toolkit.instruments.schema import ReliableChange


@pytest.fixture
def phq9(registry):
    return registry.scales("phq9")[0]


@pytest.fixture
def barc10(registry):
    return registry.scales("barc10")[0]  # higher is better, clinical cut-off 47 (scores < 47 clinical)


def with_rc(spec, **kw):
    return dataclasses.replace(spec, reliable_change=ReliableChange(source="test", **kw) if kw else None)


def test_basis_precedence(phq9):
    # published threshold beats reference SD and reliability
    b = rci_basis(with_rc(phq9, threshold=6, sd=5, reliability=0.8), 4.0, 0.9, "baseline")
    assert (b["basis"], b["threshold"]) == ("published threshold", 6.0)
    # reference SD and reliability: 1.96 * 5 * sqrt(2) * sqrt(1 - .84) = 1.96 * 5 * sqrt(.32) = 5.543717
    b = rci_basis(with_rc(phq9, sd=5, reliability=0.84), 4.0, 0.9, "baseline")
    assert b["basis"] == "reference SD and reliability" and b["threshold"] == pytest.approx(5.543717, abs=1e-6)
    # reference reliability only: the sample's baseline SD (4) with it
    b = rci_basis(with_rc(phq9, reliability=0.84), 4.0, 0.9, "baseline")
    assert b["basis"] == "sample baseline SD and reference reliability"
    assert (b["sd"], b["reliability"]) == (4.0, 0.84)
    # nothing published: sample SD and the sample's alpha, and the source says so
    b = rci_basis(with_rc(phq9), 4.0, 0.9, "baseline")
    assert b["basis"] == "sample baseline SD and alpha" and b["reliability"] == 0.9
    assert "baseline" in b["source"]
    # no alpha either (e.g. one item): no threshold, no counts
    b = rci_basis(with_rc(phq9), 4.0, None, "baseline")
    assert b["threshold"] is None and rci_counts(np.array([1.0]), np.array([9.0]), phq9, b)["improved"] is None


def test_counts_on_threshold_edges_for_higher_is_worse(phq9):
    # PHQ-9: threshold 6 points; a fall is an improvement. Changes: -6, -5, +6, +5, 0, -7
    pre = np.array([16, 15, 4, 4, 10, 20.0])
    post = np.array([10, 10, 10, 9, 10, 13.0])
    r = rci_counts(pre, post, phq9, {"threshold": 6.0})
    assert (r["improved"], r["unchanged"], r["deteriorated"]) == (2, 3, 1)
    # recovered: reliably improved and from >= 10 at pre to < 10 at post.
    # 16 -> 10 improved but still clinical (10 >= 10); 20 -> 13 improved, still clinical.
    assert r["recovered"] == 0 and r["n_clinical_pre"] == 4
    r = rci_counts(np.array([15.0]), np.array([9.0]), phq9, {"threshold": 6.0})
    assert r["recovered"] == 1


def test_recovery_for_higher_is_better(barc10):
    # BARC-10: scores below 47 are clinical; a rise is an improvement.
    pre = np.array([40, 40, 50, 46.0])
    post = np.array([47, 46, 40, 52.0])
    r = rci_counts(pre, post, barc10, {"threshold": 6.0})
    # changes +7, +6, -10, +6 -> improved 3, deteriorated 1
    assert (r["improved"], r["unchanged"], r["deteriorated"]) == (3, 0, 1)
    # recovered: 40 -> 47 (crosses 47) and 46 -> 52; 40 -> 46 stays below 47
    assert r["recovered"] == 2 and r["n_clinical_pre"] == 3


def test_clinical_bands_and_crosstab(phq9, registry):
    assert clinical_bands(phq9) == [2, 3, 4]  # moderate and above: scores >= 10
    assert clinical_bands(registry.scales("gad7")[0]) is None  # cut-off 8 splits the 5-9 band
    tab = band_crosstab(
        np.array(["mild", "severe", None]),
        np.array(["minimal", "mild", "mild"]),
        ["minimal", "mild", "moderate", "moderately severe", "severe"],
        [2, 3, 4],
    )
    assert tab["crosstab"][1][0] == 1 and tab["crosstab"][4][1] == 1
    assert sum(map(sum, tab["crosstab"])) == 2  # a pair without a band is not counted
