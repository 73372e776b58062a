"""Referral workflow: no-shows, hold review dates, holidays, report acknowledgement.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_REFERRAL_COLUMNS = (
    "accepted_on",
    "booked_late",
    "no_show_count",
    "hold_reason",
    "hold_review_on",
)


def upgrade() -> None:
    """Add the workflow's new referral fields, the undo snapshot and the review inbox."""
    # Plain ADD COLUMNs: batch mode would copy "referrals", which events and documents
    # point at (recreate="never", as in 0002).
    with op.batch_alter_table("referrals", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("accepted_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("booked_late", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("no_show_count", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("hold_reason", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("hold_review_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_referrals_state_booked_late_due_on",
        "referrals",
        ["state", "booked_late", "due_on"],
        unique=False,
    )
    with op.batch_alter_table("referral_events", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("undo_values", sa.Text(), nullable=True))

    # Existing rows: a booking later than its target is flagged; a hold without a review
    # date is due for review today, and its due date becomes that review date.
    op.execute(
        "UPDATE referrals SET booked_late = (appointment_date > appointment_due) "
        "WHERE appointment_date IS NOT NULL AND appointment_due IS NOT NULL"
    )
    op.execute(
        "UPDATE referrals SET hold_review_on = CURRENT_DATE, due_on = CURRENT_DATE "
        "WHERE state = 'on_hold'"
    )

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_member_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_review_items_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_review_items_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_review_items_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_member_id"],
            ["team_members.id"],
            name=op.f("fk_review_items_reviewer_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    op.create_index("ix_review_items_patient_id", "review_items", ["patient_id"])
    op.create_index("ix_review_items_referral_id", "review_items", ["referral_id"])
    op.create_index(
        "ix_review_items_reviewer_member_id_acknowledged_on",
        "review_items",
        ["reviewer_member_id", "acknowledged_on"],
    )
    op.create_index(
        "ix_review_items_acknowledged_on_received_on",
        "review_items",
        ["acknowledged_on", "received_on"],
    )


def downgrade() -> None:
    """Drop the review inbox, the undo snapshot and the new referral fields."""
    op.drop_table("review_items")
    op.drop_index("ix_referrals_state_booked_late_due_on", table_name="referrals")
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # SQLite >= 3.35 drops a column in place; batch mode would copy "referrals".
        op.execute("ALTER TABLE referral_events DROP COLUMN undo_values")
        for column in NEW_REFERRAL_COLUMNS:
            op.execute(f"ALTER TABLE referrals DROP COLUMN {column}")
        return
    op.drop_column("referral_events", "undo_values")
    for column in NEW_REFERRAL_COLUMNS:
        op.drop_column("referrals", column)
