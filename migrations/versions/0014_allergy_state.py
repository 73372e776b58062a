"""Explicit allergy state: a per-patient confirmation of "no known allergies".

A chart with allergy rows "has allergies"; one with a row here has "no known
allergies" (who confirmed, when); one with neither is "not yet asked". Existing
charts start as "not yet asked": an empty allergy list never meant a confirmation.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table; no rows (every existing chart is "not yet asked")."""
    op.create_table(
        "no_known_allergies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("confirmed_by_name", sa.String(length=160), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_no_known_allergies_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_no_known_allergies")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_no_known_allergies_patient_id")),
    )


def downgrade() -> None:
    """Drop the table: confirmations are lost and those charts read "None recorded" again."""
    op.drop_table("no_known_allergies")
