"""The rows of a data export: each participant's waves with their descriptors, and every item response.

Two set-based queries, whatever the number of participants: one over the
program's administrations and one over their item responses. A *visit* is a
participant at a wave (one row of the wide layout). Its date is the
program-local date of the latest ``completed_at`` of its administrations, or
of the latest ``started_at`` when none is complete; its mode and language are
those of the administration that gives the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.errors import NotFoundError
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Site
from toolkit.store.models import Wave
from toolkit.store.programs import get_program

if TYPE_CHECKING:
    import pandas as pd

VISIT_COLUMNS = ["participant", "wave", "site", "group", "date", "mode", "language"]
RESPONSE_COLUMNS = ["visit", "instrument", "item", "value", "declined"]


@dataclass(frozen=True)
class ExportRows:
    """A program's stored answers, ready to be laid out.

    ``visits``: one row per participant and wave (:data:`VISIT_COLUMNS`, the
    date a ``datetime.date``), ordered by participant code and wave order.
    ``responses``: one row per stored item response (:data:`RESPONSE_COLUMNS`):
    ``visit`` is the row number in ``visits``, ``value`` a float (NaN when
    declined), ``declined`` a bool. ``battery`` lists the program's instrument
    ids in battery order.
    """

    program_id: int
    slug: str
    battery: tuple[str, ...]
    visits: pd.DataFrame
    responses: pd.DataFrame


def export_rows(session: Session, program_slug: str, site: str | None = None) -> ExportRows:
    """A program's visits and item responses, optionally of one site only.

    Raises :class:`~toolkit.store.errors.NotFoundError` (field ``site``) for a
    site the program does not have, naming the sites it has.
    """
    import pandas as pd

    program = get_program(session, program_slug)
    where = [Participant.program_id == program.id]
    if site is not None:
        site_row = next((s for s in program.sites if s.name == site), None)
        if site_row is None:
            known = ", ".join(sorted(s.name for s in program.sites)) or "none"
            raise NotFoundError(
                f"site: '{site}' is not a site of program '{program.slug}'; its sites: {known}", field="site"
            )
        where.append(Participant.site_id == site_row.id)
    admins = _administrations(session, where)
    visits, visit_of_admin = _visits(admins, program.time_zone)
    raw = _frame(
        session,
        select(ItemResponse.administration_id, ItemResponse.item_id, ItemResponse.value, ItemResponse.declined)
        .join(Administration, ItemResponse.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(*where),
        ["admin", "item", "value", "declined"],
    )
    responses = pd.DataFrame(
        {
            "visit": raw["admin"].map(visit_of_admin).astype("int64"),
            "instrument": raw["admin"].map(admins.set_index("admin")["instrument"]).astype(object),
            "item": raw["item"].astype(object),
            "value": pd.to_numeric(raw["value"], errors="coerce").astype("float64"),
            "declined": raw["declined"].astype(bool),
        },
        columns=RESPONSE_COLUMNS,
    )
    battery = tuple(entry.instrument_id for entry in program.battery)
    return ExportRows(program.id, program.slug, battery, visits, responses)


def _administrations(session: Session, where: list) -> pd.DataFrame:
    """One row per administration of the selected participants, with the participant's descriptors."""
    import pandas as pd

    query = (
        select(
            Administration.id,
            Participant.code,
            Wave.name,
            Wave.position,
            Site.name,
            Participant.group,
            Administration.instrument_id,
            Administration.mode,
            Administration.language,
            Administration.started_at,
            Administration.completed_at,
        )
        .join(Participant, Administration.participant_id == Participant.id)
        .join(Wave, Administration.wave_id == Wave.id)
        .outerjoin(Site, Participant.site_id == Site.id)
        .where(*where)
    )
    columns = ["admin", "participant", "wave", "position", "site", "group", "instrument", "mode", "language"]
    admins = _frame(session, query, [*columns, "started", "completed"])
    # the driver gives SQLite's UTC text or PostgreSQL's aware times: both read as UTC
    for name in ("started", "completed"):
        admins[name] = pd.to_datetime(admins[name], utc=True, format="ISO8601")
    return admins


def _frame(session: Session, query, columns: list[str]) -> pd.DataFrame:
    """The query's rows as a DataFrame, fetched with the driver's own cursor.

    Millions of answers are read as the driver's plain tuples: building a
    result row object for each and handing pandas the list costs ten times
    the query itself. The query holds only integer parameters and needs no
    type conversion of its results (see :func:`_administrations` for those).
    """
    import pandas as pd

    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)


def _visits(admins: pd.DataFrame, time_zone: str) -> tuple[pd.DataFrame, pd.Series]:
    """The visits (participant and wave) and, for each administration id, its visit's row number."""
    import pandas as pd

    if admins.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in VISIT_COLUMNS})
        return empty, pd.Series(dtype="int64")
    started, completed = admins["started"], admins["completed"]
    admins = admins.assign(done=completed.notna(), moment=completed.fillna(started))
    # the latest completed administration of a visit, else its latest started one, comes last
    ordered = admins.sort_values(["participant", "position", "done", "moment"], kind="stable")
    last = ordered.drop_duplicates(["participant", "position"], keep="last").reset_index(drop=True)
    local = last["moment"].dt.tz_convert(time_zone)
    visits = pd.DataFrame(
        {
            "participant": last["participant"].astype(object),
            "wave": last["wave"].astype(object),
            "site": last["site"].astype(object).where(last["site"].notna(), None),
            "group": last["group"].astype(object).where(last["group"].notna(), None),
            "date": pd.Series(local.dt.date, dtype=object),
            "mode": last["mode"].astype(object),
            "language": last["language"].astype(object),
        },
        columns=VISIT_COLUMNS,
    )
    number = pd.Series(range(len(last)), index=pd.MultiIndex.from_frame(last[["participant", "position"]]))
    keys = pd.MultiIndex.from_frame(admins[["participant", "position"]])
    visit_of_admin = pd.Series(number.reindex(keys).to_numpy(), index=admins["admin"].to_numpy())
    return visits, visit_of_admin
