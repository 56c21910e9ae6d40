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

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.bulk import collector_paused
from toolkit.store.errors import NotFoundError
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Site
from toolkit.store.models import Wave
from toolkit.store.programs import get_program

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

VISIT_COLUMNS = ["participant", "wave", "site", "group", "date", "mode", "language"]
RESPONSE_COLUMNS = ["visit", "instrument", "item", "value", "declined"]
ADMIN_COLUMNS = [
    *["admin", "participant", "wave", "position", "site", "group", "instrument", "mode", "language"],
    *["started", "completed"],
]
ANSWER_COLUMNS = ["admin", "item", "value"]


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
    admins_query, answers_query = _queries(where)
    admins = _frame(session, admins_query, ADMIN_COLUMNS, numbers={"admin": "int64", "position": "int64"})
    kinds = {"admin": "int64", "item": "category", "value": "float64"}
    raw = _frame(session, answers_query, ANSWER_COLUMNS, numbers=kinds)
    # the driver gives SQLite's UTC text or PostgreSQL's aware times: both read as UTC
    for name in ("started", "completed"):
        admins[name] = pd.to_datetime(admins[name], utc=True, format="ISO8601")
    visits, visit_of_admin = _visits(admins, program.time_zone)
    responses = _responses(raw, admins, visit_of_admin)
    battery = tuple(entry.instrument_id for entry in program.battery)
    return ExportRows(program.id, program.slug, battery, visits, responses)


def _queries(where: list) -> tuple[Select, Select]:
    """The two queries: the selected participants' administrations, with descriptors, and their item responses."""
    admins = (
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
    answers = (
        select(ItemResponse.administration_id, ItemResponse.item_id, ItemResponse.value)
        .join(Administration, ItemResponse.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(*where)
    )
    return admins, answers


def _responses(raw: pd.DataFrame, admins: pd.DataFrame, visit_of_admin: np.ndarray) -> pd.DataFrame:
    """The responses frame (:data:`RESPONSE_COLUMNS`) from the answers read and each administration's visit."""
    import pandas as pd

    admin = raw["admin"].to_numpy()
    instrument_of_admin = pd.Categorical(admins["instrument"])
    # each answer's administration as a row of ``admins`` (by hash: ids grow with the whole database)
    row = pd.Index(admins["admin"].to_numpy()).get_indexer(admin)
    return pd.DataFrame(
        {
            "visit": visit_of_admin[row],
            "instrument": pd.Categorical.from_codes(
                instrument_of_admin.codes[row], categories=instrument_of_admin.categories
            ),
            "item": raw["item"],
            "value": raw["value"].to_numpy(),
            # a stored answer has a value or is declined, never both (constraint value_or_declined)
            "declined": raw["value"].isna().to_numpy(),
        },
        columns=RESPONSE_COLUMNS,
    )


def _frame(session: Session, query: Select, names: list[str], numbers: dict[str, str]) -> pd.DataFrame:
    """The query's rows as columns: ``numbers`` names the numeric and categorical ones, the others are objects.

    Millions of answers are read with the driver's own cursor, as its plain
    tuples (a result row object for each costs ten times the query), with
    the garbage collector paused: the tuples are all alive until they are
    turned into columns, and every collection would walk all of them again.
    The query's parameters are integers only, rendered into the SQL.
    """
    import numpy as np
    import pandas as pd

    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        with collector_paused():
            cursor.execute(sql)
            columns = list(zip(*cursor.fetchall(), strict=True)) or [() for _ in names]
            data = {}
            for name, values in zip(names, columns, strict=True):
                kind = numbers.get(name, "object")
                if kind == "category":
                    data[name] = pd.Categorical(values)
                else:  # None (NULL) becomes NaN in a float column; text stays Python objects
                    data[name] = pd.Series(np.array(values, dtype=kind), dtype=kind, copy=False)
            del columns
    finally:
        cursor.close()
    return pd.DataFrame(data, columns=names)


def _visits(admins: pd.DataFrame, time_zone: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The visits (participant and wave) and, for each administration (row of ``admins``), its visit's row number."""
    import numpy as np
    import pandas as pd

    if admins.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in VISIT_COLUMNS})
        return empty, np.zeros(0, dtype="int64")
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
    return visits, number.reindex(keys).to_numpy(dtype="int64")
