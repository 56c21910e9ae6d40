"""A hand-made analysis result in the documented schema, for report tests.

The numbers are invented but consistent (n, means, CIs); the tests check
how the report shows them, not the statistics.
"""

from __future__ import annotations

import copy

import pytest


def _scale(instrument, title, short, label, domain, area, higher_is, n, pre, post, g, g_ci,
           p_adj, *, scale="total", is_total=True, kind="score", rci=None, bands=None, counts=None,
           alpha=0.86, p=None):
    sign = 1 if higher_is == "better" else -1
    change = post[0] - pre[0]
    return {
        "instrument": instrument, "instrument_title": title, "short_title": short, "scale": scale,
        "label": label, "domain": domain, "area": area, "higher_is": higher_is, "is_total": is_total,
        "kind": kind, "with_pre": n + 40, "with_post": n + 2, "n_pairs": n,
        "pre_mean": pre[0], "pre_sd": pre[1], "post_mean": post[0], "post_sd": post[1],
        "mean_change": change, "change_ci": [change - 1.1, change + 1.1],
        "t": sign * g * (n ** 0.5) * 1.1, "df": n - 1, "p": p if p is not None else p_adj / 2,
        "p_adjusted": p_adj, "p_adjust_method": "holm" if is_total else "fdr_bh",
        "wilcoxon_p": p_adj / 1.5, "g_av": g, "g_av_ci": g_ci, "d_z": g * 1.2,
        "d_z_ci": [g_ci[0] * 1.2, g_ci[1] * 1.2], "alpha_pre": alpha, "alpha_pre_ci": [alpha - 0.04, alpha + 0.03],
        "alpha_n": n + 30, "alpha_low": alpha < 0.7,
        "rci": rci, "bands": bands, "counts": counts, "ancova": None,
    }


def _rci(threshold, improved, unchanged, deteriorated, recovered=None, n_clinical=None, basis="reference"):
    return {"threshold": threshold, "sd": 6.2, "reliability": 0.86, "source": "Test reference (2001)",
            "basis": basis, "improved": improved, "unchanged": unchanged, "deteriorated": deteriorated,
            "recovered": recovered, "n_clinical_pre": n_clinical}


def make_result() -> dict:
    """Unsuppressed result: 400 enrolled, 262 matched, one scale on 7 people."""
    scales = [
        _scale("state_hope", "State Hope Scale", "State Hope", "Hope", "recovery", "hope", "better",
               260, (29.4, 7.1), (32.5, 6.8), 0.44, [0.31, 0.57], 0.0004,
               rci=_rci(6.4, 88, 160, 12)),
        _scale("state_hope", "State Hope Scale", "State Hope", "Agency", "recovery", "hope", "better",
               260, (14.1, 3.9), (15.6, 3.7), 0.39, [0.26, 0.52], 0.001, scale="agency", is_total=False),
        _scale("gse", "General Self-Efficacy Scale", "GSE", "Self-efficacy", "recovery", "self_efficacy",
               "better", 258, (27.2, 5.5), (28.0, 5.6), 0.14, [-0.02, 0.29], 0.094,
               rci=_rci(7.1, 31, 215, 12)),
        _scale("mdes", "Making Decisions Empowerment Scale", "MDES", "Empowerment", "recovery",
               "empowerment", "better", 7, (2.8, 0.3), (2.9, 0.3), 0.30, [-0.5, 1.1], 0.4,
               rci=_rci(0.4, 3, 4, 0)),
        _scale("phq9", "Patient Health Questionnaire-9", "PHQ-9", "Depression severity", "clinical",
               "symptoms", "worse", 261, (12.3, 5.8), (11.6, 5.9), 0.12, [-0.01, 0.24], 0.21,
               rci=_rci(6, 41, 197, 23, recovered=19, n_clinical=150, basis="threshold"),
               bands={"labels": ["minimal", "mild", "moderate", "moderately severe", "severe"],
                      "crosstab": [[20, 8, 3, 0, 0], [9, 30, 11, 2, 0], [4, 15, 40, 12, 2],
                                   [0, 5, 14, 30, 9], [0, 0, 6, 9, 32]]}),
        _scale("gad7", "Generalized Anxiety Disorder-7", "GAD-7", "Anxiety severity", "clinical",
               "symptoms", "worse", 259, (10.1, 5.0), (10.9, 5.1), -0.18, [-0.31, -0.05], 0.02,
               rci=_rci(4, 30, 190, 39, recovered=12, n_clinical=120, basis="threshold")),
        _scale("service_use", "Service use", "Service use", "Nights in psychiatric hospital", "clinical",
               "service_use", "worse", 240, (0.9, 2.1), (0.6, 1.8), 0.1, [-0.03, 0.23], 0.03,
               kind="count", scale="hospital_nights", is_total=False,
               counts={"pre_total": 216, "post_total": 144, "pre_median": 0, "post_median": 0,
                       "pre_any": 38, "post_any": 27}),
    ]
    return {
        "pre_wave": "baseline", "post_wave": "exit", "toolkit_version": "0.1.0",
        "participants": {"enrolled": 400, "with_pre": 398, "with_post": 263, "matched": 262, "retention_pct": 65.5},
        "attrition": [
            {"instrument": "phq9", "scale": "total", "n_completers": 261, "n_noncompleters": 137,
             "completer_mean": 11.9, "completer_sd": 5.7, "noncompleter_mean": 13.8, "noncompleter_sd": 5.9,
             "mean_difference": -1.9, "standardized_difference": -0.33},
            {"instrument": "state_hope", "scale": "total", "n_completers": 260, "n_noncompleters": 136,
             "completer_mean": 29.6, "completer_sd": 7.0, "noncompleter_mean": 29.1, "noncompleter_sd": 7.3,
             "mean_difference": 0.5, "standardized_difference": 0.07},
        ],
        "scales": scales,
        "sites": [
            {"site": "Eastside Drop-in", "enrolled": 150, "matched": 99,
             "scales": [{"instrument": "state_hope", "scale": "total", "n_pairs": 98, "mean_change": 3.3, "g_av": 0.47},
                        {"instrument": "phq9", "scale": "total", "n_pairs": 99, "mean_change": -0.8, "g_av": 0.13}]},
            {"site": "Harbor Respite", "enrolled": 14, "matched": 8,
             "scales": [{"instrument": "state_hope", "scale": "total", "n_pairs": 8, "mean_change": 2.0, "g_av": 0.3},
                        {"instrument": "phq9", "scale": "total", "n_pairs": 8, "mean_change": -0.5, "g_av": 0.1}]},
        ],
        "data_quality": {"rows": 663, "scores": 5304, "invalid_scores": 61,
                         "invalid_by_reason": {"too few items answered": 58, "out of range": 3},
                         "insufficient_items": 58, "missing_item_pct": {"phq9": 1.9, "state_hope": 2.4}},
        "alerts": {"raised": 23, "acknowledged": 21, "median_hours_to_ack": 2.5},
    }


def suppressed_by_hand(result: dict) -> dict:
    """The same result as the suppression rule (threshold 11) leaves it, written out by hand."""
    out = copy.deepcopy(result)
    mdes = next(s for s in out["scales"] if s["instrument"] == "mdes")
    for key in ("n_pairs", "with_pre", "with_post"):
        mdes[key] = "<11"
    for key in ("pre_mean", "pre_sd", "post_mean", "post_sd", "mean_change", "change_ci", "t", "df", "p",
                "p_adjusted", "wilcoxon_p", "g_av", "g_av_ci", "d_z", "d_z_ci"):
        mdes[key] = None
    mdes["rci"].update(improved="<11", unchanged="<11", deteriorated=0)
    harbor = out["sites"][1]
    harbor["matched"] = "<11"
    for sc in harbor["scales"]:
        sc.update(n_pairs="<11", mean_change=None, g_av=None)
    phq = next(s for s in out["scales"] if s["instrument"] == "phq9")
    grid = phq["bands"]["crosstab"]
    for row in grid:
        for j, v in enumerate(row):
            if 0 < v < 11:
                row[j] = "<11"
    return out


@pytest.fixture
def result() -> dict:
    return make_result()


@pytest.fixture
def suppressed_result() -> dict:
    return suppressed_by_hand(make_result())
