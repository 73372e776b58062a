"""What was sent is kept: the exact PDF, its SHA-256, who, when and how, linked from the
referral's history, unchanged by later chart edits, reprinted marked as a copy."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import DeliveryMethod, DocumentKind, ReferralState, SendMethod
from carecoord.db import Database
from carecoord.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, Document
from carecoord.services import documents, record, referrals
from carecoord.services.actor import Actor
from carecoord.services.letters import (
    generate_letter,
    recipient_gaps,
    record_sent_letter,
    sent_letter_copy,
    sent_letters,
)
from carecoord.services.settings import ClinicSettings, save_settings
from tests.letters.samples import page_texts, pdf_text
from tests.services.helpers import new_member, new_patient, new_referral


@pytest.fixture
def referral(db: Database, physician: Actor, admin: Actor) -> referrals.ReferralView:
    save_settings(db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic"))
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "M54.50")
    record.add_medication(
        db, physician, patient.id, record.MedicationInput("oxycodone", 10, "mg", "bid")
    )
    member = new_member(
        db,
        physician,
        "neurosurgery",
        "Wróbel",
        "Łukasz",
        fax="(503) 555-0201",
        address="88 Elm Road\nPortland, OR 97210",
    )
    return new_referral(db, physician, patient.id, member)


def test_marking_sent_keeps_the_exact_pdf_and_a_chart_edit_never_changes_it(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    pdf = generate_letter(db, physician, referral.id)
    digest = hashlib.sha256(pdf).hexdigest()
    sent = record_sent_letter(
        db,
        physician,
        referral.id,
        pdf,
        "fax",
        on=date.today() - timedelta(days=1),
        expected_version=referral.version,
    )
    assert sent.sha256 == digest and sent.size_bytes == len(pdf)
    assert (sent.method, sent.sent_by) == (DeliveryMethod.FAX, "drlee")
    assert sent.sent_on == date.today() - timedelta(days=1)
    assert sent.reference == f"RPC-{referral.id:06d}"

    # The referral moved to Sent, and its history links to the stored copy.
    view = referrals.get_referral(db, physician, referral.id)
    assert view.state == ReferralState.SENT and view.sent_via == SendMethod.FAX
    [linked] = [e for e in view.events if e.document_id is not None]
    assert linked.document_id == sent.document_id
    assert linked.reason is not None and linked.reason.startswith("letter sent by fax on ")
    assert digest[:16] in linked.reason

    # A later edit of the chart changes the next letter, never the stored one.
    record.add_medication(
        db, physician, referral.patient_id, record.MedicationInput("tramadol", 50, "mg", "tid")
    )
    assert "tramadol" in pdf_text(generate_letter(db, physician, referral.id))
    stored = sent_letter_copy(db, physician, sent.document_id, stamped=False)
    assert stored == pdf and hashlib.sha256(stored).hexdigest() == digest
    assert "tramadol" not in pdf_text(stored)
    [listed] = sent_letters(db, physician, referral.id)
    assert listed.sha256 == digest

    # It is a "letter sent" document on the referral, readable through the documents tab.
    kept = documents.get_document_content(db, physician, sent.document_id)
    assert kept[0].kind == DocumentKind.LETTER_SENT and kept[1] == pdf


def test_reprint_says_it_is_a_copy_on_every_page(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    pdf = generate_letter(db, physician, referral.id)
    sent = record_sent_letter(db, physician, referral.id, pdf, "email", on=date(2026, 3, 4))
    pages = page_texts(sent_letter_copy(db, physician, sent.document_id))
    assert len(pages) == len(page_texts(pdf))
    for page in pages:
        assert "COPY of the letter sent on March 4, 2026 by e-mail" in page
    # The stored bytes stay the original.
    assert sent_letter_copy(db, physician, sent.document_id, stamped=False) == pdf


def test_a_second_copy_of_a_sent_referral_is_kept_without_moving_it(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    first = record_sent_letter(
        db, physician, referral.id, generate_letter(db, physician, referral.id), "print"
    )
    again = record_sent_letter(
        db, physician, referral.id, generate_letter(db, physician, referral.id), "hand"
    )
    assert first.document_id != again.document_id
    assert [s.method for s in sent_letters(db, physician, referral.id)] == [
        DeliveryMethod.PRINT,
        DeliveryMethod.HAND,
    ]
    assert referrals.get_referral(db, physician, referral.id).state == ReferralState.SENT


def test_stale_version_or_bad_input_keeps_nothing(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    pdf = generate_letter(db, physician, referral.id)
    with pytest.raises(ConflictError):
        record_sent_letter(db, physician, referral.id, pdf, "fax", expected_version=99)
    with pytest.raises(ValidationError) as refused:
        record_sent_letter(db, physician, referral.id, b"not a pdf", "fax")
    assert refused.value.field == "pdf"
    with pytest.raises(ValidationError) as refused:
        record_sent_letter(db, physician, referral.id, pdf, "pigeon")
    assert refused.value.field == "method"
    with pytest.raises(ValidationError) as refused:
        record_sent_letter(
            db, physician, referral.id, pdf, "fax", on=date.today() + timedelta(days=1)
        )
    assert refused.value.field == "on"
    with pytest.raises(NotFound):
        record_sent_letter(db, physician, 999_999, pdf, "fax")
    with db.session() as session:
        kinds = session.scalars(select(Document.kind)).all()
    assert DocumentKind.LETTER_SENT not in kinds
    assert referrals.get_referral(db, physician, referral.id).state == ReferralState.DRAFT


def test_a_referral_without_recipient_cannot_be_marked_sent(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    bare = referrals.create_referral(
        db,
        physician,
        referrals.ReferralInput(
            patient_id=referral.patient_id, discipline="neurosurgery", reason="Back pain"
        ),
    )
    pdf = generate_letter(db, physician, bare.id)  # it still prints
    assert "Neurosurgery service" in pdf_text(pdf)
    assert recipient_gaps(db, physician, bare.id) == ("no specialist chosen",)
    with pytest.raises(ValidationError) as refused:
        record_sent_letter(db, physician, bare.id, pdf, "fax")
    assert refused.value.field == "recipient"


def test_recipient_gaps_name_what_is_missing(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    assert recipient_gaps(db, physician, referral.id) == ()
    member = new_member(db, physician, "neurosurgery", "Berg", "Ola")
    bare = new_referral(db, physician, referral.patient_id, member)
    assert recipient_gaps(db, physician, bare.id) == ("no postal address", "no fax number")
    assert "Ola Berg" in pdf_text(generate_letter(db, physician, bare.id))


def test_sending_and_reprinting_are_audited(
    db: Database, physician: Actor, referral: referrals.ReferralView
) -> None:
    sent = record_sent_letter(
        db, physician, referral.id, generate_letter(db, physician, referral.id), "portal"
    )
    sent_letter_copy(db, physician, sent.document_id)
    with db.session() as session:
        events = [
            (e.action, e.entity, e.detail)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert ("create", "Document") in [(a, b) for a, b, _ in events]
    assert ("print", "Referral", f"copy of sent letter reprinted, document {sent.document_id}") in (
        events
    )


def test_front_desk_cannot_keep_or_read_a_psychiatric_letter(
    db: Database, physician: Actor, front_desk: Actor, referral: referrals.ReferralView
) -> None:
    psychiatrist = new_member(db, physician, "psychiatry")
    psych = new_referral(db, physician, referral.patient_id, psychiatrist)
    pdf = generate_letter(db, physician, psych.id)
    with pytest.raises(PermissionDenied):
        record_sent_letter(db, front_desk, psych.id, pdf, "fax")
    sent = record_sent_letter(db, physician, psych.id, pdf, "fax")
    with pytest.raises(PermissionDenied):
        sent_letter_copy(db, front_desk, sent.document_id)
