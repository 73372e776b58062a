"""Inbound referrals (intake): referrals sent *to* the clinic, tracked from receipt to the
first visit (docs/clinical-reference.md §2.5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.clinical.intake_workflow import IntakeSource, IntakeState
from carecoord.clinical.vocabulary import AdministrativeSex, DataCategory, Priority
from carecoord.models.base import Base, Versioned, enum_column


class IntakeReferral(Versioned, Base):
    """One referral received from a referrer: the patient as the referrer gave them (and
    the chart once accepted), the question, the triage decision and the first visit.

    ``due_on`` is the next date the clinic owes a step by (triage, then the first visit,
    then the booked day itself), so the overdue list and the dashboard count read one
    index range.
    """

    __tablename__ = "intake_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[IntakeState] = mapped_column(
        enum_column(IntakeState, "intake_state"), default=IntakeState.RECEIVED
    )
    source: Mapped[IntakeSource] = mapped_column(
        enum_column(IntakeSource, "intake_source"), default=IntakeSource.HAND
    )
    # "system|value" of the imported ServiceRequest's identifier: the same file twice is
    # refused as a duplicate (unique where present).
    source_identifier: Mapped[str | None] = mapped_column(String(300))
    received_on: Mapped[date] = mapped_column(Date)

    referrer_name: Mapped[str] = mapped_column(String(160))
    referrer_practice: Mapped[str | None] = mapped_column(String(160))
    referrer_phone: Mapped[str | None] = mapped_column(String(40))
    referrer_fax: Mapped[str | None] = mapped_column(String(40))
    referrer_email: Mapped[str | None] = mapped_column(String(254))

    # The patient as the referrer gave them; ``patient_id`` once linked on acceptance.
    family_name: Mapped[str] = mapped_column(String(80))
    given_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[AdministrativeSex] = mapped_column(
        enum_column(AdministrativeSex, "intake_sex"), default=AdministrativeSex.UNKNOWN
    )
    phone: Mapped[str | None] = mapped_column(String(40))
    referrer_mrn: Mapped[str | None] = mapped_column(String(60))
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="SET NULL"), index=True
    )

    reason: Mapped[str] = mapped_column(Text)
    # Canonical ICD-10-CM codes, comma separated ("M54.50,G89.4").
    diagnosis_codes: Mapped[str | None] = mapped_column(String(200))
    # Who may read the clinical text (from the diagnoses; docs/clinical-reference.md §9).
    category: Mapped[DataCategory] = mapped_column(
        enum_column(DataCategory, "intake_category"), default=DataCategory.GENERAL
    )
    requested_priority: Mapped[Priority] = mapped_column(
        enum_column(Priority, "intake_requested_priority"), default=Priority.ROUTINE
    )
    priority: Mapped[Priority | None] = mapped_column(enum_column(Priority, "intake_priority"))

    triaged_on: Mapped[date | None] = mapped_column(Date)
    triaged_by: Mapped[str | None] = mapped_column(String(64))
    decline_reason: Mapped[str | None] = mapped_column(String(1000))
    info_reason: Mapped[str | None] = mapped_column(String(1000))
    info_requested_on: Mapped[date | None] = mapped_column(Date)
    info_received_on: Mapped[date | None] = mapped_column(Date)
    coordinating_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    waitlisted_on: Mapped[date | None] = mapped_column(Date)
    first_visit_due: Mapped[date | None] = mapped_column(Date)
    first_visit_on: Mapped[date | None] = mapped_column(Date)
    booked_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seen_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(1000))
    closed_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)

    # The reply sent to the referrer on declining (PDF), kept exactly as it left.
    reply_letter: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    reply_letter_sha256: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        # Each state view in received/due order, keyset-paged on (due_on, id).
        Index("ix_intake_referrals_state_due_on", "state", "due_on", "id"),
        # The dashboard's overdue count: one range below today.
        Index("ix_intake_referrals_due_on", "due_on", "id"),
        # Unique; NULLs (hand-entered items) never clash on SQLite or PostgreSQL.
        Index("ix_intake_referrals_source_identifier", "source_identifier", unique=True),
    )
