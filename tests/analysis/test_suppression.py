"""Small-cell suppression: no count from 1 to 10 is visible, directly or by subtraction.

The checker here is written independently of the implementation. It knows
which groups of people each table of the result describes and how they add
up (totals, rows and columns, nested groups of the participation flow, the
site breakdown of the flow and of each scale; each wave's people and pairs
in the trajectories, the mixed model's people and scores, the missing-data
patterns and the period's cohort), and plays the outsider: from
the visible numbers it solves every relation with one unknown, repeats
until nothing new follows, and for every relation with a visible total
computes the sum of the withheld parts. Any number from 1 to 10 found that
way is a leak (CMS rule: no cell 1-10 may be shown or derivable; ResDAC).
Differences between the n of two different scales are not cells (see
toolkit/analysis/suppression_model.py).
"""

from __future__ import annotations

import copy
import itertools
from datetime import date

import numpy as np
import pytest
from analysis_data import synthetic_wide

from toolkit.analysis import AnalysisResult
from toolkit.analysis import analyze
from toolkit.analysis import suppress
from toolkit.analysis import WaveChoice
from toolkit.analysis import Withheld

COUNT_KEYS = {
    "enrolled",
    "with_pre",
    "with_post",
    "matched",
    "n_pairs",
    "n_completers",
    "n_noncompleters",
    "improved",
    "unchanged",
    "deteriorated",
    "recovered",
    "n_clinical_pre",
    "alpha_n",
    "pre_total",
    "post_total",
    "pre_any",
    "post_any",
    "n",
    "group_n",
    "crosstab",
    "rows",
    "scores",
    "invalid_scores",
    "invalid_by_reason",
    "insufficient_items",
    "n_participants",
    "n_observations",
    "complete_case_n",
    "cohort",
    "excluded_outside_period",
    "excluded_out_of_window",
    "excluded_without_date",
}
SCALE_STATS = (
    "pre_mean",
    "pre_sd",
    "post_mean",
    "post_sd",
    "mean_change",
    "t",
    "df",
    "p",
    "p_adjusted",
    "wilcoxon_p",
    "g_av",
    "d_z",
)


def numbers_under(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from numbers_under(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers_under(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def visible_small_counts(obj, threshold, where="result"):
    """Every count field anywhere in the result whose shown value is 1..threshold-1."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in COUNT_KEYS:
                found += [f"{where}.{k}={x}" for x in numbers_under(v) if 1 <= x < threshold]
            found += visible_small_counts(v, threshold, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += visible_small_counts(v, threshold, f"{where}[{i}]")
    return found


class Outsider:
    """Relations between named counts; unnamed ('?...') terms are counts nobody shows."""

    def __init__(self, threshold):
        self.threshold = threshold
        self.known: dict[str, float] = {}
        self.relations: list[tuple[str, list[str]]] = []
        self._fresh = itertools.count()

    def show(self, name, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.known[name] = float(value)
        return name

    def hidden(self):
        return f"?{next(self._fresh)}"

    def relate(self, total, parts, rest=True):
        self.relations.append((total, list(parts) + ([self.hidden()] if rest else [])))

    def leaks(self):
        small = lambda v: 1 <= round(v) < self.threshold  # noqa: E731
        found, changed = [], True
        while changed:
            changed = False
            for total, parts in self.relations:
                unknown = [x for x in [total, *parts] if x not in self.known]
                if len(unknown) == 1:
                    x = unknown[0]
                    if x == total:
                        value = sum(self.known[p] for p in parts)
                    else:
                        value = self.known[total] - sum(self.known[p] for p in parts if p != x)
                    if small(value):
                        found.append(f"{x} = {value:g} from {total} = {' + '.join(parts)}")
                    self.known[x] = value
                    changed = True
                elif total in self.known and len(unknown) >= 2:
                    rest = self.known[total] - sum(self.known[p] for p in parts if p in self.known)
                    if small(rest):
                        found.append(f"{' + '.join(unknown)} = {rest:g} from {total}")
        return found


def outsider_view(res, threshold):
    """Load the displayed result into an Outsider with every relation the schema implies."""
    o = Outsider(threshold)
    flow = {k: o.show(f"flow.{k}", res["participants"][k]) for k in ("enrolled", "with_pre", "with_post", "matched")}
    o.relate(flow["enrolled"], [flow["with_pre"]])
    o.relate(flow["enrolled"], [flow["with_post"]])
    o.relate(flow["with_pre"], [flow["matched"]])
    o.relate(flow["with_post"], [flow["matched"]])
    attrition = {(a["instrument"], a["scale"]): a for a in res["attrition"]}
    pairs_by_key = {}
    for i, s in enumerate(res["scales"]):
        key = (s["instrument"], s["scale"])
        n = o.show(f"s{i}.n", s["n_pairs"])
        pairs_by_key[key] = n
        pre = o.show(f"s{i}.with_pre", s["with_pre"])
        post = o.show(f"s{i}.with_post", s["with_post"])
        if key in attrition:
            a = attrition[key]
            o.relate(o.show(f"a{i}.completers", a["n_completers"]), [n], rest=False)
            o.relate(pre, [n, o.show(f"a{i}.noncompleters", a["n_noncompleters"])], rest=False)
        o.relate(pre, [n])
        o.relate(post, [n])
        rci = s["rci"]
        if rci["improved"] is not None:
            cats = [o.show(f"s{i}.{k}", rci[k]) for k in ("improved", "unchanged", "deteriorated")]
            o.relate(n, cats, rest=False)
            if rci["recovered"] is not None:
                rec = o.show(f"s{i}.recovered", rci["recovered"])
                clin = o.show(f"s{i}.clinical", rci["n_clinical_pre"])
                o.relate(cats[0], [rec])
                o.relate(clin, [rec])
                o.relate(n, [clin])
        if s["bands"]:
            grid = s["bands"]["crosstab"]
            k = len(grid)
            cell = [[o.show(f"s{i}.b{r}{c}", grid[r][c]) for c in range(k)] for r in range(k)]
            rows = [o.hidden() for _ in range(k)]
            cols = [o.hidden() for _ in range(k)]
            for r in range(k):
                o.relate(rows[r], cell[r], rest=False)
            for c in range(k):
                o.relate(cols[c], [cell[r][c] for r in range(k)], rest=False)
            o.relate(n, rows, rest=False)
            o.relate(n, cols, rest=False)
            if s["bands"].get("clinical_rows") and rci.get("n_clinical_pre") is not None:
                o.relate(f"s{i}.clinical", [rows[r] for r in s["bands"]["clinical_rows"]], rest=False)
        if s["counts"]:
            o.show(f"s{i}.pre_total", s["counts"]["pre_total"])
            o.relate(n, [o.show(f"s{i}.pre_any", s["counts"]["pre_any"])])
            o.relate(n, [o.show(f"s{i}.post_any", s["counts"]["post_any"])])
        if s["ancova"]:
            an = o.show(f"s{i}.anc_n", s["ancova"]["n"])
            o.relate(an, [o.show(f"s{i}.anc_g{g}", v) for g, v in enumerate(s["ancova"]["group_n"])], rest=False)
    if res["sites"]:
        enrolled, matched, per_scale = [], [], {}
        for j, site in enumerate(res["sites"]):
            e = o.show(f"site{j}.enrolled", site["enrolled"])
            m = o.show(f"site{j}.matched", site["matched"])
            o.relate(e, [m])
            enrolled.append(e)
            matched.append(m)
            for k, entry in enumerate(site["scales"]):
                sn = o.show(f"site{j}.s{k}", entry["n_pairs"])
                per_scale.setdefault((entry["instrument"], entry["scale"]), []).append(sn)
        o.relate(flow["enrolled"], enrolled)
        o.relate(flow["matched"], matched)
        for key, names in per_scale.items():
            o.relate(pairs_by_key[key], names)
    _over_time(o, res, flow)
    dq = res["data_quality"]
    scores = o.show("dq.scores", dq["scores"])
    invalid = o.show("dq.invalid", dq["invalid_scores"])
    o.relate(scores, [invalid])
    o.relate(invalid, [o.show(f"dq.{k}", v) for k, v in dq["invalid_by_reason"].items()], rest=False)
    return o


def _over_time(o, res, flow):
    """The parts that follow every wave: each one is a count of a group of people the outsider can name."""
    scale_at = {(s["instrument"], s["scale"]): i for i, s in enumerate(res["scales"])}
    pairs_at = {}
    for k, traj in enumerate(res["trajectory"]):
        key = (traj["instrument"], traj["scale"])
        i = scale_at.get(key)
        points = traj["points"]
        first = o.show(f"t{k}.n0", points[0]["n"])
        for w, point in enumerate(points):
            n = first if w == 0 else o.show(f"t{k}.n{w}", point["n"])
            if i is not None and point["wave"] == res["pre_wave"]:
                o.relate(n, [f"s{i}.with_pre"], rest=False)  # the same people, shown twice
            if i is not None and point["wave"] == res["post_wave"]:
                o.relate(n, [f"s{i}.with_post"], rest=False)
            if w == 0:
                continue
            pairs = o.show(f"t{k}.pairs{w}", point["n_pairs"])
            pairs_at[(key, point["wave"])] = pairs
            o.relate(first, [pairs])
            o.relate(n, [pairs])
            if i is not None and points[0]["wave"] == res["pre_wave"] and point["wave"] == res["post_wave"]:
                o.relate(pairs, [f"s{i}.n"], rest=False)
    for m, model in enumerate(res["mixed_model"]):
        key = (model["instrument"], model["scale"])
        k = next(j for j, t in enumerate(res["trajectory"]) if (t["instrument"], t["scale"]) == key)
        waves = [f"t{k}.n{w}" for w in range(len(res["trajectory"][k]["points"]))]
        people = o.show(f"m{m}.people", model["n_participants"])
        o.relate(o.show(f"m{m}.scores", model["n_observations"]), waves, rest=False)
        for name in waves:
            o.relate(people, [name])
        for e, est in enumerate(model["estimates"]):
            cc = o.show(f"m{m}.cc{e}", est["complete_case_n"])
            o.relate(cc, [pairs_at[(key, est["wave"])]], rest=False)
    patterns = [o.show(f"pattern{j}", row["n"]) for j, row in enumerate(res["missing_patterns"])]
    o.relate(flow["enrolled"], patterns)
    o.relate(o.show("cohort", res["selection"]["cohort"]), [flow["enrolled"]], rest=False)
    for key in ("excluded_outside_period", "excluded_out_of_window", "excluded_without_date"):
        o.show(key, res["selection"][key])


def withheld_paths(obj, path=()):
    if obj == "*":
        return [path]
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    return [p for k, v in items for p in withheld_paths(v, path + (k,))]


def get_at(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def set_at(obj, path, value):
    get_at(obj, path[:-1])[path[-1]] = value


def shown(res, threshold=11):
    """What the display shows: the suppressed result in its JSON form (withheld values as their text)."""
    return suppress(res, threshold).to_plain()


def assert_safe(res, threshold=11):
    assert visible_small_counts(res, threshold) == []
    assert outsider_view(res, threshold).leaks() == []
    for s in res["scales"]:
        if not (isinstance(s["n_pairs"], int) and s["n_pairs"] >= threshold):
            assert all(s[k] is None for k in SCALE_STATS), s["instrument"]
            assert s["suppressed"] is True
    for site in res["sites"]:
        for e in site["scales"]:
            if not (isinstance(e["n_pairs"], int) and e["n_pairs"] >= threshold):
                assert e["mean_change"] is None and e["g_av"] is None
    enough = lambda v: isinstance(v, int) and v >= threshold  # noqa: E731
    wave_n = {}
    for traj in res["trajectory"]:
        for point in traj["points"]:
            wave_n[(traj["instrument"], traj["scale"], point["wave"])] = point["n"]
            if not enough(point["n"]):
                assert point["mean"] is None and point["sd"] is None and point["ci"] == [None, None]
                assert point["suppressed"] is True
            if point["n_pairs"] is not None and not enough(point["n_pairs"]):
                assert point["mean_change"] is None and point["change_ci"] == [None, None]
    # the model's estimates do not reveal its counts: a "*" (a large count withheld) leaves them shown
    few = lambda v: v == f"<{threshold}" or (isinstance(v, int) and v < threshold)  # noqa: E731
    for model in res["mixed_model"]:
        if few(model["n_participants"]):
            assert model["participant_variance"] is None and model["residual_variance"] is None
        for est in model["estimates"]:
            if few(model["n_participants"]) or few(wave_n[(model["instrument"], model["scale"], est["wave"])]):
                assert est["change"] is None and est["ci"] == [None, None] and est["agree"] is None
            if not enough(est["complete_case_n"]):
                assert est["complete_case_change"] is None and est["agree"] is None
                assert est["suppressed"] is True


def test_checker_catches_a_subtraction_leak():
    # improved hidden, but unchanged, deteriorated and n_pairs shown: 50 - 45 - 0 = 5 leaks.
    res = analyze(synthetic_wide(60, seed=2), "baseline", "exit").to_plain()
    s = res["scales"][0]
    s.update(n_pairs=50)
    s["rci"].update(improved="<11", unchanged=45, deteriorated=0)
    leaks = outsider_view(res, 11).leaks()
    assert any("= 5 from s0.n" in leak for leak in leaks), leaks


def test_hidden_improved_gets_a_second_hidden_cell():
    res = analyze(synthetic_wide(60, seed=2), "baseline", "exit").to_plain()
    s = res["scales"][0]
    n = s["n_pairs"]
    s["rci"].update(improved=5, unchanged=n - 5, deteriorated=0, recovered=None, n_clinical_pre=None)
    out = shown(res)
    rci = out["scales"][0]["rci"]
    assert rci["improved"] == "<11" and rci["unchanged"] == "*" and rci["deteriorated"] == 0
    assert out["scales"][0]["n_pairs"] == n  # the statistics' n stays
    assert_safe(out)


def test_input_is_not_changed_and_large_clean_counts_stay():
    wide = synthetic_wide(400, seed=8, item_missing=0.0, follow_up=0.6)
    res = analyze(wide, "baseline", "exit")
    before = repr(res)
    out = shown(res)
    assert repr(res) == before
    assert out["participants"]["enrolled"] == 400 and out["participants"]["retention_pct"] is not None
    assert out["scales"][0]["g_av"] == res.scales[0].g_av
    assert_safe(out)


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_leak_nothing(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 90))
    wide = synthetic_wide(
        n,
        seed=100 + seed,
        follow_up=float(rng.uniform(0.3, 0.95)),
        item_missing=float(rng.uniform(0, 0.12)),
        sites=("A", "B", "C")[: int(rng.integers(0, 4))] or (),
        groups=("peer", "comparison") if seed % 2 else None,
    )
    res = analyze(wide, "baseline", "exit").to_plain()
    out = shown(res)
    assert_safe(out)
    # Each "*" is needed: showing any one of them again lets the outsider work out a small count.
    for path in withheld_paths({k: v for k, v in out.items() if k != "suppression"}):
        if path[0] == "mixed_model" and path[-1] == "n_observations":
            # withheld whenever a wave count it sums is: a visible sum narrows counts shown as "<11"
            model = out["mixed_model"][path[1]]
            (traj,) = [
                t for t in out["trajectory"] if (t["instrument"], t["scale"]) == (model["instrument"], model["scale"])
            ]
            assert any(p["n"] in ("<11", "*") for p in traj["points"])
            continue
        again = copy.deepcopy(out)
        set_at(again, path, get_at(res, path))
        assert outsider_view(again, 11).leaks(), f"{path} was withheld without need"
    # the same analysis suppressed at a lower threshold is safe at that threshold
    assert_safe(shown(res, threshold=5), threshold=5)


def test_tiny_program_hides_every_small_count():
    res = analyze(synthetic_wide(6, seed=1), "baseline", "exit")
    out = shown(res)
    assert out["participants"]["enrolled"] == "<11"
    assert out["participants"]["retention_pct"] is None
    assert all(s["suppressed"] for s in out["scales"])
    assert_safe(out)


def test_threshold_text_follows_the_threshold():
    res = analyze(synthetic_wide(6, seed=1), "baseline", "exit")
    out = shown(res, threshold=5)
    assert out["suppression"]["small"] == "<5"
    assert "<11" not in repr(out)
    with pytest.raises(ValueError, match="threshold"):
        suppress(res, threshold=0)


def test_alerts_counts_are_suppressed():
    res = analyze(synthetic_wide(40, seed=3), "baseline", "exit")
    res.alerts = {"raised": 4, "acknowledged": 30, "by_level": {"urgent": 3}}
    out = shown(res)
    assert out["alerts"] == {"raised": "<11", "acknowledged": 30, "by_level": {"urgent": "<11"}}


def test_withheld_values_say_why():
    res = analyze(synthetic_wide(6, seed=1), "baseline", "exit")
    out = suppress(res)
    assert isinstance(out, AnalysisResult) and out.suppression.threshold == 11
    assert out.participants.enrolled == Withheld(reason="small count", text="<11")
    scale = out.scales[0]
    assert scale.suppressed is True
    assert isinstance(scale.mean_change, Withheld) and scale.mean_change.reason == "small sample"
    assert all(v is None or v.reason == "small sample" for v in scale.g_av_ci)
    assert res.suppression is None and isinstance(res.participants.enrolled, int)  # the input is unchanged


@pytest.mark.parametrize("seed", range(8))
def test_three_waves_with_a_small_middle_wave_leak_nothing(seed):
    rng = np.random.default_rng(seed)
    wide = synthetic_wide(int(rng.integers(30, 90)), seed=300 + seed, waves=("baseline", "3month", "exit"))
    middle = wide.index[wide["wave"] == "3month"]
    keep = rng.choice(middle, size=int(rng.integers(3, 10)), replace=False)  # 3 to 9 people at 3 months
    wide = wide.drop(index=middle.difference(keep)).reset_index(drop=True)
    res = analyze(wide, "baseline", "exit").to_plain()
    out = shown(res)
    assert_safe(out)
    for traj in out["trajectory"]:
        point = traj["points"][1]
        assert point["n"] in ("<11", "*", 0) and point["mean"] is None and point["suppressed"] is True
    for model in out["mixed_model"]:
        three, exit_ = model["estimates"]
        assert three["change"] is None and three["agree"] is None and three["suppressed"] is True
        if isinstance(exit_["complete_case_n"], int) and exit_["complete_case_n"] >= 11:
            assert exit_["change"] is not None  # the exit estimate stays
    assert visible_small_counts(out, 11) == []
    patterns = [p["n"] for p in out["missing_patterns"]]
    assert sum(1 for n in patterns if n in ("<11", "*")) != 1  # one withheld pattern alone would follow from the rest


def test_selection_counts_are_suppressed_too():
    wide = synthetic_wide(60, seed=9)
    wide["date"] = "2026-02-01"
    wide.loc[wide.index[:4], "date"] = "2025-12-30"  # 4 baselines (or follow-ups) before the period
    res = analyze(wide, "baseline", "exit", choice=WaveChoice(period_from=date(2026, 1, 1)))
    out = shown(res)
    assert out["selection"]["excluded_outside_period"] == "<11"
    assert res.selection.excluded_outside_period == 4
    assert out["selection"]["cohort"] == out["participants"]["enrolled"]
    assert_safe(out)
