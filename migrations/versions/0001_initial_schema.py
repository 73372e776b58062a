"""Initial schema: patients and their record, team, referrals, documents, plans, audit.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mrn", sa.String(length=32), nullable=False),
        sa.Column("family_name", sa.String(length=80), nullable=False),
        sa.Column("given_name", sa.String(length=80), nullable=False),
        sa.Column("middle_name", sa.String(length=80), nullable=True),
        sa.Column(
            "family_key",
            sa.String(length=80).with_variant(sa.String(length=80, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "given_key",
            sa.String(length=80).with_variant(sa.String(length=80, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "female",
                "male",
                "other",
                "unknown",
                name="sex",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("preferred_language", sa.String(length=40), nullable=True),
        sa.Column("insurance_payer", sa.String(length=120), nullable=True),
        sa.Column("insurance_member_id", sa.String(length=60), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "discharged",
                name="patient_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("discharge_reason", sa.String(length=400), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("mrn", name=op.f("uq_patients_mrn")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patients_date_of_birth"), ["date_of_birth"], unique=False
        )
        batch_op.create_index(
            "ix_patients_family_key_given_key", ["family_key", "given_key", "id"], unique=False
        )
        batch_op.create_index("ix_patients_given_key", ["given_key"], unique=False)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=80), nullable=False),
        sa.Column("given_name", sa.String(length=80), nullable=False),
        sa.Column("credentials", sa.String(length=60), nullable=True),
        sa.Column(
            "discipline",
            sa.Enum(
                "pain_medicine",
                "physical_rehabilitation",
                "psychiatry",
                "neurology_headache",
                "anesthesiology",
                "neurosurgery",
                "internal_medicine",
                "physical_therapy",
                "psychology",
                "social_work",
                "occupational_health",
                "complementary_medicine",
                "pain_rehabilitation_program",
                "other_specialist",
                name="discipline",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("specialty", sa.String(length=120), nullable=True),
        sa.Column("organisation", sa.String(length=160), nullable=True),
        sa.Column("board_name", sa.String(length=160), nullable=True),
        sa.Column("board_certification_expires", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("fax", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("is_internal", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_team_members_discipline_active", ["discipline", "active"], unique=False
        )
        batch_op.create_index("ix_team_members_family_name", ["family_name"], unique=False)

    op.create_table(
        "allergies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("substance", sa.String(length=120), nullable=False),
        sa.Column("reaction", sa.String(length=200), nullable=True),
        sa.Column(
            "severity",
            sa.Enum(
                "mild",
                "moderate",
                "severe",
                "unknown",
                name="allergy_severity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_allergies_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allergies")),
    )
    with op.batch_alter_table("allergies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allergies_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "nrs",
                "peg",
                "phq9",
                "gad7",
                "ort",
                name="assessment_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("alert", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_assessments_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_patient_id_kind_taken_on",
            ["patient_id", "kind", "taken_on"],
            unique=False,
        )

    op.create_table(
        "care_team_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "coordinating_physician",
                "rehabilitation_specialist",
                "psychiatrist",
                "consultant",
                "therapist",
                "support",
                name="care_team_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["team_members.id"],
            name=op.f("fk_care_team_memberships_member_id_team_members"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_care_team_memberships_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team_memberships")),
    )
    with op.batch_alter_table("care_team_memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_team_memberships_current",
            ["patient_id", "role"],
            unique=False,
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_care_team_memberships_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_care_team_memberships_patient_id_role", ["patient_id", "role"], unique=False
        )
        batch_op.create_index(
            "uq_care_team_one_active_coordinator",
            ["patient_id"],
            unique=True,
            sqlite_where=sa.text("role = 'coordinating_physician' AND until IS NULL"),
            postgresql_where=sa.text("role = 'coordinating_physician' AND until IS NULL"),
        )

    op.create_table(
        "diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("onset", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_diagnoses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnoses")),
    )
    with op.batch_alter_table("diagnoses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_diagnoses_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "headache_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "headache_type",
            sa.Enum(
                "1",
                "2",
                "3",
                "4",
                "5",
                "6",
                "7",
                "8",
                "8.2",
                "9",
                "10",
                "11",
                "12",
                "13",
                "14",
                name="headache_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("with_aura", sa.Boolean(), nullable=False),
        sa.Column("attacks_per_month", sa.Integer(), nullable=False),
        sa.Column("headache_days_per_month", sa.Integer(), nullable=False),
        sa.Column("acute_medication_days_per_month", sa.Integer(), nullable=False),
        sa.Column("triggers", sa.String(length=400), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_headache_profiles_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_headache_profiles")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_headache_profiles_patient_id")),
    )
    op.create_table(
        "medications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("drug", sa.String(length=120), nullable=False),
        sa.Column("dose", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("max_doses_per_day", sa.Float(), nullable=True),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("is_opioid", sa.Boolean(), nullable=False),
        sa.Column("is_psychotropic", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("dose >= 0", name=op.f("ck_medications_dose_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_medications_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medications")),
    )
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medications_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("referring_member_id", sa.Integer(), nullable=True),
        sa.Column("recipient_member_id", sa.Integer(), nullable=True),
        sa.Column(
            "discipline",
            sa.Enum(
                "pain_medicine",
                "physical_rehabilitation",
                "psychiatry",
                "neurology_headache",
                "anesthesiology",
                "neurosurgery",
                "internal_medicine",
                "physical_therapy",
                "psychology",
                "social_work",
                "occupational_health",
                "complementary_medicine",
                "pain_rehabilitation_program",
                "other_specialist",
                name="referral_discipline",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "routine",
                "urgent",
                "asap",
                "stat",
                name="priority",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("priority_reason", sa.String(length=400), nullable=True),
        sa.Column(
            "expectation",
            sa.Enum(
                "advice",
                "diagnosis",
                "treatment",
                "shared_care",
                "transfer",
                name="expectation",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("clinical_question", sa.Text(), nullable=True),
        sa.Column("patient_told", sa.Text(), nullable=True),
        sa.Column("treatments_tried", sa.Text(), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "sent",
                "accepted",
                "scheduled",
                "seen",
                "report_received",
                "declined",
                "cancelled",
                "on_hold",
                name="referral_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "held_from",
            sa.Enum(
                "draft",
                "sent",
                "accepted",
                "scheduled",
                "seen",
                "report_received",
                "declined",
                "cancelled",
                "on_hold",
                name="referral_held_from",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column(
            "sent_via",
            sa.Enum(
                "print",
                "fax",
                "email",
                "portal",
                name="send_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("appointment_due", sa.Date(), nullable=True),
        sa.Column("appointment_date", sa.Date(), nullable=True),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("report_received_on", sa.Date(), nullable=True),
        sa.Column("no_report_reason", sa.String(length=400), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column(
            "auth_outcome",
            sa.Enum(
                "not_required",
                "pending",
                "approved",
                "denied",
                name="authorization_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("auth_payer", sa.String(length=120), nullable=True),
        sa.Column("auth_member_id", sa.String(length=60), nullable=True),
        sa.Column("auth_number", sa.String(length=60), nullable=True),
        sa.Column("auth_denial_reason", sa.String(length=400), nullable=True),
        sa.Column("auth_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("auth_expedited", sa.Boolean(), nullable=False),
        sa.Column("auth_issued_on", sa.Date(), nullable=True),
        sa.Column("auth_provider", sa.String(length=160), nullable=True),
        sa.Column("auth_service", sa.String(length=160), nullable=True),
        sa.Column("auth_visits_authorized", sa.Integer(), nullable=True),
        sa.Column("auth_visits_used", sa.Integer(), nullable=False),
        sa.Column("auth_valid_from", sa.Date(), nullable=True),
        sa.Column("auth_valid_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "auth_visits_used >= 0", name=op.f("ck_referrals_visits_used_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_referrals_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_member_id"],
            ["team_members.id"],
            name=op.f("fk_referrals_recipient_member_id_team_members"),
        ),
        sa.ForeignKeyConstraint(
            ["referring_member_id"],
            ["team_members.id"],
            name=op.f("fk_referrals_referring_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referrals_closed_on",
            ["closed_on"],
            unique=False,
            sqlite_where=sa.text("closed_on IS NOT NULL"),
            postgresql_where=sa.text("closed_on IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_referrals_discipline_state", ["discipline", "state"], unique=False
        )
        batch_op.create_index("ix_referrals_due_on", ["due_on"], unique=False)
        batch_op.create_index(
            "ix_referrals_open_approved_valid_to",
            [
                "auth_valid_to",
                "auth_outcome",
                "closed_on",
                "auth_visits_authorized",
                "auth_visits_used",
            ],
            unique=False,
            sqlite_where=sa.text("auth_outcome = 'approved' AND closed_on IS NULL"),
            postgresql_where=sa.text("auth_outcome = 'approved' AND closed_on IS NULL"),
        )
        batch_op.create_index(
            "ix_referrals_open_pending_requested_at",
            ["auth_requested_at", "auth_outcome", "closed_on"],
            unique=False,
            sqlite_where=sa.text("auth_outcome = 'pending' AND closed_on IS NULL"),
            postgresql_where=sa.text("auth_outcome = 'pending' AND closed_on IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_referrals_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_recipient_member_id"), ["recipient_member_id"], unique=False
        )
        batch_op.create_index(
            "ix_referrals_sent_on_patient_id", ["sent_on", "patient_id"], unique=False
        )
        batch_op.create_index("ix_referrals_state_due_on", ["state", "due_on"], unique=False)

    op.create_table(
        "treatment_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "completed",
                "discontinued",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_treatment_plans_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plans")),
    )
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_plans_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "administrator",
                "physician",
                "clinician",
                "front_desk",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("team_member_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_members.id"],
            name=op.f("fk_users_team_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("data_category", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_events_patient_id_at", ["patient_id", "at"], unique=False)
        batch_op.create_index("ix_audit_events_username_at", ["username", "at"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "specialist_report",
                "imaging",
                "lab_result",
                "letter_sent",
                "other",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_documents_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_documents_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_documents_referral_id_referrals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_patient_id_received_on", ["patient_id", "received_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "plan_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "modality",
            sa.Enum(
                "medication",
                "interventional",
                "physical_therapy",
                "psychological",
                "complementary",
                "diagnostics",
                "education",
                name="modality",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column("responsible_member_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("sessions_planned", sa.Integer(), nullable=True),
        sa.Column("sessions_done", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "active",
                "done",
                "stopped",
                name="activity_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("stop_reason", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on",
            name=op.f("ck_plan_activities_end_not_before_start"),
        ),
        sa.CheckConstraint(
            "sessions_done >= 0", name=op.f("ck_plan_activities_sessions_done_not_negative")
        ),
        sa.CheckConstraint(
            "sessions_planned IS NULL OR sessions_done <= sessions_planned",
            name=op.f("ck_plan_activities_sessions_done_within_planned"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_activities_plan_id_treatment_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_member_id"],
            ["team_members.id"],
            name=op.f("fk_plan_activities_responsible_member_id_team_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activities")),
    )
    with op.batch_alter_table("plan_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_activities_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_activities_responsible_member_id"),
            ["responsible_member_id"],
            unique=False,
        )

    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "axis",
            sa.Enum(
                "pain",
                "function",
                "quality_of_life",
                name="goal_axis",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["treatment_plans.id"],
            name=op.f("fk_plan_goals_plan_id_treatment_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goals")),
    )
    with op.batch_alter_table("plan_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_goals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "referral_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "draft",
                "sent",
                "accepted",
                "scheduled",
                "seen",
                "report_received",
                "declined",
                "cancelled",
                "on_hold",
                name="event_from_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "draft",
                "sent",
                "accepted",
                "scheduled",
                "seen",
                "report_received",
                "declined",
                "cancelled",
                "on_hold",
                name="event_to_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_events_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_events")),
    )
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_events_referral_id"), ["referral_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_events_referral_id"))

    op.drop_table("referral_events")
    with op.batch_alter_table("plan_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_goals_plan_id"))

    op.drop_table("plan_goals")
    with op.batch_alter_table("plan_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_activities_responsible_member_id"))
        batch_op.drop_index(batch_op.f("ix_plan_activities_plan_id"))

    op.drop_table("plan_activities")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_referral_id"))
        batch_op.drop_index("ix_documents_patient_id_received_on")

    op.drop_table("documents")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_username_at")
        batch_op.drop_index("ix_audit_events_patient_id_at")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    op.drop_table("users")
    with op.batch_alter_table("treatment_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_plans_patient_id"))

    op.drop_table("treatment_plans")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_state_due_on")
        batch_op.drop_index("ix_referrals_sent_on_patient_id")
        batch_op.drop_index(batch_op.f("ix_referrals_recipient_member_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_patient_id"))
        batch_op.drop_index(
            "ix_referrals_open_pending_requested_at",
            sqlite_where=sa.text("auth_outcome = 'pending' AND closed_on IS NULL"),
            postgresql_where=sa.text("auth_outcome = 'pending' AND closed_on IS NULL"),
        )
        batch_op.drop_index(
            "ix_referrals_open_approved_valid_to",
            sqlite_where=sa.text("auth_outcome = 'approved' AND closed_on IS NULL"),
            postgresql_where=sa.text("auth_outcome = 'approved' AND closed_on IS NULL"),
        )
        batch_op.drop_index("ix_referrals_due_on")
        batch_op.drop_index("ix_referrals_discipline_state")
        batch_op.drop_index(
            "ix_referrals_closed_on",
            sqlite_where=sa.text("closed_on IS NOT NULL"),
            postgresql_where=sa.text("closed_on IS NOT NULL"),
        )

    op.drop_table("referrals")
    with op.batch_alter_table("medications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medications_patient_id"))

    op.drop_table("medications")
    op.drop_table("headache_profiles")
    with op.batch_alter_table("diagnoses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diagnoses_patient_id"))

    op.drop_table("diagnoses")
    with op.batch_alter_table("care_team_memberships", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_care_team_one_active_coordinator",
            sqlite_where=sa.text("role = 'coordinating_physician' AND until IS NULL"),
            postgresql_where=sa.text("role = 'coordinating_physician' AND until IS NULL"),
        )
        batch_op.drop_index("ix_care_team_memberships_patient_id_role")
        batch_op.drop_index(batch_op.f("ix_care_team_memberships_member_id"))
        batch_op.drop_index(
            "ix_care_team_memberships_current",
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        )

    op.drop_table("care_team_memberships")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_patient_id_kind_taken_on")

    op.drop_table("assessments")
    with op.batch_alter_table("allergies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allergies_patient_id"))

    op.drop_table("allergies")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index("ix_team_members_family_name")
        batch_op.drop_index("ix_team_members_discipline_active")

    op.drop_table("team_members")
    op.drop_table("settings")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index("ix_patients_given_key")
        batch_op.drop_index("ix_patients_family_key_given_key")
        batch_op.drop_index(batch_op.f("ix_patients_date_of_birth"))

    op.drop_table("patients")
