"""The notification outbox: messages about safety alerts, written with the alert, sent later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow
from toolkit.store.models.capture import Alert

NOTIFICATION_KINDS = ("alert", "staff_requested", "escalation")
CHANNELS = ("email", "webhook")


class Notification(Base):
    """One message to one recipient about one alert.

    It is written in the transaction that records the alert (or the
    participant's request for staff, or the escalation), so it exists
    exactly when the alert does. The sender fills in ``sent_at`` after the
    recipient's server accepted it; ``message_id`` is fixed at creation, so
    the rare resend after a crash carries the same Message-ID.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("kind IN ('alert', 'staff_requested', 'escalation')", name="kind"),
        CheckConstraint("channel IN ('email', 'webhook')", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8), default="email")
    recipient: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    alert: Mapped[Alert] = relationship()

    @property
    def state(self) -> str:
        """``sent``, ``failing`` (tried and not yet delivered) or ``queued``."""
        if self.sent_at is not None:
            return "sent"
        return "failing" if self.last_error else "queued"


class SenderLease(Base):
    """Which server process is the one sender of a database, until when.

    One row per lease name. A process sends only while it holds the lease
    and renews it well before ``expires_at``; when it dies, another takes
    over once the lease has expired.
    """

    __tablename__ = "sender_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
