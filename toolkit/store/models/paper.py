"""Paper forms waiting for their second entry (double entry) before they are stored."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow
from toolkit.store.models.people import Participant
from toolkit.store.models.people import StaffUser
from toolkit.store.models.program import Wave

PAPER_STATUSES = ("pending", "compare", "stored", "discarded")


class PaperEntry(Base):
    """A paper form entered once, kept until a second staff member enters it again.

    ``answers`` is the first entry: instrument id -> item id -> value (None:
    "prefer not to say"); a blank item is absent. ``status`` is ``pending``
    (waiting for the second entry), ``compare`` (both entered, differences
    to resolve, the second entry in ``second_answers``), ``stored`` or
    ``discarded``. Once stored or discarded both entries are emptied: the
    answers then live only in ``item_responses``.
    """

    __tablename__ = "paper_entries"
    __table_args__ = (CheckConstraint("status IN ('pending', 'compare', 'stored', 'discarded')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    form_date: Mapped[date]
    answers: Mapped[dict] = mapped_column(default=dict)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    second_answers: Mapped[dict | None]
    second_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    second_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    closed_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    wave: Mapped[Wave] = relationship()
    entered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[entered_by_id])
    second_by: Mapped[StaffUser | None] = relationship(foreign_keys=[second_by_id])
