"""Monitoring results: dated drug screens, PDMP checks, liver and kidney tests and vitals.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the enums' values at this revision (the app's may grow later).
KINDS = ("drug_screen", "pdmp", "liver", "kidney", "vitals")
CATEGORIES = ("general", "psychiatric", "psychotherapy_note", "substance_use")


def upgrade() -> None:
    """Two new tables; nothing existing changes."""
    op.create_table(
        "monitoring_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *KINDS,
                name="monitoring_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                *CATEGORIES,
                name="monitoring_category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("performed_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_monitoring_results_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_results")),
    )
    op.create_index(
        "ix_monitoring_results_patient_id_taken_on",
        "monitoring_results",
        ["patient_id", "taken_on"],
        unique=False,
    )
    op.create_table(
        "monitoring_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("analyte", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("reference_low", sa.Float(), nullable=True),
        sa.Column("reference_high", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("expected", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["monitoring_results.id"],
            name=op.f("fk_monitoring_values_result_id_monitoring_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_values")),
    )
    op.create_index(
        op.f("ix_monitoring_values_result_id"), "monitoring_values", ["result_id"], unique=False
    )


def downgrade() -> None:
    """Drop both tables (their results are lost)."""
    op.drop_index(op.f("ix_monitoring_values_result_id"), table_name="monitoring_values")
    op.drop_table("monitoring_values")
    op.drop_index("ix_monitoring_results_patient_id_taken_on", table_name="monitoring_results")
    op.drop_table("monitoring_results")
