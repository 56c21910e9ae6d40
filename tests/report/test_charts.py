"""Charts are light SVGs embedded as data URIs, with text kept as text."""

from __future__ import annotations

import base64
import re

from toolkit.report import charts

POINTS = [
    {"label": "Hope (State Hope)", "g": 0.44, "lo": 0.31, "hi": 0.57},
    {"label": "Self-efficacy (GSE)", "g": 0.14, "lo": -0.02, "hi": 0.29},
]
BARS = [{"label": "Hope (State Hope)", "improved": 0.34, "unchanged": 0.62, "deteriorated": 0.04, "n": 260}]


def _svg(chart):
    prefix = "data:image/svg+xml;base64,"
    assert chart["uri"].startswith(prefix)
    return base64.b64decode(chart["uri"][len(prefix) :]).decode("utf-8")


def test_forest_plot_is_a_small_svg_with_its_labels_as_text():
    chart = charts.forest(POINTS, "Recovery outcomes")
    svg = _svg(chart)
    assert "<text" in svg and "Hope (State Hope)" in svg and "Lato" in svg
    assert "<image" not in svg
    assert len(svg) < 40_000
    assert chart["height_mm"] == 13 + 7.5 * 2
    assert "0.44 (0.31 to 0.57)" in chart["alt"]


def test_forest_colours_follow_the_interval():
    svg = _svg(charts.forest(POINTS, "Recovery outcomes"))
    colours = set(re.findall(r"stroke: (#[0-9a-f]{6})", svg))
    assert charts.IMPROVED in colours and charts.MUTED in colours
    assert charts.WORSE not in colours


def test_reliable_change_bars_label_the_shares():
    svg = _svg(charts.reliable_change_bars(BARS, "Recovery outcomes"))
    assert "34%" in svg and "62%" in svg
    assert "4%" not in svg.replace("34%", "")  # too narrow to label


def test_no_chart_without_data():
    assert charts.forest([], "x") is None
    assert charts.reliable_change_bars([], "x") is None
