"""Context for the sections around the outcomes: participation, alerts,
sites, data quality, methods and the appendix."""

from __future__ import annotations

from typing import Any

from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import ScaleResult
from toolkit.analysis.model import Withheld
from toolkit.report import formatting as fmt
from toolkit.report import wording
from toolkit.report.outcomes import area_rank
from toolkit.report.outcomes import decimals
from toolkit.report.outcomes import is_withheld
from toolkit.report.outcomes import scale_name
from toolkit.report.outcomes import threshold_text
from toolkit.report.outcomes import withheld_note


def _share_of(part: fmt.Value, whole: fmt.Value) -> str:
    share = fmt.share(part, whole)
    return f"{share} of enrolled" if share else ""


def participation(result: AnalysisResult, pre_name: str, post_name: str, ranges: dict | None = None) -> dict[str, Any]:
    """The participant flow and the completer / non-completer comparison."""
    p = result.participants
    enrolled = p.enrolled
    flow = [
        {"label": "Enrolled", "n": fmt.count(enrolled), "note": "in the data"},
        {"label": f"{pre_name} scores", "n": fmt.count(p.with_pre), "note": _share_of(p.with_pre, enrolled)},
        {"label": f"{post_name} scores", "n": fmt.count(p.with_post), "note": _share_of(p.with_post, enrolled)},
        {"label": "Matched", "n": fmt.count(p.matched), "note": f"both {pre_name.lower()} and {post_name.lower()}"},
    ]
    rows, named = [], []
    for row in result.attrition:
        scale = result.scale(row.instrument, row.scale)
        dec = decimals(scale, ranges or {})
        name = scale_name(scale)
        rows.append(
            {
                "name": name,
                "domain": scale.domain,
                "n_completers": fmt.count(row.n_completers),
                "completers": fmt.mean_sd(row.completer_mean, row.completer_sd, dec),
                "n_noncompleters": fmt.count(row.n_noncompleters),
                "noncompleters": fmt.mean_sd(row.noncompleter_mean, row.noncompleter_sd, dec),
                "difference": fmt.num(row.mean_difference, dec, signed=True),
                "std_difference": fmt.num(row.standardized_difference, 2, signed=True),
            }
        )
        named.append((row, name, scale.higher_is))
    note = wording.attrition_summary(named)
    groups = [
        {"title": title, "rows": [r for r in rows if r["domain"] == domain]}
        for domain, title in (("recovery", "Recovery outcomes"), ("clinical", "Clinical outcomes"))
    ]
    return {
        "flow": flow,
        "retention": fmt.pct(p.retention_pct),
        "enrolled": fmt.count(enrolled),
        "matched": fmt.count(p.matched),
        "attrition": rows,
        "attrition_groups": [g for g in groups if g["rows"]],
        "notes": [note] if note else [],
    }


def alerts(result: AnalysisResult) -> dict[str, Any] | None:
    """Safety alert counts and time to acknowledgement (None when the data had no alert log).

    The alert summary is the store's (``toolkit.store.queries.alert_summary``): its keys are read as it gives them.
    """
    a = result.alerts
    if a is None:
        return None
    hours = a.get("median_hours_to_acknowledge", a.get("median_hours_to_ack"))
    return {
        "raised": fmt.count(a.get("raised")),
        "acknowledged": fmt.count(a.get("acknowledged")),
        "median_hours": fmt.SUPPRESSED if fmt.is_suppressed(hours) else fmt.num(hours, 1),
        "any": fmt.known(a.get("raised")) != 0,
    }


def sites(result: AnalysisResult, ranges: dict | None = None) -> dict[str, Any]:
    """Per-site participation and change on each total scale, one table per domain."""
    overview, per_domain = [], {"recovery": [], "clinical": []}
    for site in result.sites:
        overview.append(
            {
                "site": site.site,
                "enrolled": fmt.count(site.enrolled),
                "matched": fmt.count(site.matched),
                "retention": fmt.share(site.matched, site.enrolled) or fmt.NOT_AVAILABLE,
            }
        )
        entries = [(sc, result.scale(sc.instrument, sc.scale)) for sc in site.scales]
        for sc, meta in sorted(entries, key=lambda e: area_rank(e[1])):
            if not meta.is_total:
                continue
            withheld = isinstance(sc.n_pairs, Withheld)
            per_domain[meta.domain].append(
                {
                    "site": site.site,
                    "name": scale_name(meta),
                    "n": fmt.count(sc.n_pairs),
                    "change": fmt.SUPPRESSED
                    if withheld
                    else fmt.num(sc.mean_change, decimals(meta, ranges or {}), signed=True),
                    "g": fmt.SUPPRESSED if withheld else fmt.num(sc.g_av, 2),
                }
            )
    return {"overview": overview, "recovery": per_domain["recovery"], "clinical": per_domain["clinical"]}


def data_quality(result: AnalysisResult, titles: dict[str, str]) -> dict[str, Any]:
    """Row counts, invalid scores by reason, missing items and reliability."""
    q = result.data_quality
    reasons = [{"reason": k.replace("_", " "), "n": fmt.count(v)} for k, v in sorted(q.invalid_by_reason.items())]
    missing = [{"name": titles.get(k, k), "pct": fmt.pct(v, 1)} for k, v in sorted(q.missing_item_pct.items())]
    reliability = []
    for s in sorted(result.scales, key=lambda s: (0 if s.domain == "recovery" else 1, *area_rank(s))):
        if s.kind != "score":
            continue
        reliability.append(
            {
                "name": scale_name(s),
                "domain": s.domain,
                "alpha": fmt.alpha(s.alpha_pre),
                "ci": fmt.interval(s.alpha_pre_ci, 2),
                "n": fmt.count(s.alpha_n),
                "low": s.alpha_low is True,
            }
        )
    return {
        "rows": fmt.count(q.rows),
        "scores": fmt.count(q.scores),
        "invalid": fmt.count(q.invalid_scores),
        "insufficient": fmt.count(q.insufficient_items),
        "reasons": reasons,
        "missing": missing,
        "reliability": reliability,
        "n_low": sum(r["low"] for r in reliability),
    }


def _rci_source(s: ScaleResult, dec: int) -> dict[str, Any]:
    rci = s.rci
    return {
        "name": scale_name(s),
        "threshold": fmt.SUPPRESSED if isinstance(rci.threshold, Withheld) else threshold_text(rci.threshold, dec),
        "sd": fmt.num(rci.sd, 2),
        "reliability": fmt.alpha(rci.reliability),
        "basis": rci.basis or "",
        "source": rci.source or "",
    }


def methods(result: AnalysisResult, threshold: int, ranges: dict | None = None) -> dict[str, Any]:
    """Facts the methods section states: RCI sources, adjustment families, comparison group."""
    scored = [s for s in result.scales if s.kind == "score"]
    totals = sorted(
        (s for s in scored if s.is_total), key=lambda s: (0 if s.domain == "recovery" else 1, *area_rank(s))
    )
    method_names = {"holm": "Holm", "fdr_bh": "Benjamini–Hochberg"}
    members: dict[tuple[str, bool, str], set[str]] = {}
    for s in result.scales:
        if s.p_adjust_method:
            key = (s.domain, s.is_total, s.p_adjust_method)
            members.setdefault(key, set()).add(
                "total scores" if s.is_total else "service-use counts (Wilcoxon)" if s.kind == "count" else "subscales"
            )
    families = [
        {"domain": d, "what": " and ".join(sorted(members[(d, t, m)], reverse=True)), "method": method_names.get(m, m)}
        for d, t, m in sorted(members, key=lambda f: (f[0] != "recovery", not f[1]))
    ]
    return {
        "rci": [_rci_source(s, decimals(s, ranges or {})) for s in totals if s.rci.basis],
        "families": families,
        "has_comparison": any(s.ancova for s in scored),
        "threshold": threshold,
        "limit": threshold - 1,
        "has_counts": any(s.kind == "count" for s in result.scales),
    }


def _ci(ci: list[fmt.Value]) -> str:
    text = fmt.interval(ci, 2)
    return "" if text == fmt.NOT_AVAILABLE else text


def appendix(result: AnalysisResult, registry: Any, ranges: dict | None = None) -> dict[str, Any]:
    """Secondary statistics for every scale (totals and subscales) and instrument sources."""
    tables: dict[str, list[dict[str, Any]]] = {"recovery": [], "clinical": []}
    for s in sorted(result.scales, key=area_rank):
        w = is_withheld(s)
        dec = decimals(s, ranges or {})
        row = {
            "name": scale_name(s),
            "total": s.is_total,
            "n": fmt.count(s.n_pairs),
            "withheld": w,
            "withheld_note": withheld_note(s.n_pairs) if w else "",
        }
        if not w:
            row.update(
                change=fmt.num(s.mean_change, dec, signed=True),
                t=f"{fmt.num(s.t, 2)} ({fmt.count(s.df)})" if fmt.known(s.t) is not None else fmt.NOT_AVAILABLE,
                p=fmt.p_value(s.p),
                p_adj=fmt.p_value(s.p_adjusted),
                wilcoxon=fmt.p_value(s.wilcoxon_p),
                d_z=fmt.num(s.d_z, 2),
                d_z_ci=_ci(s.d_z_ci),
                g=fmt.num(s.g_av, 2),
                g_ci=_ci(s.g_av_ci),
            )
        tables[s.domain].append(row)
    instruments = []
    seen: set[str] = set()
    for s in sorted(result.scales, key=lambda s: (s.domain != "recovery", *area_rank(s))):
        iid = s.instrument
        if iid in seen:
            continue
        seen.add(iid)
        entry = {
            "id": iid,
            "title": s.instrument_title or iid,
            "short": s.short_title or iid,
            "domain": s.domain,
            "citation": "",
            "licence": "",
            "attribution": "",
        }
        if registry is not None and iid in registry:
            inst = registry.get(iid)
            entry.update(
                title=inst.title,
                short=inst.short_title,
                citation=inst.citation,
                licence=f"{inst.licence.status.value}. {inst.licence.note}".strip(),
                attribution=inst.licence.attribution,
            )
        instruments.append(entry)
    return {"recovery": tables["recovery"], "clinical": tables["clinical"], "instruments": instruments}
