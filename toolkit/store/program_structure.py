"""A program's waves and battery: checking them, and changing them without losing data.

Waves are matched by name, so a kept wave keeps its id and the answers given
at it. Battery entries are matched by instrument id and keep their
instrument version. Both tables have unique positions per program, so a
reorder first moves the kept rows out of the way (negative positions) and
flushes, then writes the final order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import NotAdministrableError
from toolkit.errors import UnknownInstrumentError
from toolkit.store.errors import StoreError
from toolkit.store.models import Administration
from toolkit.store.models import BatteryEntry
from toolkit.store.models import KioskSession
from toolkit.store.models import Program
from toolkit.store.models import Wave
from toolkit.store.schedule import as_spec
from toolkit.store.schedule import WaveSpec

if TYPE_CHECKING:
    from toolkit.instruments import Registry

ALTERNATIVES = {"phq8": "phq9"}
"""Instruments a program may choose in place of another: PHQ-8 leaves out the self-harm item
for programs without same-day clinical cover."""


def battery_with_choices(battery: list[str], choices: list[str]) -> list[str]:
    """The battery with each chosen alternative in place of the instrument it replaces."""
    out = list(battery)
    for choice in choices:
        replaced = ALTERNATIVES.get(choice)
        if replaced is None:
            raise StoreError(
                f"instrument choice: '{choice}' is not an alternative instrument; choose from"
                f" {', '.join(sorted(ALTERNATIVES))}",
                field="instrument_choice",
            )
        if replaced not in out:
            raise StoreError(
                f"instrument choice: {choice} replaces {replaced}, which is not in the battery;"
                f" add {replaced} to the battery",
                field="instrument_choice",
            )
        out[out.index(replaced)] = choice
    return out


def check_battery(
    registry: Registry, battery: Sequence[str], versions: dict[str, int] | None = None
) -> list[tuple[str, int]]:
    """The battery as (instrument id, version) pairs, each instrument administrable.

    ``versions`` gives the version to keep for instruments already in the
    battery; others get the registry's latest version.
    """
    versions = versions or {}
    ids = [b.strip() for b in battery if b and b.strip()]
    if not ids:
        raise StoreError("battery: no instruments chosen; choose at least one, e.g. phq9,gse", field="battery")
    out: list[tuple[str, int]] = []
    for instrument_id in ids:
        if any(instrument_id == seen for seen, _ in out):
            raise StoreError(
                f"battery: '{instrument_id}' is named twice; name each instrument once",
                field="battery",
            )
        try:
            inst = registry.for_administration(instrument_id, versions.get(instrument_id))
        except (UnknownInstrumentError, NotAdministrableError) as exc:
            raise StoreError(f"battery: {exc}", field="battery") from exc
        out.append((inst.id, inst.version))
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _refuse_removal_of_used(session: Session, waves: list[Wave]) -> None:
    if not waves:
        return
    ids = [w.id for w in waves]
    # Lock the waves first (PostgreSQL), so answers saved meanwhile cannot slip past the count.
    session.execute(select(Wave.id).where(Wave.id.in_(ids)).with_for_update())
    admins = dict(
        session.execute(
            select(Administration.wave_id, func.count())
            .where(Administration.wave_id.in_(ids))
            .group_by(Administration.wave_id)
        ).all()
    )
    kiosks = dict(
        session.execute(
            select(KioskSession.wave_id, func.count())
            .where(KioskSession.wave_id.in_(ids))
            .group_by(KioskSession.wave_id)
        ).all()
    )
    for wave in waves:
        used = []
        if admins.get(wave.id):
            used.append(_plural(admins[wave.id], "administration"))
        if kiosks.get(wave.id):
            used.append(_plural(kiosks[wave.id], "kiosk session"))
        if used:
            verb = "uses" if len(used) == 1 and used[0].startswith("1 ") else "use"
            raise StoreError(
                f"waves: '{wave.name}' cannot be removed — {' and '.join(used)} {verb} it; keep"
                f" {wave.name} in the list (a wave may stay unused; one with data cannot be renamed)",
                field="waves",
            )


def _reorder(session: Session, program: Program, attr: str, removed: list, ordered: list) -> None:
    """Delete ``removed``, then give ``ordered`` positions 0, 1, ... without breaking uniqueness."""
    collection = getattr(program, attr)
    for row in removed:
        collection.remove(row)
    session.flush()
    kept = [row for row in ordered if row.id is not None]
    for i, row in enumerate(kept):
        row.position = -1 - i
    session.flush()
    for i, row in enumerate(ordered):
        row.position = i
    setattr(program, attr, list(ordered))
    session.flush()


def set_waves(session: Session, program: Program, specs: Sequence[WaveSpec]) -> None:
    """Make the program's waves ``specs``: kept by name (same id), added, removed when unused.

    Removing a wave that has administrations or kiosk sessions is refused.
    Flushes; not committed.
    """
    by_name = {w.name: w for w in program.waves}
    wanted = {s.name for s in specs}
    removed = [w for w in program.waves if w.name not in wanted]
    _refuse_removal_of_used(session, removed)
    ordered = []
    for spec in specs:
        wave = by_name.get(spec.name) or Wave(name=spec.name)
        wave.due_days = spec.due_days
        wave.window_before_days = spec.window_before_days
        wave.window_after_days = spec.window_after_days
        ordered.append(wave)
    _reorder(session, program, "waves", removed, ordered)


def set_battery(session: Session, program: Program, entries: Sequence[tuple[str, int]]) -> None:
    """Make the program's battery ``entries`` (id, version) in this order.

    A removed instrument only leaves the battery of new kiosk sessions; its
    answers stay. Flushes; not committed.
    """
    by_id = {b.instrument_id: b for b in program.battery}
    wanted = {instrument_id for instrument_id, _ in entries}
    removed = [b for b in program.battery if b.instrument_id not in wanted]
    ordered = [
        by_id.get(instrument_id) or BatteryEntry(instrument_id=instrument_id, instrument_version=version)
        for instrument_id, version in entries
    ]
    _reorder(session, program, "battery", removed, ordered)


def current_specs(program: Program) -> list[WaveSpec]:
    """The program's waves as specs; a baseline stored without a due day is due on day 0."""
    specs = [as_spec(w) for w in program.waves]
    if specs and specs[0].due_days is None:
        specs[0] = dataclasses.replace(specs[0], due_days=0)
    return specs
