"""Users may be designated for break-glass access; psychotherapy notes get their own table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # A plain ADD COLUMN with a server default (existing accounts are not designated). Batch
    # mode must not copy "users" on SQLite: dropping the old table fails the foreign keys of
    # every audit event pointing at it, hence recreate="never".
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "break_glass_allowed", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )

    op.create_table(
        "psychotherapy_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_psychotherapy_notes_author_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_psychotherapy_notes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psychotherapy_notes")),
    )
    with op.batch_alter_table("psychotherapy_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_psychotherapy_notes_author_user_id_patient_id_written_at",
            ["author_user_id", "patient_id", "written_at"],
            unique=False,
        )
        batch_op.create_index("ix_psychotherapy_notes_patient_id", ["patient_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("psychotherapy_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_psychotherapy_notes_patient_id")
        batch_op.drop_index("ix_psychotherapy_notes_author_user_id_patient_id_written_at")
    op.drop_table("psychotherapy_notes")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place; batch mode would copy and drop "users".
        op.execute("ALTER TABLE users DROP COLUMN break_glass_allowed")
    else:
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.drop_column("break_glass_allowed")
