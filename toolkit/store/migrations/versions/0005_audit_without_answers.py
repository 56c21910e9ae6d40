"""Audit events without answers, participant codes or notes.

Earlier versions kept the old and new value of a changed answer, the value
that raised an alert, a new participant's code and an acknowledgement's note
in the audit log. The log answers who did what and when; those details are
removed from the rows already written (they remain where they belong: the
answers, the participant, the alert).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REMOVED = {
    "response_changed": ("old", "new", "old_declined", "new_declined"),
    "alert_raised": ("value",),
    "participant_added": ("code",),
    "alert_acknowledged": ("note",),
}


def upgrade() -> None:
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("detail", sa.JSON)
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(events.c.id, events.c.kind, events.c.detail).where(events.c.kind.in_(list(REMOVED)))
    ).all()
    for event_id, kind, detail in rows:
        detail = json.loads(detail) if isinstance(detail, str) else dict(detail or {})
        kept = {k: v for k, v in detail.items() if k not in REMOVED[kind]}
        if kept != detail:
            conn.execute(sa.update(events).where(events.c.id == event_id).values(detail=kept))


def downgrade() -> None:
    """What was removed is not kept anywhere: nothing to restore."""
