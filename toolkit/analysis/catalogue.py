"""What the analysis needs to know about each scale, from the instrument registry."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.instruments.registry import Registry
from toolkit.instruments.scales import ScaleSpec
from toolkit.instruments.schema import Area
from toolkit.instruments.schema import CountScale

SERVICE_USE = "service_use"
DOMAIN_ORDER = ("recovery", "clinical")
AREA_ORDER = tuple(a.value for a in Area)


@dataclass(frozen=True)
class ScaleInfo:
    """One scale with its instrument's descriptive fields."""

    spec: ScaleSpec
    instrument_title: str
    short_title: str
    label: str
    domain: str
    area: str
    kind: str  # "score" or "count"

    @property
    def key(self) -> tuple[str, str]:
        return (self.spec.instrument, self.spec.id)

    @property
    def is_total(self) -> bool:
        return self.spec.id == "total"

    def identity(self) -> dict:
        """The fields that name the scale in the over-time parts of the result (instrument to direction)."""
        return {
            "instrument": self.spec.instrument,
            "scale": self.spec.id,
            "label": self.label,
            "domain": self.domain,
            "higher_is": self.spec.higher_is,
        }


def scale_info(registry: Registry, instrument: str, scale: str) -> ScaleInfo:
    """Describe one scale of a registered instrument (KeyError for an unknown scale)."""
    inst = registry.get(instrument)
    spec = next((s for s in registry.scales(instrument) if s.id == scale), None)
    if spec is None:
        raise KeyError(f"{instrument}.{scale}")
    declared = next(s for s in inst.scales if s.id == scale)
    is_count = instrument == SERVICE_USE or any(
        isinstance(inst.response_scales[inst.item(i).scale], CountScale) for i in spec.items
    )
    return ScaleInfo(
        spec=spec,
        instrument_title=inst.title,
        short_title=inst.short_title,
        label=declared.label.get("en") or next(iter(declared.label.values()), scale),
        domain=inst.domain.value,
        area=inst.area.value,
        kind="count" if is_count else "score",
    )


def ordered_scales(registry: Registry, keys: list[tuple[str, str]]) -> list[ScaleInfo]:
    """The scales in report order: recovery before clinical, by area, instrument, then as declared."""
    infos = [scale_info(registry, i, s) for i, s in keys]
    declared = {(i, s): n for i in {k[0] for k in keys} for n, s in enumerate(sp.id for sp in registry.scales(i))}
    return sorted(
        infos,
        key=lambda x: (
            DOMAIN_ORDER.index(x.domain),
            AREA_ORDER.index(x.area),
            x.spec.instrument,
            declared[x.key],
        ),
    )
