"""Dashboard summary: the counts the dashboard shows, kept as steps by day.

Three tables: ``dashboard_counts`` (each figure's steps; a figure on day D is the sum of
its steps dated on or before D), ``dashboard_contributions`` (the steps each patient's
record adds, so a change to one patient moves the totals by the difference) and
``dashboard_loops`` (each sent referral's CMS50 facts, for the open-loop list), and an
index that counts the payer requests becoming late today from index entries. All are
filled from the rows already in the database, on SQLite and PostgreSQL alike, by the same
code that keeps them (carecoord/services/dashboard_summary.py ``rebuild``, which reads
only columns that exist at this revision).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_counts",
        sa.Column("figure", sa.String(48), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "dashboard_contributions",
        sa.Column("patient_id", sa.Integer(), primary_key=True),
        sa.Column("figure", sa.String(48), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "dashboard_loops",
        sa.Column("referral_id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("previous_sent_on", sa.Date()),
        sa.Column("arrived_on", sa.Date()),
    )
    op.create_index("ix_dashboard_loops_patient_id", "dashboard_loops", ["patient_id"])
    op.create_index(
        "ix_dashboard_loops_sent_on",
        "dashboard_loops",
        ["sent_on", "referral_id", "previous_sent_on", "arrived_on"],
    )
    pending = sa.text("auth_outcome = 'pending' AND closed_on IS NULL")
    op.create_index(
        "ix_referrals_open_pending_expedited",
        "referrals",
        ["auth_expedited", "auth_requested_at", "auth_outcome", "closed_on"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    from carecoord.services.dashboard_summary import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_referrals_open_pending_expedited", table_name="referrals")
    op.drop_table("dashboard_loops")
    op.drop_table("dashboard_contributions")
    op.drop_table("dashboard_counts")
