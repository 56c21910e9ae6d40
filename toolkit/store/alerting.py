"""Safety alerts raised by saved answers, their later changes, and their notifications."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.answers import DECLINED
from toolkit.store.audit import record
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AlertChange
from toolkit.store.models import KioskSession
from toolkit.store.models import Program
from toolkit.store.outbox import enqueue
from toolkit.store.page_times import PageTimes

if TYPE_CHECKING:
    from toolkit.instruments.schema import Instrument


NOTIFY_WITHIN_DAYS = 14
"""Alerts from paper forms and imported files dated within this many days (or undated) are sent to the alert
contacts like a tablet's; older ones wait on the alerts page, so entering old data does not send old alerts."""


def notifies(raised_at: datetime, now: datetime, dated: bool = True) -> bool:
    """True when an alert entered later (paper, import) is still recent enough to message the alert contacts."""
    return not dated or now - raised_at <= timedelta(days=NOTIFY_WITHIN_DAYS)


def raise_entered_alert(
    session: Session,
    program: Program,
    administration_id: int,
    item_id: str,
    value: float,
    level: str,
    *,
    raised_at: datetime,
    now: datetime,
    source: str,
    notify: bool,
) -> Alert:
    """An alert for a risk answer entered from paper or a file (``source``), with its audit event; queued for the
    alert contacts when ``notify`` (see :func:`notifies`)."""
    alert = Alert(
        administration_id=administration_id,
        item_id=item_id,
        value=value,
        level=level,
        raised_at=raised_at,
        received_at=now,
        source=source,
    )
    session.add(alert)
    session.flush()
    if notify:
        enqueue(session, alert, program, "alert")
    record(session, "alert_raised", program_id=program.id, item=item_id, level=level, source=source)
    return alert


@dataclass
class AlertOutcome:
    """The alerts a saved page raised, and whether a changed risk answer fires again."""

    new: list[Alert]
    refired: bool  # an existing alert's answer changed to another value that fires


def update_alerts(
    session: Session,
    ks: KioskSession,
    adm: Administration,
    inst: Instrument,
    answers: Mapping[str, float | None],
    changed: Mapping[str, tuple[float | None, bool]],
    when: PageTimes,
) -> AlertOutcome:
    """Raise alerts for risk answers that fire; append later changes to existing alerts."""
    rules = {i: inst.item(i).alert for i in answers if inst.item(i).alert is not None}
    if not rules:
        return AlertOutcome([], False)
    have = {
        a.item_id: a
        for a in session.scalars(select(Alert).where(Alert.administration_id == adm.id, Alert.item_id.in_(list(rules))))
    }
    new: list[Alert] = []
    refired = False
    for item_id, rule in rules.items():
        value = answers[item_id]
        alert = have.get(item_id)
        if alert is not None:
            if item_id in changed:
                old_value, old_declined = changed[item_id]
                alert.changes.append(
                    AlertChange(
                        at=when.answered_at,
                        old_value=old_value,
                        old_declined=old_declined,
                        new_value=None if value is DECLINED else float(value),
                        new_declined=value is DECLINED,
                    )
                )
                refired = refired or rule.fires(value)
            continue
        if not rule.fires(value):
            continue
        alert = Alert(
            administration_id=adm.id,
            item_id=item_id,
            value=float(value),
            level=rule.level,
            raised_at=when.answered_at,
            received_at=when.received_at,
            source="offline" if when.offline else "tablet",
        )
        session.add(alert)
        enqueue(session, alert, ks.participant.program, "alert")
        new.append(alert)
        record(
            session,
            "alert_raised",
            program_id=ks.participant.program_id,
            kiosk_session_id=ks.id,
            item=item_id,
            level=rule.level,
        )
    return AlertOutcome(new, refired)
