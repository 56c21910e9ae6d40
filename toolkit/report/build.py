"""From an analysis result to a finished report: suppression, charts, HTML and PDF.

The report never reads the database, scores or analyses: callers (the
pipeline in :mod:`toolkit.pipeline`) hand it an unsuppressed analysis result,
and small cells are withheld here before anything else reads the numbers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

from toolkit.report.options import ReportOptions

if TYPE_CHECKING:
    from toolkit.analysis.model import AnalysisResult


@dataclass
class Timings:
    """Seconds spent in each step of one report (filled in as the steps run)."""

    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a block and add it to ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def report_html(
    result: AnalysisResult, options: ReportOptions, registry: Any = None, timings: Timings | None = None
) -> str:
    """The report HTML for an (unsuppressed) analysis result; suppression is applied here."""
    from toolkit.instruments import default_registry
    from toolkit.report import charts
    from toolkit.report.context import build_context
    from toolkit.report.render import render_html

    timings = timings or Timings()
    registry = registry or default_registry()
    with timings.step("html"):
        context = build_context(result, options, registry)
    with timings.step("charts"):
        figures = charts.draw_all(context)
    with timings.step("html"):
        return render_html(context, figures)


def write_report(
    result: AnalysisResult,
    options: ReportOptions,
    out: Path | str,
    keep_html: bool = False,
    registry: Any = None,
    timings: Timings | None = None,
) -> Path:
    """Write the PDF report of ``result`` to ``out`` (and ``out`` with ``.html`` when ``keep_html``)."""
    from toolkit.report.pdf import write_pdf

    timings = timings or Timings()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = report_html(result, options, registry, timings)
    if keep_html:
        out.with_suffix(".html").write_text(html, encoding="utf-8")
    with timings.step("pdf"):
        return write_pdf(html, out)
