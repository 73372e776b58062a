"""Stored sent letters, Part 2 consent and the referral reference number.

Adds how a stored "letter sent" copy left (``documents.sent_via``), the history entry's
link to that copy (``referral_events.document_id``), the referral's reference number
(back-filled for existing referrals from the clinic's name and the id), the Part 2 flag
on diagnoses and the ``part2_consents`` table. The letter date format is a setting (a
key/value row), so it needs no schema change.

On SQLite the columns are added in place (``ALTER TABLE … ADD COLUMN`` with its foreign
key or CHECK inline): a batch copy would drop "referrals" and cascade through its history.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY = ("print", "fax", "email", "portal", "hand")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _prefix(clinic_name: str) -> str:
    """Same rule as carecoord.services.letters.reference_prefix (kept here, frozen)."""
    words = re.findall(r"[A-Za-z0-9]+", clinic_name)
    initials = "".join(w[0] for w in words).upper()[:6]
    return initials or "REF"


def upgrade() -> None:
    """Upgrade schema."""
    checks = ", ".join(f"'{value}'" for value in DELIVERY)
    if _sqlite():
        op.execute(
            "ALTER TABLE documents ADD COLUMN sent_via VARCHAR(32) "
            "CONSTRAINT ck_documents_document_sent_via "
            f"CHECK (sent_via IN ({checks}))"
        )
        # Nothing references referral_events, so copying it cascades nothing; SQLite would
        # not keep the name of a foreign key added in place.
        with op.batch_alter_table("referral_events", schema=None) as batch_op:
            batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_referral_events_document_id_documents"),
                "documents",
                ["document_id"],
                ["id"],
                ondelete="SET NULL",
            )
        op.execute("ALTER TABLE referrals ADD COLUMN reference VARCHAR(40)")
        op.execute("ALTER TABLE diagnoses ADD COLUMN part2 BOOLEAN DEFAULT 0 NOT NULL")
    else:
        op.add_column("documents", sa.Column("sent_via", sa.String(length=32), nullable=True))
        op.create_check_constraint(
            op.f("ck_documents_document_sent_via"),
            "documents",
            f"sent_via IN ({checks})",
        )
        op.add_column("referral_events", sa.Column("document_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_referral_events_document_id_documents"),
            "referral_events",
            "documents",
            ["document_id"],
            ["id"],
            ondelete="SET NULL",
        )
        op.add_column("referrals", sa.Column("reference", sa.String(length=40), nullable=True))
        op.add_column(
            "diagnoses",
            sa.Column("part2", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.create_index("ix_referrals_reference", "referrals", ["reference"], unique=True)

    # Existing referrals get their number now, so every letter from here on carries it.
    bind = op.get_bind()
    name = bind.execute(sa.text("SELECT value FROM settings WHERE key = 'clinic_name'")).scalar()
    prefix = _prefix(str(name or ""))
    bind.execute(
        sa.text(
            "UPDATE referrals SET reference = :prefix || '-' || "
            + (
                "substr('000000' || id, -6, 6)"
                if _sqlite()
                else "lpad(CAST(id AS VARCHAR), 6, '0')"
            )
            + " WHERE reference IS NULL"
        ),
        {"prefix": prefix},
    )

    op.create_table(
        "part2_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("recipient_member_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("given_by", sa.String(length=160), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=400), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expires_on >= signed_on", name=op.f("ck_part2_consents_expires_after_signed")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_part2_consents_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_member_id"],
            ["team_members.id"],
            name=op.f("fk_part2_consents_recipient_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part2_consents")),
    )
    op.create_index(
        "ix_part2_consents_patient_id_expires_on",
        "part2_consents",
        ["patient_id", "expires_on"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_part2_consents_patient_id_expires_on", table_name="part2_consents")
    op.drop_table("part2_consents")
    op.drop_index("ix_referrals_reference", table_name="referrals")
    if _sqlite():
        # SQLite >= 3.35 drops a column in place; a batch copy would cascade deletes.
        op.execute("ALTER TABLE diagnoses DROP COLUMN part2")
        op.execute("ALTER TABLE referrals DROP COLUMN reference")
        # A column with a foreign key or CHECK cannot be dropped in place: copy those two
        # small tables' other columns (nothing references referral_events or documents'
        # new column).
        with op.batch_alter_table("referral_events", schema=None) as batch_op:
            batch_op.drop_column("document_id")
        _drop_documents_sent_via_sqlite()
    else:
        op.drop_column("diagnoses", "part2")
        op.drop_column("referrals", "reference")
        op.drop_constraint(
            op.f("fk_referral_events_document_id_documents"),
            "referral_events",
            type_="foreignkey",
        )
        op.drop_column("referral_events", "document_id")
        op.drop_constraint(op.f("ck_documents_document_sent_via"), "documents", type_="check")
        op.drop_column("documents", "sent_via")


def _drop_documents_sent_via_sqlite() -> None:
    """Documents are referenced by referral_events.document_id only, which is gone now."""
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_document_sent_via"), "check")
        batch_op.drop_column("sent_via")
