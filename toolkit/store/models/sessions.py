"""Browser sessions kept on the server: the cookie holds only a random id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow


class WebSession(Base):
    """One browser's session: what it holds (``data``), and for a signed-in staff member, who.

    ``id`` is the SHA-256 of the random value in the browser's cookie, so the
    table never holds a usable cookie. Deleting the row ends the session at
    once: sign-out, hand-over, a password change or deactivation.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_in_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
