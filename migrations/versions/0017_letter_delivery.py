"""Letter deliveries: each e-mail or e-mail-to-fax attempt through the clinic's SMTP relay.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the enums' values at this revision (the app's may grow later).
METHODS = ("print", "fax", "email", "portal", "hand")
OUTCOMES = ("accepted", "refused", "failed")


def upgrade() -> None:
    """One new table; nothing existing changes."""
    op.create_table(
        "letter_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                *METHODS,
                name="letter_delivery_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("fax_number", sa.String(length=40), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                *OUTCOMES,
                name="letter_delivery_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("relay_answer", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_letter_deliveries_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_letter_deliveries_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_deliveries")),
    )
    op.create_index(
        "ix_letter_deliveries_referral_id_at",
        "letter_deliveries",
        ["referral_id", "at"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the table (the delivery records are lost; the sent copies stay as documents)."""
    op.drop_index("ix_letter_deliveries_referral_id_at", table_name="letter_deliveries")
    op.drop_table("letter_deliveries")
