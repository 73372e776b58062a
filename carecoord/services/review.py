"""The clinician's review inbox: specialists' reports and every incoming document.

A filed report is received by the clinic, but the referral loop closes for the referring
clinician only when they have read it and pressed "Acknowledge" (CMS50, ONC 360X;
docs/clinical-reference.md §2). Every other incoming document (imaging, laboratory
results, outside reports and records) gets a named reviewer too and is reviewed with a
"clinically relevant" yes/no and an optional note (docs/clinical-reference.md §12): a
document filed but never read is how abnormal results get lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import (
    CareTeamRole,
    DataCategory,
    DeliveryMethod,
    Discipline,
    DocumentKind,
    LabelledEnum,
    UserRole,
)
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
from carecoord.models import (
    CareTeamMembership,
    Document,
    Patient,
    Referral,
    ReviewItem,
    TeamMember,
    User,
    utcnow,
)
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import is_record_id, moved_names, service
from carecoord.services.common import today as local_today
from carecoord.services.permissions import (
    Action,
    allowed,
    item_category,
    referral_category,
    require,
)
from carecoord.services.rows import add_recorded
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "ReviewItem"


class ReviewKind(LabelledEnum):
    """What an item in the inbox is: a referral's report, or a document filed on a chart."""

    SPECIALIST_REPORT = "specialist_report", "Specialist's report"
    OUTSIDE_REPORT = "outside_report", "Report"
    IMAGING = "imaging"
    LAB_RESULT = "lab_result"
    OTHER_DOCUMENT = "other_document"

    @property
    def is_document(self) -> bool:
        """Reviewed with "clinically relevant" (a specialist's report is acknowledged)."""
        return self != ReviewKind.SPECIALIST_REPORT


# A document filed on the chart (not a referral's report): which inbox kind it becomes.
DOCUMENT_REVIEW_KINDS: Final = {
    DocumentKind.SPECIALIST_REPORT: ReviewKind.OUTSIDE_REPORT,
    DocumentKind.IMAGING: ReviewKind.IMAGING,
    DocumentKind.LAB_RESULT: ReviewKind.LAB_RESULT,
    DocumentKind.OTHER: ReviewKind.OTHER_DOCUMENT,
}
DOCUMENT_KINDS: Final = tuple(k.value for k in ReviewKind if k.is_document)
NOTE_MAX = 2000
REVIEWER_ROLES: Final = (UserRole.PHYSICIAN, UserRole.CLINICIAN)


class FollowUp(LabelledEnum):
    """What the clinician decided after reading (optional)."""

    DISCUSS_AT_NEXT_VISIT = "discuss_at_next_visit"
    NEW_REFERRAL = "new_referral"
    CHANGE_PLAN = "change_plan"


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
    title: str | None = None  # the document's title, else its file name
    clinically_relevant: bool | None = None
    category: DataCategory = DataCategory.GENERAL


@dataclass(frozen=True)
class ReviewerChoice:
    """Someone who may be named to review a patient's document."""

    member_id: int
    name: str
    team_role: CareTeamRole
    default: bool  # the coordinating physician, named unless the filer picks another


# ------------------------------------------------------------ used by the referrals service
def reviewer_for(session: Session, row: Referral) -> int | None:
    """Who must read the report: the referring clinician, else the coordinating physician."""
    if row.referring_member_id is not None:
        return row.referring_member_id
    return coordinating_physician(session, row.patient_id)


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
    items = session.scalars(
        select(ReviewItem).where(
            ReviewItem.referral_id == referral_id,
            ReviewItem.kind == ReviewKind.SPECIALIST_REPORT.value,
        )
    ).all()
    if any(i.acknowledged_on is not None for i in items):
        raise ValidationError("undo", "the report was already acknowledged by the clinician")
    for item in items:
        session.delete(item)


# ------------------------------------------------------------ used by the documents service
def review_kind_for(kind: DocumentKind, sent_via: DeliveryMethod | None) -> ReviewKind | None:
    """The inbox kind of a document filed on a chart; None for an outgoing copy."""
    if sent_via is not None:
        return None
    return DOCUMENT_REVIEW_KINDS.get(kind)


def coordinating_physician(session: Session, patient_id: int) -> int | None:
    """The patient's current coordinating physician (team member id), if any."""
    return session.scalar(
        select(CareTeamMembership.member_id).where(
            CareTeamMembership.patient_id == patient_id,
            CareTeamMembership.role == CareTeamRole.COORDINATING_PHYSICIAN,
            CareTeamMembership.until.is_(None),
        )
    )


def _choices(session: Session, patient_id: int, category: DataCategory) -> list[ReviewerChoice]:
    """Current care-team members with an active physician or clinician account that may read
    ``category``; the coordinating physician always (the default, as for referrals)."""
    memberships = session.scalars(
        select(CareTeamMembership)
        .where(CareTeamMembership.patient_id == patient_id, CareTeamMembership.until.is_(None))
        .order_by(CareTeamMembership.id)
    ).all()
    roles: dict[int | None, set[UserRole]] = {}
    for member_id, role in session.execute(
        select(User.team_member_id, User.role).where(
            User.team_member_id.in_([m.member_id for m in memberships]), User.active.is_(True)
        )
    ):
        roles.setdefault(member_id, set()).add(role)
    choices: dict[int, ReviewerChoice] = {}
    for membership in memberships:
        member_roles = roles.get(membership.member_id, set())
        coordinator = membership.role == CareTeamRole.COORDINATING_PHYSICIAN
        may_review = any(
            r in REVIEWER_ROLES and allowed(r, Action.READ_CLINICAL, category) for r in member_roles
        )
        if (may_review and membership.member.active) or (coordinator and not member_roles):
            choices.setdefault(
                membership.member_id,
                ReviewerChoice(
                    membership.member_id,
                    membership.member.display_name,
                    membership.role,
                    coordinator,
                ),
            )
    return sorted(choices.values(), key=lambda c: (not c.default, c.name))


def add_document_for_review(
    session: Session, actor: Actor, document: Document, reviewer_member_id: int | None
) -> ReviewItem | None:
    """Put an incoming document in its reviewer's inbox (caller's transaction).

    The reviewer is the one the filer named, else the coordinating physician (none, or
    their account may not read the document: the item waits unassigned, counted on the
    dashboard, and any physician may review it).
    An outgoing copy (a letter sent) is not reviewed.

    Raises:
        ValidationError: ``reviewer``: not someone on the team who may read the document.
    """
    kind = review_kind_for(document.kind, document.sent_via)
    if kind is None:
        if reviewer_member_id is not None:
            raise ValidationError("reviewer", "a copy of a letter sent is not reviewed")
        return None
    allowed_ids = {c.member_id for c in _choices(session, document.patient_id, document.category)}
    if reviewer_member_id is None:
        coordinator = coordinating_physician(session, document.patient_id)
        reviewer = coordinator if coordinator in allowed_ids else None
    else:
        if not is_record_id(reviewer_member_id) or reviewer_member_id not in allowed_ids:
            raise ValidationError(
                "reviewer",
                "must be a physician or clinician on this patient's care team "
                "who may read the document",
            )
        reviewer = reviewer_member_id
    item = ReviewItem(
        kind=kind.value,
        patient_id=document.patient_id,
        document_id=document.id,
        reviewer_member_id=reviewer,
        received_on=document.received_on,
    )
    add_recorded(
        session,
        actor,
        item,
        ENTITY,
        patient_id=item.patient_id,
        category=document.category,
        detail=f"{kind.value} to review, reviewer {reviewer if reviewer else 'unassigned'}",
    )
    return item


@service
def reviewer_choices(
    db: Database, actor: Actor, patient_id: int, category: DataCategory | str | None = None
) -> list[ReviewerChoice]:
    """Whom the filer may name to review a document of ``category`` on this chart
    (coordinating physician first); audited as a read of the care team."""
    require(actor, Action.READ_DEMOGRAPHICS)
    chosen = item_category(category, DataCategory.GENERAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        choices = _choices(uow.session, patient_id, chosen)
        uow.audit_read(
            ENTITY,
            patient_id=patient_id,
            detail=f"reviewer choices: {len(choices)}",
        )
        return choices


# -------------------------------------------------------------------------- queries
def _open_for(actor: Actor) -> list[ColumnElement[bool]]:
    return [
        ReviewItem.acknowledged_on.is_(None),
        ReviewItem.reviewer_member_id == actor.team_member_id,
    ]


def _item_categories(
    discipline: Discipline | None, sensitive: bool | None, document: DataCategory | None
) -> tuple[DataCategory, ...]:
    """Its referral's category, then its document's (the reader needs both); else general."""
    found = []
    if discipline is not None:
        found.append(referral_category(discipline, bool(sensitive)))
    if document is not None:
        found.append(document)
    return tuple(dict.fromkeys(found)) or (DataCategory.GENERAL,)


def _readable(actor: Actor, categories: tuple[DataCategory, ...]) -> bool:
    return all(allowed(actor, Action.READ_CLINICAL, c) for c in categories)


@service
def count_to_review(db: Database, actor: Actor) -> int:
    """How many items wait for this user (the sidebar's badge); 0 for non-clinicians."""
    if actor.team_member_id is None or not allowed(
        actor, Action.READ_CLINICAL, DataCategory.GENERAL
    ):
        return 0
    with unit_of_work(db, actor) as uow:  # a count alone names no patient: no read record
        return int(
            uow.session.scalar(
                select(func.count()).select_from(ReviewItem).where(*_open_for(actor))
            )
            or 0
        )


def _views(
    session: Session, actor: Actor, conditions: list[ColumnElement[bool]]
) -> list[ReviewItemView]:
    sender = TeamMember
    rows = session.execute(
        select(
            ReviewItem,
            Patient,
            Referral.discipline,
            Referral.sensitive,
            sender,
            Document.category,
            Document.title,
            Document.file_name,
        )
        .join(Patient, Patient.id == ReviewItem.patient_id)
        .outerjoin(Referral, Referral.id == ReviewItem.referral_id)
        .outerjoin(sender, sender.id == Referral.recipient_member_id)
        .outerjoin(Document, Document.id == ReviewItem.document_id)
        .where(*conditions)
        .order_by(ReviewItem.received_on, ReviewItem.id)
    ).all()
    day = local_today()
    views = []
    for item, patient, discipline, sensitive, member, category, title, file_name in rows:
        categories = _item_categories(discipline, sensitive, category)
        if not _readable(actor, categories):
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
                title=title or file_name,
                clinically_relevant=item.clinically_relevant,
                category=categories[-1],
            )
        )
    return views


@service
def reports_to_review(db: Database, actor: Actor) -> list[ReviewItemView]:
    """The acting clinician's unread items, oldest first (audited as a read)."""
    require(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    if actor.team_member_id is None:
        return []
    with unit_of_work(db, actor) as uow:
        views = _views(uow.session, actor, _open_for(actor))
        uow.audit_read(ENTITY, detail=f"reports to review: {len(views)}")
        return views


def _load_item(session: Session, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id) if is_record_id(item_id) else None
    if item is None:
        raise NotFound(ENTITY, item_id)
    return item


def _categories(session: Session, item: ReviewItem) -> tuple[DataCategory, ...]:
    """What reading the item needs (:func:`_item_categories`); the first is audited."""
    referral = session.get(Referral, item.referral_id) if item.referral_id else None
    document = (
        session.scalar(select(Document.category).where(Document.id == item.document_id))
        if item.document_id
        else None
    )
    return _item_categories(
        referral.discipline if referral else None,
        referral.sensitive if referral else None,
        document,
    )


def _check_reviewer(actor: Actor, item: ReviewItem, categories: tuple[DataCategory, ...]) -> None:
    for category in categories:
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
    with unit_of_work(db, actor) as uow:
        item = _load_item(uow.session, item_id)
        categories = _categories(uow.session, item)
        _check_reviewer(actor, item, categories)
        category = categories[0]
        document = uow.session.get(Document, item.document_id) if item.document_id else None
        if document is None:
            raise NotFound("Document", item.document_id or 0)
        uow.audit_read(
            "Document",
            document.id,
            patient_id=item.patient_id,
            category=category,
            detail="to review",
        )
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
        ValidationError: Already acknowledged, an unknown follow-up, or a document (those
            are reviewed with :func:`record_review`).
        PermissionDenied: Not the reviewer, or the category may not be read.
    """
    text = v.text(note, "note", max_length=NOTE_MAX, multiline=True)
    decided = v.optional_choice(follow_up, FollowUp, "follow_up")
    with unit_of_work(db, actor, write=True) as uow:
        item = _load_item(uow.session, item_id)
        categories = _categories(uow.session, item)
        _check_reviewer(actor, item, categories)
        category = categories[0]
        if ReviewKind(item.kind).is_document:
            raise ValidationError(
                "clinically_relevant", "a document's review says whether it is clinically relevant"
            )
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
        uow.audit(
            "acknowledge",
            ENTITY,
            item.id,
            patient_id=item.patient_id,
            category=category,
            detail=f"{item.kind}" + (f", follow-up {decided.value}" if decided else ""),
        )
        uow.commit()
        return _views(uow.session, actor, [ReviewItem.id == item.id])[0]


@service
def record_review(
    db: Database,
    actor: Actor,
    item_id: int,
    *,
    clinically_relevant: bool | None,
    note: str | None = None,
) -> ReviewItemView:
    """Record a document's review: to review → reviewed, clinically relevant yes or no,
    an optional note. Only its named reviewer or a physician may (docs/clinical-reference.md
    §12); the reader must be allowed to read and edit the document's category.

    Raises:
        ValidationError: ``clinically_relevant`` missing, ``note`` too long, already
            reviewed, or a specialist's report (``kind``: it is acknowledged instead).
        PermissionDenied: Neither the reviewer nor a physician, or the category.
    """
    if clinically_relevant is None:
        raise ValidationError("clinically_relevant", "is required: answer yes or no")
    relevant = v.flag(clinically_relevant, "clinically_relevant")
    text = v.text(note, "note", max_length=NOTE_MAX, multiline=True)
    with unit_of_work(db, actor, write=True) as uow:
        item = _load_item(uow.session, item_id)
        categories = _categories(uow.session, item)
        for category in categories:
            require(actor, Action.READ_CLINICAL, category)
            require(actor, Action.EDIT_CLINICAL, category)
        named = item.reviewer_member_id is not None and item.reviewer_member_id == (
            actor.team_member_id
        )
        if not named and actor.role != UserRole.PHYSICIAN:
            raise PermissionDenied(
                actor.role.label.lower(), "record the review of", "another clinician's document"
            )
        if not ReviewKind(item.kind).is_document:
            raise ValidationError("kind", "a specialist's report is acknowledged with a follow-up")
        if item.acknowledged_on is not None:
            raise ValidationError(
                "reviewed", f"already reviewed by {item.acknowledged_by} on {item.acknowledged_on}"
            )
        item.acknowledged_on = local_today()
        item.acknowledged_at = utcnow()
        item.acknowledged_by = actor.username
        item.clinically_relevant = relevant
        item.note = text
        uow.audit(
            "review",
            ENTITY,
            item.id,
            patient_id=item.patient_id,
            category=categories[0],
            detail=f"{item.kind}, clinically relevant: {'yes' if relevant else 'no'}",
        )
        uow.commit()
        return _views(uow.session, actor, [ReviewItem.id == item.id])[0]


# The dashboard's figures moved to services/review_figures.py; their names are still found here.
__getattr__ = moved_names(
    __name__,
    "carecoord.services.review_figures",
    "AcknowledgementFigures",
    "DOCUMENTS_TO_REVIEW",
    "documents_to_review",
    "acknowledgement_figures",
)
