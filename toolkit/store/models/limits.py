"""Sign-in limits: failed attempts counted per account, address, known browser and overall."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from toolkit.store.models.base import Base

LIMIT_SCOPES = ("account", "address", "browser", "global")


class SignInLimit(Base):
    """Failed sign-ins counted against one key, and when the last attempt was made.

    ``scope`` is one of :data:`LIMIT_SCOPES`; ``key`` is the email, the
    client's address, the known browser with its account, or ``*`` for the
    global count. Each failure beyond a free number doubles the wait before
    the next attempt; a row unused for a while is forgotten and purged.
    """

    __tablename__ = "sign_in_limits"

    scope: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(index=True)
