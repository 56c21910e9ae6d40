"""Imports of response files, the answers an import replaced, and which import wrote an administration.

``imports`` holds one row per imported file (by the SHA-256 of its bytes, so
the same file imported again changes nothing); ``replaced_answers`` keeps
the old and new value of every stored answer an import replaced;
``administrations.import_id`` names the import that wrote an administration.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("described", sa.String(length=120), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("imported_at", TIME, nullable=False),
        sa.Column("participants_added", sa.Integer(), nullable=False),
        sa.Column("administrations", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_imports_program_id_programs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_imports_staff_id_staff_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("program_id", "sha256", name=op.f("uq_imports_program_id_sha256")),
    )
    op.create_index(op.f("ix_imports_program_id"), "imports", ["program_id"], unique=False)
    op.create_table(
        "replaced_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Double(), nullable=True),
        sa.Column("old_declined", sa.Boolean(), nullable=True),
        sa.Column("new_value", sa.Double(), nullable=True),
        sa.Column("new_declined", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_replaced_answers_import_id_imports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_replaced_answers_administration_id_administrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_answers")),
    )
    op.create_index(op.f("ix_replaced_answers_import_id"), "replaced_answers", ["import_id"], unique=False)
    op.create_index(
        op.f("ix_replaced_answers_administration_id"), "replaced_answers", ["administration_id"], unique=False
    )
    with op.batch_alter_table("administrations") as batch:
        batch.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_administrations_import_id_imports"), "imports", ["import_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_administrations_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("administrations") as batch:
        batch.drop_index(op.f("ix_administrations_import_id"))
        batch.drop_constraint(op.f("fk_administrations_import_id_imports"), type_="foreignkey")
        batch.drop_column("import_id")
    op.drop_index(op.f("ix_replaced_answers_administration_id"), table_name="replaced_answers")
    op.drop_index(op.f("ix_replaced_answers_import_id"), table_name="replaced_answers")
    op.drop_table("replaced_answers")
    op.drop_index(op.f("ix_imports_program_id"), table_name="imports")
    op.drop_table("imports")
