"""Programs and their set-up: sites, waves and the battery of instruments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import false
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import true
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow

PAGE_MODES = ("section", "item")


class Program(Base):
    """A peer-support program: its waves, battery, kiosk and alert settings.

    ``alert_emails`` are told at once when a safety alert is raised;
    ``escalate_emails`` when an urgent alert is still unacknowledged after
    ``escalate_after_s`` seconds. ``risk_decline`` lets risk items (such as
    PHQ-9 item 9) offer "prefer not to answer"; ``read_aloud`` shows the
    kiosk's speaker button. Times on staff pages are shown in ``time_zone``
    (an IANA name such as ``America/New_York``). ``followup_target_pct`` is
    the share of follow-ups the program aims to give within their windows
    (whole percent, 1-100; SAMHSA's GPRA target is 80).
    """

    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("page_mode IN ('section', 'item')", name="page_mode"),
        CheckConstraint("followup_target_pct BETWEEN 1 AND 100", name="followup_target_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    crisis_message_en: Mapped[str | None] = mapped_column(Text)
    crisis_message_es: Mapped[str | None] = mapped_column(Text)
    page_mode: Mapped[str] = mapped_column(String(10), default="section")
    idle_timeout_s: Mapped[int] = mapped_column(default=300)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    alert_emails: Mapped[list] = mapped_column(default=list)
    escalate_emails: Mapped[list] = mapped_column(default=list)
    escalate_after_s: Mapped[int] = mapped_column(default=900, server_default="900")
    alert_webhook_url: Mapped[str | None] = mapped_column(String(500))
    alert_webhook_secret: Mapped[str | None] = mapped_column(String(128))
    risk_decline: Mapped[bool] = mapped_column(default=False, server_default=false())
    read_aloud: Mapped[bool] = mapped_column(default=True, server_default=true())
    followup_target_pct: Mapped[int] = mapped_column(default=80, server_default="80")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    waves: Mapped[list[Wave]] = relationship(
        back_populates="program", order_by="Wave.position", cascade="all, delete-orphan"
    )
    battery: Mapped[list[BatteryEntry]] = relationship(
        back_populates="program", order_by="BatteryEntry.position", cascade="all, delete-orphan"
    )
    sites: Mapped[list[Site]] = relationship(back_populates="program", cascade="all, delete-orphan")

    def wave(self, name: str) -> Wave | None:
        """The wave with this name, or None."""
        return next((w for w in self.waves if w.name == name), None)


class Site(Base):
    """A place where a program collects data (for site breakdowns)."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    program: Mapped[Program] = relationship(back_populates="sites")


class Wave(Base):
    """A data-collection time point, such as ``baseline`` or ``exit``, in program order.

    ``due_days`` is the wave's due date as days after the participant's
    baseline (None: no due date, e.g. an exit wave given at discharge); the
    window, when set, runs from ``window_before_days`` before to
    ``window_after_days`` after the due date.
    """

    __tablename__ = "waves"
    __table_args__ = (
        UniqueConstraint("program_id", "name"),
        UniqueConstraint("program_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    due_days: Mapped[int | None]
    window_before_days: Mapped[int | None]
    window_after_days: Mapped[int | None]

    program: Mapped[Program] = relationship(back_populates="waves")


class BatteryEntry(Base):
    """One instrument (id and version) at one position of a program's battery."""

    __tablename__ = "battery_entries"
    __table_args__ = (
        UniqueConstraint("program_id", "position"),
        UniqueConstraint("program_id", "instrument_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[int]

    program: Mapped[Program] = relationship(back_populates="battery")
