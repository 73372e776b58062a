"""Documents on a chart: specialist reports, imaging, labs, sent letters; bytes in the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import DataCategory, DocumentKind
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import Document, Patient, Referral, ReviewItem, TeamMember
from carecoord.services import review
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.permissions import (
    Action,
    allowed,
    item_category,
    masked,
    may_read,
    referral_category,
    require,
)
from carecoord.services.rows import add_recorded, newest_first, view_from
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Document"
MAX_BYTES = 50 * 1024 * 1024
MEDIA_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
SAFE_NAME_RE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class DocumentUpload:
    """A file to file on a chart."""

    file_name: str
    content: bytes
    kind: DocumentKind | str = DocumentKind.OTHER
    media_type: str | None = None
    title: str | None = None
    received_on: date | str | None = None
    category: DataCategory | str | None = None  # None: its referral's, else general


@dataclass(frozen=True)
class DocumentView:
    id: int
    patient_id: int
    referral_id: int | None
    kind: DocumentKind
    title: str | None
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    received_on: date
    filed_by: str
    filed_at: datetime
    category: DataCategory = DataCategory.GENERAL
    # Where its review stands ("To review · Avery Lee, MD", "Reviewed · clinically
    # relevant"); empty for a letter sent or a document filed before reviews (§12).
    review: str = ""


def view_of(row: Document, actor: Actor) -> DocumentView:
    """A document's listing; title and file name read "restricted" for a role that may not
    read its category."""
    return view_from(
        DocumentView,
        row,
        title=masked(actor, row.category, row.title),
        file_name=masked(actor, row.category, row.file_name),
        review="",
    )


def media_type_for(file_name: str) -> str | None:
    """The media type implied by a file name's extension (PDF and common images)."""
    lower = file_name.lower()
    for ext, media in EXTENSIONS.items():
        if lower.endswith(ext):
            return media
    return None


def validate_upload(upload: DocumentUpload, *, on: date | None = None) -> dict[str, object]:
    """Check name, type, size and that the bytes really are what the type says."""
    raw_name = v.required_text(upload.file_name, "file_name", max_length=255)
    name = SAFE_NAME_RE.sub("_", raw_name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name or name in (".", ".."):
        raise ValidationError("file_name", "is not a usable file name")
    if not isinstance(upload.content, bytes | bytearray):
        raise ValidationError("content", "must be the file's bytes")
    content = bytes(upload.content)
    if not content:
        raise ValidationError("content", "the file is empty")
    if len(content) > MAX_BYTES:
        raise ValidationError("content", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    media = upload.media_type or media_type_for(name)
    if not isinstance(media, str) or media not in MEDIA_SIGNATURES:
        raise ValidationError("media_type", "must be a PDF, PNG, JPEG or TIFF file")
    if not content.startswith(MEDIA_SIGNATURES[media]):
        raise ValidationError("content", f"the file is not a valid {media.split('/')[1].upper()}")
    received = v.a_date(upload.received_on, "received_on") or today()
    v.not_future(received, "received_on", on or today())
    return {
        "file_name": name,
        "media_type": media,
        "content": content,
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "kind": v.choice(upload.kind, DocumentKind, "kind"),
        "title": v.text(upload.title, "title", max_length=200),
        "received_on": received,
        "category": upload.category,  # resolved against the referral when filed
    }


def add_document(
    session: Session,
    actor: Actor,
    patient_id: int,
    values: dict[str, object],
    *,
    referral_id: int | None = None,
    category: DataCategory = DataCategory.GENERAL,
) -> Document:
    """Add a validated document inside the caller's transaction (used by referrals too).

    Its category is the one chosen on filing, else ``category`` (its referral's).
    """
    chosen = item_category(values.get("category"), category)  # type: ignore[arg-type]  # validated text or None
    values = {**values, "category": chosen}
    document = Document(
        patient_id=patient_id, referral_id=referral_id, filed_by=actor.username, **values
    )
    add_recorded(
        session,
        actor,
        document,
        ENTITY,
        patient_id=patient_id,
        category=chosen,
        detail=f"{document.kind.value}, {document.size_bytes} bytes",
    )
    return document


@service
def attach_document(
    db: Database,
    actor: Actor,
    patient_id: int,
    upload: DocumentUpload,
    *,
    referral_id: int | None = None,
    reviewer_member_id: int | None = None,
) -> DocumentView:
    """File a document on a chart (optionally on one of its referrals).

    An incoming document goes into its reviewer's "Reports to review": the member named
    (a physician or clinician on the care team who may read it), else the coordinating
    physician (docs/clinical-reference.md §12). A copy of a letter sent is not reviewed.
    """
    values = validate_upload(upload)
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        category = DataCategory.GENERAL
        if referral_id is not None:
            referral = uow.load(Referral, referral_id, "Referral")
            if referral.patient_id != patient_id:
                raise ValidationError("referral", "belongs to another patient")
            category = referral_category(referral.discipline, referral.sensitive)
        category = item_category(upload.category, category)
        if not (
            allowed(actor, Action.EDIT_CLINICAL, category)
            or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        ):
            raise PermissionDenied(actor.role.label.lower(), "file documents on", category.label)
        document = add_document(
            uow.session, actor, patient_id, values, referral_id=referral_id, category=category
        )
        review.add_document_for_review(uow.session, actor, document, reviewer_member_id)
        uow.commit()
        return view_of(document, actor)


@service
def list_documents(db: Database, actor: Actor, patient_id: int) -> list[DocumentView]:
    """A chart's documents, newest first; front desk sees those it may read."""
    require(actor, Action.READ_DEMOGRAPHICS)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        rows = newest_first(uow.session, Document, patient_id, Document.received_on)
        states = _review_states(uow.session, [d.id for d in rows])
        result = [
            replace(view_of(d, actor), review=states.get(d.id, ""))
            for d in rows
            if may_read(actor, d.category) or d.kind == DocumentKind.LETTER_SENT
        ]
        uow.audit_read(ENTITY, patient_id=patient_id, detail="list")
        return result


@service
def get_document_content(
    db: Database, actor: Actor, document_id: int
) -> tuple[DocumentView, bytes]:
    """A document and its bytes (an audited read)."""
    with unit_of_work(db, actor) as uow:
        document = uow.load(Document, document_id, ENTITY)
        category = document.category
        require(actor, Action.READ_CLINICAL, category)
        content = document.content
        uow.audit_read(
            ENTITY,
            document.id,
            patient_id=document.patient_id,
            category=category,
        )
        return view_of(document, actor), content


def _review_states(session: Session, document_ids: list[int]) -> dict[int, str]:
    """Each document's review state in a word or two (who, never the note)."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(
            ReviewItem.document_id,
            ReviewItem.kind,
            ReviewItem.acknowledged_on,
            ReviewItem.clinically_relevant,
            TeamMember,
        )
        .outerjoin(TeamMember, TeamMember.id == ReviewItem.reviewer_member_id)
        .where(ReviewItem.document_id.in_(document_ids))
    ).all()
    states: dict[int, str] = {}
    for document_id, kind, done, relevant, member in rows:
        if document_id is None:
            continue
        report = kind == review.ReviewKind.SPECIALIST_REPORT.value
        if done is not None:
            states[document_id] = (
                f"Acknowledged {done.isoformat()}"
                if report
                else f"Reviewed {done.isoformat()} · "
                + ("clinically relevant" if relevant else "not relevant")
            )
        else:
            who = member.display_name if member is not None else "unassigned"
            states[document_id] = f"{'To acknowledge' if report else 'To review'} · {who}"
    return states
