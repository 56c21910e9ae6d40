"""Wording overlays: a program's licensed wording for a definition-only instrument.

An overlay file names the instrument it completes and gives the wording::

    overlay_for: mdes
    version: 1
    instructions: {en: "..."}
    response_scales:
      agree4: {1: {en: Strongly agree}, 2: {en: Agree}, ...}
    items:
      mdes_1: {en: "..."}

The result is the same instrument with its wording filled in, so it can be
administered. The licence status is kept; the overlay stays with the program.
"""

from __future__ import annotations

from typing import Any

from toolkit.errors import InstrumentError
from toolkit.errors import Problem
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.instruments.yaml_source import YamlSource

OVERLAY_KEYS = {"overlay_for", "version", "administer_as", "recall_period", "instructions", "response_scales", "items"}


def is_overlay(src: YamlSource) -> bool:
    """True when a parsed YAML file is a wording overlay."""
    return isinstance(src.data, dict) and "overlay_for" in src.data


def apply_overlay(inst: Instrument, src: YamlSource) -> Instrument:
    """Return ``inst`` with the wording from overlay ``src``.

    Raises
    ------
    InstrumentError
        When the overlay names unknown keys, items or options, or leaves an
        item or option without wording.
    """
    data = src.data
    problems: list[Problem] = []
    for key in data:
        if key not in OVERLAY_KEYS:
            problems.append(
                Problem(
                    src.where((key,)),
                    f"unknown key '{key}' in a wording overlay; allowed: {', '.join(sorted(OVERLAY_KEYS))}",
                )
            )
    raw: dict[str, Any] = inst.model_dump(mode="json", by_alias=True)
    for key in ("administer_as", "recall_period", "instructions"):
        if key in data:
            raw[key] = data[key]
    texts = data.get("items") or {}
    known = {it.id for it in inst.items}
    for item_id in texts:
        if item_id not in known:
            problems.append(Problem(src.where(("items", item_id)), f"items.{item_id}: {inst.id} has no such item"))
    for item in raw["items"]:
        if item["id"] in texts:
            item["text"] = texts[item["id"]]
        elif not item.get("text"):
            problems.append(
                Problem(src.where(("items",)), f"items: no wording for '{item['id']}'; add `{item['id']}: {{en: ...}}`")
            )
    labels = data.get("response_scales") or {}
    for name, scale in inst.response_scales.items():
        if not isinstance(scale, ChoiceScale):
            continue
        given = labels.get(name, {})
        for opt in raw["response_scales"][name]["options"]:
            value = opt["value"]
            label = given.get(value, given.get(str(value)))
            if label is None:
                problems.append(
                    Problem(
                        src.where(("response_scales", name)),
                        f"response_scales.{name}: no label for value {value}; add `{value}: {{en: ...}}`",
                    )
                )
            else:
                opt["label"] = label
    if problems:
        raise InstrumentError(problems)
    return Instrument.model_validate(raw)
