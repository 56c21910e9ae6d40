"""Follow-up over time: wave names, trajectories per domain, and who came to which waves.

Trajectories are shown only when more than two waves were analysed; with two
waves the pre/post analysis is the whole story. Each domain's trajectories
come from that domain's scales only, so recovery and clinical outcomes never
share a chart or a table.
"""

from __future__ import annotations

import re
from typing import Any
from typing import TypeVar

from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import MixedModel
from toolkit.analysis.model import ScaleResult
from toolkit.analysis.model import Trajectory
from toolkit.analysis.model import WavePoint
from toolkit.analysis.model import Withheld
from toolkit.report import formatting as fmt
from toolkit.report.options import ReportOptions
from toolkit.report.outcomes import area_rank
from toolkit.report.outcomes import decimals
from toolkit.report.outcomes import scale_name

#: A trajectory or a mixed model: both name their scale and domain.
Scaled = TypeVar("Scaled", Trajectory, MixedModel)

PRESENT = "\u25cf"
ABSENT = fmt.DASH
_UNITS = {"d": "day", "day": "day", "w": "week", "wk": "week", "week": "week", "m": "month", "mo": "month"}
_UNITS |= {"month": "month", "y": "year", "yr": "year", "year": "year"}
_TIMED = re.compile(r"^(\d+)[\s_-]*([a-z]+?)s?$", re.IGNORECASE)


def wave_name(wave: str, options: ReportOptions) -> str:
    """How the report names a wave: the chosen labels for the compared waves, else the id in words.

    >>> wave_name("6month", ReportOptions(program_name="P"))
    '6 months'
    >>> wave_name("follow_up", ReportOptions(program_name="P"))
    'Follow up'
    """
    if wave == options.pre_wave:
        return options.pre_name
    if wave == options.post_wave:
        return options.post_name
    timed = _TIMED.match(wave.strip())
    if timed and timed.group(2).lower() in _UNITS:
        n = int(timed.group(1))
        unit = _UNITS[timed.group(2).lower()]
        return f"{n} {unit}{'' if n == 1 else 's'}"
    text = wave.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def wave_names(result: AnalysisResult, options: ReportOptions) -> dict[str, str]:
    """Every analysed wave's name, in wave order."""
    return {w: wave_name(w, options) for w in result.waves}


def in_words(name: str) -> str:
    """A wave or outcome name inside a sentence: first letter in lower case unless it is an abbreviation.

    >>> in_words("Hope (State Hope)"), in_words("PHQ-9"), in_words("6 months")
    ('hope (State Hope)', 'PHQ-9', '6 months')
    """
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def total_scales(result: AnalysisResult) -> dict[tuple[str, str], ScaleResult]:
    """The scored total scales of the pre/post analysis, by (instrument, scale)."""
    return {(s.instrument, s.scale): s for s in result.scales if s.is_total and s.kind == "score"}


def shown(item: Trajectory | MixedModel, totals: dict[tuple[str, str], ScaleResult]) -> bool:
    """True for a trajectory or model of a scored total scale."""
    return (item.instrument, item.scale) in totals


def ordered(items: list[Scaled], totals: dict[tuple[str, str], ScaleResult], domain: str) -> list[Scaled]:
    """One domain's trajectories or models of total scales, in the report's outcome order."""
    own = [t for t in items if t.domain == domain and shown(t, totals)]
    return sorted(own, key=lambda t: area_rank(totals[(t.instrument, t.scale)]))


def _direction(higher_is: str) -> str:
    return "higher is better" if higher_is == "better" else "lower is better"


def _mean(point: WavePoint, dec: int) -> str:
    if isinstance(point.mean, Withheld) or isinstance(point.n, Withheld):
        return fmt.SUPPRESSED
    return fmt.num(point.mean, dec)


def _ci(ci: list[fmt.Value], dec: int) -> str:
    text = fmt.interval(ci, dec)
    return "" if text == fmt.NOT_AVAILABLE else text


def _row(point: WavePoint, name: str, first: bool, dec: int) -> dict[str, Any]:
    change_withheld = isinstance(point.mean_change, Withheld) or isinstance(point.n_pairs, Withheld)
    return {
        "wave": name,
        "n": fmt.count(point.n),
        "mean": _mean(point, dec),
        "mean_ci": "" if isinstance(point.mean, Withheld) else _ci(point.ci, dec),
        "pairs": "" if first else fmt.count(point.n_pairs),
        "change": fmt.DASH
        if first
        else (fmt.SUPPRESSED if change_withheld else fmt.num(point.mean_change, dec, signed=True)),
        "change_ci": "" if first or change_withheld else _ci(point.change_ci, dec),
    }


def _panel(trajectory: Trajectory, name: str, names: dict[str, str], span: Any, dec: int) -> dict[str, Any]:
    points = []
    for point in trajectory.points:
        mean, lo, hi = fmt.known(point.mean), fmt.known(point.ci[0]), fmt.known(point.ci[1])
        drawn = mean is not None and lo is not None and hi is not None and not isinstance(point.n, Withheld)
        points.append(
            {"wave": names.get(point.wave, point.wave), "mean": mean, "lo": lo, "hi": hi, "n": fmt.count(point.n)}
            if drawn
            else {"wave": names.get(point.wave, point.wave), "mean": None, "n": fmt.count(point.n)}
        )
    return {
        "label": name,
        "direction": _direction(trajectory.higher_is),
        "points": points,
        "range": span,
        "decimals": dec,
    }


def trajectories(
    result: AnalysisResult, domain: str, names: dict[str, str], ranges: dict[tuple[str, str], tuple[float, float]]
) -> list[dict[str, Any]] | None:
    """One domain's trajectories, one entry per total scale: rows by wave and the chart panel.

    None with two waves or fewer (the pre/post analysis is then the whole story).
    """
    if len(result.waves) <= 2:
        return None
    totals = total_scales(result)
    out = []
    for trajectory in ordered(result.trajectory, totals, domain):
        scale = totals[(trajectory.instrument, trajectory.scale)]
        name, dec = scale_name(scale), decimals(scale, ranges)
        out.append(
            {
                "key": f"{scale.instrument}.{scale.scale}",
                "name": name,
                "direction": _direction(trajectory.higher_is),
                "rows": [_row(p, names.get(p.wave, p.wave), i == 0, dec) for i, p in enumerate(trajectory.points)],
                "panel": _panel(trajectory, name, names, ranges.get((scale.instrument, scale.scale)), dec),
            }
        )
    return out or None


def missing_patterns(result: AnalysisResult, names: dict[str, str]) -> dict[str, Any] | None:
    """People with each combination of waves (None when the result has no patterns)."""
    if not result.missing_patterns or not result.waves:
        return None
    rows = [
        {"marks": [PRESENT if here else ABSENT for here in pattern.present], "n": fmt.count(pattern.n)}
        for pattern in result.missing_patterns
    ]
    return {"waves": [names.get(w, w) for w in result.waves], "rows": rows, "present": PRESENT, "absent": ABSENT}
