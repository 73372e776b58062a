"""Worklist keyset paging: a computed priority rank and indexes ending in the id.

"To send" sorted every draft by a CASE expression on each page; the rank is now a
column the database computes from ``priority`` (virtual on SQLite, stored on
PostgreSQL) with an index in display order. Every worklist index gains ``id``, the
tie-breaker of each view's order, so a page that starts "after this key and id" is one
index range scan at any depth, on PostgreSQL as on SQLite (where the rowid already
trailed every index).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIORITY_RANK_SQL = (
    "CASE priority WHEN 'stat' THEN 0 WHEN 'asap' THEN 1 WHEN 'urgent' THEN 2 ELSE 3 END"
)
CLOSED = sa.text("closed_on IS NOT NULL")
OPEN_APPROVED = sa.text("auth_outcome = 'approved' AND closed_on IS NULL")
OPEN_PENDING = sa.text("auth_outcome = 'pending' AND closed_on IS NULL")

# name -> (columns before, columns after, partial WHERE or None)
REBUILT: dict[str, tuple[list[str], list[str], sa.TextClause | None]] = {
    "ix_referrals_state_due_on": (["state", "due_on"], ["state", "due_on", "id"], None),
    "ix_referrals_due_on": (["due_on"], ["due_on", "id"], None),
    "ix_referrals_state_booked_late_due_on": (
        ["state", "booked_late", "due_on"],
        ["state", "booked_late", "due_on", "id"],
        None,
    ),
    "ix_referrals_closed_on": (["closed_on"], ["closed_on", "id"], CLOSED),
    "ix_referrals_open_approved_valid_to": (
        [
            "auth_valid_to",
            "auth_outcome",
            "closed_on",
            "auth_visits_authorized",
            "auth_visits_used",
        ],
        [
            "auth_valid_to",
            "id",
            "auth_outcome",
            "closed_on",
            "auth_visits_authorized",
            "auth_visits_used",
        ],
        OPEN_APPROVED,
    ),
    "ix_referrals_open_pending_requested_at": (
        ["auth_requested_at", "auth_outcome", "closed_on"],
        ["auth_requested_at", "id", "auth_outcome", "closed_on"],
        OPEN_PENDING,
    ),
}


def _rebuild(after: bool) -> None:
    for name, (before_columns, after_columns, where) in REBUILT.items():
        op.drop_index(name, table_name="referrals")
        columns = after_columns if after else before_columns
        if where is None:
            op.create_index(name, "referrals", columns, unique=False)
        else:
            op.create_index(
                name, "referrals", columns, unique=False, sqlite_where=where, postgresql_where=where
            )


def upgrade() -> None:
    """Add the computed rank and its index; rebuild the worklist indexes with ``id``."""
    # SQLite adds only a virtual column in place (no table copy), computed on read and
    # stored in its index; PostgreSQL stores it (it indexes no virtual column), computed
    # here for every existing row.
    stored = op.get_bind().dialect.name != "sqlite"
    op.add_column(
        "referrals",
        sa.Column(
            "priority_rank",
            sa.Integer(),
            sa.Computed(PRIORITY_RANK_SQL, persisted=stored),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_referrals_state_priority_rank",
        "referrals",
        ["state", "priority_rank", "id"],
        unique=False,
    )
    _rebuild(after=True)
    if stored:
        # The stored column rewrote the table: fresh statistics let the planner pick the
        # new indexes (autovacuum later marks pages all-visible for index-only counts).
        op.execute("ANALYZE referrals")


def downgrade() -> None:
    """Restore the indexes as before (0014 to 0017 left them alone) and drop the rank."""
    _rebuild(after=False)
    op.drop_index("ix_referrals_state_priority_rank", table_name="referrals")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place; batch mode would copy "referrals".
        op.execute("ALTER TABLE referrals DROP COLUMN priority_rank")
        return
    op.drop_column("referrals", "priority_rank")
