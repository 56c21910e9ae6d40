"""Multiplicity families: Holm across totals and BH across the rest, within each domain."""

from __future__ import annotations

import pytest

from toolkit.analysis.multiplicity import adjust_families


def row(domain, total, p, kind="score", wilcoxon_p=None):
    return {"domain": domain, "is_total": total, "kind": kind, "p": p, "wilcoxon_p": wilcoxon_p}


def test_families_are_separate_by_domain_and_level():
    rows = [
        row("recovery", True, 0.01),
        row("recovery", True, 0.04),
        row("recovery", True, 0.03),
        row("clinical", True, 0.02),
        row("clinical", True, None),
        row("recovery", False, 0.01),
        row("recovery", False, 0.04),
        row("recovery", False, 0.03),
        row("clinical", False, 0.5, kind="count", wilcoxon_p=0.01),
        row("clinical", False, 0.02),
    ]
    adjust_families(rows)
    # recovery totals, Holm: sorted .01, .03, .04 -> 3*.01 = .03, 2*.03 = .06, 1*.04 -> max(.06, .04) = .06
    assert [r["p_adjusted"] for r in rows[:3]] == pytest.approx([0.03, 0.06, 0.06])
    # clinical totals: one p with a value (None does not count) -> unchanged
    assert rows[3]["p_adjusted"] == pytest.approx(0.02) and rows[4]["p_adjusted"] is None
    # recovery subscales, BH: .01*3/1 = .03, .03*3/2 = .045, .04*3/3 = .04 -> monotone: .03, .04, .04
    assert [r["p_adjusted"] for r in rows[5:8]] == pytest.approx([0.03, 0.04, 0.04])
    # clinical others: the count uses its Wilcoxon p (.01); BH of .01, .02 -> .02, .02
    assert [r["p_adjusted"] for r in rows[8:]] == pytest.approx([0.02, 0.02])
    assert rows[8]["p_adjusted_for"] == "wilcoxon_p" and rows[9]["p_adjusted_for"] == "p"
    assert {r["p_adjust_method"] for r in rows[:5]} == {"holm"}
    assert {r["p_adjust_method"] for r in rows[5:]} == {"fdr_bh"}
