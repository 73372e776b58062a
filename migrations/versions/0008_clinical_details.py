"""Clinical details: headache medication days per drug class, SNNOOP10 red flags,
referrals entered in error, and stored PEG bands labelled as derived.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLASS_DAY_COLUMNS = (
    "triptan_days_per_month",
    "ergot_days_per_month",
    "opioid_days_per_month",
    "combination_analgesic_days_per_month",
    "simple_analgesic_days_per_month",
)
REFERRAL_COLUMNS = ("entered_in_error_at", "entered_in_error_by", "entered_in_error_reason")
# Krebs 2009 publishes no PEG bands: a stored PEG band is the NRS band of the mean, and
# says so (the same text as carecoord.clinical.instruments.PEG_DERIVED_NOTE, frozen here).
PEG_DERIVED_SUFFIX = " (derived from NRS cut points)"


def upgrade() -> None:
    """Add the columns; existing rows keep NULL ("not recorded", "not screened", "valid")."""
    # Plain ADD COLUMNs (nullable, no default): recreate="never" so SQLite never copies
    # a table that other tables' foreign keys point at.
    with op.batch_alter_table("headache_profiles", schema=None, recreate="never") as batch_op:
        for name in CLASS_DAY_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("red_flags", sa.JSON(), nullable=True))
    with op.batch_alter_table("referrals", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("entered_in_error_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("entered_in_error_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("entered_in_error_reason", sa.String(length=400), nullable=True)
        )
    with op.batch_alter_table("referrals", schema=None, recreate="never") as batch_op:
        batch_op.create_index(
            "ix_referrals_entered_in_error_at",
            ["entered_in_error_at"],
            unique=False,
            sqlite_where=sa.text("entered_in_error_at IS NOT NULL"),
            postgresql_where=sa.text("entered_in_error_at IS NOT NULL"),
        )
    op.execute(
        sa.text(
            "UPDATE assessments SET band = band || :suffix "
            "WHERE kind = 'peg' AND band NOT LIKE '%(derived%'"
        ).bindparams(suffix=PEG_DERIVED_SUFFIX)
    )


def _drop(table: str, columns: Sequence[str]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place; batch mode would copy and drop the table.
        for name in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    else:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in columns:
                batch_op.drop_column(name)


def downgrade() -> None:
    """Drop the columns again (the per-class days, red flags and error marks are lost)."""
    op.execute(
        sa.text(
            "UPDATE assessments SET band = replace(band, :suffix, '') WHERE kind = 'peg'"
        ).bindparams(suffix=PEG_DERIVED_SUFFIX)
    )
    with op.batch_alter_table("referrals", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_referrals_entered_in_error_at")
    _drop("referrals", REFERRAL_COLUMNS)
    _drop("headache_profiles", (*CLASS_DAY_COLUMNS, "red_flags"))
