"""Referral letters: what may go in, what the referrer ticked, and the audited PDF.

The one door between the chart and a letter. It decides which items the acting user may
send (permissions, never psychotherapy notes, Part 2 records only with the patient's
consent), offers them as a checklist pre-selected by the recipient's discipline, turns
the chosen ones into :class:`~carecoord.letters.data.LetterData` (naming what was left
out) and records every generated letter in the audit trail and the referral's history.
:func:`record_sent_letter` keeps the exact PDF that left the clinic; every screen that
marks a referral sent calls it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    DeliveryMethod,
    DocumentKind,
    ReferralState,
    SendMethod,
)
from carecoord.db import Database
from carecoord.errors import NotFound, ValidationError
from carecoord.letters.data import (
    Enclosure,
    LetterData,
)
from carecoord.letters.dates import format_date
from carecoord.letters.packet import build_packet, stamp_copy
from carecoord.letters.referral_letter import render_letter
from carecoord.models import Document, Patient, Referral, ReferralEvent
from carecoord.services import referrals
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import check_version, service, today
from carecoord.services.documents import add_document
from carecoord.services.letter_choices import (
    ENTITY,
    MAX_HISTORY_TEXT,
    ItemChoice,
    LetterChoices,
    LetterOptions,
    Section,
    SectionChoice,
    _Chart,
    _choices,
    _DocumentEntry,
    _load_referral,
    _read_chart,
    _require_print,
    may_include,
)
from carecoord.services.letter_content import (
    _attached,
    _contents,
    _letter,
)
from carecoord.services.permissions import (
    Action,
    referral_category,
    require,
)
from carecoord.services.reference import ensure_reference, number_all
from carecoord.services.referral_moves import record_print
from carecoord.services.rows import audit_update
from carecoord.services.settings import load_settings
from carecoord.services.unit_of_work import unit_of_work

T = TypeVar("T")


# --------------------------------------------------------------------------- public API
@service
def default_options(db: Database, actor: Actor, referral_id: int) -> LetterChoices:
    """The checklist for a referral's letter: every item the user may send, with the
    recipient discipline's defaults ticked (docs/clinical-reference.md §3).

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
    """
    return _audited_read(db, actor, referral_id, "letter options", _choices)


def _compose(
    chart: _Chart, actor: Actor, options: LetterOptions | None, packet: bool
) -> tuple[LetterData, list[_DocumentEntry]]:
    """The letter's data and the documents a packet encloses (none for a letter alone);
    ``None`` options take the discipline's defaults."""
    chosen = options if options is not None else _choices(chart).defaults
    attached = _attached(chart, chosen) if packet else []
    enclosures = tuple(Enclosure(d.title, d.kind.label) for d in attached)
    return _letter(chart, actor, chosen, enclosures), attached


@service
def letter_data(
    db: Database,
    actor: Actor,
    referral_id: int,
    options: LetterOptions | None = None,
    *,
    packet: bool = False,
) -> LetterData:
    """The letter's plain data (for a preview), read in one short, audited session.

    Args:
        options: What to include; ``None`` takes the discipline's defaults.
        packet: List the chosen documents as enclosures.

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
    """

    def build(chart: _Chart) -> LetterData:
        return _compose(chart, actor, options, packet)[0]

    return _audited_read(db, actor, referral_id, "letter data", build)


@service
def generate_letter(
    db: Database,
    actor: Actor,
    referral_id: int,
    options: LetterOptions | None = None,
    *,
    packet: bool = False,
    what: str = "letter generated",
) -> bytes:
    """Render a referral's letter (or packet) and record it in the audit trail and history.

    The data is read in one session, rendered outside it, and only a letter that rendered
    is recorded. A packet's history entry names how many documents went with it.

    Args:
        options: What to include; ``None`` takes the discipline's defaults.
        packet: Append the chosen documents (PDFs and images) after the letter.
        what: The history entry, e.g. "letter printed" or "letter saved to FILE".

    Returns:
        The PDF bytes.

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
        ValidationError: An attached document cannot be read.
    """
    note = v.required_text(what, "what", max_length=MAX_HISTORY_TEXT, multiline=True)
    with unit_of_work(db, actor, write=True) as uow:
        chart = _read_chart(uow, actor, referral_id)
        data, attached = _compose(chart, actor, options, packet)
        attachments = _contents(uow.session, attached)
        uow.commit()  # the reference number, if this referral had none yet (audited)
    pdf = render_letter(data)
    if packet:
        pdf = build_packet(pdf, attachments)
        note = f"{note} (packet with {len(attachments)} document(s))"[:MAX_HISTORY_TEXT]
    referrals.record_letter(db, actor, referral_id, note)
    return pdf


@service
def referrals_in_state(db: Database, actor: Actor, state: ReferralState | str) -> list[int]:
    """Ids of the referrals in ``state`` whose letters the actor may print, oldest first."""
    wanted = v.choice(state, ReferralState, "state")
    with unit_of_work(db, actor) as uow:
        rows = uow.session.execute(
            select(Referral.id, Referral.discipline, Referral.sensitive)
            .where(Referral.state == wanted)
            .order_by(Referral.id)
        ).all()
    return [r.id for r in rows if may_include(actor, referral_category(r.discipline, r.sensitive))]


def letter_file_name(referral_id: int, *, packet: bool = False) -> str:
    """A file name that identifies the letter without putting patient data on disk names."""
    return f"referral-{referral_id:06d}-{'packet' if packet else 'letter'}.pdf"


def _audited_read(
    db: Database, actor: Actor, referral_id: int, detail: str, build: Callable[[_Chart], T]
) -> T:
    """``build`` applied to the letter's chart, read in one short unit that audits the read.

    A write unit: reading the chart may number the referral (see ``_numbered``)."""
    with unit_of_work(db, actor, write=True) as uow:
        chart = _read_chart(uow, actor, referral_id)
        result = build(chart)
        row = chart.referral
        uow.audit_read(
            ENTITY, row.id, patient_id=row.patient_id, category=chart.category, detail=detail
        )
        uow.commit()
        return result


__all__ = [
    "DeliveryMethod",
    "ItemChoice",
    "LetterChoices",
    "LetterOptions",
    "Section",
    "SectionChoice",
    "SentLetterView",
    "default_options",
    "generate_letter",
    "letter_data",
    "letter_file_name",
    "may_include",
    "recipient_gaps",
    "record_sent_letter",
    "referral_labels",
    "referrals_in_state",
    "sent_letter_copy",
    "sent_letters",
]


# --------------------------------------------------------------------------- sent letters
LETTER_SENT_EVENT = "letter sent"
# The referral's coarse "sent via" has no "by hand": a copy handed over was printed.
REFERRAL_METHOD = {
    DeliveryMethod.PRINT: SendMethod.PRINT,
    DeliveryMethod.FAX: SendMethod.FAX,
    DeliveryMethod.EMAIL: SendMethod.EMAIL,
    DeliveryMethod.PORTAL: SendMethod.PORTAL,
    DeliveryMethod.HAND: SendMethod.PRINT,
}


@dataclass(frozen=True)
class SentLetterView:
    """One stored copy of a letter as it left the clinic."""

    document_id: int
    referral_id: int
    file_name: str
    sha256: str
    size_bytes: int
    method: DeliveryMethod
    sent_on: date
    sent_by: str
    filed_at: datetime
    reference: str


def _sent_view(doc: Document, reference: str) -> SentLetterView:
    return SentLetterView(
        doc.id,
        doc.referral_id or 0,
        doc.file_name,
        doc.sha256,
        doc.size_bytes,
        doc.sent_via or DeliveryMethod.PRINT,
        doc.received_on,
        doc.filed_by,
        doc.filed_at,
        reference,
    )


@service
def record_sent_letter(
    db: Database,
    actor: Actor,
    referral_id: int,
    pdf_bytes: bytes,
    method: DeliveryMethod | str,
    *,
    on: date | str | None = None,
    expected_version: int | None = None,
) -> SentLetterView:
    """Keep exactly what was sent, and mark the referral sent, in one transaction.

    The one function every screen calls when a letter leaves the clinic (referral editor,
    letter preview, worklist batch). The PDF bytes are stored unchanged as a "letter sent"
    document on the referral with their SHA-256, who, when and how; the referral's
    history gets an entry linked to that copy; a referral that can still move to Sent
    (a draft) moves there. A later edit of the chart never touches the stored copy.

    Args:
        pdf_bytes: The letter (or packet) exactly as printed, faxed or sent.
        method: print, fax, email, portal or hand.
        on: The day it left (today when omitted; never in the future).
        expected_version: The referral version the screen showed; checked only when the
            referral moves to Sent (another user may have moved it meanwhile).

    Raises:
        NotFound: No such referral.
        PermissionDenied: The role may not print this referral or manage its logistics.
        ValidationError: Not a PDF, an unknown method, a future date, or the referral
            cannot be sent yet (no recipient, authorization denied).
        ConflictError: ``expected_version`` is stale.
    """
    how = v.choice(method, DeliveryMethod, "method")
    day = v.a_date(on, "on") or today()
    v.not_future(day, "on", today())
    if not isinstance(pdf_bytes, bytes | bytearray) or not bytes(pdf_bytes).startswith(b"%PDF-"):
        raise ValidationError("pdf", "the letter to keep must be the PDF that was sent")
    content = bytes(pdf_bytes)
    with unit_of_work(db, actor, write=True) as uow:
        row = _load_referral(uow.session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require_print(actor, category)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        reference = ensure_reference(uow.session, row)
        if workflow.TABLE.get((row.state, workflow.Event.SEND)) is not None:
            if expected_version is not None:
                check_version(row, expected_version, ENTITY)
            referrals.apply_event(
                uow.session,
                row,
                actor,
                workflow.Details(workflow.Event.SEND, on=day, sent_via=REFERRAL_METHOD[how]),
                load_settings(uow.session).workflow,
            )
        digest = hashlib.sha256(content).hexdigest()
        document = add_document(
            uow.session,
            actor,
            row.patient_id,
            {
                "kind": DocumentKind.LETTER_SENT,
                "title": f"Letter sent {day.isoformat()} ({how.label.lower()})",
                "file_name": f"referral-{row.id:06d}-sent-{day:%Y%m%d}.pdf",
                "media_type": "application/pdf",
                "size_bytes": len(content),
                "sha256": digest,
                "received_on": day,
                "content": content,
                "sent_via": how,
            },
            referral_id=row.id,
            category=category,
        )
        uow.session.add(
            ReferralEvent(
                referral_id=row.id,
                username=actor.username,
                kind="letter",
                reason=f"{LETTER_SENT_EVENT} by {how.label.lower()} on {day.isoformat()}; "
                f"stored copy {document.file_name}, SHA-256 {digest[:16]}…",
                document_id=document.id,
            )
        )
        view = _sent_view(document, reference)
        uow.commit(row, ENTITY)
        return view


def _load_sent(session: Session, actor: Actor, document_id: int) -> tuple[Document, Referral]:
    doc = session.get(Document, document_id) if isinstance(document_id, int) else None
    if doc is None or doc.kind != DocumentKind.LETTER_SENT or doc.referral_id is None:
        raise NotFound("Sent letter", document_id)
    row = _load_referral(session, doc.referral_id)
    _require_print(actor, referral_category(row.discipline, row.sensitive))
    return doc, row


@service
def sent_letters(db: Database, actor: Actor, referral_id: int) -> list[SentLetterView]:
    """The stored copies of a referral's sent letters, oldest first (an audited read)."""
    with unit_of_work(db, actor) as uow:
        row = _load_referral(uow.session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require_print(actor, category)
        docs = uow.session.scalars(
            select(Document)
            .where(Document.referral_id == row.id, Document.kind == DocumentKind.LETTER_SENT)
            .order_by(Document.filed_at, Document.id)
        ).all()
        views = [_sent_view(d, row.reference or "") for d in docs]
        uow.audit_read(
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{len(views)} sent letter(s)",
        )
        return views


@service
def sent_letter_copy(
    db: Database, actor: Actor, document_id: int, *, stamped: bool = True
) -> bytes:
    """A stored sent letter: its exact bytes, or (``stamped``) those bytes with "Copy of
    the letter sent on DATE" on every page for a reprint. Audited and noted in the history.

    Raises:
        NotFound: No such sent letter.
        PermissionDenied: The role may not print this referral.
        ValidationError: The stored bytes no longer match their SHA-256.
    """
    with unit_of_work(db, actor, write=True) as uow:
        doc, row = _load_sent(uow.session, actor, document_id)
        content = doc.content
        if hashlib.sha256(content).hexdigest() != doc.sha256:
            raise ValidationError("sha256", "the stored letter does not match its SHA-256")
        style = load_settings(uow.session).date_format
        how = doc.sent_via.label.lower() if doc.sent_via else "print"
        note = (
            f"COPY of the letter sent on {format_date(doc.received_on, style)} by {how} "
            f"· Ref. {row.reference or row.id}"
        )
        category = referral_category(row.discipline, row.sensitive)
        what = "copy of sent letter reprinted" if stamped else "sent letter opened"
        reason = f"{what} ({doc.file_name})"
        record_print(uow, row, category, reason, f"{what}, document {doc.id}", document_id=doc.id)
        uow.commit()
    return stamp_copy(content, note) if stamped else content


@service
def referral_labels(db: Database, actor: Actor, referral_ids: Sequence[int]) -> dict[int, str]:
    """How people name a referral: "Ñúñez, Zoë, ref. RPC-000012" (patient and reference
    number, never the internal id), for reports such as a batch's skipped letters.

    Raises:
        PermissionDenied: The role may not read demographics.
    """
    require(actor, Action.READ_DEMOGRAPHICS)
    wanted = sorted({int(i) for i in referral_ids})
    if not wanted:
        return {}
    with unit_of_work(db, actor, write=True) as uow:
        rows = uow.session.execute(
            select(
                Referral.id,
                Referral.patient_id,
                Referral.reference,
                Patient.given_name,
                Patient.family_name,
            )
            .join(Patient, Patient.id == Referral.patient_id)
            .where(Referral.id.in_(wanted))
        ).all()
        references = {r.id: r.reference for r in rows}
        if any(ref is None for ref in references.values()):
            number_all(uow.session.connection())
            for row in rows:
                if references[row.id] is None:  # numbered now: the change is audited
                    audit_update(uow, row, ENTITY, detail="reference number assigned")
            references = dict(
                uow.session.execute(
                    select(Referral.id, Referral.reference).where(Referral.id.in_(wanted))
                ).tuples()
            )
        for patient_id in sorted({r.patient_id for r in rows}):
            uow.audit_read(
                "Patient",
                patient_id,
                patient_id=patient_id,
                detail="referral labels",
            )
        uow.commit()
    return {r.id: f"{r.family_name}, {r.given_name}, ref. {references[r.id]}" for r in rows}


@service
def recipient_gaps(db: Database, actor: Actor, referral_id: int) -> tuple[str, ...]:
    """What the letter cannot be sent to: no recipient, no postal address, no fax.

    The letter still prints; the preview says what is missing so nobody hunts for it.
    Team-directory data only, so no chart read is audited.
    """
    with unit_of_work(db, actor) as uow:
        row = _load_referral(uow.session, referral_id)
        _require_print(actor, referral_category(row.discipline, row.sensitive))
        member = row.recipient
        if member is None:
            return ("no specialist chosen",)
        gaps = []
        if not (member.address or "").strip():
            gaps.append("no postal address")
        if not (member.fax or "").strip():
            gaps.append("no fax number")
        return tuple(gaps)
