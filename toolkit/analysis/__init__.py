"""Outcome analysis: pre/post matching, change, reliable change, reliability,
multiplicity, attrition, comparison group, sites and small-cell suppression.

``analyze(wide, pre, post)`` returns the unsuppressed result as plain Python;
``suppress(result)`` returns the copy that may be shown.
"""

from toolkit.analysis.pipeline import analyze
from toolkit.analysis.pipeline import analyze_scores
from toolkit.analysis.pipeline import check_waves
from toolkit.analysis.suppression import suppress

__all__ = ["analyze", "analyze_scores", "check_waves", "suppress"]
