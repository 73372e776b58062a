"""Referrals to specialists, their state history and their insurance authorisation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    Discipline,
    Expectation,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.models.base import Base, UTCDateTime, Versioned, enum_column, owned_by, utcnow
from carecoord.models.patient import Patient
from carecoord.models.team import TeamMember

OPEN_APPROVED_SQL = text("auth_outcome = 'approved' AND closed_on IS NULL")
OPEN_PENDING_SQL = text("auth_outcome = 'pending' AND closed_on IS NULL")
CLOSED_SQL = text("closed_on IS NOT NULL")
IN_ERROR_SQL = text("entered_in_error_at IS NOT NULL")
# "To send" lists the most urgent drafts first: STAT, ASAP, urgent, then routine.
PRIORITY_RANK_SQL = (
    "CASE priority WHEN 'stat' THEN 0 WHEN 'asap' THEN 1 WHEN 'urgent' THEN 2 ELSE 3 END"
)


class Referral(Versioned, Base):
    """One request for a specialist's opinion or care, tracked until the report is back.

    ``due_on`` is the next date the front desk must see progress by: the appointment
    target while waiting for a visit, the appointment itself once scheduled, the report
    target after the visit. One indexed column makes the overdue worklist a range scan.
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", index=True)
    referring_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    recipient_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_members.id"), index=True
    )
    discipline: Mapped[Discipline] = mapped_column(enum_column(Discipline, "referral_discipline"))
    priority: Mapped[Priority] = mapped_column(
        enum_column(Priority, "priority"), default=Priority.ROUTINE
    )
    # Computed by the database from ``priority``, so "To send" walks an index in display
    # order instead of sorting every draft by a CASE expression, and no writer can let it
    # drift from ``priority``. Stored, as PostgreSQL indexes only stored generated
    # columns; revision 0017 adds it to SQLite as virtual (SQLite cannot add a stored
    # column in place), which reads the same values and indexes them alike.
    priority_rank: Mapped[int] = mapped_column(Integer, Computed(PRIORITY_RANK_SQL, persisted=True))
    priority_reason: Mapped[str | None] = mapped_column(String(400))
    expectation: Mapped[Expectation] = mapped_column(
        enum_column(Expectation, "expectation"), default=Expectation.ADVICE
    )
    reason: Mapped[str] = mapped_column(Text)
    clinical_question: Mapped[str | None] = mapped_column(Text)
    patient_told: Mapped[str | None] = mapped_column(Text)
    treatments_tried: Mapped[str | None] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    # The number the specialist quotes back: clinic prefix + id, stored so it never changes.
    reference: Mapped[str | None] = mapped_column(String(40))

    state: Mapped[ReferralState] = mapped_column(
        enum_column(ReferralState, "referral_state"), default=ReferralState.DRAFT
    )
    held_from: Mapped[ReferralState | None] = mapped_column(
        enum_column(ReferralState, "referral_held_from")
    )
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_via: Mapped[SendMethod | None] = mapped_column(enum_column(SendMethod, "send_method"))
    accepted_on: Mapped[date | None] = mapped_column(Date)
    appointment_due: Mapped[date | None] = mapped_column(Date)
    appointment_date: Mapped[date | None] = mapped_column(Date)
    # The booked appointment is later than the appointment target (kept by the workflow).
    booked_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    no_show_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    hold_reason: Mapped[str | None] = mapped_column(String(400))
    hold_review_on: Mapped[date | None] = mapped_column(Date)
    seen_on: Mapped[date | None] = mapped_column(Date)
    report_due: Mapped[date | None] = mapped_column(Date)
    report_received_on: Mapped[date | None] = mapped_column(Date)
    no_report_reason: Mapped[str | None] = mapped_column(String(400))
    due_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # A referral created by mistake (FHIR "entered-in-error"): kept for the record,
    # hidden from worklists and the CMS50 measure.
    entered_in_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entered_in_error_by: Mapped[str | None] = mapped_column(String(64))
    entered_in_error_reason: Mapped[str | None] = mapped_column(String(400))

    # Insurance authorisation (Da Vinci PAS / X12 278).
    auth_outcome: Mapped[AuthorizationOutcome] = mapped_column(
        enum_column(AuthorizationOutcome, "authorization_outcome"),
        default=AuthorizationOutcome.NOT_REQUIRED,
    )
    auth_payer: Mapped[str | None] = mapped_column(String(120))
    auth_member_id: Mapped[str | None] = mapped_column(String(60))
    auth_number: Mapped[str | None] = mapped_column(String(60))
    auth_denial_reason: Mapped[str | None] = mapped_column(String(400))
    auth_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auth_expedited: Mapped[bool] = mapped_column(Boolean, default=False)
    auth_issued_on: Mapped[date | None] = mapped_column(Date)
    auth_provider: Mapped[str | None] = mapped_column(String(160))
    auth_service: Mapped[str | None] = mapped_column(String(160))
    auth_visits_authorized: Mapped[int | None] = mapped_column(Integer)
    auth_visits_used: Mapped[int] = mapped_column(Integer, default=0)
    auth_valid_from: Mapped[date | None] = mapped_column(Date)
    auth_valid_to: Mapped[date | None] = mapped_column(Date)

    patient: Mapped[Patient] = relationship()
    referring_member: Mapped[TeamMember | None] = relationship(foreign_keys=[referring_member_id])
    recipient: Mapped[TeamMember | None] = relationship(foreign_keys=[recipient_member_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id"
    )

    __table_args__ = (
        # Every worklist index ends in ``id``, the tie-breaker of each view's order, so a
        # keyset page ("after this sort key and id") is one index range scan on both
        # SQLite and PostgreSQL, however deep in the list it starts.
        Index("ix_referrals_state_due_on", "state", "due_on", "id"),
        Index("ix_referrals_due_on", "due_on", "id"),
        # "To send": drafts by urgency, then age.
        Index("ix_referrals_state_priority_rank", "state", "priority_rank", "id"),
        Index("ix_referrals_reference", "reference", unique=True),
        # "Booked past target": scheduled referrals whose booking is late, in date order.
        Index("ix_referrals_state_booked_late_due_on", "state", "booked_late", "due_on", "id"),
        Index("ix_referrals_discipline_state", "discipline", "state"),
        # (sent_on, patient_id) lets the CMS50 loop-closure measure find first referrals
        # from the index alone.
        Index("ix_referrals_sent_on_patient_id", "sent_on", "patient_id"),
        # Partial, so "closed_on IS NULL" (open referrals) never picks this index.
        Index(
            "ix_referrals_closed_on",
            "closed_on",
            "id",
            sqlite_where=CLOSED_SQL,
            postgresql_where=CLOSED_SQL,
        ),
        # Partial indexes for the authorisation worklists; their WHERE matches worklist.py.
        Index(
            "ix_referrals_open_approved_valid_to",
            "auth_valid_to",
            "id",
            # the rest make the index covering, so counting never reads the table
            "auth_outcome",
            "closed_on",
            "auth_visits_authorized",
            "auth_visits_used",
            sqlite_where=OPEN_APPROVED_SQL,
            postgresql_where=OPEN_APPROVED_SQL,
        ),
        Index(
            "ix_referrals_open_pending_requested_at",
            "auth_requested_at",
            "id",
            "auth_outcome",
            "closed_on",
            sqlite_where=OPEN_PENDING_SQL,
            postgresql_where=OPEN_PENDING_SQL,
        ),
        # The dashboard counts the requests that become late today: per decision time,
        # one index-only range (revision 0019).
        Index(
            "ix_referrals_open_pending_expedited",
            "auth_expedited",
            "auth_requested_at",
            "auth_outcome",
            "closed_on",
            sqlite_where=OPEN_PENDING_SQL,
            postgresql_where=OPEN_PENDING_SQL,
        ),
        # Partial: referrals entered in error are few; worklists and CMS50 exclude them by id.
        Index(
            "ix_referrals_entered_in_error_at",
            "entered_in_error_at",
            sqlite_where=IN_ERROR_SQL,
            postgresql_where=IN_ERROR_SQL,
        ),
        CheckConstraint("auth_visits_used >= 0", name="visits_used_not_negative"),
    )


class ReferralEvent(Base):
    """One line of a referral's history: a state change, an edit, a letter, a note."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = owned_by("referrals", index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[ReferralState | None] = mapped_column(
        enum_column(ReferralState, "event_from_state")
    )
    to_state: Mapped[ReferralState | None] = mapped_column(
        enum_column(ReferralState, "event_to_state")
    )
    reason: Mapped[str | None] = mapped_column(String(1000))
    # The stored copy of a letter this entry records (a "letter sent" document).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    # A move's previous field values (JSON), so its author can undo it within 24 hours.
    undo_values: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="events")
