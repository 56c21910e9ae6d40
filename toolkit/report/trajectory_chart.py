"""The trajectory chart: one small panel per scale, the mean at each wave with its 95% CI.

Scales differ in range, so each has its own panel and its own axis; an axis
spans at least a quarter of the scale's possible range, so a small change is
not drawn as a steep one. A withheld mean is left out of its panel (the line
breaks there) and named in the alt text.
"""

from __future__ import annotations

import math
from typing import Any

from toolkit.report.charts import INK
from toolkit.report.charts import new_figure
from toolkit.report.charts import to_uri
from toolkit.report.charts import WIDTH_MM

COLUMNS = 3
ROW_MM = 46.0
MIN_SHARE_OF_RANGE = 0.25
MINUS = "\u2212"


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace("-", MINUS)


def _limits(panel: dict[str, Any]) -> tuple[float, float]:
    drawn = [p for p in panel["points"] if p["mean"] is not None]
    lo = min(p["lo"] for p in drawn)
    hi = max(p["hi"] for p in drawn)
    span = panel["range"]
    least = (span[1] - span[0]) * MIN_SHARE_OF_RANGE if span else 0.0
    width = max(hi - lo, least, 1e-9) * 1.15
    middle = (lo + hi) / 2
    low, high = middle - width / 2, middle + width / 2
    if span:
        if low < span[0]:
            low, high = span[0], span[0] + width
        if high > span[1]:
            low, high = max(span[0], span[1] - width), span[1]
    return min(low, lo), max(high, hi)


def _tick(wave: str) -> str:
    return wave.replace(" ", "\n", 1)


def _draw_panel(ax: Any, panel: dict[str, Any], colour: str) -> None:
    points = panel["points"]
    xs = list(range(len(points)))
    means = [p["mean"] if p["mean"] is not None else math.nan for p in points]
    ax.plot(xs, means, color=colour, linewidth=1.4, marker="o", markersize=4)
    drawn = [(x, p) for x, p in zip(xs, points, strict=True) if p["mean"] is not None]
    ax.vlines(
        [x for x, _ in drawn], [p["lo"] for _, p in drawn], [p["hi"] for _, p in drawn], color=colour, linewidth=1.0
    )
    ax.set_xlim(-0.4, len(points) - 0.6)
    ax.set_ylim(*_limits(panel))
    ax.set_xticks(xs, [_tick(p["wave"]) for p in points])
    ax.tick_params(axis="x", labelsize=6.8, pad=3)
    ax.tick_params(axis="y", labelsize=6.8, pad=2)
    dec = panel["decimals"]
    ax.yaxis.set_major_formatter(lambda v, _pos: _number(v, dec))
    ax.yaxis.set_major_locator(_locator())
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"{panel['label']}\n{panel['direction']}", fontsize=7.5, color=INK, loc="left", pad=4)
    ax.title.set_linespacing(1.3)


def _locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=4)


def _describe(panel: dict[str, Any]) -> str:
    dec = panel["decimals"]
    parts = []
    for p in panel["points"]:
        if p["mean"] is None:
            parts.append(f"{p['wave']} withheld (n {p['n']})")
        else:
            parts.append(
                f"{p['wave']} {_number(p['mean'], dec)} ({_number(p['lo'], dec)} to {_number(p['hi'], dec)},"
                f" n {p['n']})"
            )
    return f"{panel['label']}, {panel['direction']}: " + ", ".join(parts)


def trajectory_chart(panels: list[dict[str, Any]], title: str, colour: str = INK) -> dict[str, Any] | None:
    """Mean scores over the waves with 95% CIs, one panel per scale (None when nothing can be drawn)."""
    drawable = [p for p in panels if any(pt["mean"] is not None for pt in p["points"])]
    if not drawable:
        return None
    rows = math.ceil(len(drawable) / COLUMNS)
    height = ROW_MM * rows
    fig = new_figure(height)
    cell_w = 1 / COLUMNS
    for i, panel in enumerate(drawable):
        row, col = divmod(i, COLUMNS)
        left = col * cell_w + 9 / WIDTH_MM
        bottom = 1 - (row + 1) / rows + 11 / height
        ax = fig.add_axes((left, bottom, cell_w - 15 / WIDTH_MM, 1 / rows - 23 / height))
        _draw_panel(ax, panel, colour)
    alt = f"{title}: average score at each wave with 95% confidence intervals. " + "; ".join(
        _describe(p) for p in panels
    )
    return {"uri": to_uri(fig), "height_mm": height, "alt": alt}
