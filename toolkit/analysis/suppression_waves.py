"""Small-cell suppression of the parts of the result that follow every wave.

:func:`add_wave_cells` puts their counts into the count table of
:mod:`toolkit.analysis.suppression_model`, with these relations:

* trajectories: a wave's n = its pairs with the first wave + people at
  that wave only; the first wave's n = those pairs + people without that
  wave. A count that is also a count of the pre/post analysis (the n at the
  pre and post waves, the pairs from pre to post when pre is the first
  wave) is the same cell, so it is withheld in both places or neither;
* mixed models: n_observations is the sum of the wave counts, shown only
  when all of them are (:attr:`~toolkit.analysis.disclosure.CountTable.sums`);
  n_participants = each wave's n + people without a score there; a
  complete-case n is the trajectory's pairs at that wave;
* missing patterns: the patterns sum to the people enrolled (an implicit
  rest for people without a row at any analysed wave);
* selection: the cohort is the people enrolled; the counts left out are
  cells of their own.

:func:`withhold_wave_statistics` then withholds statistics computed on fewer
than ``threshold`` people, or on a withheld count whose statistics would
reveal it (a trajectory's mean, SD and CI reveal its n). The mixed model's
estimates do not reveal its counts, so they are withheld only when the
model has fewer than ``threshold`` people.
"""

from __future__ import annotations

from typing import Any

from toolkit.analysis.disclosure import CountTable
from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import Withheld

COUNT_COST = 2
"""A trajectory's counts: its mean, SD and CI together reveal n, so withholding n withholds them."""
DETAIL_COST = 0
"""The mixed model's counts and the missing patterns: withheld first (the model's estimates do not reveal them)."""

SMALL_SAMPLE = Withheld(reason="small sample")


def _shared(t: CountTable, name: str | None, value: Any, own: str) -> str:
    """``name`` when that cell exists with the same value (the same count shown twice), else ``own``."""
    if name is not None and name in t.cells and isinstance(value, (int, float)) and t.cells[name].value == value:
        return name
    return own


def _trajectories(t: CountTable, result: dict) -> dict[tuple[str, str], list[tuple[str | None, str | None]]]:
    """Cells of every trajectory; returns per scale the (n, n_pairs) cell names of each wave."""
    waves = result.get("waves", [])
    pre, post = result.get("pre_wave"), result.get("post_wave")
    scale_index = {(s["instrument"], s["scale"]): i for i, s in enumerate(result.get("scales", []))}
    out = {}
    for k, traj in enumerate(result.get("trajectory", [])):
        key = (traj["instrument"], traj["scale"])
        i = scale_index.get(key)
        names: list[tuple[str | None, str | None]] = []
        for w, point in enumerate(traj["points"]):
            p = ("trajectory", k, "points", w)
            wave = point["wave"]
            link = None
            if i is not None and wave == pre:
                link = f"scale{i}.with_pre"
            elif i is not None and wave == post:
                link = f"scale{i}.with_post"
            n = t.add(_shared(t, link, point["n"], f"traj{k}.n[{w}]"), point["n"], p + ("n",), cost=COUNT_COST)
            pairs = None
            if point.get("n_pairs") is not None:
                link = f"scale{i}.n_pairs" if i is not None and waves[:1] == [pre] and wave == post else None
                own = f"traj{k}.n_pairs[{w}]"
                pairs = t.add(_shared(t, link, point["n_pairs"], own), point["n_pairs"], p + ("n_pairs",), COUNT_COST)
                if pairs == own:
                    t.relate(names[0][0], [pairs], f"traj{k}.first_only[{w}]")
                    t.relate(n, [pairs], f"traj{k}.later_only[{w}]")
            names.append((n, pairs))
        out[key] = names
    return out


def _mixed(t: CountTable, result: dict, cells: dict) -> None:
    for m, model in enumerate(result.get("mixed_model", [])):
        p = ("mixed_model", m)
        waves = cells.get((model["instrument"], model["scale"]), [])
        people = t.add(f"mixed{m}.n_participants", model["n_participants"], p + ("n_participants",), DETAIL_COST)
        obs = t.add(f"mixed{m}.n_observations", model["n_observations"], p + ("n_observations",), DETAIL_COST)
        if obs is not None:
            t.sums[obs] = tuple(n for n, _ in waves if n is not None)
        for w, (n, _) in enumerate(waves):
            t.relate(people, [n], f"mixed{m}.without[{w}]")
        by_wave = {result["waves"][w]: pairs for w, (_, pairs) in enumerate(waves) if w < len(result["waves"])}
        for e, estimate in enumerate(model["estimates"]):
            name = by_wave.get(estimate["wave"]) or f"mixed{m}.complete_case_n[{e}]"
            t.add(name, estimate["complete_case_n"], p + ("estimates", e, "complete_case_n"), COUNT_COST)


def add_wave_cells(t: CountTable, result: dict, flow: dict[str, str | None]) -> None:
    """Add the counts of ``waves``-wide parts of ``result`` (plain form) and their relations to ``t``."""
    cells = _trajectories(t, result)
    _mixed(t, result, cells)
    patterns = [
        t.add(f"pattern{j}", row["n"], ("missing_patterns", j, "n"), cost=DETAIL_COST)
        for j, row in enumerate(result.get("missing_patterns", []))
    ]
    t.relate(flow.get("enrolled"), patterns, "patterns.without_analysed_wave")
    selection = result.get("selection")
    if selection:
        s = ("selection",)
        cohort = selection.get("cohort")
        t.add(_shared(t, flow.get("enrolled"), cohort, "selection.cohort"), cohort, s + ("cohort",), cost=1)
        for key in ("excluded_outside_period", "excluded_out_of_window", "excluded_without_date"):
            t.add(f"selection.{key}", selection.get(key), s + (key,), cost=1)


def _visible(value: Any, threshold: int) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= threshold


def _small(value: Any, threshold: int) -> bool:
    """A count below ``threshold``: shown as small, or a number under it (a complementary mark hides a large one)."""
    if isinstance(value, Withheld):
        return value.reason == "small count"
    return not _visible(value, threshold)


def _withheld(value: Any) -> Any:
    if isinstance(value, list):
        return [None if v is None else SMALL_SAMPLE for v in value]
    return None if value is None else SMALL_SAMPLE


def _withhold(obj: Any, fields: tuple[str, ...]) -> None:
    for name in fields:
        setattr(obj, name, _withheld(getattr(obj, name)))
    obj.suppressed = True


def withhold_wave_statistics(out: AnalysisResult, threshold: int) -> None:
    """Withhold (in place) the trajectory and model statistics computed on fewer than ``threshold`` people."""
    wave_n: dict[tuple[str, str, str], Any] = {}
    for traj in out.trajectory:
        for point in traj.points:
            wave_n[(traj.instrument, traj.scale, point.wave)] = point.n
            point.suppressed = False
            if not _visible(point.n, threshold):
                _withhold(point, ("mean", "sd", "ci"))
            if point.n_pairs is not None and not _visible(point.n_pairs, threshold):
                _withhold(point, ("mean_change", "change_ci"))
    first = out.waves[0] if out.waves else None
    for model in out.mixed_model:
        model.suppressed = False
        few = _small(model.n_participants, threshold)
        if few:
            _withhold(model, ("participant_variance", "residual_variance"))
        if few or not _visible(wave_n.get((model.instrument, model.scale, first)), threshold):
            _withhold(model, ("baseline_sd",))
        for estimate in model.estimates:
            estimate.suppressed = False
            at_wave = wave_n.get((model.instrument, model.scale, estimate.wave))
            if few or _small(at_wave, threshold):
                _withhold(estimate, ("change", "se", "ci", "effect_size", "agree"))
            if isinstance(model.baseline_sd, Withheld):
                _withhold(estimate, ("effect_size",))
            if not _visible(estimate.complete_case_n, threshold):
                _withhold(estimate, ("complete_case_change", "complete_case_ci", "agree"))
