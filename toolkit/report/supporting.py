"""Context for the sections around the outcomes: participation, alerts,
sites, data quality, methods and the appendix."""

from __future__ import annotations

from typing import Any

from toolkit.report import formatting as fmt
from toolkit.report import wording
from toolkit.report.outcomes import area_rank
from toolkit.report.outcomes import BASIS_NAMES
from toolkit.report.outcomes import decimals
from toolkit.report.outcomes import is_withheld
from toolkit.report.outcomes import scale_name
from toolkit.report.outcomes import threshold_text
from toolkit.report.outcomes import withheld_note


def participation(result: dict[str, Any], pre_name: str, post_name: str, ranges: dict | None = None) -> dict[str, Any]:
    """The participant flow and the completer / non-completer comparison."""
    p = result.get("participants") or {}
    enrolled = p.get("enrolled")
    flow = [
        {"label": "Enrolled", "n": fmt.count(enrolled), "note": "in the data"},
        {"label": f"{pre_name} scores", "n": fmt.count(p.get("with_pre")), "note": fmt.share(p.get("with_pre"), enrolled) + " of enrolled" if fmt.share(p.get("with_pre"), enrolled) else ""},
        {"label": f"{post_name} scores", "n": fmt.count(p.get("with_post")), "note": fmt.share(p.get("with_post"), enrolled) + " of enrolled" if fmt.share(p.get("with_post"), enrolled) else ""},
        {"label": "Matched", "n": fmt.count(p.get("matched")), "note": f"both {pre_name.lower()} and {post_name.lower()}"},
    ]
    labels = {(s["instrument"], s["scale"]): s for s in result.get("scales", [])}
    rows, named = [], []
    for row in result.get("attrition") or []:
        scale = labels.get((row.get("instrument"), row.get("scale")), {"instrument": row.get("instrument"), "scale": row.get("scale"), "is_total": True})
        dec = decimals(scale, ranges or {})
        name = scale_name(scale)
        rows.append({
            "name": name,
            "domain": scale.get("domain"),
            "n_completers": fmt.count(row.get("n_completers")),
            "completers": fmt.mean_sd(row.get("completer_mean"), row.get("completer_sd"), dec),
            "n_noncompleters": fmt.count(row.get("n_noncompleters")),
            "noncompleters": fmt.mean_sd(row.get("noncompleter_mean"), row.get("noncompleter_sd"), dec),
            "difference": fmt.num(row.get("mean_difference"), dec, signed=True),
            "std_difference": fmt.num(row.get("standardized_difference"), 2, signed=True),
        })
        named.append((row, name, str(scale.get("higher_is"))))
    note = wording.attrition_summary(named)
    groups = [{"title": title, "rows": [r for r in rows if r["domain"] == domain]}
              for domain, title in (("recovery", "Recovery outcomes"), ("clinical", "Clinical outcomes"))]
    return {"flow": flow, "retention": fmt.pct(p.get("retention_pct")), "enrolled": fmt.count(enrolled),
            "matched": fmt.count(p.get("matched")), "attrition": rows,
            "attrition_groups": [g for g in groups if g["rows"]], "notes": [note] if note else []}


def alerts(result: dict[str, Any]) -> dict[str, Any] | None:
    """Safety alert counts and time to acknowledgement (None when the data had no alert log)."""
    a = result.get("alerts")
    if a is None:
        return None
    hours = a.get("median_hours_to_acknowledge", a.get("median_hours_to_ack"))
    return {
        "raised": fmt.count(a.get("raised")),
        "acknowledged": fmt.count(a.get("acknowledged")),
        "median_hours": fmt.SUPPRESSED if fmt.is_suppressed(hours) else fmt.num(hours, 1),
        "any": not (fmt.is_number(a.get("raised")) and float(a["raised"]) == 0),
    }


def sites(result: dict[str, Any], ranges: dict | None = None) -> dict[str, Any]:
    """Per-site participation and change on each total scale, one table per domain."""
    by_key = {(s["instrument"], s["scale"]): s for s in result.get("scales", [])}
    overview, per_domain = [], {"recovery": [], "clinical": []}
    for site in result.get("sites") or []:
        overview.append({"site": site.get("site"), "enrolled": fmt.count(site.get("enrolled")),
                         "matched": fmt.count(site.get("matched")),
                         "retention": fmt.share(site.get("matched"), site.get("enrolled")) or fmt.NOT_AVAILABLE})
        for sc in sorted(site.get("scales") or [], key=lambda s: area_rank(by_key.get((s["instrument"], s["scale"]), {}))):
            meta = by_key.get((sc["instrument"], sc["scale"]))
            if not meta or not meta.get("is_total") or meta.get("domain") not in per_domain:
                continue
            withheld = fmt.is_suppressed(sc.get("n_pairs"))
            per_domain[meta["domain"]].append({
                "site": site.get("site"), "name": scale_name(meta), "n": fmt.count(sc.get("n_pairs")),
                "change": fmt.SUPPRESSED if withheld else fmt.num(sc.get("mean_change"), decimals(meta, ranges or {}), signed=True),
                "g": fmt.SUPPRESSED if withheld else fmt.num(sc.get("g_av"), 2),
            })
    return {"overview": overview, "recovery": per_domain["recovery"], "clinical": per_domain["clinical"]}


def data_quality(result: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """Row counts, invalid scores by reason, missing items and reliability."""
    q = result.get("data_quality") or {}
    reasons = [{"reason": str(k).replace("_", " "), "n": fmt.count(v)} for k, v in sorted((q.get("invalid_by_reason") or {}).items())]
    missing = [{"name": titles.get(k, k), "pct": fmt.pct(v, 1)} for k, v in sorted((q.get("missing_item_pct") or {}).items())]
    reliability = []
    for s in sorted(result.get("scales", []), key=lambda s: (0 if s.get("domain") == "recovery" else 1, *area_rank(s))):
        if s.get("kind", "score") != "score":
            continue
        reliability.append({
            "name": scale_name(s), "domain": s.get("domain"),
            "alpha": fmt.alpha(s.get("alpha_pre")),
            "ci": fmt.interval(s.get("alpha_pre_ci"), 2),
            "n": fmt.count(s.get("alpha_n")),
            "low": bool(s.get("alpha_low")),
        })
    return {"rows": fmt.count(q.get("rows")), "scores": fmt.count(q.get("scores")),
            "invalid": fmt.count(q.get("invalid_scores")), "insufficient": fmt.count(q.get("insufficient_items")),
            "reasons": reasons, "missing": missing, "reliability": reliability,
            "n_low": sum(r["low"] for r in reliability)}


def _rci_source(s: dict[str, Any], dec: int) -> dict[str, Any]:
    rci = s.get("rci") or {}
    basis = str(rci.get("basis") or "")
    return {
        "name": scale_name(s),
        "threshold": threshold_text(rci.get("threshold"), dec) if rci.get("threshold") is not None else fmt.SUPPRESSED,
        "sd": fmt.num(rci.get("sd"), 2),
        "reliability": fmt.alpha(rci.get("reliability")),
        "basis": BASIS_NAMES.get(basis, basis.replace("_", " ")),
        "source": rci.get("source") or "",
    }


def methods(result: dict[str, Any], threshold: int, ranges: dict | None = None) -> dict[str, Any]:
    """Facts the methods section states: RCI sources, adjustment families, comparison group."""
    scored = [s for s in result.get("scales", []) if s.get("kind", "score") == "score"]
    totals = sorted((s for s in scored if s.get("is_total")), key=lambda s: (0 if s.get("domain") == "recovery" else 1, *area_rank(s)))
    method_names = {"holm": "Holm", "fdr_bh": "Benjamini–Hochberg", "bonf": "Bonferroni"}
    members: dict[tuple[str, bool, str], set[str]] = {}
    for s in result.get("scales", []):
        if s.get("p_adjust_method"):
            key = (str(s.get("domain")), bool(s.get("is_total")), str(s["p_adjust_method"]))
            members.setdefault(key, set()).add("total scores" if s.get("is_total") else
                                               "service-use counts (Wilcoxon)" if s.get("kind") == "count" else "subscales")
    families = [
        {"domain": d, "what": " and ".join(sorted(members[(d, t, m)], reverse=True)), "method": method_names.get(m, m)}
        for d, t, m in sorted(members, key=lambda f: (f[0] != "recovery", not f[1]))
    ]
    return {
        "rci": [_rci_source(s, decimals(s, ranges or {})) for s in totals if (s.get("rci") or {}).get("basis")],
        "families": families,
        "has_comparison": any(s.get("ancova") for s in scored),
        "threshold": threshold,
        "limit": threshold - 1,
        "has_counts": any(s.get("kind") == "count" for s in result.get("scales", [])),
    }


def _ci(ci: object) -> str:
    text = fmt.interval(ci, 2)
    return "" if text == fmt.NOT_AVAILABLE else text


def appendix(result: dict[str, Any], registry: Any, ranges: dict | None = None) -> dict[str, Any]:
    """Secondary statistics for every scale (totals and subscales) and instrument sources."""
    tables: dict[str, list[dict[str, Any]]] = {"recovery": [], "clinical": []}
    for s in sorted(result.get("scales", []), key=area_rank):
        if s.get("domain") not in tables:
            continue
        w = is_withheld(s)
        dec = decimals(s, ranges or {})
        t, df = s.get("t"), s.get("df")
        row = {"name": scale_name(s), "total": bool(s.get("is_total")), "n": fmt.count(s.get("n_pairs")), "withheld": w,
               "withheld_note": withheld_note(s.get("n_pairs")) if w else ""}
        if not w:
            row.update(
                change=fmt.num(s.get("mean_change"), dec, signed=True),
                t=f"{fmt.num(t, 2)} ({fmt.count(df)})" if fmt.is_number(t) else fmt.NOT_AVAILABLE,
                p=fmt.p_value(s.get("p")),
                p_adj=fmt.p_value(s.get("p_adjusted")),
                wilcoxon=fmt.p_value(s.get("wilcoxon_p")),
                d_z=fmt.num(s.get("d_z"), 2), d_z_ci=_ci(s.get("d_z_ci")),
                g=fmt.num(s.get("g_av"), 2), g_ci=_ci(s.get("g_av_ci")),
            )
        tables[s["domain"]].append(row)
    instruments = []
    seen: set[str] = set()
    for s in sorted(result.get("scales", []), key=lambda s: (s.get("domain") != "recovery", *area_rank(s))):
        iid = s.get("instrument")
        if iid in seen:
            continue
        seen.add(iid)
        entry = {"id": iid, "title": s.get("instrument_title") or iid, "short": s.get("short_title") or iid,
                 "domain": s.get("domain"), "citation": "", "licence": "", "attribution": ""}
        if registry is not None and iid in registry:
            inst = registry.get(iid)
            entry.update(title=inst.title, short=inst.short_title, citation=inst.citation,
                         licence=f"{inst.licence.status.value}. {inst.licence.note}".strip(),
                         attribution=inst.licence.attribution)
        instruments.append(entry)
    return {"recovery": tables["recovery"], "clinical": tables["clinical"], "instruments": instruments}
