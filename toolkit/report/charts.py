"""Charts for the report: light matplotlib SVGs returned as ``<img>`` data URIs.

Charts are drawn with the object-oriented API (no pyplot, no GUI backend),
with text kept as text (``svg.fonttype = 'none'``) in the report's own font.
Each chart is a handful of elements (see :func:`slim_svg`): WeasyPrint
draws heavy SVG slowly.
matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

from toolkit.shipped import REPORTS
from toolkit.shipped import shipped_dir

FONT_DIR: Path = shipped_dir(REPORTS) / "fonts"
FONT = "Lato"
MM = 1 / 25.4
WIDTH_MM = 165

INK = "#1d2b36"
MUTED = "#6b7780"
RULE = "#d5dbdf"
IMPROVED = "#2a7f78"
NEUTRAL = "#c4ccd2"
WORSE = "#c0573e"
DOMAIN_COLOURS = {"recovery": "#2a7f78", "clinical": "#3e5c76"}

_ready = False


def _setup() -> None:
    global _ready
    if _ready:
        return
    import matplotlib
    from matplotlib import font_manager

    for ttf in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(ttf))
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "peer-outcomes",
            "font.family": FONT,
            "font.size": 8,
            "axes.edgecolor": RULE,
            "axes.linewidth": 0.6,
            "axes.facecolor": "none",
            "xtick.color": MUTED,
            "ytick.color": INK,
            "xtick.major.size": 0,
            "ytick.major.size": 0,
        }
    )
    _ready = True


def new_figure(height_mm: float):
    """A blank figure of the report's width and ``height_mm`` tall, in the report's style."""
    _setup()
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_MM * MM, height_mm * MM))


def to_uri(fig: Any) -> str:
    """The figure as a slim SVG data URI (no date or creator, so the same chart gives the same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, facecolor="none")
    return "data:image/svg+xml;base64," + base64.b64encode(slim_svg(buf.getvalue())).decode("ascii")


_SVG = "{http://www.w3.org/2000/svg}"
_DEFAULT_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"
_ZERO_ROTATION = re.compile(r"^rotate\(-?0 [-\d.e]+ [-\d.e]+\)$")


def slim_svg(svg: bytes) -> bytes:
    """The same drawing with fewer nodes: WeasyPrint draws SVG node by node, in Python.

    matplotlib wraps every artist in a ``<g id=...>``, writes empty groups for
    invisible tick marks, an RDF metadata block and ``rotate(-0 x y)`` on every
    label. Groups that only carry an ``id`` are replaced by their children,
    empty ones, unpainted background paths and the metadata are dropped, and
    zero rotations are removed. matplotlib's one style rule (round joins and
    butt caps for every element) becomes the same two inherited attributes on
    the root, so no stylesheet is matched against each node. What is drawn
    does not change.
    """
    from xml.etree import ElementTree

    ElementTree.register_namespace("", _SVG[1:-1])
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ElementTree.fromstring(svg)
    for metadata in root.findall(f"{_SVG}metadata"):
        root.remove(metadata)
    for defs in root.findall(f"{_SVG}defs"):
        for style in defs.findall(f"{_SVG}style"):
            if style.text == _DEFAULT_STYLE:
                defs.remove(style)
                root.set("stroke-linejoin", "round")
                root.set("stroke-linecap", "butt")
        if len(defs) == 0:
            root.remove(defs)
    _flatten(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _flatten(parent: Any) -> None:
    children = []
    for child in parent:
        _flatten(child)
        child.tail = None
        if child.tag == f"{_SVG}text" and _ZERO_ROTATION.match(child.get("transform", "")):
            del child.attrib["transform"]
        if child.tag == f"{_SVG}g" and set(child.attrib) <= {"id"}:
            children.extend(child)
        elif child.tag == f"{_SVG}path" and child.get("style") == "fill: none" and "clip-path" not in child.attrib:
            continue
        else:
            children.append(child)
    parent[:] = children


def _colour(point: dict[str, Any]) -> str:
    if point["lo"] > 0:
        return IMPROVED
    if point["hi"] < 0:
        return WORSE
    return MUTED


def forest(points: list[dict[str, Any]], title: str) -> dict[str, Any] | None:
    """Hedges' g_av with 95% CIs, one row per outcome, improvement to the right."""
    if not points:
        return None
    height = 13 + 7.5 * len(points)
    fig = new_figure(height)
    ax = fig.add_axes((0.33, 10 / height, 0.47, 1 - 12 / height))
    lo = min(-0.25, *(p["lo"] for p in points))
    hi = max(0.25, *(p["hi"] for p in points))
    pad = (hi - lo) * 0.06
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(len(points) - 0.5, -0.5)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    for i, p in enumerate(points):
        colour = _colour(p)
        ax.plot([p["lo"], p["hi"]], [i, i], color=colour, linewidth=1.8, solid_capstyle="round")
        ax.plot([p["g"]], [i], marker="o", markersize=5.5, color=colour)
        ax.text(
            1.04,
            i,
            f"{p['g']:.2f}  [{p['lo']:.2f}, {p['hi']:.2f}]".replace("-", "\u2212"),
            transform=ax.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize=8,
            color=INK,
        )
    ax.set_yticks(range(len(points)), [p["label"] for p in points])
    ax.tick_params(axis="y", labelsize=8.5, pad=8)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.1f}".replace("-", "\u2212"))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("\u2190 worse      Hedges' g_av      better \u2192", color=MUTED, fontsize=7.5, labelpad=3)
    alt = f"{title}: effect sizes with 95% confidence intervals for " + ", ".join(
        f"{p['label']} {p['g']:.2f} ({p['lo']:.2f} to {p['hi']:.2f})" for p in points
    )
    return {"uri": to_uri(fig), "height_mm": height, "alt": alt}


def reliable_change_bars(bars: list[dict[str, Any]], title: str) -> dict[str, Any] | None:
    """100% stacked bars: reliably improved, no reliable change, reliably deteriorated."""
    if not bars:
        return None
    height = 12 + 7 * len(bars)
    fig = new_figure(height)
    ax = fig.add_axes((0.33, 2 / height, 0.64, 1 - 11 / height))
    ax.set_xlim(0, 1)
    ax.set_ylim(len(bars) - 0.5, -0.5)
    parts = (
        ("improved", IMPROVED, "Reliably improved", "white"),
        ("unchanged", NEUTRAL, "No reliable change", INK),
        ("deteriorated", WORSE, "Reliably deteriorated", "white"),
    )
    for i, bar in enumerate(bars):
        left = 0.0
        for key, colour, _, text_colour in parts:
            width = bar[key]
            ax.barh(i, width, left=left, height=0.62, color=colour, linewidth=0)
            if width >= 0.08:
                ax.text(
                    left + width / 2,
                    i,
                    f"{width * 100:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=text_colour,
                )
            left += width
    ax.set_yticks(range(len(bars)), [b["label"] for b in bars])
    ax.tick_params(axis="y", labelsize=8.5, pad=6)
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [ax.barh(0, 0, color=c, label=label) for _, c, label, _ in parts]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.33, 1.0),
        ncol=3,
        frameon=False,
        fontsize=7.5,
        handlelength=1.0,
        handleheight=0.8,
        columnspacing=1.4,
        borderaxespad=0.2,
    )
    alt = f"{title}: share of people with reliable change. " + "; ".join(
        f"{b['label']}: {b['improved']:.0%} improved, {b['unchanged']:.0%} no reliable change, "
        f"{b['deteriorated']:.0%} deteriorated"
        for b in bars
    )
    return {"uri": to_uri(fig), "height_mm": height, "alt": alt}


def draw_all(context: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Every chart of the report, by name (``recovery_forest``, ``clinical_rci``, ``recovery_trajectory``, ...)."""
    from toolkit.report.trajectory_chart import trajectory_chart

    charts: dict[str, dict[str, Any] | None] = {}
    for domain in ("recovery", "clinical"):
        section = context[domain]
        charts[f"{domain}_forest"] = forest(section["forest"], section["title"])
        charts[f"{domain}_rci"] = reliable_change_bars(section["rci_bars"], section["title"])
        panels = (section.get("over_time") or {}).get("panels")
        charts[f"{domain}_trajectory"] = (
            trajectory_chart(panels, section["title"], DOMAIN_COLOURS[domain]) if panels else None
        )
    return charts
