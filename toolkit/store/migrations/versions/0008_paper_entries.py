"""Paper forms: entries waiting for their second entry, and alerts raised from paper.

``paper_entries`` keeps a paper form entered once until a second staff member
enters it again (double entry) and the differences are resolved; the alerts'
``source`` may now be ``paper``. Downgrading turns paper alerts into
``import`` alerts (entered afterwards, not on a tablet) and drops the table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
OLD_SOURCE = "source IN ('tablet', 'offline', 'import')"
NEW_SOURCE = "source IN ('tablet', 'offline', 'import', 'paper')"


def upgrade() -> None:
    op.create_table(
        "paper_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("form_date", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", TIME, nullable=False),
        sa.Column("second_answers", sa.JSON(), nullable=True),
        sa.Column("second_by_id", sa.Integer(), nullable=True),
        sa.Column("second_at", TIME, nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_at", TIME, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'compare', 'stored', 'discarded')", name=op.f("ck_paper_entries_status")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_paper_entries_program_id_programs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_paper_entries_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_paper_entries_wave_id_waves"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff_users.id"],
            name=op.f("fk_paper_entries_entered_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["second_by_id"],
            ["staff_users.id"],
            name=op.f("fk_paper_entries_second_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_entries")),
    )
    op.create_index(op.f("ix_paper_entries_program_id"), "paper_entries", ["program_id"], unique=False)
    op.create_index(op.f("ix_paper_entries_participant_id"), "paper_entries", ["participant_id"], unique=False)
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("source", type_="check")
        batch.create_check_constraint("source", NEW_SOURCE)


def downgrade() -> None:
    op.execute("UPDATE alerts SET source = 'import' WHERE source = 'paper'")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("source", type_="check")
        batch.create_check_constraint("source", OLD_SOURCE)
    op.drop_index(op.f("ix_paper_entries_participant_id"), table_name="paper_entries")
    op.drop_index(op.f("ix_paper_entries_program_id"), table_name="paper_entries")
    op.drop_table("paper_entries")
