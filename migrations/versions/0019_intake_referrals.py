"""Inbound referrals (intake): referrals sent to the clinic, from receipt to the first visit.

One new table; nothing existing changes. Indexed for the state views (state, due_on, id),
the overdue count (due_on, id) and the duplicate-import check (source_identifier, unique).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the enums' values at this revision (the app's may grow later).
STATES = (
    "received",
    "info_requested",
    "accepted",
    "declined",
    "waitlisted",
    "booked",
    "seen",
    "withdrawn",
)
SOURCES = ("hand", "fhir")
SEXES = ("female", "male", "other", "unknown")
CATEGORIES = ("general", "psychiatric", "psychotherapy_note", "substance_use")
PRIORITIES = ("routine", "urgent", "asap", "stat")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Create ``intake_referrals`` and its indexes."""
    op.create_table(
        "intake_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", _enum(STATES, "intake_state"), nullable=False),
        sa.Column("source", _enum(SOURCES, "intake_source"), nullable=False),
        sa.Column("source_identifier", sa.String(length=300), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("referrer_name", sa.String(length=160), nullable=False),
        sa.Column("referrer_practice", sa.String(length=160), nullable=True),
        sa.Column("referrer_phone", sa.String(length=40), nullable=True),
        sa.Column("referrer_fax", sa.String(length=40), nullable=True),
        sa.Column("referrer_email", sa.String(length=254), nullable=True),
        sa.Column("family_name", sa.String(length=80), nullable=False),
        sa.Column("given_name", sa.String(length=80), nullable=False),
        sa.Column("middle_name", sa.String(length=80), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", _enum(SEXES, "intake_sex"), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("referrer_mrn", sa.String(length=60), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("diagnosis_codes", sa.String(length=200), nullable=True),
        sa.Column("category", _enum(CATEGORIES, "intake_category"), nullable=False),
        sa.Column(
            "requested_priority", _enum(PRIORITIES, "intake_requested_priority"), nullable=False
        ),
        sa.Column("priority", _enum(PRIORITIES, "intake_priority"), nullable=True),
        sa.Column("triaged_on", sa.Date(), nullable=True),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("decline_reason", sa.String(length=1000), nullable=True),
        sa.Column("info_reason", sa.String(length=1000), nullable=True),
        sa.Column("info_requested_on", sa.Date(), nullable=True),
        sa.Column("info_received_on", sa.Date(), nullable=True),
        sa.Column("coordinating_member_id", sa.Integer(), nullable=True),
        sa.Column("waitlisted_on", sa.Date(), nullable=True),
        sa.Column("first_visit_due", sa.Date(), nullable=True),
        sa.Column("first_visit_on", sa.Date(), nullable=True),
        sa.Column("booked_late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=1000), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("reply_letter", sa.LargeBinary(), nullable=True),
        sa.Column("reply_letter_sha256", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_intake_referrals_patient_id_patients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["coordinating_member_id"],
            ["team_members.id"],
            name=op.f("fk_intake_referrals_coordinating_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_referrals")),
    )
    op.create_index(
        "ix_intake_referrals_state_due_on", "intake_referrals", ["state", "due_on", "id"]
    )
    op.create_index("ix_intake_referrals_due_on", "intake_referrals", ["due_on", "id"])
    op.create_index(
        "ix_intake_referrals_source_identifier",
        "intake_referrals",
        ["source_identifier"],
        unique=True,
    )
    op.create_index("ix_intake_referrals_patient_id", "intake_referrals", ["patient_id"])


def downgrade() -> None:
    """Drop the table (the intake items and their reply letters are lost)."""
    for name in (
        "ix_intake_referrals_patient_id",
        "ix_intake_referrals_source_identifier",
        "ix_intake_referrals_due_on",
        "ix_intake_referrals_state_due_on",
    ):
        op.drop_index(name, table_name="intake_referrals")
    op.drop_table("intake_referrals")
