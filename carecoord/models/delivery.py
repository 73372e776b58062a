"""Letters sent by e-mail or e-mail-to-fax through the clinic's SMTP relay: every attempt,
accepted or not, so the referral shows what the relay answered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.models.base import Base, UTCDateTime, enum_column, owned_by, utcnow


class DeliveryOutcome(StrEnum):
    """What the relay did with one message."""

    ACCEPTED = "accepted"  # the relay took it (250 after DATA): the referral is marked sent
    REFUSED = "refused"  # the relay answered with an error code (a 4xx or 5xx)
    FAILED = "failed"  # no answer: unreachable, TLS refused, timed out


class LetterDelivery(Base):
    """One attempt to send a referral letter through the relay."""

    __tablename__ = "letter_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = owned_by("referrals")
    # The stored "letter sent" copy (only when the relay accepted the message).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    method: Mapped[DeliveryMethod] = mapped_column(
        enum_column(DeliveryMethod, "letter_delivery_method")
    )
    address: Mapped[str] = mapped_column(String(254))  # the e-mail address written to
    fax_number: Mapped[str | None] = mapped_column(String(40))  # e-mail-to-fax: the number
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[DeliveryOutcome] = mapped_column(
        enum_column(DeliveryOutcome, "letter_delivery_outcome")
    )
    relay_answer: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (Index("ix_letter_deliveries_referral_id_at", "referral_id", "at"),)
