"""Resolved scales: a scale with the instrument's defaults filled in."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.instruments.schema import Band
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import ReliableChange
from toolkit.instruments.schema import Scale


@dataclass(frozen=True)
class ScaleSpec:
    """Everything scoring and analysis need to know about one scale."""

    instrument: str
    id: str
    items: tuple[str, ...]
    method: str
    rounding: str
    decimals: int
    higher_is: str
    min_answered: int
    range: tuple[float, float]
    item_low: tuple[float, ...]
    item_high: tuple[float, ...]
    reverse: tuple[bool, ...]
    bands: tuple[Band, ...]
    clinical_cutoff: float | None
    reliable_change: ReliableChange | None
    primary: bool


def computed_range(method: str, lows: list[float], highs: list[float]) -> tuple[float, float]:
    """The possible range of a scale from its items' ranges."""
    if method == "sum":
        return (float(sum(lows)), float(sum(highs)))
    return (float(min(lows)), float(max(highs)))


def resolve_scale(inst: Instrument, scale: Scale) -> ScaleSpec:
    """Fill a scale's unset fields from the instrument (items must be valid)."""
    item_ids = scale.items if scale.items is not None else [i.id for i in inst.scored_items]
    items = [inst.item(i) for i in item_ids]
    lows = [inst.response_scales[i.scale].low for i in items]
    highs = [inst.response_scales[i.scale].high for i in items]
    method = scale.method or inst.scoring.method
    return ScaleSpec(
        instrument=inst.id,
        id=scale.id,
        items=tuple(item_ids),
        method=method,
        rounding=(scale.rounding or inst.scoring.rounding).value,
        decimals=scale.decimals if scale.decimals is not None else inst.scoring.decimals,
        higher_is=scale.higher_is or inst.scoring.higher_is,
        min_answered=scale.min_answered or len(items),
        range=computed_range(method, lows, highs),
        item_low=tuple(lows),
        item_high=tuple(highs),
        reverse=tuple(i.reverse for i in items),
        bands=tuple(sorted(scale.bands, key=lambda b: b.min)),
        clinical_cutoff=scale.clinical_cutoff,
        reliable_change=scale.reliable_change,
        primary=scale.primary,
    )
