"""One domain's block about follow-up over time: the trajectory chart and one table of change by wave.

With more than two waves, each total scale's rows give, per wave, the
people and mean score (the trajectory) beside the two estimates of change
from the first wave: people who came back, and everyone (the mixed model).
With two waves only the two estimates are shown; the pre/post tables above
already give the means.
"""

from __future__ import annotations

from typing import Any

from toolkit.analysis.model import AnalysisResult
from toolkit.report.estimates import estimates
from toolkit.report.waves import trajectories

EMPTY_ESTIMATE = {"cc_n": "", "cc_change": "", "cc_ci": "", "mm_change": "", "mm_ci": "", "effect": ""}


def _merged(trajectory: dict[str, Any], estimated: dict[str, Any] | None) -> dict[str, Any]:
    by_wave = {r["wave"]: r for r in estimated["rows"]} if estimated else {}
    rows = []
    for row in trajectory["rows"]:
        estimate = by_wave.get(row["wave"])
        rows.append({**row, **(estimate or {**EMPTY_ESTIMATE, "agree": None, "agree_text": ""})})
    return {
        "key": trajectory["key"],
        "name": trajectory["name"],
        "direction": trajectory["direction"],
        "model_n": estimated["model_n"] if estimated else "",
        "note": estimated["note"] if estimated else "",
        "rows": rows,
    }


def over_time(
    result: AnalysisResult, domain: str, names: dict[str, str], ranges: dict[tuple[str, str], tuple[float, float]]
) -> dict[str, Any] | None:
    """Everything the domain shows about change over the waves (None when there is nothing to show).

    ``trajectory`` is True when more than two waves were analysed (then
    ``panels`` feed the chart and each table row has the wave's mean);
    ``tables`` has one entry per total scale; ``sentences`` say whether the
    two estimates agree.
    """
    traced = trajectories(result, domain, names, ranges)
    estimated = estimates(result, domain, names, ranges)
    if not traced and not estimated:
        return None
    by_key = {s["key"]: s for s in estimated["scales"]} if estimated else {}
    if traced:
        tables = [_merged(t, by_key.get(t["key"])) for t in traced]
    else:
        tables = estimated["scales"] if estimated else []
    first = names.get(result.waves[0], result.waves[0]) if result.waves else ""
    return {
        "trajectory": bool(traced),
        "first": first,
        "panels": [t["panel"] for t in traced] if traced else [],
        "tables": tables,
        "has_estimates": estimated is not None,
        "sentences": estimated["sentences"] if estimated else [],
        "effect_methods": estimated["effect_methods"] if estimated else [],
    }
