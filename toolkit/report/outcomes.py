"""Rows and sentences for the outcome sections (one domain at a time).

Everything here works on one domain's scales only, so the recovery and
clinical sections can never share a row.
"""

from __future__ import annotations

from typing import Any

from toolkit.report import formatting as fmt
from toolkit.report import wording

AREAS: dict[str, str] = {
    "hope": "Hope",
    "empowerment": "Empowerment",
    "self_efficacy": "Self-efficacy",
    "personal_recovery": "Personal recovery",
    "recovery_capital": "Recovery capital",
    "wellbeing": "Well-being",
    "symptoms": "Symptoms",
    "distress": "Distress",
    "service_use": "Service use",
}
DOMAINS: dict[str, str] = {"recovery": "Recovery outcomes", "clinical": "Clinical outcomes"}

BASIS_NAMES = {
    "threshold": "published threshold",
    "published": "published threshold",
    "reference": "reference SD and reliability",
    "reference_sd": "reference SD and reliability",
    "reference_reliability": "sample SD with reference reliability",
    "sample": "sample baseline SD and alpha",
}


def area_rank(scale: dict[str, Any]) -> tuple[int, str]:
    """Sort key: report area order, then instrument (a stable sort keeps the declared scale order)."""
    order = list(AREAS)
    area = scale.get("area")
    return (order.index(area) if area in order else len(order), str(scale.get("instrument")))


def withheld_note(n: object) -> str:
    """Why a row's statistics are not shown, from its withheld count (``"<11"`` or ``"*"``)."""
    text = str(n)
    if text.startswith("<"):
        return f"suppressed: fewer than {text[1:]} people"
    return "withheld so that a small count elsewhere cannot be worked out"


def scale_name(scale: dict[str, Any]) -> str:
    """``"Hope (State Hope)"`` for a total, ``"State Hope: agency"`` for a subscale."""
    short = scale.get("short_title") or scale.get("instrument_title") or scale.get("instrument", "")
    label = scale.get("label") or ""
    if scale.get("is_total"):
        if label and label.lower() in str(short).lower():
            label = AREAS.get(str(scale.get("area")), "")
        return f"{label} ({short})" if label and label != short else str(short)
    return f"{short}: {label or scale.get('scale', '')}"


def decimals(scale: dict[str, Any], ranges: dict[tuple[str, str], tuple[float, float]]) -> int:
    """Decimals for means of this scale: 2 on short ranges (such as 1 to 4), else 1."""
    span = ranges.get((scale.get("instrument", ""), scale.get("scale", "")))
    if span is not None:
        return 2 if span[1] - span[0] <= 10 else 1
    means = [v for v in (scale.get("pre_mean"), scale.get("post_mean")) if fmt.is_number(v)]
    return 2 if means and max(abs(float(v)) for v in means) < 10 else 1


def is_withheld(scale: dict[str, Any]) -> bool:
    """True when the scale's change statistics were withheld (too few people).

    Suppression replaces a small ``n_pairs`` by a text such as ``"<11"`` and
    sets the statistics to None; a scale with people but no means has been
    withheld too.
    """
    n = scale.get("n_pairs")
    if fmt.is_suppressed(n):
        return True
    return fmt.is_number(n) and n > 0 and scale.get("pre_mean") is None and scale.get("mean_change") is None


def score_row(scale: dict[str, Any], dec: int) -> dict[str, Any]:
    """One row of a domain's main table, formatted, with its sentence."""
    withheld = is_withheld(scale)
    direction = wording.verdict(scale.get("g_av"), scale.get("g_av_ci"))
    row = {
        "key": f"{scale['instrument']}.{scale['scale']}",
        "name": scale_name(scale),
        "area": AREAS.get(scale.get("area", ""), ""),
        "instrument": scale.get("instrument"),
        "higher_is": scale.get("higher_is"),
        "n": fmt.count(scale.get("n_pairs")),
        "withheld": withheld,
        "withheld_note": withheld_note(scale.get("n_pairs")) if withheld else "",
        "verdict": direction,
        "sentence": wording.score_sentence(scale, dec),
    }
    if withheld:
        row.update({k: fmt.SUPPRESSED for k in ("pre", "post", "change", "g", "p", "p_adj")}, change_ci="", g_ci="")
        return row
    row.update(
        pre=fmt.mean_sd(scale.get("pre_mean"), scale.get("pre_sd"), dec),
        post=fmt.mean_sd(scale.get("post_mean"), scale.get("post_sd"), dec),
        change=fmt.num(scale.get("mean_change"), dec, signed=True),
        change_ci=_ci(scale.get("change_ci"), dec),
        g=fmt.num(scale.get("g_av"), 2),
        g_ci=_ci(scale.get("g_av_ci"), 2),
        p=fmt.p_value(scale.get("p")),
        p_adj=fmt.p_value(scale.get("p_adjusted")),
    )
    return row


def _ci(ci: object, dec: int) -> str:
    text = fmt.interval(ci, dec)
    return "" if text == fmt.NOT_AVAILABLE else text


def forest_point(scale: dict[str, Any]) -> dict[str, Any] | None:
    """Chart data for one effect (None when withheld)."""
    ci = scale.get("g_av_ci") or [None, None]
    if is_withheld(scale) or not all(fmt.is_number(v) for v in (scale.get("g_av"), *ci)):
        return None
    return {"label": scale_name(scale), "g": float(scale["g_av"]), "lo": float(ci[0]), "hi": float(ci[1])}


def _rci_cell(value: object, n: object) -> str:
    if fmt.is_suppressed(value) or not fmt.is_number(value):
        return fmt.count(value)
    pct = fmt.share(value, n)
    return f"{fmt.count(value)} ({pct})" if pct else fmt.count(value)


def rci_row(scale: dict[str, Any], dec: int) -> dict[str, Any] | None:
    """Reliable change counts for one scale (None when no threshold is known)."""
    rci = scale.get("rci")
    if not rci or not fmt.is_number(rci.get("threshold")):
        return None
    n = scale.get("n_pairs")
    withheld = is_withheld(scale)
    recovered = rci.get("recovered")
    return {
        "name": scale_name(scale),
        "threshold": threshold_text(rci["threshold"], dec),
        "n": fmt.count(n),
        "improved": fmt.SUPPRESSED if withheld else _rci_cell(rci.get("improved"), n),
        "unchanged": fmt.SUPPRESSED if withheld else _rci_cell(rci.get("unchanged"), n),
        "deteriorated": fmt.SUPPRESSED if withheld else _rci_cell(rci.get("deteriorated"), n),
        "recovered": None if recovered is None else (
            fmt.SUPPRESSED if withheld else f"{fmt.count(recovered)} of {fmt.count(rci.get('n_clinical_pre'))}"),
        "sentence": "" if withheld else wording.reliable_change_sentence(rci, n, "points"),
        "chart": None if withheld else rci_bar(scale),
    }


def threshold_text(value: object, dec: int) -> str:
    """A reliable change threshold: whole numbers without decimals (``6``), others as means are."""
    if fmt.is_number(value) and float(value).is_integer():
        return fmt.num(value, 0)
    return fmt.num(value, dec)


def rci_bar(scale: dict[str, Any]) -> dict[str, Any] | None:
    """Stacked-bar data for one scale, only when no category is withheld."""
    rci = scale.get("rci") or {}
    parts = [rci.get(k) for k in ("improved", "unchanged", "deteriorated")]
    if not all(fmt.is_number(v) for v in parts) or sum(parts) == 0:
        return None
    total = float(sum(parts))
    return {"label": scale_name(scale), "improved": parts[0] / total, "unchanged": parts[1] / total,
            "deteriorated": parts[2] / total, "n": int(total)}


def band_table(scale: dict[str, Any]) -> dict[str, Any] | None:
    """Severity-band movement: baseline band (rows) by follow-up band (columns)."""
    bands = scale.get("bands")
    if not bands or not bands.get("labels"):
        return None
    labels = list(bands["labels"])
    grid = bands.get("crosstab") or []
    lower_better = scale.get("higher_is") == "worse"
    rows = []
    moved = {"better": 0, "same": 0, "worse": 0}
    complete = True
    for i, label in enumerate(labels):
        cells = []
        for j, value in enumerate(grid[i] if i < len(grid) else []):
            kind = "same" if i == j else ("better" if (j < i) == lower_better else "worse")
            cells.append({"text": fmt.count(value), "kind": kind})
            if fmt.is_number(value):
                moved[kind] += int(value)
            else:
                complete = False
        rows.append({"label": label, "cells": cells})
    summary = ""
    if complete and sum(moved.values()):
        total = sum(moved.values())
        summary = (
            f"{moved['better']} of {total} people ({fmt.share(moved['better'], total)}) moved to a less severe band,"
            f" {moved['same']} ({fmt.share(moved['same'], total)}) stayed in the same band and"
            f" {moved['worse']} ({fmt.share(moved['worse'], total)}) moved to a more severe band."
        )
    return {"name": scale_name(scale), "labels": labels, "rows": rows, "summary": summary}


def count_row(scale: dict[str, Any]) -> dict[str, Any]:
    """A service-use measure: totals, medians and how many reported any."""
    c = scale.get("counts") or {}
    withheld = is_withheld(scale)
    return {
        "name": scale.get("label") or scale_name(scale),
        "n": fmt.count(scale.get("n_pairs")),
        "withheld": withheld,
        "withheld_note": withheld_note(scale.get("n_pairs")) if withheld else "",
        "pre_total": fmt.count(c.get("pre_total")),
        "post_total": fmt.count(c.get("post_total")),
        "pre_median": fmt.num(c.get("pre_median"), 1),
        "post_median": fmt.num(c.get("post_median"), 1),
        "pre_any": fmt.count(c.get("pre_any")),
        "post_any": fmt.count(c.get("post_any")),
        "p": fmt.p_value(scale.get("wilcoxon_p")),
        "p_adj": fmt.p_value(scale.get("p_adjusted")),
        "sentence": wording.count_sentence(scale),
    }


def domain_section(scales: list[dict[str, Any]], domain: str, ranges: dict) -> dict[str, Any]:
    """Everything one outcome section shows, from that domain's scales only."""
    own = sorted((s for s in scales if s.get("domain") == domain), key=area_rank)
    totals = [s for s in own if s.get("is_total")]
    scored = [s for s in totals if s.get("kind", "score") == "score"]
    counted = [s for s in own if s.get("kind") == "count"]
    rows = [score_row(s, decimals(s, ranges)) for s in scored]
    rci_rows = [r for r in (rci_row(s, decimals(s, ranges)) for s in scored) if r]
    return {
        "id": domain,
        "title": DOMAINS[domain],
        "rows": rows,
        "verdicts": {v: sum(r["verdict"] == v for r in rows) for v in
                     (wording.IMPROVED, wording.NO_CLEAR_CHANGE, wording.WORSENED, wording.NOT_REPORTED)},
        "forest": [p for p in (forest_point(s) for s in scored) if p],
        "rci": rci_rows,
        "rci_bars": [r["chart"] for r in rci_rows if r["chart"]],
        "bands": [t for t in (band_table(s) for s in scored) if t],
        "counts": [count_row(s) for s in counted],
        "ancova": [
            {"name": scale_name(s), "sentence": wording.ancova_sentence(s.get("ancova"), decimals(s, ranges))}
            for s in totals if s.get("ancova")
        ],
        "n_subscales": sum(1 for s in own if not s.get("is_total") and s.get("kind", "score") == "score"),
        "instruments": sorted({str(s.get("short_title") or s.get("instrument")) for s in own}),
    }
