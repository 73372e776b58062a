"""A patient's written consent to disclose 42 CFR Part 2 substance-use records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base, UTCDateTime, owned_by, utcnow


class Part2Consent(Base):
    """One signed consent (42 CFR 2.31): who gave it, to whom, what, why, until when.

    A consent with no recipient member covers any treating provider the patient named in
    ``recipient``; a revoked one stays on file (``revoked_on``) so the trail is complete.
    """

    __tablename__ = "part2_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    recipient_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    given_by: Mapped[str] = mapped_column(String(160))
    signed_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(400))
    purpose: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_part2_consents_patient_id_expires_on", "patient_id", "expires_on"),
        CheckConstraint("expires_on >= signed_on", name="expires_after_signed"),
    )
