"""Audit events: one row per thing that happened, who did it, and when.

The log answers "who saw or changed what" for administrators. It never holds
item answers, participant codes or free text that could (an acknowledgement's
note is on the alert itself): ``detail`` names things by their ids.
"""

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
