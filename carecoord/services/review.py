"""The clinician's review inbox: items to read and acknowledge, a specialist's report first.

A filed report is received by the clinic, but the referral loop closes for the referring
clinician only when they have read it and pressed "Acknowledge" (CMS50, ONC 360X;
docs/clinical-reference.md §2). Each item has a ``kind`` so other documents (imaging,
laboratory results) can join the same inbox later.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import CareTeamRole, DataCategory, Discipline
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
from carecoord.models import (
    CareTeamMembership,
    Document,
    Patient,
    Referral,
    ReviewItem,
    TeamMember,
    utcnow,
)
from carecoord.services import audit
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import is_record_id, service
from carecoord.services.common import today as local_today
from carecoord.services.permissions import Action, allowed, referral_category, require

ENTITY = "ReviewItem"


class ReviewKind(StrEnum):
    """What an item in the inbox is."""

    SPECIALIST_REPORT = "specialist_report"

    @property
    def label(self) -> str:
        return {ReviewKind.SPECIALIST_REPORT: "Specialist's report"}[self]


class FollowUp(StrEnum):
    """What the clinician decided after reading (optional)."""

    DISCUSS_AT_NEXT_VISIT = "discuss_at_next_visit"
    NEW_REFERRAL = "new_referral"
    CHANGE_PLAN = "change_plan"

    @property
    def label(self) -> str:
        return FOLLOW_UP_LABELS[self]


FOLLOW_UP_LABELS: Final = {
    FollowUp.DISCUSS_AT_NEXT_VISIT: "Discuss at next visit",
    FollowUp.NEW_REFERRAL: "New referral",
    FollowUp.CHANGE_PLAN: "Change plan",
}


@dataclass(frozen=True)
class ReviewItemView:
    """One item to review, as its reviewer sees it."""

    id: int
    kind: ReviewKind
    patient_id: int
    patient_name: str
    mrn: str
    referral_id: int | None
    document_id: int | None
    discipline: Discipline | None
    from_name: str | None
    received_on: date
    days_waiting: int
    acknowledged_on: date | None
    acknowledged_by: str | None
    note: str | None
    follow_up: FollowUp | None


@dataclass(frozen=True)
class AcknowledgementFigures:
    """Dashboard figures beside CMS50: reports received but not read, and how fast."""

    unacknowledged: int
    acknowledged: int
    median_days_to_acknowledge: float | None


# ------------------------------------------------------------ used by the referrals service
def reviewer_for(session: Session, row: Referral) -> int | None:
    """Who must read the report: the referring clinician, else the coordinating physician."""
    if row.referring_member_id is not None:
        return row.referring_member_id
    return session.scalar(
        select(CareTeamMembership.member_id).where(
            CareTeamMembership.patient_id == row.patient_id,
            CareTeamMembership.role == CareTeamRole.COORDINATING_PHYSICIAN,
            CareTeamMembership.until.is_(None),
        )
    )


def add_report_for_review(
    session: Session, row: Referral, document_id: int, received_on: date
) -> ReviewItem:
    """Put a filed specialist's report in its reviewer's inbox (caller's transaction)."""
    item = ReviewItem(
        kind=ReviewKind.SPECIALIST_REPORT.value,
        patient_id=row.patient_id,
        referral_id=row.id,
        document_id=document_id,
        reviewer_member_id=reviewer_for(session, row),
        received_on=received_on,
    )
    session.add(item)
    session.flush()
    return item


def withdraw_for_referral(session: Session, referral_id: int) -> None:
    """Take a referral's unread report out of the inbox (its filing was undone).

    Raises:
        ValidationError: The report was already acknowledged.
    """
    items = session.scalars(select(ReviewItem).where(ReviewItem.referral_id == referral_id)).all()
    if any(i.acknowledged_on is not None for i in items):
        raise ValidationError("undo", "the report was already acknowledged by the clinician")
    for item in items:
        session.delete(item)


# -------------------------------------------------------------------------- queries
def _open_for(actor: Actor) -> list[ColumnElement[bool]]:
    return [
        ReviewItem.acknowledged_on.is_(None),
        ReviewItem.reviewer_member_id == actor.team_member_id,
    ]


def _readable(actor: Actor, discipline: Discipline | None, sensitive: bool | None) -> bool:
    if discipline is None:
        return allowed(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    return allowed(actor, Action.READ_CLINICAL, referral_category(discipline, bool(sensitive)))


@service
def count_to_review(db: Database, actor: Actor) -> int:
    """How many items wait for this user (the sidebar's badge); 0 for non-clinicians."""
    if actor.team_member_id is None or not allowed(
        actor, Action.READ_CLINICAL, DataCategory.GENERAL
    ):
        return 0
    with db.session() as session:
        return int(
            session.scalar(select(func.count()).select_from(ReviewItem).where(*_open_for(actor)))
            or 0
        )


def _views(
    session: Session, actor: Actor, conditions: list[ColumnElement[bool]]
) -> list[ReviewItemView]:
    sender = TeamMember
    rows = session.execute(
        select(ReviewItem, Patient, Referral.discipline, Referral.sensitive, sender)
        .join(Patient, Patient.id == ReviewItem.patient_id)
        .outerjoin(Referral, Referral.id == ReviewItem.referral_id)
        .outerjoin(sender, sender.id == Referral.recipient_member_id)
        .where(*conditions)
        .order_by(ReviewItem.received_on, ReviewItem.id)
    ).all()
    day = local_today()
    views = []
    for item, patient, discipline, sensitive, member in rows:
        if not _readable(actor, discipline, sensitive):
            continue
        views.append(
            ReviewItemView(
                id=item.id,
                kind=ReviewKind(item.kind),
                patient_id=item.patient_id,
                patient_name=f"{patient.family_name}, {patient.given_name}",
                mrn=patient.mrn,
                referral_id=item.referral_id,
                document_id=item.document_id,
                discipline=discipline,
                from_name=member.display_name if member is not None else None,
                received_on=item.received_on,
                days_waiting=(day - item.received_on).days,
                acknowledged_on=item.acknowledged_on,
                acknowledged_by=item.acknowledged_by,
                note=item.note,
                follow_up=FollowUp(item.follow_up) if item.follow_up else None,
            )
        )
    return views


@service
def reports_to_review(db: Database, actor: Actor) -> list[ReviewItemView]:
    """The acting clinician's unread items, oldest first (audited as a read)."""
    require(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    if actor.team_member_id is None:
        return []
    with db.session(write=True) as session:
        views = _views(session, actor, _open_for(actor))
        audit.record(session, actor, "read", ENTITY, detail=f"reports to review: {len(views)}")
        session.commit()
        return views


def _load_item(session: Session, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id) if is_record_id(item_id) else None
    if item is None:
        raise NotFound(ENTITY, item_id)
    return item


def _category(session: Session, item: ReviewItem) -> DataCategory:
    if item.referral_id is None:
        return DataCategory.GENERAL
    referral = session.get(Referral, item.referral_id)
    assert referral is not None
    return referral_category(referral.discipline, referral.sensitive)


def _check_reviewer(actor: Actor, item: ReviewItem, category: DataCategory) -> None:
    require(actor, Action.READ_CLINICAL, category)
    if item.reviewer_member_id is not None and item.reviewer_member_id != actor.team_member_id:
        raise PermissionDenied(actor.role.label.lower(), "acknowledge", "another clinician's inbox")


@service
def open_document(db: Database, actor: Actor, item_id: int) -> tuple[str, str, bytes]:
    """The item's document (file name, media type, bytes) for reading; audited.

    Raises:
        NotFound: No such item, or it has no document.
        PermissionDenied: Not the reviewer, or the category may not be read.
    """
    with db.session(write=True) as session:
        item = _load_item(session, item_id)
        category = _category(session, item)
        _check_reviewer(actor, item, category)
        document = session.get(Document, item.document_id) if item.document_id else None
        if document is None:
            raise NotFound("Document", item.document_id or 0)
        audit.record(
            session,
            actor,
            "read",
            "Document",
            document.id,
            patient_id=item.patient_id,
            category=category,
            detail="to review",
        )
        session.commit()
        return document.file_name, document.media_type, document.content


@service
def acknowledge(
    db: Database,
    actor: Actor,
    item_id: int,
    *,
    note: str | None = None,
    follow_up: FollowUp | str | None = None,
) -> ReviewItemView:
    """Record that the reviewer read the item, with an optional note and follow-up.

    Raises:
        ValidationError: Already acknowledged, or an unknown follow-up.
        PermissionDenied: Not the reviewer, or the category may not be read.
    """
    text = v.text(note, "note", max_length=2000, multiline=True)
    decided = v.optional_choice(follow_up, FollowUp, "follow_up")
    with db.session(write=True) as session:
        item = _load_item(session, item_id)
        category = _category(session, item)
        _check_reviewer(actor, item, category)
        if item.acknowledged_on is not None:
            raise ValidationError(
                "acknowledged",
                f"already acknowledged by {item.acknowledged_by} on {item.acknowledged_on}",
            )
        item.acknowledged_on = local_today()
        item.acknowledged_at = utcnow()
        item.acknowledged_by = actor.username
        item.note = text
        item.follow_up = decided.value if decided else None
        audit.record(
            session,
            actor,
            "acknowledge",
            ENTITY,
            item.id,
            patient_id=item.patient_id,
            category=category,
            detail=f"{item.kind}" + (f", follow-up {decided.value}" if decided else ""),
        )
        session.commit()
        return _views(session, actor, [ReviewItem.id == item.id])[0]


# ------------------------------------------------------------------------ dashboard
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
