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


def _raw_svg(fig):
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def test_slim_svg_drops_wrappers_but_keeps_every_mark_and_label():
    fig = charts.new_figure(30)
    ax = fig.add_axes((0.3, 0.2, 0.6, 0.7))
    ax.plot([0, 1], [0, 1], color=charts.IMPROVED, marker="o")
    ax.set_yticks([0, 1], ["low", "high"])
    raw = _raw_svg(fig)
    slim = charts.slim_svg(raw).decode("utf-8")
    text = raw.decode("utf-8")
    assert "<metadata" in text and "rotate(-0" in text and '<g id="figure_1">' in text
    assert "<metadata" not in slim and "rotate(-0" not in slim and "<style" not in slim
    assert not re.search(r'<g id="[^"]*"\s*/?>', slim)  # no group carries only an id
    assert 'stroke-linejoin="round"' in slim and 'stroke-linecap="butt"' in slim
    for tag in ("text", "use", "clipPath"):
        assert slim.count(f"<{tag}") == text.count(f"<{tag}"), tag
    painted = [s for s in re.findall(r'<path [^>]*style="([^"]*)"', text) if s != "fill: none"]
    assert sorted(re.findall(r'<path [^>]*style="([^"]*)"', slim)) == sorted(painted)
    for label in ("low", "high"):
        assert f">{label}</text>" in slim
    assert len(slim) < 0.8 * len(text)


def test_chart_uris_are_slim():
    svg = _svg(charts.reliable_change_bars(BARS, "Recovery outcomes"))
    assert "<metadata" not in svg and "<g id=" not in svg
    assert not re.search(r'<path [^>]*style="fill: #ffffff"', svg)  # the page is the background
