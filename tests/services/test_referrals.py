"""Referral workflow: legal transitions, reasons, due dates, closing the loop, restriction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.vocabulary import ReferralState
from carecoord.db import Database
from carecoord.errors import (
    ConflictError,
    IllegalTransition,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from carecoord.models import Document, Referral, ReferralEvent
from carecoord.services import documents, referrals
from carecoord.services.actor import Actor
from carecoord.services.documents import DocumentUpload
from carecoord.services.referrals import AuthorizationInput, ReferralInput
from tests.services.helpers import PDF_BYTES, count, new_member, new_patient, new_referral

S = ReferralState


@pytest.fixture
def setup(db: Database, physician: Actor) -> tuple[int, object, object]:
    patient = new_patient(db, physician)
    psych = new_member(db, physician, "psychiatry")
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    return patient.id, psych, rehab


def test_walk_from_draft_to_report_received(
    db: Database, physician: Actor, front_desk: Actor, setup: tuple
) -> None:
    patient_id, _, rehab = setup
    r = new_referral(db, physician, patient_id, rehab)
    assert r.state == S.DRAFT and r.legal_next == (S.SENT, S.CANCELLED)
    r = referrals.transition(
        db, front_desk, r.id, "sent", sent_via="fax", expected_version=r.version
    )
    assert r.sent_on == date.today()
    assert r.appointment_due == rules.appointment_due(
        date.today(), "routine", "physical_rehabilitation"
    )
    assert r.due_on == r.appointment_due
    r = referrals.transition(
        db, front_desk, r.id, "accepted", on=date.today(), expected_version=r.version
    )
    visit = date.today() + timedelta(days=3)
    r = referrals.transition(
        db, front_desk, r.id, "scheduled", appointment_date=visit, expected_version=r.version
    )
    assert r.appointment_date == visit and r.due_on == visit
    r = referrals.transition(
        db, front_desk, r.id, "seen", on=date.today(), confirm=True, expected_version=r.version
    )
    assert r.report_due == date.today() + timedelta(days=14) and r.due_on == r.report_due
    r = referrals.record_report_received(
        db,
        front_desk,
        r.id,
        expected_version=r.version,
        report=DocumentUpload("consult-note.pdf", PDF_BYTES),
    )
    assert r.state == S.REPORT_RECEIVED and r.closed_on == date.today() and r.due_on is None
    assert r.legal_next == ()
    transitions = [(e.from_state, e.to_state) for e in r.events if e.kind == "transition"]
    assert transitions == [
        (S.DRAFT, S.SENT),
        (S.SENT, S.ACCEPTED),
        (S.ACCEPTED, S.SCHEDULED),
        (S.SCHEDULED, S.SEEN),
        (S.SEEN, S.REPORT_RECEIVED),
    ]
    assert all(e.username for e in r.events)
    assert r.events[1].reason == "sent by fax"
    docs = documents.list_documents(db, physician, patient_id)
    assert [(d.kind, d.referral_id, d.media_type) for d in docs] == [
        ("specialist_report", r.id, "application/pdf")
    ]
    _, content = documents.get_document_content(db, physician, docs[0].id)
    assert content == PDF_BYTES


def test_illegal_transition_names_both_states(db: Database, physician: Actor, setup: tuple) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    with pytest.raises(IllegalTransition) as error:
        referrals.transition(
            db, physician, r.id, "seen", on=date.today(), expected_version=r.version
        )
    assert "draft" in str(error.value) and "seen" in str(error.value)
    assert count(db, ReferralEvent) == 1  # only "created"


def test_decline_and_cancel_need_a_reason(db: Database, physician: Actor, setup: tuple) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    r = referrals.transition(
        db, physician, r.id, "sent", sent_via="portal", expected_version=r.version
    )
    with pytest.raises(ValidationError) as error:
        referrals.transition(db, physician, r.id, "declined", expected_version=r.version)
    assert error.value.field == "reason"
    r = referrals.transition(
        db,
        physician,
        r.id,
        "declined",
        reason="Not accepting new patients",
        expected_version=r.version,
    )
    assert r.state == S.DECLINED and r.closed_on == date.today()
    assert r.events[-1].reason == "Not accepting new patients"


def test_hold_returns_only_to_the_held_state(db: Database, physician: Actor, setup: tuple) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    r = referrals.transition(
        db, physician, r.id, "sent", sent_via="email", expected_version=r.version
    )
    due = r.due_on
    r = referrals.transition(
        db,
        physician,
        r.id,
        "on_hold",
        reason="Patient in hospital",
        review_on=date.today() + timedelta(days=14),
        expected_version=r.version,
    )
    assert r.held_from == S.SENT and r.due_on == date.today() + timedelta(days=14)
    assert r.hold_reason == "Patient in hospital"
    assert set(r.legal_next) == {S.SENT, S.CANCELLED}
    with pytest.raises(IllegalTransition):
        referrals.transition(
            db, physician, r.id, "accepted", on=date.today(), expected_version=r.version
        )
    r = referrals.transition(db, physician, r.id, "sent", expected_version=r.version)
    assert r.held_from is None and r.due_on == due


def test_sending_needs_recipient_and_method_and_no_denial(
    db: Database, physician: Actor, setup: tuple
) -> None:
    patient_id, psych, _ = setup
    draft = referrals.create_referral(
        db, physician, ReferralInput(patient_id, "psychiatry", "Low mood")
    )
    with pytest.raises(ValidationError) as error:
        referrals.transition(
            db, physician, draft.id, "sent", sent_via="fax", expected_version=draft.version
        )
    assert error.value.field == "recipient"
    r = new_referral(db, physician, patient_id, psych)
    with pytest.raises(ValidationError) as error:
        referrals.transition(db, physician, r.id, "sent", expected_version=r.version)
    assert error.value.field == "sent_via"
    denied = referrals.update_authorization(
        db,
        physician,
        r.id,
        AuthorizationInput(outcome="denied", payer="Acme Health", denial_reason="Not covered"),
        expected_version=r.version,
    )
    with pytest.raises(ValidationError) as error:
        referrals.transition(
            db, physician, r.id, "sent", sent_via="fax", expected_version=denied.version
        )
    assert error.value.field == "auth_outcome"


@pytest.mark.parametrize(
    ("auth", "field"),
    [
        (AuthorizationInput(outcome="approved"), "auth_number"),
        (AuthorizationInput(outcome="denied"), "auth_denial_reason"),
        (AuthorizationInput(outcome="maybe"), "auth_outcome"),
        (AuthorizationInput(valid_from="2026-05-01", valid_to="2026-04-01"), "auth_valid_to"),
        (AuthorizationInput(visits_authorized=2, visits_used=3), "auth_visits_used"),
        (AuthorizationInput(visits_authorized=-1), "auth_visits_authorized"),
    ],
)
def test_authorization_rules(
    db: Database, physician: Actor, setup: tuple, auth: AuthorizationInput, field: str
) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    with pytest.raises(ValidationError) as error:
        referrals.update_authorization(db, physician, r.id, auth, expected_version=r.version)
    assert error.value.field == field
    assert referrals.get_referral(db, physician, r.id).version == r.version


def test_request_validation(db: Database, physician: Actor, setup: tuple) -> None:
    patient_id, _, rehab = setup
    with pytest.raises(ValidationError) as error:
        referrals.create_referral(
            db, physician, ReferralInput(patient_id, "psychiatry", "x", priority="urgent")
        )
    assert error.value.field == "priority_reason"
    with pytest.raises(ValidationError) as error:
        referrals.create_referral(
            db,
            physician,
            ReferralInput(patient_id, "psychiatry", "x", recipient_member_id=rehab.id),
        )
    assert error.value.field == "recipient"
    with pytest.raises(ValidationError) as error:
        referrals.create_referral(db, physician, ReferralInput(patient_id, "psychiatry", "  "))
    assert error.value.field == "reason"
    assert count(db, Referral) == 0


def test_front_desk_sees_logistics_but_not_psychiatric_content(
    db: Database, physician: Actor, front_desk: Actor, setup: tuple
) -> None:
    patient_id, psych, rehab = setup
    secret = new_referral(db, physician, patient_id, psych, patient_told="We discussed mood")
    plain = new_referral(db, physician, patient_id, rehab)
    seen_by_desk = referrals.get_referral(db, front_desk, secret.id)
    assert seen_by_desk.restricted
    assert seen_by_desk.reason == "restricted" and seen_by_desk.patient_told == "restricted"
    assert seen_by_desk.recipient_name == "Ada Okafor, MD" and seen_by_desk.state == S.DRAFT
    assert not referrals.get_referral(db, front_desk, plain.id).restricted
    assert referrals.get_referral(db, physician, secret.id).patient_told == "We discussed mood"
    with pytest.raises(PermissionDenied):
        referrals.create_referral(
            db, front_desk, ReferralInput(patient_id, "psychiatry", "Low mood")
        )
    sent = referrals.transition(
        db, front_desk, secret.id, "sent", sent_via="fax", expected_version=secret.version
    )
    assert sent.state == S.SENT


def test_report_on_a_scheduled_referral_implies_the_visit(
    db: Database, physician: Actor, setup: tuple
) -> None:
    patient_id, _, rehab = setup
    r = new_referral(db, physician, patient_id, rehab)
    r = referrals.transition(
        db,
        physician,
        r.id,
        "sent",
        sent_via="print",
        on=date.today() - timedelta(days=20),
        expected_version=r.version,
    )
    r = referrals.transition(
        db, physician, r.id, "accepted", on=date.today(), expected_version=r.version
    )
    r = referrals.transition(
        db,
        physician,
        r.id,
        "scheduled",
        appointment_date=date.today() - timedelta(days=5),
        expected_version=r.version,
    )
    with pytest.raises(ValidationError) as error:
        referrals.record_report_received(db, physician, r.id, expected_version=r.version)
    assert error.value.field == "report"
    r = referrals.record_report_received(
        db,
        physician,
        r.id,
        expected_version=r.version,
        no_report_reason="Specialist confirmed by phone: advice only, no written report",
    )
    assert r.state == S.REPORT_RECEIVED
    assert r.seen_on == date.today() - timedelta(days=5)
    assert [e.to_state for e in r.events][-2:] == [S.SCHEDULED, S.REPORT_RECEIVED]


def test_a_fake_pdf_is_refused_and_nothing_changes(
    db: Database, physician: Actor, setup: tuple
) -> None:
    patient_id, _, rehab = setup
    r = new_referral(db, physician, patient_id, rehab)
    r = referrals.transition(
        db, physician, r.id, "sent", sent_via="print", expected_version=r.version
    )
    r = referrals.transition(
        db, physician, r.id, "accepted", on=date.today(), expected_version=r.version
    )
    r = referrals.transition(
        db, physician, r.id, "scheduled", appointment_date=date.today(), expected_version=r.version
    )
    r = referrals.transition(
        db, physician, r.id, "seen", on=date.today(), expected_version=r.version
    )
    with pytest.raises(ValidationError) as error:
        referrals.record_report_received(
            db,
            physician,
            r.id,
            expected_version=r.version,
            report=DocumentUpload("report.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert error.value.field == "content"
    assert referrals.get_referral(db, physician, r.id).state == S.SEEN
    assert count(db, Document) == 0


def test_stale_transition_is_a_conflict(
    db: Database, physician: Actor, front_desk: Actor, setup: tuple
) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    referrals.transition(db, front_desk, r.id, "sent", sent_via="fax", expected_version=r.version)
    with pytest.raises(ConflictError) as conflict:
        referrals.transition(
            db, physician, r.id, "cancelled", reason="dup", expected_version=r.version
        )
    assert conflict.value.changed_by == "frontdesk"
    assert referrals.get_referral(db, physician, r.id).state == S.SENT


def test_urgent_referral_due_in_calendar_days(db: Database, physician: Actor, setup: tuple) -> None:
    patient_id, psych, _ = setup
    r = new_referral(
        db, physician, patient_id, psych, priority="urgent", priority_reason="PHQ-9 item 9 positive"
    )
    monday = date(2026, 11, 23)
    r = referrals.transition(
        db, physician, r.id, "sent", sent_via="fax", on=monday, expected_version=r.version
    )
    assert r.appointment_due == monday + timedelta(days=4)
    assert r.overdue  # today (after 2026-11-27) is past the target


def test_notes_and_letters_go_into_the_history(
    db: Database, physician: Actor, setup: tuple
) -> None:
    patient_id, psych, _ = setup
    r = new_referral(db, physician, patient_id, psych)
    referrals.add_note(db, physician, r.id, "Phoned the office; report promised Friday")
    referrals.record_letter(db, physician, r.id, "letter generated")
    events = referrals.get_referral(db, physician, r.id).events
    assert [(e.kind, e.reason) for e in events][-2:] == [
        ("note", "Phoned the office; report promised Friday"),
        ("letter", "letter generated"),
    ]


def test_every_bad_request_field_is_reported_at_once(
    db: Database, physician: Actor, setup: tuple
) -> None:
    """Urgent without a reason, a recipient of another discipline and a blank reason: one
    save names all three, and neither a new row nor a change is written."""
    patient_id, psych, rehab = setup
    bad = ReferralInput(
        patient_id, "psychiatry", "  ", priority="urgent", recipient_member_id=rehab.id
    )
    with pytest.raises(ValidationErrors) as error:
        referrals.create_referral(db, physician, bad)
    found = {e.field: e.message for e in error.value.errors}
    assert set(found) == {"priority_reason", "recipient", "reason"}
    assert "urgent" in found["priority_reason"].lower()
    assert "is not in psychiatry" in found["recipient"]
    assert count(db, Referral) == 0

    good = new_referral(db, physician, patient_id, psych)
    with pytest.raises(ValidationErrors) as error:
        referrals.update_referral(db, physician, good.id, bad, expected_version=good.version)
    assert {e.field for e in error.value.errors} == {"priority_reason", "recipient", "reason"}
    assert referrals.get_referral(db, physician, good.id).version == good.version
