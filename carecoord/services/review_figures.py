"""The dashboard's figures about reports and documents waiting for review (counts and
speed only, no patient details): read inside the dashboard's own transaction."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecoord.models import ReviewItem
from carecoord.services.review import DOCUMENT_KINDS, ReviewKind


@dataclass(frozen=True)
class AcknowledgementFigures:
    """Dashboard figures beside CMS50: reports received but not read, and how fast."""

    unacknowledged: int
    acknowledged: int
    median_days_to_acknowledge: float | None


DOCUMENTS_TO_REVIEW = (
    select(func.count())
    .select_from(ReviewItem)
    .where(ReviewItem.acknowledged_on.is_(None), ReviewItem.kind.in_(DOCUMENT_KINDS))
)
"""Documents filed and not yet reviewed, every reviewer: the index on (acknowledged_on,
kind) answers it alone, however many reviewed documents the clinic keeps."""


def documents_to_review(session: Session) -> int:
    """The dashboard's count of :data:`DOCUMENTS_TO_REVIEW`."""
    return int(session.scalar(DOCUMENTS_TO_REVIEW) or 0)


def acknowledgement_figures(session: Session, since: date) -> AcknowledgementFigures:
    """Reports received and not yet acknowledged (all), and the median days from receipt
    to acknowledgement for reports acknowledged since ``since``."""
    unacknowledged = int(
        session.scalar(
            select(func.count())
            .select_from(ReviewItem)
            .where(
                ReviewItem.acknowledged_on.is_(None),
                ReviewItem.kind == ReviewKind.SPECIALIST_REPORT.value,
            )
        )
        or 0
    )
    pairs = session.execute(
        select(ReviewItem.received_on, ReviewItem.acknowledged_on).where(
            ReviewItem.acknowledged_on >= since,
            ReviewItem.kind == ReviewKind.SPECIALIST_REPORT.value,
        )
    ).all()
    days = [(ack - received).days for received, ack in pairs if ack is not None]
    return AcknowledgementFigures(
        unacknowledged=unacknowledged,
        acknowledged=len(days),
        median_days_to_acknowledge=float(statistics.median(days)) if days else None,
    )
