"""The instrument model: what a YAML instrument definition may say.

Field-level rules live here (types, enums, unknown keys); rules that relate
several fields (bands cover the range, items exist, ...) live in
:mod:`toolkit.instruments.rules` so that all problems can be reported at once.
"""

from __future__ import annotations

import operator
from enum import StrEnum
from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
LocalText = dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], str]
"""Text by language code, e.g. ``{en: "Not at all", es: "Nunca"}``."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(StrEnum):
    recovery = "recovery"
    clinical = "clinical"


class Area(StrEnum):
    """Outcome area; orders the sections of the report."""

    hope = "hope"
    empowerment = "empowerment"
    self_efficacy = "self_efficacy"
    personal_recovery = "personal_recovery"
    recovery_capital = "recovery_capital"
    wellbeing = "wellbeing"
    symptoms = "symptoms"
    distress = "distress"
    service_use = "service_use"


class LicenceStatus(StrEnum):
    free = "free"
    research_use = "research-use"
    definition_only = "definition-only"
    restricted = "restricted"


class Licence(Strict):
    status: LicenceStatus
    note: str = ""
    attribution: str = ""


class Option(Strict):
    value: int | float
    label: LocalText = Field(default_factory=dict)


class ChoiceScale(Strict):
    """A fixed set of answer options."""

    type: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2)

    @property
    def values(self) -> list[float]:
        return [float(o.value) for o in self.options]

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


class CountScale(Strict):
    """A whole-number count, such as nights in hospital."""

    type: Literal["count"]
    min: int = 0
    max: int
    unit: LocalText = Field(default_factory=dict)

    @property
    def low(self) -> float:
        return float(self.min)

    @property
    def high(self) -> float:
        return float(self.max)


ResponseScale = Annotated[ChoiceScale | CountScale, Field(discriminator="type")]


class Alert(Strict):
    """A safety rule on one item: ``when`` is a comparison such as ``">= 1"``."""

    when: Annotated[str, StringConstraints(pattern=r"^\s*(>=|<=|==|>|<)\s*-?\d+(\.\d+)?\s*$")]
    level: Literal["urgent", "routine"] = "urgent"
    message: LocalText = Field(default_factory=dict)

    @property
    def op(self) -> str:
        """The comparison operator, e.g. ``">="``."""
        return self.when.strip().rstrip("0123456789.- ")

    @property
    def threshold(self) -> float:
        """The number compared with."""
        return float(self.when.strip()[len(self.op) :])

    def fires(self, value: float | None) -> bool:
        """True when an answer ``value`` meets the rule (a missing answer never does)."""
        if value is None:
            return False
        return bool(self.compare(float(value)))

    def compare(self, values: Any) -> Any:
        """Apply the rule to a number or a numpy array (NaN never fires)."""
        return _COMPARE[self.op](values, self.threshold)


_COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}


class Item(Strict):
    id: Ident
    scale: str
    text: LocalText = Field(default_factory=dict)
    reverse: bool = False
    filler: bool = False
    risk: bool = False
    allow_decline: bool | None = None
    alert: Alert | None = None


class Band(Strict):
    min: float
    max: float
    label: str


class ReliableChange(Strict):
    """Reference values for the reliable change index (Jacobson & Truax 1991).

    A published ``threshold`` in raw points overrides everything else.
    Otherwise SEdiff = sd * sqrt(2) * sqrt(1 - r) with the reference ``sd``
    and ``reliability``; when only ``reliability`` is known, the analysis
    uses the sample's baseline SD with it.
    """

    sd: float | None = Field(default=None, gt=0)
    reliability: float | None = Field(default=None, gt=0, lt=1)
    threshold: float | None = Field(default=None, gt=0)
    source: str


class Rounding(StrEnum):
    half_up = "half_up"
    none = "none"


class Scoring(Strict):
    """Defaults shared by every scale of the instrument."""

    method: Literal["sum", "mean"] = "sum"
    rounding: Rounding = Rounding.half_up
    decimals: int = Field(default=0, ge=0, le=4)
    higher_is: Literal["better", "worse"]


class Scale(Strict):
    """A scored scale: the total or a subscale."""

    id: Ident
    label: LocalText = Field(default_factory=dict)
    items: list[str] | None = None
    method: Literal["sum", "mean"] | None = None
    rounding: Rounding | None = None
    decimals: int | None = Field(default=None, ge=0, le=4)
    higher_is: Literal["better", "worse"] | None = None
    min_answered: int | None = Field(default=None, ge=1)
    range: tuple[float, float] | None = None
    bands: list[Band] = Field(default_factory=list)
    clinical_cutoff: float | None = None
    reliable_change: ReliableChange | None = None
    primary: bool = False


LoincCode = str
"""A LOINC term code such as ``44249-1``; its form and check digit are checked in :mod:`~toolkit.instruments.rules`."""

LoincAnswerCode = str
"""A LOINC answer code such as ``LA6568-5``; its form is checked in :mod:`~toolkit.instruments.rules`."""


class Codes(Strict):
    """LOINC codes of an instrument, for exchange with FHIR systems (every part optional).

    ``panel`` is the instrument's panel code, ``items`` an item id -> code
    map, ``scales`` a scale id -> score code map (``total: 44261-6``) and
    ``answers`` a response scale -> option value -> answer code map.
    """

    panel: LoincCode | None = None
    items: dict[str, LoincCode] = Field(default_factory=dict)
    scales: dict[str, LoincCode] = Field(default_factory=dict)
    answers: dict[str, dict[float, LoincAnswerCode]] = Field(default_factory=dict)


class Instrument(Strict):
    """One version of one instrument, as defined in ``instruments/*.yaml``."""

    id: Ident
    version: int = Field(ge=1)
    title: str
    short_title: str
    construct_name: str = Field(alias="construct")
    domain: Domain
    area: Area
    citation: str
    licence: Licence
    administer_as: LocalText = Field(default_factory=dict)
    recall_period: LocalText = Field(default_factory=dict)
    instructions: LocalText = Field(default_factory=dict)
    allow_decline: bool = False
    response_scales: dict[Ident, ResponseScale]
    items: list[Item] = Field(min_length=1)
    scoring: Scoring
    scales: list[Scale] = Field(min_length=1)
    codes: Codes = Field(default_factory=Codes)

    def item(self, item_id: str) -> Item:
        """Return the item with this id (KeyError if absent)."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def scored_items(self) -> list[Item]:
        return [it for it in self.items if not it.filler]

    @property
    def alert_items(self) -> list[Item]:
        return [it for it in self.items if it.alert is not None]

    @property
    def languages(self) -> list[str]:
        """Languages in which every item has wording."""
        langs: set[str] | None = None
        for it in self.items:
            langs = set(it.text) if langs is None else langs & set(it.text)
        return sorted(langs or ())

    @property
    def administrable(self) -> bool:
        """True when wording is present for every item (shipped or from an overlay)."""
        return bool(self.languages)
