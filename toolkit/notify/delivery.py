"""Delivering due notifications: claim each, send it, record the outcome.

A pass takes the due rows (not sent, ``next_attempt_at`` reached) oldest
first. Each row is *claimed* with a conditional UPDATE of
``claimed_until`` before it is sent, so two senders overlapping for a
moment never both send it; no database transaction is open while the mail
server or webhook is talking. Success sets ``sent_at`` and commits at
once; failure counts the attempt, records a short reason and schedules the
next try after ``min(2**attempts, retry_max_s)`` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from toolkit.notify.channels import NO_SMTP
from toolkit.notify.channels import send_notification
from toolkit.notify.config import NotifyConfig
from toolkit.notify.errors import DeliveryError
from toolkit.store.engine import begin_write
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import Notification
from toolkit.store.models import Participant
from toolkit.store.models import utcnow

log = logging.getLogger("toolkit.notify")

CLAIM_S = 60.0
"""How long a claim keeps other senders off a row: well above one send's worst case."""
BATCH = 100
RECORD_TRIES = 5

Send = Callable[[Notification, NotifyConfig, datetime], None]


@dataclass
class PassResult:
    """What one delivery pass did, by notification id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    """Due rows another sender had claimed (or sent) first."""


def deliver_due(
    sessions: sessionmaker[Session],
    config: NotifyConfig,
    *,
    now: datetime | None = None,
    may_continue: Callable[[], bool] | None = None,
    send: Send = send_notification,
    limit: int = BATCH,
    claim_s: float = CLAIM_S,
) -> PassResult:
    """Send every due notification once, oldest first; returns what happened.

    ``now`` fixes the clock (tests); otherwise each step reads the time.
    ``may_continue`` is asked before each row (the sender stops when it
    lost its lease). Without a mail server, e-mail rows are marked with
    :data:`NO_SMTP` once and left queued, untouched, for a server that is
    configured later; webhooks still go out.
    """
    clock = (lambda: now) if now is not None else utcnow
    result = PassResult()
    if config.smtp is None:
        mark_waiting_for_smtp(sessions)
    for row_id in due_ids(sessions, clock(), emails=config.smtp is not None, limit=limit):
        if may_continue is not None and not may_continue():
            break
        if not claim(sessions, row_id, clock(), claim_s):
            result.skipped.append(row_id)
            continue
        row = _load(sessions, row_id)
        if row is None or row.sent_at is not None:
            result.skipped.append(row_id)
            continue
        try:
            send(row, config, clock())
        except Exception as exc:  # a failure of one row never holds up the others
            if isinstance(exc, DeliveryError):
                reason = str(exc)
            else:
                reason = f"{exc.__class__.__name__} while preparing the message (see the server log)"
                log.error("notification %s: could not be prepared", row.id, exc_info=True)
            delay = record_failure(sessions, row, reason, clock(), config.retry_max_s)
            log.warning(
                "notification %s (%s, alert %s) to %s not delivered, attempt %s: %s; next try in %s s",
                row.id,
                row.kind,
                row.alert_id,
                shown(row),
                row.attempts + 1,
                reason,
                delay,
            )
            result.failed.append(row_id)
            continue
        record_sent(sessions, row_id, clock())
        log.info(
            "notification %s (%s, alert %s) sent to %s",
            row.id,
            row.kind,
            row.alert_id,
            shown(row),
        )
        result.sent.append(row_id)
    return result


def shown(row: Notification) -> str:
    """The recipient for logs: the address, or only the webhook's host (its path may hold a token)."""
    if row.channel != "webhook":
        return row.recipient
    parts = urlsplit(row.recipient)
    return f"webhook {parts.scheme}://{parts.netloc.rpartition('@')[2]}/..."


def due_ids(sessions: sessionmaker[Session], now: datetime, *, emails: bool, limit: int) -> list[int]:
    """Ids of unsent rows whose next attempt is due, oldest first (webhooks only if not ``emails``)."""
    query = (
        select(Notification.id)
        .where(Notification.sent_at.is_(None), Notification.next_attempt_at <= now)
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
    )
    if not emails:
        query = query.where(Notification.channel != "email")
    with sessions() as session:
        return list(session.scalars(query))


def claim(sessions: sessionmaker[Session], row_id: int, now: datetime, claim_s: float) -> bool:
    """Reserve row ``row_id`` for this sender until ``now + claim_s``; False when it is taken.

    The UPDATE matches only an unsent, due row that nobody holds (or whose
    claim has run out), so of two senders at most one gets True.
    """
    with sessions() as session:
        begin_write(session)
        claimed = session.execute(
            update(Notification)
            .where(
                Notification.id == row_id,
                Notification.sent_at.is_(None),
                Notification.next_attempt_at <= now,
                or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
            )
            .values(claimed_until=now + timedelta(seconds=claim_s))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    return bool(claimed)


def record_sent(sessions: sessionmaker[Session], row_id: int, now: datetime) -> None:
    """Mark row ``row_id`` sent at ``now`` and commit (retried briefly if the database is busy).

    If this never commits, the claim runs out and the row is sent again with
    the same Message-ID: the one duplicate the design allows.
    """
    for attempt in range(RECORD_TRIES):
        try:
            with sessions() as session:
                begin_write(session)
                session.execute(
                    update(Notification)
                    .where(Notification.id == row_id, Notification.sent_at.is_(None))
                    .values(sent_at=now, attempts=Notification.attempts + 1, claimed_until=None)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
            return
        except OperationalError:
            if attempt == RECORD_TRIES - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


def record_failure(sessions: sessionmaker[Session], row: Notification, reason: str, now: datetime, cap_s: int) -> int:
    """Count a failed attempt of ``row``, keep ``reason``, free the claim; returns the delay (s)."""
    delay = min(2 ** (row.attempts + 1), cap_s)
    with sessions() as session:
        begin_write(session)
        session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.sent_at.is_(None))
            .values(
                attempts=Notification.attempts + 1,
                last_error=reason[:500],
                next_attempt_at=now + timedelta(seconds=delay),
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return delay


def mark_waiting_for_smtp(sessions: sessionmaker[Session]) -> int:
    """Give unsent e-mail rows the reason :data:`NO_SMTP` (once); returns how many were marked.

    Their attempts and next attempt time stay as they are, so they go out as
    soon as a server with a mail server configured runs.
    """
    waiting = or_(Notification.last_error.is_(None), Notification.last_error != NO_SMTP)
    unsent_email = (Notification.channel == "email", Notification.sent_at.is_(None))
    with sessions() as session:
        if session.scalar(select(Notification.id).where(*unsent_email, waiting).limit(1)) is None:
            return 0
    with sessions() as session:
        begin_write(session)
        marked = session.execute(
            update(Notification)
            .where(*unsent_email, waiting)
            .values(last_error=NO_SMTP)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    return marked


def _load(sessions: sessionmaker[Session], row_id: int) -> Notification | None:
    query = (
        select(Notification)
        .where(Notification.id == row_id)
        .options(
            joinedload(Notification.alert)
            .joinedload(Alert.administration)
            .joinedload(Administration.participant)
            .options(joinedload(Participant.program), joinedload(Participant.site))
        )
    )
    with sessions() as session:
        return session.scalar(query)
