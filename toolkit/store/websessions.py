"""Ending browser sessions kept on the server."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from toolkit.store.models import WebSession


def end_sessions_of(session: Session, user_id: int, keep: str | None = None) -> int:
    """Delete every browser session of staff member ``user_id`` (not committed); returns how many.

    Called when their password changes or their account is deactivated, so a
    copied cookie stops working at once. ``keep`` spares one session id (the
    browser that changed the password stays signed in).
    """
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    return session.execute(query).rowcount
