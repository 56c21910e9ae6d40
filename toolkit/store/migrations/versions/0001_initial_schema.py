"""Initial schema: programs, participants, staff, administrations, responses, alerts, kiosk sessions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"], unique=False)
    op.create_index(op.f("ix_login_failures_email"), "login_failures", ["email"], unique=False)

    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("crisis_message_en", sa.Text(), nullable=True),
        sa.Column("crisis_message_es", sa.Text(), nullable=True),
        sa.Column("page_mode", sa.String(length=10), nullable=False),
        sa.Column("idle_timeout_s", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("page_mode IN ('section', 'item')", name=op.f("ck_programs_page_mode")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("slug", name=op.f("uq_programs_slug")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'evaluator', 'staff')", name=op.f("ck_staff_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )
    op.create_table(
        "battery_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_battery_entries_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_battery_entries")),
        sa.UniqueConstraint("program_id", "instrument_id", name=op.f("uq_battery_entries_program_id_instrument_id")),
        sa.UniqueConstraint("program_id", "position", name=op.f("uq_battery_entries_program_id_position")),
    )
    op.create_index(op.f("ix_battery_entries_program_id"), "battery_entries", ["program_id"], unique=False)

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_sites_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_sites_program_id_name")),
    )
    op.create_index(op.f("ix_sites_program_id"), "sites", ["program_id"], unique=False)

    op.create_table(
        "staff_programs",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_staff_programs_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_programs_staff_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "program_id", name=op.f("pk_staff_programs")),
    )
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_waves_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waves")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_waves_program_id_name")),
        sa.UniqueConstraint("program_id", "position", name=op.f("uq_waves_program_id_position")),
    )
    op.create_index(op.f("ix_waves_program_id"), "waves", ["program_id"], unique=False)

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("group", sa.String(length=40), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_participants_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_participants_site_id_sites"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("program_id", "code", name=op.f("uq_participants_program_id_code")),
    )
    op.create_index(op.f("ix_participants_program_id"), "participants", ["program_id"], unique=False)

    op.create_table(
        "kiosk_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("current_page", sa.Integer(), nullable=False),
        sa.Column("furthest_page", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'complete', 'cancelled')",
            name=op.f("ck_kiosk_sessions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_kiosk_sessions_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_kiosk_sessions_staff_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
            name=op.f("fk_kiosk_sessions_wave_id_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_sessions")),
        sa.UniqueConstraint("ref", name=op.f("uq_kiosk_sessions_ref")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosk_sessions_token_hash")),
    )
    op.create_index(op.f("ix_kiosk_sessions_participant_id"), "kiosk_sessions", ["participant_id"], unique=False)

    op.create_table(
        "administrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("kiosk_session_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("mode IN ('tablet', 'paper', 'import')", name=op.f("ck_administrations_mode")),
        sa.CheckConstraint("status IN ('in_progress', 'complete')", name=op.f("ck_administrations_status")),
        sa.ForeignKeyConstraint(
            ["kiosk_session_id"],
            ["kiosk_sessions.id"],
            name=op.f("fk_administrations_kiosk_session_id_kiosk_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_administrations_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
            name=op.f("fk_administrations_wave_id_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administrations")),
        sa.UniqueConstraint(
            "participant_id",
            "wave_id",
            "instrument_id",
            name=op.f("uq_administrations_participant_id_wave_id_instrument_id"),
        ),
        sa.UniqueConstraint("submission_key", name=op.f("uq_administrations_submission_key")),
    )
    op.create_index(
        op.f("ix_administrations_participant_id"),
        "administrations",
        ["participant_id"],
        unique=False,
    )
    op.create_index(op.f("ix_administrations_wave_id"), "administrations", ["wave_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("kiosk_session_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kiosk_session_id"],
            ["kiosk_sessions.id"],
            name=op.f("fk_audit_events_kiosk_session_id_kiosk_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_audit_events_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_audit_events_staff_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)

    op.create_table(
        "page_saves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_session_id", sa.Integer(), nullable=False),
        sa.Column("page_index", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_session_id"],
            ["kiosk_sessions.id"],
            name=op.f("fk_page_saves_kiosk_session_id_kiosk_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_saves")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_page_saves_submission_key")),
    )
    op.create_index(op.f("ix_page_saves_kiosk_session_id"), "page_saves", ["kiosk_session_id"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff_users.id"],
            name=op.f("fk_alerts_acknowledged_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_alerts_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("administration_id", "item_id", name=op.f("uq_alerts_administration_id_item_id")),
    )
    op.create_index(op.f("ix_alerts_administration_id"), "alerts", ["administration_id"], unique=False)

    op.create_table(
        "item_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(value IS NULL) = declined", name=op.f("ck_item_responses_value_or_declined")),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_item_responses_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_responses")),
        sa.UniqueConstraint("administration_id", "item_id", name=op.f("uq_item_responses_administration_id_item_id")),
    )
    op.create_index(
        op.f("ix_item_responses_administration_id"),
        "item_responses",
        ["administration_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_item_responses_administration_id"), table_name="item_responses")

    op.drop_table("item_responses")
    op.drop_index(op.f("ix_alerts_administration_id"), table_name="alerts")

    op.drop_table("alerts")
    op.drop_index(op.f("ix_page_saves_kiosk_session_id"), table_name="page_saves")

    op.drop_table("page_saves")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_index(op.f("ix_administrations_wave_id"), table_name="administrations")
    op.drop_index(op.f("ix_administrations_participant_id"), table_name="administrations")

    op.drop_table("administrations")
    op.drop_index(op.f("ix_kiosk_sessions_participant_id"), table_name="kiosk_sessions")

    op.drop_table("kiosk_sessions")
    op.drop_index(op.f("ix_participants_program_id"), table_name="participants")

    op.drop_table("participants")
    op.drop_index(op.f("ix_waves_program_id"), table_name="waves")

    op.drop_table("waves")
    op.drop_table("staff_programs")
    op.drop_index(op.f("ix_sites_program_id"), table_name="sites")

    op.drop_table("sites")
    op.drop_index(op.f("ix_battery_entries_program_id"), table_name="battery_entries")

    op.drop_table("battery_entries")
    op.drop_table("staff_users")
    op.drop_table("programs")
    op.drop_index(op.f("ix_login_failures_email"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")

    op.drop_table("login_failures")
