"""Kiosk safety and offline pages: alert outbox and history, drafts, PINs, program settings.

Adds the notification outbox and the sender lease; alert history, the
participant's request for staff, escalation and the alert's source; drafts
of ticked answers; device and server times of each page; staff PINs; and
program settings (time zone, alert recipients, escalation, webhook, risk
items that may be declined, read-aloud), wave due dates and windows.
Existing rows get the values they had in effect: alerts were received when
raised, pages answered when saved.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
OLD_STATUS = "status IN ('active', 'paused', 'complete', 'cancelled')"
NEW_STATUS = "status IN ('active', 'paused', 'complete', 'stopped', 'cancelled')"


def upgrade() -> None:
    op.create_table(
        "sender_leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("acquired_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("heartbeat_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sender_leases")),
    )
    op.create_table(
        "page_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_session_id", sa.Integer(), nullable=False),
        sa.Column("page_index", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_session_id"],
            ["kiosk_sessions.id"],
            name=op.f("fk_page_drafts_kiosk_session_id_kiosk_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_drafts")),
        sa.UniqueConstraint("kiosk_session_id", "page_index", name=op.f("uq_page_drafts_kiosk_session_id_page_index")),
    )
    op.create_table(
        "alert_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("old_value", sa.Double(), nullable=True),
        sa.Column("old_declined", sa.Boolean(), nullable=False),
        sa.Column("new_value", sa.Double(), nullable=True),
        sa.Column("new_declined", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_changes_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_changes")),
    )
    op.create_index(op.f("ix_alert_changes_alert_id"), "alert_changes", ["alert_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=False),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", TIME, nullable=True),
        sa.CheckConstraint("channel IN ('email', 'webhook')", name=op.f("ck_notifications_channel")),
        sa.CheckConstraint("kind IN ('alert', 'staff_requested', 'escalation')", name=op.f("ck_notifications_kind")),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_notifications_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notifications_message_id")),
    )
    op.create_index(op.f("ix_notifications_alert_id"), "notifications", ["alert_id"], unique=False)
    op.create_index(op.f("ix_notifications_next_attempt_at"), "notifications", ["next_attempt_at"], unique=False)
    op.create_index(op.f("ix_notifications_sent_at"), "notifications", ["sent_at"], unique=False)

    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("received_at", TIME, nullable=True))
        batch.add_column(sa.Column("source", sa.String(length=8), server_default="tablet", nullable=False))
        batch.add_column(sa.Column("asked_for_staff_at", TIME, nullable=True))
        batch.add_column(sa.Column("escalated_at", TIME, nullable=True))
        batch.create_check_constraint("source", "source IN ('tablet', 'offline', 'import')")
    op.execute("UPDATE alerts SET received_at = raised_at")
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("received_at", existing_type=TIME, nullable=False)

    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.add_column(sa.Column("crisis_page", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("held_at", TIME, nullable=True))
        batch.drop_constraint("status", type_="check")
        batch.create_check_constraint("status", NEW_STATUS)

    with op.batch_alter_table("page_saves") as batch:
        batch.add_column(sa.Column("answered_at", TIME, nullable=True))
        batch.add_column(sa.Column("device_answered_at", TIME, nullable=True))
        batch.add_column(sa.Column("offline", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("clock_flag", sa.String(length=8), nullable=True))
        batch.create_check_constraint("clock_flag", "clock_flag IN ('future', 'old')")
    op.execute("UPDATE page_saves SET answered_at = saved_at")
    with op.batch_alter_table("page_saves") as batch:
        batch.alter_column("answered_at", existing_type=TIME, nullable=False)

    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))
        batch.add_column(sa.Column("alert_emails", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("escalate_emails", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("escalate_after_s", sa.Integer(), server_default="900", nullable=False))
        batch.add_column(sa.Column("alert_webhook_url", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("alert_webhook_secret", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("risk_decline", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("read_aloud", sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("pin_hash", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("pin_failures", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("pin_locked_until", TIME, nullable=True))

    with op.batch_alter_table("waves") as batch:
        batch.add_column(sa.Column("due_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("window_before_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("window_after_days", sa.Integer(), nullable=True))
    # the first wave of every program is the baseline: due on day 0
    op.execute("UPDATE waves SET due_days = 0 WHERE position = 0")


def downgrade() -> None:
    with op.batch_alter_table("waves") as batch:
        batch.drop_column("window_after_days")
        batch.drop_column("window_before_days")
        batch.drop_column("due_days")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("pin_locked_until")
        batch.drop_column("pin_failures")
        batch.drop_column("pin_hash")
    with op.batch_alter_table("programs") as batch:
        for column in (
            "read_aloud",
            "risk_decline",
            "alert_webhook_secret",
            "alert_webhook_url",
            "escalate_after_s",
            "escalate_emails",
            "alert_emails",
            "time_zone",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("page_saves") as batch:
        batch.drop_constraint("clock_flag", type_="check")
        for column in ("clock_flag", "offline", "device_answered_at", "answered_at"):
            batch.drop_column(column)
    op.execute("UPDATE kiosk_sessions SET status = 'paused' WHERE status = 'stopped'")
    with op.batch_alter_table("kiosk_sessions") as batch:
        batch.drop_constraint("status", type_="check")
        batch.create_check_constraint("status", OLD_STATUS)
        batch.drop_column("held_at")
        batch.drop_column("crisis_page")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("source", type_="check")
        for column in ("escalated_at", "asked_for_staff_at", "source", "received_at"):
            batch.drop_column(column)
    op.drop_table("notifications")
    op.drop_table("alert_changes")
    op.drop_table("page_drafts")
    op.drop_table("sender_leases")
