"""Audit events: one row per thing that happened, with who and what changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from toolkit.store.models import AuditEvent


def record(
    session: Session,
    kind: str,
    *,
    staff_id: int | None = None,
    program_id: int | None = None,
    kiosk_session_id: int | None = None,
    note: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to ``session`` (committed with the change it describes)."""
    event = AuditEvent(
        kind=kind,
        staff_id=staff_id,
        program_id=program_id,
        kiosk_session_id=kiosk_session_id,
        note=note,
        detail=detail,
    )
    session.add(event)
    return event
