"""Render the report context to HTML with the Jinja2 templates in ``reports/``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from markupsafe import Markup

from toolkit.shipped import REPORTS
from toolkit.shipped import shipped_dir

REPORTS_DIR: Path = shipped_dir(REPORTS)
"""The shipped ``reports/`` folder (see :mod:`toolkit.shipped`); the PDF may read only files in it."""
TEMPLATE = "report.html"
STYLESHEET = REPORTS_DIR / "report.css"
STYLESHEET_LINK: Markup = Markup('<link rel="stylesheet" href="{}">').format(STYLESHEET.as_uri())
"""The report's ``<link>`` to its stylesheet, exactly as rendered (the PDF step uses a parsed copy instead)."""


_GLUED = re.compile(r"[^\s\u00a0]*(?:\u00a0[^\s\u00a0]*)+")


def keep_together(text: str) -> Markup:
    """Escape ``text`` and keep each group joined by no-break spaces on one line.

    Pango may still break inside such a group (for example after the dot
    of ``p = .222``), so each group is wrapped in a ``nowrap`` span.
    """
    parts, last = [], 0
    for match in _GLUED.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<span class="nobr">{}</span>').format(match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@cache
def environment() -> jinja2.Environment:
    """The template environment (autoescaped, undefined names are errors)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORTS_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["together"] = keep_together
    return env


def render_html(context: dict[str, Any], charts: dict[str, Any] | None = None) -> str:
    """The report as one HTML document.

    ``charts`` maps chart names (see :func:`toolkit.report.charts.draw_all`)
    to ``{"uri", "height_mm", "alt"}`` or None; without it the report has no
    charts, which is how the tests render it without matplotlib. The
    stylesheet is linked by its absolute ``file:`` URI, so the HTML kept next
    to a PDF still opens with its styles and fonts on the same machine.
    """
    charts = charts or {}
    names = [f"{d}_{c}" for d in ("recovery", "clinical") for c in ("forest", "rci", "trajectory")]
    figures = {name: charts.get(name) for name in names}
    return environment().get_template(TEMPLATE).render(**context, charts=figures, stylesheet_link=STYLESHEET_LINK)
