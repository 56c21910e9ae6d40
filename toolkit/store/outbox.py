"""Writing notifications to the outbox, in the transaction that records what they announce.

The sender (:mod:`toolkit.notify`) delivers them later; here they are only
written, so an alert and its notifications exist together or not at all.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.models import Alert
from toolkit.store.models import Notification
from toolkit.store.models import Program

MESSAGE_DOMAIN = "peer-outcomes.invalid"


def recipients(program: Program, kind: str) -> list[tuple[str, str]]:
    """``(channel, recipient)`` pairs told about a notification of ``kind`` in ``program``.

    Escalations go to the escalation addresses; the rest to the alert
    addresses. The webhook, when set, hears of every kind.
    """
    emails = program.escalate_emails if kind == "escalation" else program.alert_emails
    pairs = [("email", address) for address in dict.fromkeys(emails or [])]
    if program.alert_webhook_url:
        pairs.append(("webhook", program.alert_webhook_url))
    return pairs


def enqueue(session: Session, alert: Alert, program: Program, kind: str) -> list[Notification]:
    """Add one notification per recipient of ``kind`` about ``alert`` (not committed).

    ``kind`` is ``alert`` (just raised), ``staff_requested`` (the participant
    asked to talk to someone now) or ``escalation`` (an urgent alert nobody
    acknowledged in time). Returns the rows added; none when the program has
    no recipients, which the alert page and the settings page point out.
    """
    rows = [
        Notification(
            alert=alert,
            kind=kind,
            channel=channel,
            recipient=recipient,
            message_id=f"<{kind}.{secrets.token_hex(12)}@{MESSAGE_DOMAIN}>",
        )
        for channel, recipient in recipients(program, kind)
    ]
    session.add_all(rows)
    return rows


def notifications_for(session: Session, alert_ids: list[int]) -> dict[int, list[Notification]]:
    """The notifications of each alert, oldest first (for the alert page's delivery state)."""
    out: dict[int, list[Notification]] = {i: [] for i in alert_ids}
    if not alert_ids:
        return out
    query = (
        select(Notification)
        .where(Notification.alert_id.in_(alert_ids))
        .order_by(Notification.created_at, Notification.id)
    )
    for row in session.scalars(query):
        out[row.alert_id].append(row)
    return out
