"""Read-only queries: the wide response table for scoring, and summaries for pages and reports."""

from __future__ import annotations

import statistics
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.followups import Followups
from toolkit.store.followups import participants_with_open_followups
from toolkit.store.followups import program_followups
from toolkit.store.followups import wave_visits
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Site
from toolkit.store.models import Wave
from toolkit.store.programs import get_program
from toolkit.store.schedule import as_spec
from toolkit.store.schedule import WaveSpec

if TYPE_CHECKING:
    import pandas as pd

ID_COLUMNS = ["participant", "wave", "site", "group", "date"]


def _item_order(session: Session, program: Program, item_ids: set[str]) -> list[str]:
    from toolkit.instruments import default_registry

    registry = default_registry()
    ordered: list[str] = []
    for entry in program.battery:
        if entry.instrument_id in registry:
            ordered += [it.id for it in registry.get(entry.instrument_id).items if it.id in item_ids]
    return ordered + sorted(item_ids - set(ordered))


def program_schedule(session: Session, slug: str) -> list[WaveSpec]:
    """The program's waves in order, with their due days and windows."""
    return [as_spec(w) for w in get_program(session, slug).waves]


def wide_responses(session: Session, program_slug: str, waves: list[str] | None = None) -> pd.DataFrame:
    """Item responses of a program as one row per participant and wave.

    Columns: ``participant`` (code), ``wave`` (name), ``site``, ``group``,
    ``date`` (the wave date as ``YYYY-MM-DD``: the program-local date of the
    latest completion, else start, of the participant's administrations at
    that wave), then one float column per item id in battery order; a
    declined or unanswered item is NaN. This is the table
    :func:`toolkit.scoring.score` takes. Rows are ordered by participant code
    and wave order.
    """
    import pandas as pd

    program = get_program(session, program_slug)
    query = (
        select(
            Participant.id,
            Participant.code,
            Wave.id,
            Wave.name,
            Wave.position,
            Site.name,
            Participant.group,
            ItemResponse.item_id,
            ItemResponse.value,
        )
        .select_from(ItemResponse)
        .join(Administration, ItemResponse.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .join(Wave, Administration.wave_id == Wave.id)
        .outerjoin(Site, Participant.site_id == Site.id)
        .where(Participant.program_id == program.id)
    )
    if waves is not None:
        query = query.where(Wave.name.in_(list(waves)))
    rows = session.execute(query).all()
    columns = ["pid", "participant", "wid", "wave", "position", "site", "group", "item", "value"]
    long = pd.DataFrame(rows, columns=columns)
    long["value"] = pd.to_numeric(long["value"], errors="coerce").astype("float64")
    items = _item_order(session, program, set(long["item"]))
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ID_COLUMNS})
    keys = ["participant", "position", "wave"]
    wide = long.pivot_table(index=keys, columns="item", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=items).astype("float64")
    people = long.drop_duplicates(keys).set_index(keys)[["site", "group", "pid", "wid"]]
    visits = wave_visits(session, program)
    people["date"] = [visits[(pid, wid)].on.isoformat() for pid, wid in zip(people["pid"], people["wid"], strict=True)]
    out = people.join(wide).reset_index().sort_values(["participant", "position"], kind="stable")
    out = out[ID_COLUMNS + items].reset_index(drop=True)
    out.columns.name = None
    return out


def alert_summary(session: Session, program_slug: str) -> dict:
    """Counts of safety alerts raised and acknowledged, and the median hours to acknowledge.

    ``median_hours_to_acknowledge`` is None when no alert has been acknowledged.
    """
    program = get_program(session, program_slug)
    rows = session.execute(
        select(Alert.raised_at, Alert.acknowledged_at)
        .join(Administration, Alert.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(Participant.program_id == program.id)
    ).all()
    hours = [(ack - raised).total_seconds() / 3600 for raised, ack in rows if ack is not None]
    return {
        "raised": len(rows),
        "acknowledged": len(hours),
        "median_hours_to_acknowledge": statistics.median(hours) if hours else None,
    }


def unacknowledged_alerts(session: Session, program_ids: list[int] | None) -> int:
    """Alerts not yet acknowledged, in the given programs (all programs for None)."""
    query = (
        select(func.count())
        .select_from(Alert)
        .join(Administration, Alert.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(Alert.acknowledged_at.is_(None))
    )
    if program_ids is not None:
        query = query.where(Participant.program_id.in_(program_ids))
    return session.scalar(query)


def waves_done(session: Session, program: Program) -> dict[int, list[str]]:
    """Participant id -> names of the waves at which every battery instrument is complete."""
    need = len(program.battery)
    rows = session.execute(
        select(Administration.participant_id, Wave.name, Wave.position, func.count())
        .join(Participant, Administration.participant_id == Participant.id)
        .join(Wave, Administration.wave_id == Wave.id)
        .where(Participant.program_id == program.id, Administration.status == "complete")
        .group_by(Administration.participant_id, Wave.name, Wave.position)
        .order_by(Wave.position)
    ).all()
    done: dict[int, list[str]] = {}
    for pid, wave, _pos, count in rows:
        if count >= need:
            done.setdefault(pid, []).append(wave)
    return done


def baseline_dates(session: Session, program: Program) -> dict[int, date]:
    """Participant id -> baseline date, for participants with a baseline.

    The baseline date is the participant's wave date at the program's first
    wave (see :mod:`toolkit.store.followups`), in the program's time zone.
    """
    if not program.waves:
        return {}
    first = program.waves[0].id
    return {pid: visit.on for (pid, wid), visit in wave_visits(session, program).items() if wid == first}


def followups_due(session: Session, program: Program, today: date | None = None) -> dict[int, list[str]]:
    """Participant id -> names of their follow-up waves ``due`` or ``overdue`` on ``today``, for those with any.

    ``today`` defaults to today in the program's time zone; the states are
    those of :func:`toolkit.schedule.followup_state`.
    """
    return participants_with_open_followups(program_followups(session, program, today))


def dashboard_counts(
    session: Session, program: Program, *, today: date | None = None, followups: Followups | None = None
) -> dict:
    """Enrolled participants, participants with a follow-up due or overdue, and unacknowledged alerts.

    ``followups`` (from :func:`toolkit.store.followups.program_followups`)
    saves reading them again; otherwise they are read for ``today``, which
    defaults to today in the program's time zone.
    """
    followups = followups or program_followups(session, program, today)
    return {
        "enrolled": followups.enrolled,
        "due": len(participants_with_open_followups(followups)),
        "alerts": unacknowledged_alerts(session, [program.id]),
    }


def unfinished_sessions(session: Session, program: Program) -> list[KioskSession]:
    """The program's kiosk sessions still active or paused, newest first (to resume them)."""
    return list(
        session.scalars(
            select(KioskSession)
            .join(Participant, KioskSession.participant_id == Participant.id)
            .where(Participant.program_id == program.id, KioskSession.status.in_(("active", "paused")))
            .order_by(KioskSession.created_at.desc())
        )
    )
