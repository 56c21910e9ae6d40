"""The registry: every instrument loaded once, indexed by id and version."""

from __future__ import annotations

import os
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import InstrumentError
from toolkit.errors import NotAdministrableError
from toolkit.errors import Problem
from toolkit.errors import UnknownInstrumentError
from toolkit.instruments.loader import instrument_from_source
from toolkit.instruments.overlay import apply_overlay
from toolkit.instruments.overlay import is_overlay
from toolkit.instruments.rules import did_you_mean
from toolkit.instruments.scales import resolve_scale
from toolkit.instruments.scales import ScaleSpec
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import Item
from toolkit.instruments.yaml_source import load_yaml_file
from toolkit.instruments.yaml_source import YamlSource
from toolkit.shipped import INSTRUMENTS
from toolkit.shipped import shipped_dir


def default_instrument_dir() -> Path:
    """``$OUTCOMES_INSTRUMENTS``, else the shipped instruments (the project's ``instruments/``).

    See :mod:`toolkit.shipped` for where the shipped folder is found.
    """
    env = os.environ.get("OUTCOMES_INSTRUMENTS")
    return Path(env) if env else shipped_dir(INSTRUMENTS)


def _yaml_files(paths: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")) if p.is_dir() else [p])
    return files


class Registry:
    """Instruments by id and version, with their resolved scales.

    Build one with :meth:`load`; it raises :class:`InstrumentError` listing
    every problem in every file.
    """

    def __init__(self, instruments: Iterable[Instrument]) -> None:
        self._by_key: dict[tuple[str, int], Instrument] = {}
        self._latest: dict[str, Instrument] = {}
        for inst in instruments:
            self._by_key[(inst.id, inst.version)] = inst
            if inst.id not in self._latest or inst.version > self._latest[inst.id].version:
                self._latest[inst.id] = inst
        self._items: dict[str, tuple[Instrument, Item]] = {
            item.id: (inst, item) for inst in self._latest.values() for item in inst.items
        }
        self._specs: dict[str, tuple[ScaleSpec, ...]] = {
            inst.id: tuple(resolve_scale(inst, s) for s in inst.scales) for inst in self._latest.values()
        }

    @classmethod
    def load(cls, paths: Iterable[Path | str] | None = None, overlays: Iterable[Path | str] = ()) -> Registry:
        """Load instrument files (and wording overlays) from files or folders."""
        paths = [default_instrument_dir()] if paths is None else list(paths)
        env_overlays = os.environ.get("OUTCOMES_OVERLAYS")
        overlays = list(overlays) + ([env_overlays] if env_overlays else [])
        problems: list[Problem] = []
        loaded: list[tuple[Instrument, YamlSource]] = []
        overlay_sources: list[YamlSource] = []
        for f in _yaml_files(paths) + _yaml_files(overlays):
            try:
                src = load_yaml_file(f)
                if is_overlay(src):
                    overlay_sources.append(src)
                else:
                    loaded.append((instrument_from_source(src), src))
            except InstrumentError as exc:
                problems.extend(exc.problems)
        problems.extend(_cross_file_problems(loaded))
        if problems:
            raise InstrumentError(problems)
        by_key = {(i.id, i.version): i for i, _ in loaded}
        for src in overlay_sources:
            key = (src.data["overlay_for"], int(src.data.get("version", 1)))
            if key not in by_key:
                problems.append(
                    Problem(
                        src.where(("overlay_for",)), f"overlay_for: no instrument '{key[0]}' version {key[1]} is loaded"
                    )
                )
                continue
            try:
                by_key[key] = apply_overlay(by_key[key], src)
            except InstrumentError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InstrumentError(problems)
        return cls(by_key.values())

    def __iter__(self) -> Iterator[Instrument]:
        return iter(sorted(self._latest.values(), key=lambda i: i.id))

    def __len__(self) -> int:
        return len(self._latest)

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._latest

    def get(self, instrument_id: str, version: int | None = None) -> Instrument:
        """The instrument with this id (the latest version unless one is named)."""
        inst = self._latest.get(instrument_id) if version is None else self._by_key.get((instrument_id, version))
        if inst is None:
            hint = did_you_mean(instrument_id, set(self._latest))
            raise UnknownInstrumentError(
                f"instrument '{instrument_id}'{f' version {version}' if version else ''} is not"
                f" defined{hint or ';'} the defined instruments are {', '.join(sorted(self._latest))}"
            )
        return inst

    def for_administration(self, instrument_id: str, version: int | None = None) -> Instrument:
        """The instrument, if its wording is available to show to participants."""
        inst = self.get(instrument_id, version)
        if not inst.administrable:
            raise NotAdministrableError(
                f"{inst.id}: {inst.short_title} is licensed ({inst.licence.status.value}); its"
                " wording is not shipped, so it cannot be administered. Supply the wording in an"
                " overlay file (`overlay_for: " + inst.id + "`) under $OUTCOMES_OVERLAYS; it can"
                " still be scored from imported data."
            )
        return inst

    def scales(self, instrument_id: str) -> tuple[ScaleSpec, ...]:
        """The resolved scales of an instrument."""
        self.get(instrument_id)
        return self._specs[instrument_id]

    def item(self, item_id: str) -> tuple[Instrument, Item] | None:
        """The instrument and item for an item id, or None."""
        return self._items.get(item_id)

    @property
    def item_ids(self) -> set[str]:
        return set(self._items)


def _cross_file_problems(loaded: list[tuple[Instrument, YamlSource]]) -> list[Problem]:
    problems: list[Problem] = []
    seen_key: dict[tuple[str, int], str] = {}
    seen_item: dict[str, tuple[str, str]] = {}
    for inst, src in loaded:
        key = (inst.id, inst.version)
        if key in seen_key:
            problems.append(
                Problem(
                    src.where(("id",)),
                    f"id: '{inst.id}' version {inst.version} is also defined in {seen_key[key]}; "
                    "bump `version` or remove one",
                )
            )
            continue
        seen_key[key] = src.path
        for n, item in enumerate(inst.items):
            owner = seen_item.get(item.id)
            if owner and owner[0] != inst.id:
                problems.append(
                    Problem(
                        src.where(("items", n, "id")),
                        f"items[{n}].id: '{item.id}' is already an item of {owner[0]} ({owner[1]}); "
                        "item ids must be unique across instruments",
                    )
                )
            seen_item.setdefault(item.id, (inst.id, src.path))
    return problems


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The registry of the shipped instruments, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry.load()
    return _DEFAULT
