"""The report context: suppression first, domains kept apart, rows formatted."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.report.context import build_context
from toolkit.report.options import ReportOptions

OPTIONS = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))


def _names(rows):
    return {r["name"] for r in rows}


def test_sections_in_the_order_of_the_report(result):
    ctx = build_context(result, OPTIONS)
    assert [s["id"] for s in ctx["sections"]] == [
        "glance",
        "participation",
        "recovery",
        "clinical",
        "alerts",
        "sites",
        "quality",
        "methods",
        "appendix",
    ]


def test_alerts_section_only_when_the_data_have_an_alert_log(result):
    result.alerts = None
    ctx = build_context(result, OPTIONS)
    assert "alerts" not in [s["id"] for s in ctx["sections"]]
    assert ctx["alerts"] is None


def test_recovery_and_clinical_rows_come_from_their_own_domain_only(result):
    ctx = build_context(result, OPTIONS)
    recovery = _names(ctx["recovery"]["rows"])
    clinical = _names(ctx["clinical"]["rows"]) | _names(ctx["clinical"]["counts"])
    assert recovery == {"Hope (State Hope)", "Self-efficacy (GSE)", "Empowerment (MDES)"}
    assert clinical == {
        "Depression severity (PHQ-9)",
        "Anxiety severity (GAD-7)",
        "Psychiatric hospital nights",
        "Emergency-department visits",
        "Crisis contacts",
        "Nights in jail",
    }
    assert [r["area"] for r in ctx["recovery"]["rows"]] == ["Hope", "Empowerment", "Self-efficacy"]


def test_suppression_is_applied_before_anything_is_shown(result):
    ctx = build_context(result, OPTIONS)
    mdes = next(r for r in ctx["recovery"]["rows"] if "MDES" in r["name"])
    assert mdes["n"] == "<11"
    assert mdes["withheld"] and mdes["verdict"] == "not reported"
    assert mdes["g"] == "suppressed"
    assert "Fewer than 11 people" in mdes["sentence"]
    assert all(p["label"] != "Empowerment (MDES)" for p in ctx["recovery"]["forest"])
    harbor = next(s for s in ctx["sites"]["overview"] if s["site"] == "Harbor Respite")
    assert harbor["matched"] == "<11"


def test_a_higher_threshold_withholds_more(result):
    ctx = build_context(result, ReportOptions(program_name="X", suppress=300))
    assert ctx["meta"]["withheld_label"] == "<300"
    assert all(r["withheld"] for r in ctx["recovery"]["rows"])


def test_rows_carry_formatted_statistics(result):
    ctx = build_context(result, OPTIONS)
    hope = ctx["recovery"]["rows"][0]
    s = result.scale("state_hope")
    assert s.p_adjusted < 0.001
    assert (hope["pre"], hope["post"], hope["g"], hope["g_ci"], hope["p_adj"]) == (
        f"{s.pre_mean:.1f} ({s.pre_sd:.1f})",
        f"{s.post_mean:.1f} ({s.post_sd:.1f})",
        f"{s.g_av:.2f}",
        f"[{s.g_av_ci[0]:.2f}, {s.g_av_ci[1]:.2f}]",
        "< .001",
    )
    assert (hope["pre"], hope["g"]) == ("29.1 (9.6)", "0.48")
    assert hope["verdict"] == "improved"
    assert ctx["glance"]["tiles"][0] == {"value": "300", "label": "people enrolled"}


def test_band_movement_is_summarised_only_when_no_cell_is_withheld(suppressed_result):
    ctx = build_context(suppressed_result, OPTIONS, already_suppressed=True)
    table = next(t for t in ctx["clinical"]["bands"] if "PHQ-9" in t["name"])
    assert table["labels"][0] == "minimal"
    assert table["rows"][1]["cells"][0] == {"text": "<11", "kind": "better"}
    assert table["summary"] == ""


def test_methods_say_so_when_there_is_no_comparison_group(result):
    ctx = build_context(result, OPTIONS)
    assert ctx["methods"]["has_comparison"] is False
    families = {(f["domain"], f["method"]) for f in ctx["methods"]["families"]}
    assert ("recovery", "Holm") in families and ("clinical", "Benjamini–Hochberg") in families


@pytest.mark.parametrize("bad", [{"program_name": " "}, {"program_name": "X", "suppress": 0}])
def test_options_are_checked(bad):
    with pytest.raises(ValueError):
        ReportOptions(**bad)
