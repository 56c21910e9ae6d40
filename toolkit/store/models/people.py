"""Participants (pseudonymous) and staff users with their program scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import false
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow
from toolkit.store.models.program import Program
from toolkit.store.models.program import Site

ROLES = ("admin", "evaluator", "staff")

staff_programs = Table(
    "staff_programs",
    Base.metadata,
    Column("staff_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


class Participant(Base):
    """A person known only by a pseudonymous code, unique within the program."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("program_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    group: Mapped[str | None] = mapped_column(String(40))
    attributes: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship()
    site: Mapped[Site | None] = relationship()


class StaffUser(Base):
    """A person who signs in to the staff pages; admins see every program.

    ``password_change_required`` asks for a new password at the next sign-in
    (for example when the old one no longer meets the policy).
    ``pin_hash`` is an argon2id hash of a 4-8 digit PIN that unlocks a kiosk
    lock screen for the next participant (never the staff pages);
    ``pin_failures`` counts wrong PINs since the last right one, and
    ``pin_locked_until`` is set when they reach the limit.
    """

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'evaluator', 'staff')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None]
    password_change_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programs: Mapped[list[Program]] = relationship(secondary=staff_programs, order_by="Program.slug")

    def can_see(self, program: Program) -> bool:
        """True when this user may see and change ``program``'s data."""
        return self.active and (self.role == "admin" or any(p.id == program.id for p in self.programs))
