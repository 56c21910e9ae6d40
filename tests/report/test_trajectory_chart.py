"""The trajectory chart: one panel per scale with the series over the waves, its numbers in the alt text."""

from __future__ import annotations

import base64
import datetime as dt
import re

from toolkit.report import charts
from toolkit.report.context import build_context
from toolkit.report.options import ReportOptions
from toolkit.report.trajectory_chart import trajectory_chart

OPTIONS = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))


def _svg(chart):
    prefix = "data:image/svg+xml;base64,"
    assert chart["uri"].startswith(prefix)
    return base64.b64decode(chart["uri"][len(prefix) :]).decode("utf-8")


def test_each_domain_has_its_own_chart_with_its_own_scales(agreeing_result):
    figures = charts.draw_all(build_context(agreeing_result, OPTIONS))
    recovery, clinical = _svg(figures["recovery_trajectory"]), _svg(figures["clinical_trajectory"])
    assert "Hope (State Hope)" in recovery and "PHQ-9" not in recovery
    assert "Depression severity (PHQ-9)" in clinical and "State Hope" not in clinical
    assert "higher is better" in recovery and "lower is better" in clinical
    assert charts.DOMAIN_COLOURS["recovery"] in recovery and charts.DOMAIN_COLOURS["clinical"] in clinical
    assert len(recovery) < 60_000 and "<image" not in recovery


def test_the_series_has_a_point_and_an_interval_per_wave(agreeing_result):
    panel = build_context(agreeing_result, OPTIONS)["recovery"]["over_time"]["panels"][0]
    svg = _svg(trajectory_chart([panel], "Recovery outcomes", charts.DOMAIN_COLOURS["recovery"]))
    colour = charts.DOMAIN_COLOURS["recovery"]
    strokes = re.findall(rf"<path d=\"([^\"]+)\"[^>]*style=\"[^\"]*stroke: {colour}", svg)
    assert len(strokes) >= 1 + 4  # the line over the waves and an interval at each of the four waves
    for wave in ("Baseline", "Exit"):
        assert wave in svg


def test_alt_text_gives_the_numbers_in_words(agreeing_result):
    ctx = build_context(agreeing_result, OPTIONS)
    panel = ctx["recovery"]["over_time"]["panels"][0]
    row = ctx["recovery"]["over_time"]["tables"][0]["rows"][0]
    alt = charts.draw_all(ctx)["recovery_trajectory"]["alt"]
    low, high = row["mean_ci"].strip("[]").split(", ")
    assert alt.startswith("Recovery outcomes: average score at each wave with 95% confidence intervals.")
    assert f"Hope (State Hope), higher is better: Baseline {row['mean']} ({low} to {high}, n {row['n']})" in alt
    assert panel["points"][-1]["wave"] == "Exit" and "Exit " in alt


def test_a_withheld_mean_is_left_out_and_named():
    panel = {
        "label": "Hope (State Hope)",
        "direction": "higher is better",
        "range": (6.0, 48.0),
        "decimals": 1,
        "points": [
            {"wave": "Baseline", "mean": 30.0, "lo": 29.0, "hi": 31.0, "n": "200"},
            {"wave": "3 months", "mean": 32.0, "lo": 30.5, "hi": 33.5, "n": "120"},
            {"wave": "Exit", "mean": None, "n": "<11"},
        ],
    }
    chart = trajectory_chart([panel], "Recovery outcomes")
    assert "Exit withheld (n <11)" in chart["alt"]
    assert "3 months 32.0 (30.5 to 33.5, n 120)" in chart["alt"]
    assert trajectory_chart([{**panel, "points": panel["points"][2:]}], "Recovery outcomes") is None
