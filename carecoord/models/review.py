"""Items waiting for a clinician to read: specialists' reports and every incoming document."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base, UTCDateTime, owned_by, utcnow


class ReviewItem(Base):
    """One thing a clinician must read: ``kind`` says what (services.review.ReviewKind).

    ``acknowledged_on`` set means the clinician read it; for a specialist's report that
    closes the referral loop for the referring clinician (CMS50, ONC 360X). An incoming
    document's review also says whether it was ``clinically_relevant``
    (docs/clinical-reference.md §12).
    """

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int] = owned_by("patients", index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    reviewer_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(String(32))
    # Set with a document's review (required then); None for a specialist's report.
    clinically_relevant: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        # A reviewer's open items, and the dashboard's open count, from the index alone.
        Index(
            "ix_review_items_reviewer_member_id_acknowledged_on",
            "reviewer_member_id",
            "acknowledged_on",
        ),
        Index("ix_review_items_acknowledged_on_received_on", "acknowledged_on", "received_on"),
        # The dashboard's "documents not yet reviewed" count, from the index alone.
        Index("ix_review_items_acknowledged_on_kind", "acknowledged_on", "kind"),
        # One review per document; a chart's documents find theirs by it.
        Index("uq_review_items_document_id", "document_id", unique=True),
    )
