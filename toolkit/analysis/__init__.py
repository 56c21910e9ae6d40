"""Outcome analysis: pre/post matching, change, reliable change, reliability,
multiplicity, attrition, comparison group, sites and small-cell suppression.

``analyze(wide, pre, post)`` returns the unsuppressed result, an
:class:`~toolkit.analysis.model.AnalysisResult`; ``suppress(result)`` returns
the copy that may be shown, with :class:`~toolkit.analysis.model.Withheld`
values. The names are imported on first use, so that importing
:mod:`toolkit.analysis.model` (the report's types) does not load pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_NAMES = {
    "AnalysisResult": "toolkit.analysis.model",
    "Withheld": "toolkit.analysis.model",
    "analyze": "toolkit.analysis.pipeline",
    "analyze_scores": "toolkit.analysis.pipeline",
    "check_waves": "toolkit.analysis.selection",
    "select_and_order": "toolkit.analysis.selection",
    "WaveChoice": "toolkit.analysis.selection",
    "suppress": "toolkit.analysis.suppression",
}

__all__ = [
    "AnalysisResult",
    "WaveChoice",
    "Withheld",
    "analyze",
    "analyze_scores",
    "check_waves",
    "select_and_order",
    "suppress",
]


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module 'toolkit.analysis' has no attribute {name!r}")
    return getattr(import_module(_NAMES[name]), name)
