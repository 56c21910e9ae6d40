"""Rules that relate several fields of an instrument definition.

Each rule yields ``(path, message)`` pairs; the loader turns paths into
``file:line`` locations. All rules run, so every problem is reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from toolkit.instruments.code_rules import check_codes
from toolkit.instruments.code_rules import loinc_check_digit  # noqa: F401 (also offered here)
from toolkit.instruments.scales import computed_range
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import LicenceStatus

Finding = tuple[tuple, str]


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """A ``"; did you mean 'x'?"`` hint, or an empty string."""
    close = difflib.get_close_matches(str(word), sorted(map(str, choices)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _fmt(x: float) -> str:
    return f"{x:g}"


def check_items(inst: Instrument) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for n, item in enumerate(inst.items):
        loc = ("items", n)
        if not item.id.startswith(inst.id + "_"):
            yield (
                loc + ("id",),
                (
                    f"items[{n}].id: '{item.id}' must start with '{inst.id}_' "
                    f"(item ids are <instrument>_<number on the published form>)"
                ),
            )
        if item.id in seen:
            yield (
                loc + ("id",),
                (
                    f"items[{n}].id: '{item.id}' is used twice (first at items[{seen[item.id]}]);"
                    " give each item its own id"
                ),
            )
        seen.setdefault(item.id, n)
        scale = inst.response_scales.get(item.scale)
        if scale is None:
            hint = did_you_mean(item.scale, set(inst.response_scales))
            fix = " Declare it" if hint else "; declare it"
            yield (
                loc + ("scale",),
                (
                    f"items[{n}].scale: unknown response scale '{item.scale}'{hint}"
                    f"{fix} under response_scales or fix the name."
                ),
            )
        elif item.reverse and not isinstance(scale, ChoiceScale):
            yield (
                loc + ("reverse",),
                (
                    f"items[{n}].reverse: '{item.id}' is reverse-keyed but its scale '{item.scale}'"
                    " is a count; reverse keys need a numeric choice scale"
                ),
            )
        if item.risk and item.alert is None:
            yield (
                loc + ("risk",),
                (
                    f"items[{n}]: '{item.id}' is a risk item but declares no alert;"
                    ' add `alert: {when: ">= 1", level: urgent}`'
                ),
            )
        if item.filler and (item.reverse or item.alert):
            yield (
                loc + ("filler",),
                (f"items[{n}]: '{item.id}' is a filler, so it cannot be reverse-keyed or raise an alert"),
            )
        if item.alert is not None and scale is not None:
            threshold = item.alert.threshold
            if not scale.low <= threshold <= scale.high:
                yield (
                    loc + ("alert", "when"),
                    (
                        f"items[{n}].alert.when: '{item.alert.when}' compares with {_fmt(threshold)},"
                        f" outside the scale {_fmt(scale.low)}-{_fmt(scale.high)}; the rule would"
                        " never or always fire"
                    ),
                )


def check_response_scales(inst: Instrument) -> Iterator[Finding]:
    for name, scale in inst.response_scales.items():
        if isinstance(scale, ChoiceScale):
            values = [o.value for o in scale.options]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                yield (
                    ("response_scales", name, "options"),
                    (
                        f"response_scales.{name}.options: value {_fmt(dupes[0])} is given twice;"
                        " each option needs its own value"
                    ),
                )
        elif scale.min >= scale.max:
            yield (
                ("response_scales", name, "max"),
                (f"response_scales.{name}: max ({scale.max}) must be above min ({scale.min})"),
            )


def check_wording(inst: Instrument) -> Iterator[Finding]:
    shipped = inst.licence.status in (LicenceStatus.free, LicenceStatus.research_use)
    for n, item in enumerate(inst.items):
        if shipped and "en" not in item.text:
            yield (
                ("items", n, "text"),
                (
                    f"items[{n}].text: '{item.id}' has no English wording; instruments with"
                    f" licence status '{inst.licence.status.value}' ship their wording"
                    " (write `text: {en: ...}`)"
                ),
            )
        if not shipped and item.text:
            yield (
                ("items", n, "text"),
                (
                    f"items[{n}].text: licence status '{inst.licence.status.value}' means the"
                    " wording is not shipped; remove it here and supply it in a wording overlay"
                ),
            )
    langs = set(inst.languages)
    used = {it.scale for it in inst.items}
    for name, scale in inst.response_scales.items():
        if not isinstance(scale, ChoiceScale) or name not in used:
            continue
        for k, opt in enumerate(scale.options):
            missing = sorted(langs - set(opt.label))
            if missing and shipped:
                yield (
                    ("response_scales", name, "options", k, "label"),
                    (
                        f"response_scales.{name}.options[{k}].label: no '{missing[0]}' wording,"
                        f" but the items have it; add `{missing[0]}: ...`"
                    ),
                )


def check_scales(inst: Instrument) -> Iterator[Finding]:
    item_ids = {i.id for i in inst.items}
    seen: set[str] = set()
    for n, scale in enumerate(inst.scales):
        loc = ("scales", n)
        if scale.id in seen:
            yield loc + ("id",), f"scales[{n}].id: '{scale.id}' is used twice; give each scale its own id"
        seen.add(scale.id)
        ids = scale.items if scale.items is not None else [i.id for i in inst.scored_items]
        bad = False
        for k, item_id in enumerate(ids):
            if item_id not in item_ids:
                bad = True
                yield (
                    loc + ("items", k),
                    (
                        f"scales[{n}].items[{k}]: unknown item '{item_id}'"
                        f"{did_you_mean(item_id, {i.id for i in inst.scored_items})}"
                    ),
                )
            elif inst.item(item_id).filler:
                bad = True
                yield (
                    loc + ("items", k),
                    (f"scales[{n}].items[{k}]: '{item_id}' is a filler and is not scored; remove it"),
                )
            elif inst.item(item_id).scale not in inst.response_scales:
                bad = True
        if scale.min_answered is not None and scale.min_answered > len(ids):
            yield (
                loc + ("min_answered",),
                (
                    f"scales[{n}].min_answered: {scale.min_answered} is more than the scale's"
                    f" {len(ids)} items; use at most {len(ids)}"
                ),
            )
        if bad or not ids:
            continue
        method = scale.method or inst.scoring.method
        items = [inst.item(i) for i in ids]
        lows = [inst.response_scales[i.scale].low for i in items]
        highs = [inst.response_scales[i.scale].high for i in items]
        lo, hi = computed_range(method, lows, highs)
        if scale.range is not None and (scale.range[0] != lo or scale.range[1] != hi):
            yield (
                loc + ("range",),
                (
                    f"scales[{n}].range: [{_fmt(scale.range[0])}, {_fmt(scale.range[1])}] does not"
                    f" match the items, which give [{_fmt(lo)}, {_fmt(hi)}] by {method};"
                    " fix the range or the items"
                ),
            )
        yield from _check_bands(inst, n, scale, lo, hi)
        if scale.clinical_cutoff is not None and not lo < scale.clinical_cutoff <= hi:
            yield (
                loc + ("clinical_cutoff",),
                (
                    f"scales[{n}].clinical_cutoff: {_fmt(scale.clinical_cutoff)} is outside the"
                    f" range {_fmt(lo)}-{_fmt(hi)}"
                ),
            )
        rc = scale.reliable_change
        if rc is not None and rc.threshold is None and rc.reliability is None:
            yield (
                loc + ("reliable_change",),
                (
                    f"scales[{n}].reliable_change: give a published `threshold`, or `reliability`"
                    " (with `sd` when a reference SD is published)"
                ),
            )


def _check_bands(inst: Instrument, n: int, scale, lo: float, hi: float) -> Iterator[Finding]:
    if not scale.bands:
        return
    loc = ("scales", n, "bands")
    rounding = (scale.rounding or inst.scoring.rounding).value
    if rounding == "none":
        yield loc, (f"scales[{n}].bands: bands need rounded scores; set `rounding: half_up` on this scale")
        return
    decimals = scale.decimals if scale.decimals is not None else inst.scoring.decimals
    step = 10.0**-decimals
    bands = sorted(scale.bands, key=lambda b: b.min)
    if bands[0].min != lo:
        yield (
            loc,
            f"scales[{n}].bands: the first band starts at {_fmt(bands[0].min)}, but the range starts at {_fmt(lo)}",
        )
    if bands[-1].max != hi:
        yield loc, f"scales[{n}].bands: the last band ends at {_fmt(bands[-1].max)}, but the range ends at {_fmt(hi)}"
    for prev, nxt in zip(bands, bands[1:], strict=False):
        expected = round(prev.max + step, decimals)
        if nxt.min < expected:
            yield (
                loc,
                (
                    f"scales[{n}].bands: '{prev.label}' ({_fmt(prev.min)}-{_fmt(prev.max)}) overlaps"
                    f" '{nxt.label}' ({_fmt(nxt.min)}-{_fmt(nxt.max)}); start '{nxt.label}' at {_fmt(expected)}"
                ),
            )
        elif nxt.min > expected:
            yield (
                loc,
                (
                    f"scales[{n}].bands: gap between '{prev.label}' (ends {_fmt(prev.max)}) and"
                    f" '{nxt.label}' (starts {_fmt(nxt.min)}); start '{nxt.label}' at {_fmt(expected)}"
                ),
            )
    for b in bands:
        if b.min > b.max:
            yield loc, f"scales[{n}].bands: '{b.label}' starts at {_fmt(b.min)}, after its end {_fmt(b.max)}"


RULES = (check_items, check_response_scales, check_wording, check_scales, check_codes)


def check_instrument(inst: Instrument) -> list[Finding]:
    """Run every cross-field rule and return all findings."""
    return [f for rule in RULES for f in rule(inst)]
