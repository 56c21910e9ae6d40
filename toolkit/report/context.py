"""The report context: everything the templates show, built from an analysis result.

Building the context is separate from rendering: :func:`build_context`
returns plain dicts and strings (no HTML), so the rules about what the report
says can be tested without Jinja2 or WeasyPrint. Small-cell suppression is
applied here, before anything else looks at the numbers, so no report can be
built from unsuppressed counts.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

from toolkit.analysis.model import AnalysisResult
from toolkit.report import formatting as fmt
from toolkit.report import supporting
from toolkit.report import wording
from toolkit.report.estimates import methods_over_time
from toolkit.report.options import ReportOptions
from toolkit.report.outcomes import domain_section
from toolkit.report.outcomes import DOMAINS
from toolkit.report.over_time import over_time
from toolkit.report.period import NO_DATES
from toolkit.report.period import period_text
from toolkit.report.period import selection_sentences
from toolkit.report.waves import missing_patterns
from toolkit.report.waves import wave_names

COMPLEMENTARY = "*"


def suppressed(result: AnalysisResult, threshold: int) -> AnalysisResult:
    """The result with small cells withheld (see :mod:`toolkit.analysis.suppression`)."""
    from toolkit.analysis.suppression import suppress

    return suppress(result, threshold)


def scale_ranges(registry: Any) -> dict[tuple[str, str], tuple[float, float]]:
    """Possible range of every scale in the registry, by (instrument, scale)."""
    if registry is None:
        return {}
    return {(spec.instrument, spec.id): spec.range for inst in registry for spec in registry.scales(inst.id)}


def logo_uri(path: Path | None) -> str | None:
    """The logo as a data URI, so the PDF needs no file access when it is rendered."""
    if path is None:
        return None
    mime = mimetypes.guess_type(str(path))[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def build_context(
    result: AnalysisResult, options: ReportOptions, registry: Any = None, already_suppressed: bool = False
) -> dict[str, Any]:
    """Build the report context from an analysis result.

    Parameters
    ----------
    result : AnalysisResult
        The analysis result (``toolkit.analysis``), unsuppressed.
    options : ReportOptions
        Program name, waves, suppression threshold, logo.
    registry : Registry, optional
        Used for instrument citations, licences and scale ranges.
    already_suppressed : bool
        Set when ``result`` has been through ``suppress`` already.
    """
    if already_suppressed and not result.is_suppressed:
        raise ValueError("already_suppressed: the result has not been through suppress()")
    data = result if already_suppressed else suppressed(result, options.suppress)
    ranges = scale_ranges(registry)
    titles = {s.instrument: s.short_title or s.instrument for s in data.scales}
    names = wave_names(data, options)
    recovery, clinical = (
        {
            **domain_section(data.scales, domain, ranges),
            "over_time": over_time(data, domain, names, ranges),
        }
        for domain in ("recovery", "clinical")
    )
    flow = supporting.participation(data, options.pre_name, options.post_name, ranges)
    flow["patterns"] = missing_patterns(data, names)
    alerts = supporting.alerts(data)
    site_names = list(options.sites) or [s.site for s in data.sites]
    sections = [
        ("glance", "At a glance"),
        ("participation", "Participation and retention"),
        ("recovery", DOMAINS["recovery"]),
        ("clinical", DOMAINS["clinical"]),
        *([("alerts", "Safety alerts")] if alerts is not None else []),
        ("sites", "Sites"),
        ("quality", "Data quality"),
        ("methods", "Methods and limitations"),
        ("appendix", "Appendix"),
    ]
    return {
        "meta": {
            "program": options.program_name,
            "period": period_text(data.selection),
            "dated": period_text(data.selection) != NO_DATES,
            "waves": list(names.values()),
            "pre": options.pre_name,
            "post": options.post_name,
            "sites": site_names,
            "instruments": _instruments(data),
            "version": data.toolkit_version,
            "generated": options.generated.strftime("%-d %B %Y"),
            "logo": logo_uri(options.logo),
            "threshold": options.suppress,
            "withheld_label": f"<{options.suppress}",
            "withheld_marks": [f"<{options.suppress}", COMPLEMENTARY],
        },
        "sections": [{"id": i, "title": t} for i, t in sections],
        "glance": _glance(flow, recovery, clinical),
        "participation": flow,
        "recovery": recovery,
        "clinical": clinical,
        "alerts": alerts,
        "sites": supporting.sites(data, ranges),
        "quality": supporting.data_quality(data, titles),
        "methods": {
            **supporting.methods(data, options.suppress, ranges),
            **methods_over_time(data),
            "selection": selection_sentences(data.selection, next(iter(names.values()), options.pre_name)),
        },
        "appendix": supporting.appendix(data, registry, ranges),
    }


def _instruments(data: AnalysisResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"recovery": [], "clinical": []}
    for s in data.scales:
        name = s.instrument_title or s.short_title or s.instrument
        bucket = out[s.domain]
        if name not in bucket:
            bucket.append(name)
    return out


def _domain_summary(section: dict[str, Any]) -> str:
    v = section["verdicts"]
    shown = len(section["rows"]) - v[wording.NOT_REPORTED]
    if not section["rows"]:
        return "No outcomes in this domain were measured."
    if shown == 0:
        return "Results are withheld because too few people had both scores."
    parts = [
        f"{v[wording.IMPROVED]} improved",
        f"{v[wording.NO_CLEAR_CHANGE]} showed no clear change",
        f"{v[wording.WORSENED]} worsened",
    ]
    noun = "outcome" if shown == 1 else "outcomes"
    text = f"Of {shown} {noun} with results, {parts[0]}, {parts[1]} and {parts[2]}."
    if v[wording.NOT_REPORTED]:
        text += f" {v[wording.NOT_REPORTED]} more had too few people to report."
    return text


def _glance(flow: dict[str, Any], recovery: dict[str, Any], clinical: dict[str, Any]) -> dict[str, Any]:
    def tiles(section: dict[str, Any]) -> str:
        v = section["verdicts"]
        shown = len(section["rows"]) - v[wording.NOT_REPORTED]
        return f"{v[wording.IMPROVED]} of {shown}" if shown else fmt.NOT_AVAILABLE

    return {
        "tiles": [
            {"value": flow["enrolled"], "label": "people enrolled"},
            {"value": flow["matched"], "label": "with scores at both waves"},
            {"value": flow["retention"], "label": "retained to follow-up"},
            {"value": tiles(recovery), "label": "recovery outcomes improved"},
            {"value": tiles(clinical), "label": "clinical outcomes improved"},
        ],
        "recovery": {"summary": _domain_summary(recovery), "rows": recovery["rows"]},
        "clinical": {"summary": _domain_summary(clinical), "rows": clinical["rows"]},
    }
