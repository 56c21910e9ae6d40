"""Which values answer an item: the one rule the kiosk, paper entry and imports share."""

from __future__ import annotations

import numpy as np

from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import Item


def is_risk_item(item: Item) -> bool:
    """True for a safety item: one marked ``risk`` or carrying an alert rule."""
    return item.risk or item.alert is not None


def allows_decline(inst: Instrument, item: Item, risk_decline: bool = False) -> bool:
    """True when the item may be answered "prefer not to say".

    A risk item follows the program's ``risk_decline`` setting (off by
    default: a declined self-harm question raises no alert); other items
    follow the instrument's definition.
    """
    if is_risk_item(item):
        return risk_decline
    return item.allow_decline if item.allow_decline is not None else inst.allow_decline


def on_scale(inst: Instrument, item: Item, value: float) -> bool:
    """True when ``value`` is one of the item's answers (a listed choice, or a whole number in range)."""
    scale = inst.response_scales[item.scale]
    if isinstance(scale, ChoiceScale):
        return float(value) in scale.values
    return float(value).is_integer() and scale.min <= value <= scale.max


def scale_text(inst: Instrument, item: Item) -> str:
    """The item's answers in words for a message, e.g. ``0, 1, 2 or 3`` or ``0 to 10``."""
    scale = inst.response_scales[item.scale]
    if isinstance(scale, ChoiceScale):
        values = [f"{v:g}" for v in sorted(scale.values)]
        return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]
    return f"{scale.min:g} to {scale.max:g}"


def on_scale_array(inst: Instrument, item: Item, values: np.ndarray) -> np.ndarray:
    """:func:`on_scale` for an array of values: a boolean array (NaN is never on the scale)."""
    values = np.asarray(values, dtype=float)
    scale = inst.response_scales[item.scale]
    if isinstance(scale, ChoiceScale):
        return np.isin(values, np.asarray(scale.values, dtype=float))
    with np.errstate(invalid="ignore"):
        return (np.floor(values) == values) & (values >= scale.min) & (values <= scale.max)
