"""Escalation: an urgent alert nobody acknowledged in time is announced again, to more people.

For each program with escalation recipients, urgent alerts that are
neither acknowledged nor escalated and were raised at least
``escalate_after_s`` seconds ago are escalated, each in its own
transaction: a conditional UPDATE sets ``escalated_at`` (so two senders
never escalate one alert twice) and the escalation notifications are
written with it. Programs without escalation recipients are skipped and
their alerts left unescalated, so adding recipients later still escalates
them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from toolkit.store.engine import begin_write
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import utcnow
from toolkit.store.outbox import enqueue
from toolkit.store.outbox import recipients

log = logging.getLogger("toolkit.notify")


def overdue_alerts(session: Session, program: Program, now: datetime) -> list[int]:
    """Ids of ``program``'s urgent alerts raised before ``now - escalate_after_s``, unacknowledged and unescalated."""
    cutoff = now - timedelta(seconds=program.escalate_after_s)
    query = (
        select(Alert.id)
        .join(Administration, Alert.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(
            Participant.program_id == program.id,
            Alert.level == "urgent",
            Alert.acknowledged_at.is_(None),
            Alert.escalated_at.is_(None),
            Alert.raised_at <= cutoff,
        )
        .order_by(Alert.raised_at, Alert.id)
    )
    return list(session.scalars(query))


def escalate_due(sessions: sessionmaker[Session], *, now: datetime | None = None) -> list[int]:
    """Escalate every overdue urgent alert once; returns the ids escalated by this call.

    One query per program (only programs with escalation recipients), then
    one short transaction per overdue alert.
    """
    now = now or utcnow()
    with sessions() as session:
        programs = [p for p in session.scalars(select(Program)) if recipients(p, "escalation")]
        due = [(p.id, alert_id) for p in programs for alert_id in overdue_alerts(session, p, now)]
    escalated = []
    for program_id, alert_id in due:
        if escalate(sessions, alert_id, program_id, now):
            escalated.append(alert_id)
    return escalated


def escalate(sessions: sessionmaker[Session], alert_id: int, program_id: int, now: datetime) -> bool:
    """Mark one alert escalated and queue its escalation notifications, in one transaction.

    False when another sender escalated it first or it was acknowledged
    meanwhile (the conditional UPDATE matched nothing).
    """
    with sessions() as session:
        begin_write(session)
        changed = session.execute(
            update(Alert)
            .where(
                Alert.id == alert_id,
                Alert.escalated_at.is_(None),
                Alert.acknowledged_at.is_(None),
            )
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            session.rollback()
            return False
        alert = session.get(Alert, alert_id)
        program = session.get(Program, program_id)
        if alert is None or program is None or not recipients(program, "escalation"):
            session.rollback()  # its recipients were removed meanwhile: leave it for later
            return False
        rows = enqueue(session, alert, program, "escalation")
        session.commit()
    log.warning(
        "alert %s not acknowledged after %s s: escalated to %d recipient(s)",
        alert_id,
        program.escalate_after_s,
        len(rows),
    )
    return True
