"""The counts of an analysis result and the relations between them.

Every count that the result shows becomes a cell of a
:class:`~toolkit.analysis.disclosure.CountTable`; groups of people that are
not shown but follow from shown counts of the same table become implicit
cells. Relations (``total = parts``), table by table:

* participation flow: enrolled = with_pre + no_pre = with_post + no_post;
  with_pre = matched + pre_unmatched; with_post = matched + post_unmatched;
* each scale's row: with_pre = n_pairs + non-completers (the attrition
  table shows the non-completers of total scales); with_post = n_pairs +
  post only;
* reliable change: n_pairs = improved + unchanged + deteriorated;
  improved = recovered + rest; n_clinical_pre = recovered + rest;
  n_pairs = n_clinical_pre + rest;
* band movement: each row and column sums to the band count at that wave,
  the band counts sum to n_pairs, and the clinical bands to n_clinical_pre
  when the bands meet the cut-off;
* service use: n_pairs = pre_any + rest = post_any + rest;
* ANCOVA: n = the two group sizes;
* sites: the flow's enrolled and matched = the sites' + people without a
  site; a site's enrolled = its matched + rest; each scale's n_pairs = the
  sites' + people without a site;
* data quality: scores = invalid + valid; invalid = the reasons;
* trajectories, mixed models, missing patterns and the selection: see
  :mod:`toolkit.analysis.suppression_waves`.

Differences between the counts of different scales (people who lack one
instrument) and between a scale's counts and its alpha_n are not treated
as cells: every scale has its own n, and protecting those differences would
withhold most statistics.

What each shown count costs to withhold (see
:class:`~toolkit.analysis.disclosure.Cell`): n_pairs and the ANCOVA sizes
while their statistics are shown 4 (every change statistic reveals n); the
participation flow 3; alpha_n while alpha is shown 2 (its CI reveals n);
scale, attrition, RCI, service-use and site counts 1; band cells, per-site
scale counts and data-quality counts 0.
"""

from __future__ import annotations

from toolkit.analysis.disclosure import CountTable
from toolkit.analysis.disclosure import FIXED
from toolkit.analysis.suppression_waves import add_wave_cells
from toolkit.scoring import REASON_TOO_FEW


def _flow(t: CountTable, flow: dict) -> dict[str, str | None]:
    p = ("participants",)
    names = {
        k: t.add(f"flow.{k}", flow.get(k), p + (k,), cost=3) for k in ("enrolled", "with_pre", "with_post", "matched")
    }
    t.relate(names["enrolled"], [names["with_pre"]], "flow.no_pre")
    t.relate(names["enrolled"], [names["with_post"]], "flow.no_post")
    t.relate(names["with_pre"], [names["matched"]], "flow.pre_unmatched")
    t.relate(names["with_post"], [names["matched"]], "flow.post_unmatched")
    return names


def _bands(t: CountTable, i: int, scale: dict, n_pairs: str | None, clinical: str | None) -> None:
    bands = scale.get("bands")
    if not bands:
        return
    base = f"scale{i}.band"
    grid = bands["crosstab"]
    k = len(grid)
    cells = [
        [t.add(f"{base}[{r}][{c}]", grid[r][c], ("scales", i, "bands", "crosstab", r, c)) for c in range(k)]
        for r in range(k)
    ]
    rows, cols = [], []
    for r in range(k):
        name = f"{base}.pre[{r}]"
        t.add(name, sum(grid[r]))
        t.relate(name, cells[r])
        rows.append(name)
    for c in range(k):
        name = f"{base}.post[{c}]"
        t.add(name, sum(grid[r][c] for r in range(k)))
        t.relate(name, [cells[r][c] for r in range(k)])
        cols.append(name)
    t.relate(n_pairs, rows, f"{base}.pre_unbanded")
    t.relate(n_pairs, cols, f"{base}.post_unbanded")
    if clinical is not None and bands.get("clinical_rows") is not None:
        t.relate(clinical, [rows[r] for r in bands["clinical_rows"]])


def _scale(t: CountTable, i: int, scale: dict, attrition: tuple[int, dict] | None, threshold: int) -> str | None:
    p = ("scales", i)
    s = f"scale{i}"
    n_pairs = t.add(f"{s}.n_pairs", scale.get("n_pairs"), p + ("n_pairs",), cost=FIXED)
    with_pre = t.add(f"{s}.with_pre", scale.get("with_pre"), p + ("with_pre",), cost=1)
    with_post = t.add(f"{s}.with_post", scale.get("with_post"), p + ("with_post",), cost=1)
    noncompleters = f"{s}.pre_only"
    if attrition is not None:
        j, row = attrition
        if row.get("n_completers") == scale.get("n_pairs"):
            t.add(n_pairs, row.get("n_completers"), ("attrition", j, "n_completers"))
        else:
            t.add(f"attrition{j}.n_completers", row.get("n_completers"), ("attrition", j, "n_completers"), cost=1)
        gone = t.add(noncompleters, row.get("n_noncompleters"), ("attrition", j, "n_noncompleters"), cost=1)
        t.relate(with_pre, [n_pairs, gone])
    else:
        t.relate(with_pre, [n_pairs], noncompleters)
    t.relate(with_post, [n_pairs], f"{s}.post_only")
    rci = scale.get("rci") or {}
    r = p + ("rci",)
    cats = [t.add(f"{s}.rci.{k}", rci.get(k), r + (k,), cost=1) for k in ("improved", "unchanged", "deteriorated")]
    t.relate(n_pairs, cats)
    recovered = t.add(f"{s}.rci.recovered", rci.get("recovered"), r + ("recovered",), cost=1)
    clinical = t.add(f"{s}.rci.n_clinical_pre", rci.get("n_clinical_pre"), r + ("n_clinical_pre",), cost=1)
    t.relate(cats[0], [recovered], f"{s}.rci.improved_not_recovered")
    t.relate(clinical, [recovered], f"{s}.rci.clinical_not_recovered")
    t.relate(n_pairs, [clinical], f"{s}.rci.not_clinical_pre")
    _bands(t, i, scale, n_pairs, clinical)
    counts = scale.get("counts")
    if counts:
        for key in ("pre_total", "post_total"):
            t.add(f"{s}.counts.{key}", counts.get(key), p + ("counts", key), cost=1)
        for key in ("pre_any", "post_any"):
            t.relate(
                n_pairs,
                [t.add(f"{s}.counts.{key}", counts.get(key), p + ("counts", key), cost=1)],
                f"{s}.counts.{key}_none",
            )
    t.add(f"{s}.alpha_n", scale.get("alpha_n"), p + ("alpha_n",), cost=2 if scale.get("alpha_pre") is not None else 1)
    anc = scale.get("ancova")
    if anc:
        a = p + ("ancova",)
        sizes_ok = all(isinstance(v, (int, float)) and v >= threshold for v in [anc.get("n"), *anc.get("group_n", [])])
        cost = FIXED if sizes_ok and anc.get("adjusted_difference") is not None else 1
        total = t.add(f"{s}.ancova.n", anc.get("n"), a + ("n",), cost=cost)
        sizes = [
            t.add(f"{s}.ancova.group_n[{g}]", v, a + ("group_n", g), cost=cost)
            for g, v in enumerate(anc.get("group_n", []))
        ]
        t.relate(total, sizes)
    return n_pairs


def _sites(
    t: CountTable, sites: list[dict], flow: dict[str, str | None], scale_pairs: dict[tuple[str, str], str | None]
) -> None:
    if not sites:
        return
    enrolled, matched = [], []
    by_scale: dict[tuple[str, str], list[str | None]] = {}
    for j, site in enumerate(sites):
        p = ("sites", j)
        e = t.add(f"site{j}.enrolled", site.get("enrolled"), p + ("enrolled",), cost=1)
        m = t.add(f"site{j}.matched", site.get("matched"), p + ("matched",), cost=1)
        t.relate(e, [m], f"site{j}.unmatched")
        enrolled.append(e)
        matched.append(m)
        for k, entry in enumerate(site.get("scales", [])):
            n = t.add(f"site{j}.scale{k}.n_pairs", entry.get("n_pairs"), p + ("scales", k, "n_pairs"))
            by_scale.setdefault((entry["instrument"], entry["scale"]), []).append(n)
    t.relate(flow["enrolled"], enrolled, "sites.enrolled_without_site")
    t.relate(flow["matched"], matched, "sites.matched_without_site")
    for key, names in by_scale.items():
        total = scale_pairs.get(key)
        t.relate(total, names, f"sites.{key[0]}.{key[1]}.without_site")


def _quality(t: CountTable, dq: dict | None) -> None:
    if not dq:
        return
    p = ("data_quality",)
    t.add("dq.rows", dq.get("rows"), p + ("rows",))
    scores = t.add("dq.scores", dq.get("scores"), p + ("scores",))
    invalid = t.add("dq.invalid", dq.get("invalid_scores"), p + ("invalid_scores",))
    reasons = [
        t.add(f"dq.reason.{k}", v, p + ("invalid_by_reason", k)) for k, v in dq.get("invalid_by_reason", {}).items()
    ]
    too_few = f"dq.reason.{REASON_TOO_FEW}"
    if too_few in t.cells and t.cells[too_few].value == dq.get("insufficient_items"):
        t.add(too_few, dq.get("insufficient_items"), p + ("insufficient_items",))
    else:
        t.add("dq.insufficient", dq.get("insufficient_items"), p + ("insufficient_items",))
    t.relate(scores, [invalid], "dq.valid")
    t.relate(invalid, reasons)


def build_table(result: dict, threshold: int) -> CountTable:
    """Every count in ``result`` with the relations between them (costs depend on ``threshold``)."""
    t = CountTable()
    flow = _flow(t, result.get("participants") or {})
    attrition = {(row["instrument"], row["scale"]): (j, row) for j, row in enumerate(result.get("attrition", []))}
    scale_pairs: dict[tuple[str, str], str | None] = {}
    for i, scale in enumerate(result.get("scales", [])):
        key = (scale["instrument"], scale["scale"])
        scale_pairs[key] = _scale(t, i, scale, attrition.get(key), threshold)
    _sites(t, result.get("sites", []), flow, scale_pairs)
    _quality(t, result.get("data_quality"))
    add_wave_cells(t, result, flow)
    return t
