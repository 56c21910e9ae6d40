"""What participants answer: administrations, item responses, alerts and kiosk sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import false
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow
from toolkit.store.models.people import Participant
from toolkit.store.models.people import StaffUser
from toolkit.store.models.program import Wave


class KioskSession(Base):
    """One hand-over of a tablet: a participant answering a wave's battery.

    The browser holds a random token whose SHA-256 is ``token_hash``; the
    pages to show are frozen in ``plan`` when the session starts. Status
    ``stopped`` means the participant chose to stop. ``crisis_page`` is set
    while the crisis message waits for the participant's choice (the page to
    go on to); ``held_at`` while the participant waits for a staff member.
    """

    __tablename__ = "kiosk_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'complete', 'stopped', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(12), default="active")
    plan: Mapped[list] = mapped_column(default=list)
    current_page: Mapped[int] = mapped_column(default=0)
    furthest_page: Mapped[int] = mapped_column(default=0)
    crisis_page: Mapped[int | None]
    held_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    wave: Mapped[Wave] = relationship()
    staff: Mapped[StaffUser | None] = relationship()

    @property
    def page_count(self) -> int:
        return len(self.plan)


class Administration(Base):
    """One instrument (id and version) given to one participant at one wave."""

    __tablename__ = "administrations"
    __table_args__ = (
        UniqueConstraint("participant_id", "wave_id", "instrument_id"),
        CheckConstraint("status IN ('in_progress', 'complete')", name="status"),
        CheckConstraint("mode IN ('tablet', 'paper', 'import')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    mode: Mapped[str] = mapped_column(String(8), default="tablet")
    language: Mapped[str] = mapped_column(String(8), default="en")
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    kiosk_session_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk_sessions.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    wave: Mapped[Wave] = relationship()
    responses: Mapped[list[ItemResponse]] = relationship(back_populates="administration", cascade="all, delete-orphan")


class ItemResponse(Base):
    """The answer to one item: a number, or declined ("prefer not to say")."""

    __tablename__ = "item_responses"
    __table_args__ = (
        UniqueConstraint("administration_id", "item_id"),
        CheckConstraint("(value IS NULL) = declined", name="value_or_declined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # looked up through the unique (administration_id, item_id) index: no index of its own
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None]
    declined: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]

    administration: Mapped[Administration] = relationship(back_populates="responses")


class Alert(Base):
    """A safety rule that fired on an answer, until staff acknowledge it with a note.

    ``value`` is the answer that raised it and ``raised_at`` when it was
    given (on the tablet, for pages sent later from a tablet that was
    offline); ``received_at`` is when the server stored it. ``source`` is
    ``tablet``, ``offline`` (raised offline, sent later) or ``import``. Later
    changes of the answer are kept in ``changes``.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("administration_id", "item_id"),
        CheckConstraint("source IN ('tablet', 'offline', 'import', 'paper')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[float]
    level: Mapped[str] = mapped_column(String(12))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(8), default="tablet", server_default="tablet")
    asked_for_staff_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    administration: Mapped[Administration] = relationship()
    acknowledged_by: Mapped[StaffUser | None] = relationship()
    changes: Mapped[list[AlertChange]] = relationship(
        back_populates="alert", order_by="AlertChange.at", cascade="all, delete-orphan"
    )


class AlertChange(Base):
    """A later change of the answer that raised an alert (the alert itself stays)."""

    __tablename__ = "alert_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    old_value: Mapped[float | None]
    old_declined: Mapped[bool] = mapped_column(default=False)
    new_value: Mapped[float | None]
    new_declined: Mapped[bool] = mapped_column(default=False)

    alert: Mapped[Alert] = relationship(back_populates="changes")


class PageSave(Base):
    """One accepted page submission; its unique key makes a replayed POST a no-op.

    ``saved_at`` is when the server received it; ``answered_at`` when the
    participant tapped Next on the tablet (the device's clock, sent with
    pages answered offline). ``offline`` marks pages that waited on the
    tablet; ``clock_flag`` is ``future`` or ``old`` when the device time was
    implausible and the server's time was used instead.
    """

    __tablename__ = "page_saves"
    __table_args__ = (CheckConstraint("clock_flag IN ('future', 'old')", name="clock_flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_session_id: Mapped[int] = mapped_column(ForeignKey("kiosk_sessions.id", ondelete="CASCADE"), index=True)
    page_index: Mapped[int]
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    device_answered_at: Mapped[datetime | None]
    offline: Mapped[bool] = mapped_column(default=False, server_default=false())
    clock_flag: Mapped[str | None] = mapped_column(String(8))


class PageDraft(Base):
    """Answers ticked on a page but not yet sent: restored on Back, reload and resume.

    A draft is never a submitted page: it is not in ``item_responses`` and
    never reaches scoring or analysis. It is deleted when the page is saved
    and when the session ends.
    """

    __tablename__ = "page_drafts"
    __table_args__ = (UniqueConstraint("kiosk_session_id", "page_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_session_id: Mapped[int] = mapped_column(ForeignKey("kiosk_sessions.id", ondelete="CASCADE"))
    page_index: Mapped[int]
    answers: Mapped[dict] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Something that happened, who did it, and the details (old and new values)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    kiosk_session_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk_sessions.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
