"""Files filed on a chart (reports, imaging, labs, letters); bytes live in the database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.clinical.vocabulary import DataCategory, DeliveryMethod, DocumentKind
from carecoord.models.base import Base, UTCDateTime, category_column, enum_column, owned_by, utcnow


class Document(Base):
    """A received or sent file. ``content`` is deferred so listing never loads the bytes."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    title: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # Who may read it (docs/clinical-reference.md §9): set when filed, from its referral.
    category: Mapped[DataCategory] = category_column("document_category")
    # A "letter sent" copy: how it left (who and when are filed_by / filed_at).
    sent_via: Mapped[DeliveryMethod | None] = mapped_column(
        enum_column(DeliveryMethod, "document_sent_via")
    )

    __table_args__ = (
        Index("ix_documents_patient_id_received_on", "patient_id", "received_on"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )
