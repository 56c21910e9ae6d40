"""What each column of a data export means: its label, its value labels and its kind.

Item columns are labelled with the item's English text and their answers with
the response scale's English labels; a count item has no value labels. Score
columns (``phq9_total``, ``phq9_total_band``, ``phq9_total_valid``) are
labelled from the scale. A declined answer ("prefer not to say") has its own
code in the formats that can mark it as missing (:data:`DECLINED_CODE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from toolkit.instruments.registry import Registry
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument

DECLINED_CODE = -99.0
"""The code of a declined answer in SPSS files (declared as user-missing); outside every shipped scale."""

DECLINED_TEXT = "declined"
"""How CSV and XLSX write a declined answer: the word a wide response file uses for one."""

DECLINED_LABEL = "Declined (prefer not to say)"

DESCRIPTORS = {
    "participant": "Participant code",
    "wave": "Wave",
    "site": "Site",
    "group": "Group",
    "date": "Date of the wave's last administration (program time zone)",
    "mode": "Mode of administration (tablet, paper or import)",
    "language": "Language of administration",
    "kind": "Row kind (item or score)",
    "instrument": "Instrument",
    "item": "Item or scale",
    "value": "Answer or score",
    "declined": "Declined (prefer not to say)",
    "band": "Score band",
    "valid": "Score is valid",
}
"""Labels of the columns that are not items or scales."""

KINDS = ("text", "date", "item", "score", "band", "flag")
"""``text``: strings; ``date``: dates; ``item``: an answer (may be declined); ``score``: a number;
``band``: a label out of a fixed list; ``flag``: true or false."""

FLAG_LABELS = {0.0: "No", 1.0: "Yes"}


@dataclass(frozen=True)
class Variable:
    """One column of an export: name, label, kind, value labels, and whether it is a count (scale measure)."""

    name: str
    label: str
    kind: str
    values: dict[float, str] = field(default_factory=dict)
    ordinal: bool = False

    @property
    def measure(self) -> str:
        """SPSS's level of measurement: ordinal for answer and band codes, nominal for text and flags."""
        if self.kind in ("score", "date") or (self.kind == "item" and not self.values):
            return "scale"
        return "ordinal" if self.ordinal else "nominal"


def descriptor(name: str) -> Variable:
    """The variable of a descriptor column (participant, wave, site, ...)."""
    if name == "date":
        return Variable(name, DESCRIPTORS[name], "date")
    if name in ("declined", "valid"):
        return Variable(name, DESCRIPTORS[name], "flag", dict(FLAG_LABELS))
    if name == "value":
        return Variable(name, DESCRIPTORS[name], "item")
    return Variable(name, DESCRIPTORS.get(name, name), "text")


def item_variable(registry: Registry, item_id: str) -> Variable:
    """An item column: the item's English text, and its answers' English labels (none for counts)."""
    found = registry.item(item_id)
    if found is None:
        return Variable(item_id, item_id, "item")
    inst, item = found
    label = item.text.get("en") or f"{inst.short_title} item {item_id}"
    scale = inst.response_scales[item.scale]
    values: dict[float, str] = {}
    if isinstance(scale, ChoiceScale):
        values = {float(o.value): o.label.get("en") or str(o.value) for o in scale.options}
    return Variable(item_id, label, "item", values, ordinal=bool(values))


def score_variables(inst: Instrument, scale_id: str, bands: list[str]) -> list[Variable]:
    """The three columns of a scale in the wide layout: score, band (codes 1, 2, ... in band order), validity."""
    scale = next(s for s in inst.scales if s.id == scale_id)
    name = f"{inst.id}_{scale_id}"
    title = f"{inst.short_title} {scale.label.get('en') or scale_id}"
    band_values = {float(n): label for n, label in enumerate(bands, start=1)}
    return [
        Variable(name, f"{title} score", "score"),
        Variable(f"{name}_band", f"{title}: band", "band", band_values, ordinal=True),
        Variable(f"{name}_valid", f"{title}: score is valid", "flag", dict(FLAG_LABELS)),
    ]


def band_variable(bands: list[str]) -> Variable:
    """The ``band`` column of the long layout with scores: every band label of the scales, coded 1, 2, ..."""
    return Variable("band", DESCRIPTORS["band"], "band", {float(n): b for n, b in enumerate(bands, start=1)})


def values_text(variable: Variable) -> str:
    """Value labels as one line for a codebook, with the declined code: ``0 = Not at all; 1 = ...``."""
    if variable.kind == "band":
        return "; ".join(variable.values.values())
    parts = [f"{_number(v)} = {label}" for v, label in variable.values.items()]
    if variable.kind == "item":
        parts.append(f"{DECLINED_TEXT} = {DECLINED_LABEL}")
    return "; ".join(parts)


def _number(value: float) -> str:
    """``2.0`` as ``2``; other numbers as Python writes them."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
