"""A follow-up target per program: the share of follow-ups to give within their windows.

``programs.followup_target_pct`` is a whole percent from 1 to 100; existing
programs get 80, SAMHSA's GPRA follow-up target.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("followup_target_pct", sa.Integer(), server_default="80", nullable=False))
        batch.create_check_constraint("followup_target_pct", "followup_target_pct BETWEEN 1 AND 100")


def downgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.drop_constraint(op.f("ck_programs_followup_target_pct"), type_="check")
        batch.drop_column("followup_target_pct")
