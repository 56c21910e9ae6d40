"""Writing an import plan (:mod:`toolkit.store.imports`) in the caller's transaction.

New participants, administrations with mode ``import`` (dated from the
file's ``date`` column at noon in the program's time zone, else now),
answers, replaced answers with their old and new values, alerts marked
``import`` for risk answers that fire, the import record and one audit
event. Rows are inserted in bulk, so large files import quickly.

Alerts dated within :data:`toolkit.store.alerting.NOTIFY_WITHIN_DAYS` days (or undated) are also
queued for the program's alert contacts, like a tablet's; older ones are
shown on the alerts page to acknowledge without a message, so importing
years of legacy data does not send years of alerts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.schedule import noon_in
from toolkit.store.alerting import notifies
from toolkit.store.alerting import raise_entered_alert
from toolkit.store.audit import record
from toolkit.store.bulk import bulk_insert
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ImportRecord
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import ReplacedAnswer
from toolkit.store.models import Site

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.store.imports import ImportPlan


def moments_of(days: pd.Series, zone: str, now: datetime) -> list[datetime]:
    """When each administration happened: noon of its day in the program's zone (now for a NaT day), as a list.

    Each distinct day is converted once (:func:`toolkit.schedule.noon_in`, the rule of paper forms too).
    """
    import pandas as pd

    codes, distinct = pd.factorize(days)  # NaT is code -1
    noons = [noon_in(d.date(), zone) for d in distinct]
    return [now if c < 0 else noons[c] for c in codes.tolist()]


def _submission_key(sha256: str, wave: int, instrument: str) -> str:
    return "import-" + hashlib.sha256(f"{sha256}:{wave}:{instrument}".encode()).hexdigest()[:57]


def _participants(session: Session, plan: ImportPlan) -> dict[str, int]:
    """Stored code -> participant id, enrolling the new codes (with their site and group from the file)."""
    program = plan.program
    sites = {s.name: s.id for s in program.sites}
    rows = plan.table.wave_frame()
    firsts = rows.assign(code=rows["participant"].map(plan.codes)).drop_duplicates("code").set_index("code")
    first = firsts.loc[plan.new_codes, ["site", "group"]]
    first = {
        c: (s if isinstance(s, str) else None, g if isinstance(g, str) else None)
        for c, s, g in zip(first.index, first["site"], first["group"], strict=True)
    }
    for name in sorted({first[c][0] for c in plan.new_codes if first[c][0]} - set(sites)):
        site = Site(program_id=program.id, name=name)
        session.add(site)
        session.flush()
        sites[name] = site.id
    now = datetime.now(UTC)
    codes = plan.new_codes
    bulk_insert(
        session,
        Participant.__table__,
        {
            "program_id": [program.id] * len(codes),
            "code": codes,
            "site_id": [sites.get(first[c][0] or "") for c in codes],
            "group": [first[c][1] for c in codes],
            "attributes": [{} for _ in codes],
            "created_at": [now] * len(codes),
        },
    )
    return dict(
        session.execute(select(Participant.code, Participant.id).where(Participant.program_id == program.id)).all()
    )


def write_import(
    session: Session, plan: ImportPlan, *, replace: bool, staff_id: int | None = None, actor: str = "command line"
) -> ImportRecord:
    """Write ``plan`` (which must be ready) and return its import record; the caller commits.

    Answers that conflict with stored ones are written only with
    ``replace``; the old and new values are kept in ``replaced_answers``.
    """
    import numpy as np

    if not plan.ready or plan.answers is None or (plan.conflicts and not replace):
        raise ValueError("the import plan has problems, undecided codes or conflicts; resolve them first")
    program, table, answers = plan.program, plan.table, plan.answers
    now = datetime.now(UTC)
    rec = ImportRecord(
        program_id=program.id,
        file_name=table.path[-255:],
        sha256=table.sha256,
        described=table.described[:120],
        staff_id=staff_id,
        actor=actor[:60],
        imported_at=now,
        participants_added=len(plan.new_codes),
    )
    session.add(rec)
    session.flush()
    pids = _participants(session, plan)
    moments = moments_of(table.wave_frame()["date"], program.time_zone, now)
    versions = {b.instrument_id: b.instrument_version for b in program.battery}
    fresh = answers[answers["administration"].isna()].drop_duplicates(["wave", "instrument"])
    waves_new = [int(w) for w in fresh["wave"].tolist()]
    insts_new = fresh["instrument"].astype(object).tolist()
    keys = [_submission_key(table.sha256, w, i) for w, i in zip(waves_new, insts_new, strict=True)]
    n_new = len(fresh)
    if n_new:
        when = [moments[w] for w in waves_new]
        bulk_insert(
            session,
            Administration.__table__,
            {
                "participant_id": [pids[c] for c in fresh["code"]],
                "wave_id": fresh["wave_id"].astype(int).tolist(),
                "instrument_id": insts_new,
                "instrument_version": [versions[i] for i in insts_new],
                "status": ["complete"] * n_new,
                "mode": ["import"] * n_new,
                "language": ["en"] * n_new,
                "submission_key": keys,
                "import_id": [rec.id] * n_new,
                "started_at": when,
                "completed_at": when,
            },
        )
        made = dict(
            session.execute(
                select(Administration.submission_key, Administration.id).where(Administration.import_id == rec.id)
            ).all()
        )
        # each answer without an administration takes the new one of its (wave, instrument), found by merge
        new_ids = fresh[["wave", "instrument"]].assign(new=[made[k] for k in keys])
        found = answers[["wave", "instrument"]].merge(new_ids, on=["wave", "instrument"], how="left")["new"]
        filled = answers["administration"].to_numpy(dtype=float, na_value=np.nan)
        answers = answers.assign(administration=np.where(np.isnan(filled), found.to_numpy(dtype=float), filled))
    answers = answers.assign(administration=answers["administration"].astype("int64"))
    added = answers[~answers["replace"]]
    if len(added):
        declined = added["declined"].to_numpy()
        values = np.where(declined, np.nan, added["value"].to_numpy())
        bulk_insert(
            session,
            ItemResponse.__table__,
            {
                "administration_id": added["administration"].tolist(),
                "item_id": added["item"].astype(object).tolist(),
                "value": [None if v != v else v for v in values.tolist()],
                "declined": declined.tolist(),
                "answered_at": [moments[w] for w in added["wave"].tolist()],
            },
        )
    replaced = _replace(session, answers[answers["replace"]], rec.id, now)
    rec.administrations, rec.answers, rec.replaced = n_new, len(added) + replaced, replaced
    rec.alerts = _alerts(session, plan, _written(answers, plan), moments, now)
    record(
        session,
        "import",
        staff_id=staff_id,
        program_id=program.id,
        import_id=rec.id,
        administrations=rec.administrations,
        answers=rec.answers,
        replaced=rec.replaced,
        alerts=rec.alerts,
        participants_added=rec.participants_added,
    )
    return rec


def _written(answers, plan: ImportPlan) -> dict[tuple[int, str], int]:
    """(wave, item) -> administration, for the written answers that fire an alert rule."""

    if not plan.fires:
        return {}
    wanted = {(f.wave, f.item) for f in plan.fires}
    hit = answers[answers["item"].astype(object).isin({i for _, i in wanted})]
    return {
        (int(w), str(i)): int(a)
        for w, i, a in zip(hit["wave"], hit["item"], hit["administration"], strict=True)
        if (int(w), str(i)) in wanted
    }


def _replace(session: Session, rows, import_id: int, now: datetime) -> int:
    for adm, item, value, declined in rows[["administration", "item", "value", "declined"]].itertuples(index=False):
        old = session.scalar(
            select(ItemResponse).where(ItemResponse.administration_id == int(adm), ItemResponse.item_id == item)
        )
        new_value = None if declined else float(value)
        session.add(
            ReplacedAnswer(
                import_id=import_id,
                administration_id=int(adm),
                item_id=item,
                old_value=old.value,
                old_declined=old.declined,
                new_value=new_value,
                new_declined=bool(declined),
            )
        )
        old.value, old.declined, old.changed_at = new_value, bool(declined), now
    return len(rows)


def _alerts(session: Session, plan: ImportPlan, written: dict, moments: list[datetime], now: datetime) -> int:
    """Alerts for the risk answers that fire, in the answers this import wrote."""
    import pandas as pd

    count = 0
    for fire in plan.fires:
        adm = written.get((fire.wave, fire.item))
        if adm is None:
            continue
        if session.scalar(select(Alert.id).where(Alert.administration_id == adm, Alert.item_id == fire.item)):
            continue
        raised = moments[fire.wave]
        dated = not pd.isna(plan.table.wave_frame()["date"].iat[fire.wave])
        raise_entered_alert(
            session,
            plan.program,
            adm,
            fire.item,
            fire.value,
            fire.level,
            raised_at=raised,
            now=now,
            source="import",
            notify=notifies(raised, now, dated),
        )
        count += 1
    return count
