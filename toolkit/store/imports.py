"""Importing a checked response file into a program: the plan (what would change), then one transaction.

:func:`plan_import` compares an :class:`~toolkit.exchange.import_table.ImportTable`
with the program: its waves and battery, the participants it has (codes
that nearly match are listed, never merged), and the answers already stored
(identical ones are left alone; different ones are conflicts). Problems of
the program are added to the table's problems; nothing is written.
:func:`write_import` then writes the plan in the caller's transaction: new
participants, administrations with mode ``import``, answers, alerts marked
``import`` for risk answers that fire, the import record and its audit event.
Messages here never name command-line options: the command and the staff
pages phrase the choices.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import Problem
from toolkit.exchange.close_codes import CodeIndex
from toolkit.exchange.import_check import RiskAnswer
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.instruments.registry import Registry
from toolkit.instruments.rules import did_you_mean
from toolkit.store.models import Administration
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import CODE

Stored = tuple[float | None, bool]


@dataclass(frozen=True)
class PossibleMatch:
    """A code in the file that nearly matches codes the program has: same person, or a new one?"""

    code: str
    existing: tuple[str, ...]
    row: int


@dataclass(frozen=True)
class Conflict:
    """An answer in the file that differs from the one stored for the same participant, wave and item."""

    participant: str
    wave: str
    item: str
    stored: Stored
    new: Stored
    where: str


@dataclass
class Planned:
    """One administration to write: a participant-wave's answers to one instrument."""

    wave: ImportedWave
    instrument: str
    version: int
    answers: list[ImportedAnswer]
    existing_id: int | None = None


@dataclass
class ImportPlan:
    """What importing a table would do to a program."""

    program: Program
    table: ImportTable
    codes: dict[str, str] = field(default_factory=dict)  # file code -> stored code (existing or new)
    new_codes: list[str] = field(default_factory=list)
    matches: list[PossibleMatch] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    writes: list[Planned] = field(default_factory=list)
    fires: list[RiskAnswer] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """True when the table has no problems and no code waits for a decision."""
        return not self.table.problems and not self.matches


def previous_import(session: Session, program: Program, sha256: str) -> ImportRecord | None:
    """The earlier import of the same file (by its SHA-256) into this program, if any."""
    return session.scalar(
        select(ImportRecord).where(ImportRecord.program_id == program.id, ImportRecord.sha256 == sha256)
    )


MAX_SITE = 100
MAX_GROUP = 40


def _check_waves_and_battery(program: Program, table: ImportTable, registry: Registry) -> None:
    waves = [w.name for w in program.waves]
    for wave in table.waves:
        for name, value, limit in (("site", wave.site, MAX_SITE), ("group", wave.group, MAX_GROUP)):
            if value is not None and len(value) > limit:
                table.problems.append(
                    Problem(
                        f"{table.path}:{wave.row}:{name}", f"a {name} name has at most {limit} characters; shorten it"
                    )
                )
    battery = {b.instrument_id for b in program.battery}
    for wave in table.waves:
        if wave.wave not in waves:
            table.problems.append(
                Problem(
                    f"{table.path}:{wave.row}:wave",
                    f"'{wave.wave}' is not a wave of {program.slug}"
                    f"{did_you_mean(wave.wave, waves)}; its waves are {', '.join(waves)}",
                )
            )
    reported: set[str] = set()
    for wave in table.waves:
        for answer in wave.answers:
            found = registry.item(answer.item)
            if found is None or found[0].id in battery or answer.cell.column in reported:
                continue
            reported.add(answer.cell.column)
            table.problems.append(
                Problem(
                    f"{table.path}:1:{answer.cell.column}",
                    f"{answer.item} belongs to {found[0].short_title},"
                    f" which is not in the battery of {program.slug}; add it to the battery first or leave the"
                    " column out",
                )
            )


def _resolve_codes(session: Session, plan: ImportPlan, same: dict[str, str], new: set[str]) -> dict[str, int | None]:
    """File code -> participant id (None: a new participant); unresolved close codes become matches."""
    rows = session.execute(select(Participant.code, Participant.id).where(Participant.program_id == plan.program.id))
    ids = dict(rows.all())
    index = CodeIndex(ids)
    out: dict[str, int | None] = {}
    for wave in plan.table.waves:
        code = wave.participant
        if code in out or any(m.code == code for m in plan.matches):
            continue
        if code in ids:
            out[code], plan.codes[code] = ids[code], code
        elif code in same:
            target = same[code]
            if target not in ids:
                plan.table.problems.append(
                    Problem(
                        f"{plan.table.path}:{wave.row}:participant",
                        f"'{code}' is to be read as '{target}', which is not enrolled in {plan.program.slug}",
                    )
                )
                continue
            out[code], plan.codes[code] = ids[target], target
        else:
            if not CODE.match(code):
                plan.table.problems.append(
                    Problem(
                        f"{plan.table.path}:{wave.row}:participant",
                        f"'{code[:60]}' is not a participant code: use 1-40 letters, digits, '.', '_' or '-'"
                        " (the program's code, never a name)",
                    )
                )
                continue
            close = index.close_to(code)
            if close and code not in new:
                plan.matches.append(PossibleMatch(code, tuple(close), wave.row))
                continue
            out[code], plan.codes[code] = None, code
            plan.new_codes.append(code)
    return out


def _stored_answers(session: Session, participant_ids: list[int]) -> dict[tuple[int, int, str], tuple[int, dict]]:
    """(participant id, wave id, instrument) -> (administration id, {item: (value, declined)})."""
    out: dict[tuple[int, int, str], tuple[int, dict]] = {}
    if not participant_ids:
        return out
    query = (
        select(
            Administration.id,
            Administration.participant_id,
            Administration.wave_id,
            Administration.instrument_id,
            ItemResponse.item_id,
            ItemResponse.value,
            ItemResponse.declined,
        )
        .outerjoin(ItemResponse, ItemResponse.administration_id == Administration.id)
        .where(Administration.participant_id.in_(participant_ids))
    )
    for adm_id, pid, wave_id, inst, item, value, declined in session.execute(query):
        entry = out.setdefault((pid, wave_id, inst), (adm_id, {}))
        if item is not None:
            entry[1][item] = (value, bool(declined))
    return out


def plan_import(
    session: Session,
    program: Program,
    table: ImportTable,
    registry: Registry,
    fires: list[RiskAnswer],
    *,
    same: dict[str, str] | None = None,
    new: set[str] | None = None,
) -> ImportPlan:
    """Compare ``table`` with ``program`` and say what importing it would write (nothing is written)."""
    plan = ImportPlan(program=program, table=table, fires=fires)
    _check_waves_and_battery(program, table, registry)
    participant_ids = _resolve_codes(session, plan, same or {}, new or set())
    if table.problems:
        return plan
    wave_ids = {w.name: w.id for w in program.waves}
    versions = {b.instrument_id: b.instrument_version for b in program.battery}
    stored = _stored_answers(session, [p for p in participant_ids.values() if p is not None])
    for wave in table.waves:
        if wave.participant not in participant_ids:
            continue
        by_instrument: dict[str, list[ImportedAnswer]] = defaultdict(list)
        for answer in wave.answers:
            by_instrument[registry.item(answer.item)[0].id].append(answer)
        pid = participant_ids[wave.participant]
        for inst, answers in by_instrument.items():
            before = stored.get((pid, wave_ids[wave.wave], inst)) if pid is not None else None
            if before is None:
                plan.writes.append(Planned(wave, inst, versions[inst], answers))
                continue
            adm_id, old = before
            differ = [a for a in answers if old.get(a.item) != (a.value, a.declined)]
            for a in differ:
                if a.item in old:
                    plan.conflicts.append(
                        Conflict(
                            plan.codes[wave.participant],
                            wave.wave,
                            a.item,
                            old[a.item],
                            (a.value, a.declined),
                            a.cell.where(table.path),
                        )
                    )
            if differ:
                plan.writes.append(Planned(wave, inst, versions[inst], differ, existing_id=adm_id))
            else:
                plan.unchanged += 1
    return plan
