"""Scale descriptions and report order."""

from __future__ import annotations

from toolkit.analysis.catalogue import ordered_scales
from toolkit.analysis.catalogue import scale_info


def test_kind_and_labels(registry):
    assert scale_info(registry, "service_use", "ed_visits").kind == "count"
    phq = scale_info(registry, "phq9", "total")
    assert (phq.kind, phq.domain, phq.short_title, phq.is_total) == ("score", "clinical", "PHQ-9", True)


def test_recovery_before_clinical_and_totals_first(registry):
    keys = [
        ("phq9", "total"),
        ("state_hope", "pathways"),
        ("service_use", "ed_visits"),
        ("state_hope", "total"),
        ("gse", "total"),
    ]
    order = [(i.spec.instrument, i.spec.id) for i in ordered_scales(registry, keys)]
    assert order == [
        ("state_hope", "total"),
        ("state_hope", "pathways"),
        ("gse", "total"),
        ("phq9", "total"),
        ("service_use", "ed_visits"),
    ]
