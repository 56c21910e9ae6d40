"""Importing a checked response file into a program: the plan (what would change), then one transaction.

:func:`plan_import` compares an :class:`~toolkit.exchange.import_table.ImportTable`
with the program: its waves and battery, the participants it has (codes
that nearly match are listed, never merged), and the answers already stored
(identical ones are left alone; different ones are conflicts). Problems of
the program are added to the table's problems; nothing is written.
:func:`toolkit.store.import_write.write_import` then writes the plan. The
comparison works on whole columns (pandas merges), so a file of a million
answers is planned in seconds. Messages here never name command-line
options: the command and the staff pages phrase the choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import Problem
from toolkit.exchange.close_codes import CodeIndex
from toolkit.exchange.import_check import RiskAnswer
from toolkit.exchange.import_table import ImportTable
from toolkit.instruments.registry import Registry
from toolkit.instruments.rules import did_you_mean
from toolkit.store.models import Administration
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.programs import CODE

if TYPE_CHECKING:
    import pandas as pd

Stored = tuple[float | None, bool]
MAX_SITE = 100
MAX_GROUP = 40
MAX_LISTED = 1000


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
class ImportPlan:
    """What importing a table would do to a program.

    ``answers`` holds the answers to write (columns of
    :meth:`~toolkit.exchange.import_table.ImportTable.answer_frame` plus
    ``instrument``, ``code`` (the stored participant code), ``wave_id``,
    ``administration`` (an existing administration's id, or NaN for a new
    one) and ``replace`` (True where a stored answer is replaced)).
    """

    program: Program
    table: ImportTable
    fires: list[RiskAnswer] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # file code -> stored code (existing or new)
    new_codes: list[str] = field(default_factory=list)
    matches: list[PossibleMatch] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    new_administrations: int = 0
    answers: pd.DataFrame | None = None

    @property
    def ready(self) -> bool:
        """True when the table has no problems and no code waits for a decision."""
        return not self.table.problems and not self.matches

    @property
    def answer_writes(self) -> int:
        """How many answers would be written (added or replaced)."""
        return 0 if self.answers is None else len(self.answers)


def previous_import(session: Session, program: Program, sha256: str) -> ImportRecord | None:
    """The earlier import of the same file (by its SHA-256) into this program, if any."""
    return session.scalar(
        select(ImportRecord).where(ImportRecord.program_id == program.id, ImportRecord.sha256 == sha256)
    )


def _check_program(program: Program, table: ImportTable, registry: Registry) -> None:
    """Problems of waves the program does not have, items outside its battery, and over-long names."""
    path = table.path
    waves = [w.name for w in program.waves]
    known = set(waves)
    rows = table.wave_frame()
    unknown = rows[~rows["wave"].isin(known)]
    for r, name in zip(unknown["row"].head(MAX_LISTED), unknown["wave"].head(MAX_LISTED), strict=True):
        table.problems.append(
            Problem(
                f"{path}:{r}:wave",
                f"'{name}' is not a wave of {program.slug}{did_you_mean(name, waves)};"
                f" its waves are {', '.join(waves)}",
            )
        )
    for name, limit in (("site", MAX_SITE), ("group", MAX_GROUP)):
        long = rows[rows[name].fillna("").str.len() > limit]
        for r in long["row"].head(MAX_LISTED):
            table.problems.append(
                Problem(f"{path}:{r}:{name}", f"a {name} name has at most {limit} characters; shorten it")
            )
    battery = {b.instrument_id for b in program.battery}
    frame = table.answer_frame()
    for (item, column), rows in frame.groupby(["item", "column"], sort=False).indices.items():
        found = registry.item(item)
        if found is None or found[0].id in battery:
            continue
        row = 1 if table.described.startswith("wide") else int(frame["row"].iat[rows[0]])
        table.problems.append(
            Problem(
                table.where(row, column),
                f"{item} belongs to {found[0].short_title}, which is not in the"
                f" battery of {program.slug}; add it to the battery first or leave it out",
            )
        )


def _resolve_codes(session: Session, plan: ImportPlan, same: dict[str, str], new: set[str], all_new: bool) -> dict:
    """Stored code -> participant id for codes already enrolled; new codes are listed; close ones become matches."""
    ids = dict(
        session.execute(select(Participant.code, Participant.id).where(Participant.program_id == plan.program.id)).all()
    )
    index = CodeIndex(ids)
    path = plan.table.path
    firsts = plan.table.wave_frame().drop_duplicates("participant")
    for code, row in zip(firsts["participant"], firsts["row"], strict=True):
        if code in ids:
            plan.codes[code] = code
        elif code in same:
            if same[code] not in ids:
                plan.table.problems.append(
                    Problem(
                        f"{path}:{row}:participant",
                        f"'{code}' is to be read as '{same[code]}', which is not enrolled in {plan.program.slug}",
                    )
                )
                continue
            plan.codes[code] = same[code]
        elif not CODE.match(code):
            plan.table.problems.append(
                Problem(
                    f"{path}:{row}:participant",
                    f"'{code[:60]}' is not a participant code: use 1-40 letters,"
                    " digits, '.', '_' or '-' (the program's code, never a name)",
                )
            )
        else:
            close = index.close_to(code) if ids else []
            if close and code not in new and not all_new:
                plan.matches.append(PossibleMatch(code, tuple(close), int(row)))
                continue
            plan.codes[code] = code
            plan.new_codes.append(code)
    return ids


def _stored(session: Session, pids: list[int]) -> pd.DataFrame:
    """Stored answers of these participants: administration, participant, wave, instrument, item, value, declined."""
    import pandas as pd

    columns = ["administration", "pid", "wave_id", "instrument", "item", "stored_value", "stored_declined"]
    if not pids:
        return pd.DataFrame(columns=columns)
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
        .where(Administration.participant_id.in_(pids))
    )
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def plan_import(
    session: Session,
    program: Program,
    table: ImportTable,
    registry: Registry,
    fires: list[RiskAnswer],
    *,
    same: dict[str, str] | None = None,
    new: set[str] | None = None,
    all_new: bool = False,
) -> ImportPlan:
    """Compare ``table`` with ``program`` and say what importing it would write (nothing is written)."""
    import numpy as np

    plan = ImportPlan(program=program, table=table, fires=fires)
    _check_program(program, table, registry)
    ids = _resolve_codes(session, plan, same or {}, new or set(), all_new)
    if table.problems or plan.matches:
        return plan
    frame = table.answer_frame().copy()
    instruments = {i: registry.item(i)[0].id for i in frame["item"].unique()}
    wave_ids = {w.name: w.id for w in program.waves}
    rows = table.wave_frame()
    codes = rows["participant"].map(plan.codes).to_numpy(dtype=object)
    wave_of = rows["wave"].map(wave_ids).to_numpy(dtype=np.int64)
    frame["instrument"] = frame["item"].map(instruments)
    frame["code"] = codes[frame["wave"].to_numpy()]
    frame["wave_id"] = wave_of[frame["wave"].to_numpy()]
    frame["pid"] = frame["code"].map(ids)
    stored = _stored(session, sorted({ids[c] for c in set(codes) if c in ids}))
    admins = stored.drop_duplicates(["pid", "wave_id", "instrument"])[
        ["pid", "wave_id", "instrument", "administration"]
    ]
    frame = frame.merge(admins, on=["pid", "wave_id", "instrument"], how="left")
    frame = frame.merge(
        stored[["administration", "item", "stored_value", "stored_declined"]], on=["administration", "item"], how="left"
    )
    has_stored = frame["stored_declined"].notna().to_numpy()
    equal = has_stored & (
        frame["stored_declined"].fillna(False).astype(bool).to_numpy() == frame["declined"].to_numpy()
    )
    equal &= frame["declined"].to_numpy() | np.isclose(
        frame["stored_value"].to_numpy(dtype=float), frame["value"].to_numpy(), rtol=0, atol=0
    )
    frame["replace"] = has_stored & ~equal
    frame["changed"] = ~has_stored | frame["replace"].to_numpy()
    groups = frame.groupby(["wave", "instrument"], sort=False, observed=True)
    existing = groups["administration"].first().notna()
    changed = groups["changed"].any()
    plan.unchanged = int((existing & ~changed).sum())
    plan.new_administrations = int((~existing).sum())
    for row in frame[frame["replace"]].head(MAX_LISTED * 10).itertuples(index=False):
        old_value = None if bool(row.stored_declined) else float(row.stored_value)
        new_value = None if row.declined else float(row.value)
        plan.conflicts.append(
            Conflict(
                row.code,
                rows["wave"].iat[row.wave],
                row.item,
                (old_value, bool(row.stored_declined)),
                (new_value, bool(row.declined)),
                table.where(row.row, row.column),
            )
        )
    plan.answers = (
        frame[~equal].drop(columns=["stored_value", "stored_declined", "pid", "changed"]).reset_index(drop=True)
    )
    return plan
