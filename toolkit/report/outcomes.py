"""Rows and sentences for the outcome sections (one domain at a time).

Everything here works on one domain's scales only, so the recovery and
clinical sections can never share a row.
"""

from __future__ import annotations

from typing import Any

from toolkit.analysis.model import ScaleResult
from toolkit.analysis.model import Withheld
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


def area_rank(scale: ScaleResult) -> tuple[int, str]:
    """Sort key: report area order, then instrument (a stable sort keeps the declared scale order)."""
    order = list(AREAS)
    return (order.index(scale.area) if scale.area in order else len(order), scale.instrument)


def withheld_note(n: fmt.Value) -> str:
    """Why a row's statistics are not shown, from its withheld count (``"<11"`` or ``"*"``)."""
    text = str(n)
    if text.startswith("<"):
        return f"suppressed: fewer than {text[1:]} people"
    return "withheld so that a small count elsewhere cannot be worked out"


def scale_name(scale: ScaleResult) -> str:
    """``"Hope (State Hope)"`` for a total, ``"State Hope: agency"`` for a subscale."""
    short = scale.short_title or scale.instrument_title or scale.instrument
    label = scale.label
    if scale.is_total:
        if label and label.lower() in short.lower():
            label = AREAS.get(scale.area, "")
        return f"{label} ({short})" if label and label != short else short
    return f"{short}: {label or scale.scale}"


def decimals(scale: ScaleResult, ranges: dict[tuple[str, str], tuple[float, float]]) -> int:
    """Decimals for means of this scale: 2 on short ranges (such as 1 to 4), else 1."""
    span = ranges.get((scale.instrument, scale.scale))
    if span is not None:
        return 2 if span[1] - span[0] <= 10 else 1
    means = [v for v in (fmt.known(scale.pre_mean), fmt.known(scale.post_mean)) if v is not None]
    return 2 if means and max(abs(v) for v in means) < 10 else 1


def is_withheld(scale: ScaleResult) -> bool:
    """True when the scale's change statistics were withheld (too few people).

    Suppression withholds a small ``n_pairs`` (shown as ``"<11"``) with every
    statistic of the scale.
    """
    return isinstance(scale.n_pairs, Withheld) or isinstance(scale.mean_change, Withheld)


def score_row(scale: ScaleResult, dec: int) -> dict[str, Any]:
    """One row of a domain's main table, formatted, with its sentence."""
    withheld = is_withheld(scale)
    direction = wording.verdict(scale.g_av, scale.g_av_ci)
    row = {
        "key": f"{scale.instrument}.{scale.scale}",
        "name": scale_name(scale),
        "area": AREAS.get(scale.area, ""),
        "instrument": scale.instrument,
        "higher_is": scale.higher_is,
        "n": fmt.count(scale.n_pairs),
        "withheld": withheld,
        "withheld_note": withheld_note(scale.n_pairs) if withheld else "",
        "verdict": direction,
        "sentence": wording.score_sentence(scale, dec),
    }
    if withheld:
        row.update({k: fmt.SUPPRESSED for k in ("pre", "post", "change", "g", "p", "p_adj")}, change_ci="", g_ci="")
        return row
    row.update(
        pre=fmt.mean_sd(scale.pre_mean, scale.pre_sd, dec),
        post=fmt.mean_sd(scale.post_mean, scale.post_sd, dec),
        change=fmt.num(scale.mean_change, dec, signed=True),
        change_ci=_ci(scale.change_ci, dec),
        g=fmt.num(scale.g_av, 2),
        g_ci=_ci(scale.g_av_ci, 2),
        p=fmt.p_value(scale.p),
        p_adj=fmt.p_value(scale.p_adjusted),
    )
    return row


def _ci(ci: object, dec: int) -> str:
    text = fmt.interval(ci, dec)
    return "" if text == fmt.NOT_AVAILABLE else text


def forest_point(scale: ScaleResult) -> dict[str, Any] | None:
    """Chart data for one effect (None when withheld)."""
    g, lo, hi = (fmt.known(v) for v in (scale.g_av, *scale.g_av_ci))
    if is_withheld(scale) or g is None or lo is None or hi is None:
        return None
    return {"label": scale_name(scale), "g": g, "lo": lo, "hi": hi}


def _rci_cell(value: fmt.Value, n: fmt.Value) -> str:
    if fmt.known(value) is None:
        return fmt.count(value)
    pct = fmt.share(value, n)
    return f"{fmt.count(value)} ({pct})" if pct else fmt.count(value)


def rci_row(scale: ScaleResult, dec: int) -> dict[str, Any] | None:
    """Reliable change counts for one scale (None when no threshold is known or it is withheld)."""
    rci = scale.rci
    if fmt.known(rci.threshold) is None:
        return None
    n = scale.n_pairs
    withheld = is_withheld(scale)
    recovered = rci.recovered
    return {
        "name": scale_name(scale),
        "threshold": threshold_text(rci.threshold, dec),
        "n": fmt.count(n),
        "improved": fmt.SUPPRESSED if withheld else _rci_cell(rci.improved, n),
        "unchanged": fmt.SUPPRESSED if withheld else _rci_cell(rci.unchanged, n),
        "deteriorated": fmt.SUPPRESSED if withheld else _rci_cell(rci.deteriorated, n),
        "recovered": None
        if recovered is None
        else (fmt.SUPPRESSED if withheld else f"{fmt.count(recovered)} of {fmt.count(rci.n_clinical_pre)}"),
        "sentence": "" if withheld else wording.reliable_change_sentence(rci, n, "points"),
        "chart": None if withheld else rci_bar(scale),
    }


def threshold_text(value: fmt.Value, dec: int) -> str:
    """A reliable change threshold: whole numbers without decimals (``6``), others as means are."""
    x = fmt.known(value)
    if x is not None and x.is_integer():
        return fmt.num(value, 0)
    return fmt.num(value, dec)


def rci_bar(scale: ScaleResult) -> dict[str, Any] | None:
    """Stacked-bar data for one scale, only when no category is withheld."""
    rci = scale.rci
    parts = [rci.improved, rci.unchanged, rci.deteriorated]
    if not all(isinstance(v, int) for v in parts) or sum(parts) == 0:
        return None
    total = float(sum(parts))
    return {
        "label": scale_name(scale),
        "improved": parts[0] / total,
        "unchanged": parts[1] / total,
        "deteriorated": parts[2] / total,
        "n": int(total),
    }


def band_table(scale: ScaleResult) -> dict[str, Any] | None:
    """Severity-band movement: baseline band (rows) by follow-up band (columns)."""
    bands = scale.bands
    if bands is None or not bands.labels:
        return None
    labels = list(bands.labels)
    grid = bands.crosstab
    lower_better = scale.higher_is == "worse"
    rows = []
    moved = {"better": 0, "same": 0, "worse": 0}
    complete = True
    for i, label in enumerate(labels):
        cells = []
        for j, value in enumerate(grid[i] if i < len(grid) else []):
            kind = "same" if i == j else ("better" if (j < i) == lower_better else "worse")
            cells.append({"text": fmt.count(value), "kind": kind})
            if isinstance(value, Withheld):
                complete = False
            else:
                moved[kind] += value
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


def count_row(scale: ScaleResult) -> dict[str, Any]:
    """A service-use measure: totals, medians and how many reported any."""
    c = scale.counts
    withheld = is_withheld(scale)
    return {
        "name": scale.label or scale_name(scale),
        "n": fmt.count(scale.n_pairs),
        "withheld": withheld,
        "withheld_note": withheld_note(scale.n_pairs) if withheld else "",
        "pre_total": fmt.count(c.pre_total if c else None),
        "post_total": fmt.count(c.post_total if c else None),
        "pre_median": fmt.num(c.pre_median if c else None, 1),
        "post_median": fmt.num(c.post_median if c else None, 1),
        "pre_any": fmt.count(c.pre_any if c else None),
        "post_any": fmt.count(c.post_any if c else None),
        "p": fmt.p_value(scale.wilcoxon_p),
        "p_adj": fmt.p_value(scale.p_adjusted),
        "sentence": wording.count_sentence(scale),
    }


def domain_section(scales: list[ScaleResult], domain: str, ranges: dict) -> dict[str, Any]:
    """Everything one outcome section shows, from that domain's scales only."""
    own = sorted((s for s in scales if s.domain == domain), key=area_rank)
    totals = [s for s in own if s.is_total]
    scored = [s for s in totals if s.kind == "score"]
    counted = [s for s in own if s.kind == "count"]
    rows = [score_row(s, decimals(s, ranges)) for s in scored]
    rci_rows = [r for r in (rci_row(s, decimals(s, ranges)) for s in scored) if r]
    return {
        "id": domain,
        "title": DOMAINS[domain],
        "rows": rows,
        "verdicts": {
            v: sum(r["verdict"] == v for r in rows)
            for v in (wording.IMPROVED, wording.NO_CLEAR_CHANGE, wording.WORSENED, wording.NOT_REPORTED)
        },
        "forest": [p for p in (forest_point(s) for s in scored) if p],
        "rci": rci_rows,
        "rci_bars": [r["chart"] for r in rci_rows if r["chart"]],
        "bands": [t for t in (band_table(s) for s in scored) if t],
        "counts": [count_row(s) for s in counted],
        "ancova": [
            {"name": scale_name(s), "sentence": wording.ancova_sentence(s.ancova, decimals(s, ranges))}
            for s in totals
            if s.ancova
        ],
        "n_subscales": sum(1 for s in own if not s.is_total and s.kind == "score"),
        "instruments": sorted({s.short_title or s.instrument for s in own}),
    }
