"""The sentences about the two estimates of change."""

from __future__ import annotations

from toolkit.report.estimates import disagreement


def test_one_differing_wave_reads_as_one_plain_sentence():
    assert disagreement("Hope (HHI)", ["6 months"]) == (
        "For hope (HHI) at 6 months, the estimate using everyone differs from the estimate using only people who"
        " came back: the people who left may have been doing differently."
    )


def test_several_differing_waves_are_listed_once():
    text = disagreement("Depression severity (PHQ-9)", ["3 months", "6 months", "Exit"])
    assert text.startswith("For depression severity (PHQ-9) at 3 months, 6 months and exit, the estimates using")
    assert text.count("For ") == 1
