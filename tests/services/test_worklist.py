"""Front-desk worklists: each view holds the right referrals; overdue leaves when resolved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.services import referrals
from carecoord.services.actor import Actor
from carecoord.services.referrals import AuthorizationInput
from carecoord.services.worklist import WorklistFilter, WorklistView, worklist, worklist_counts
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

V = WorklistView


def test_views_counts_and_overdue(db: Database, physician: Actor, front_desk: Actor) -> None:
    patient = new_patient(db, physician)
    psych = new_member(db, physician, "psychiatry")
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    draft = new_referral(db, physician, patient.id, psych)
    late = new_referral(db, physician, patient.id, rehab)
    late = referrals.transition(
        db,
        front_desk,
        late.id,
        "sent",
        sent_via="fax",
        on=date.today() - timedelta(days=40),
        expected_version=late.version,
    )
    fresh = new_referral(
        db, physician, patient.id, rehab, priority="urgent", priority_reason="Falls at home"
    )
    fresh = referrals.transition(
        db, front_desk, fresh.id, "sent", sent_via="fax", expected_version=fresh.version
    )

    counts = worklist_counts(db, front_desk)
    assert counts[V.TO_SEND] == 1
    assert counts[V.AWAITING_ACCEPTANCE] == 2
    assert counts[V.OVERDUE] == 1
    assert counts[V.CLOSED] == 0

    overdue = worklist(db, front_desk, V.OVERDUE)
    assert [r.id for r in overdue] == [late.id]
    assert overdue[0].overdue and overdue[0].days_overdue > 0
    assert overdue[0].recipient_name == "Lena Berg, MD"
    assert [r.id for r in worklist(db, front_desk, V.TO_SEND)] == [draft.id]

    urgent_only = worklist(
        db, front_desk, V.AWAITING_ACCEPTANCE, filters=WorklistFilter(priority="urgent")
    )
    assert [r.id for r in urgent_only] == [fresh.id]
    by_recipient = worklist(
        db, front_desk, V.AWAITING_ACCEPTANCE, filters=WorklistFilter(recipient_member_id=psych.id)
    )
    assert by_recipient == []

    # Walking the late referral on takes it off the overdue view.
    late = referrals.transition(
        db, front_desk, late.id, "accepted", on=date.today(), expected_version=late.version
    )
    late = referrals.transition(
        db,
        front_desk,
        late.id,
        "scheduled",
        appointment_date=date.today(),
        expected_version=late.version,
    )
    assert worklist(db, front_desk, V.OVERDUE) == []
    late = referrals.transition(
        db, front_desk, late.id, "seen", on=date.today(), expected_version=late.version
    )
    in_three_weeks = date.today() + timedelta(days=21)
    assert [r.id for r in worklist(db, front_desk, V.OVERDUE, on=in_three_weeks)] == [
        fresh.id,
        late.id,
    ]
    from carecoord.services.documents import DocumentUpload

    referrals.record_report_received(
        db,
        front_desk,
        late.id,
        expected_version=late.version,
        report=DocumentUpload("r.pdf", PDF_BYTES),
    )
    assert [r.id for r in worklist(db, front_desk, V.OVERDUE, on=in_three_weeks)] == [fresh.id]
    assert [r.id for r in worklist(db, front_desk, V.CLOSED)] == [late.id]


def test_authorisation_views(db: Database, physician: Actor, front_desk: Actor) -> None:
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    expiring = new_referral(db, physician, patient.id, rehab)
    referrals.update_authorization(
        db,
        front_desk,
        expiring.id,
        AuthorizationInput(
            outcome="approved",
            number="PA-1",
            visits_authorized=6,
            visits_used=2,
            valid_to=date.today() + timedelta(days=10),
        ),
        expected_version=expiring.version,
    )
    pending = new_referral(db, physician, patient.id, rehab)
    referrals.update_authorization(
        db,
        front_desk,
        pending.id,
        AuthorizationInput(outcome="pending", payer="Acme Health"),
        expected_version=pending.version,
    )
    assert [r.id for r in worklist(db, front_desk, V.AUTH_EXPIRING)] == [expiring.id]
    assert [r.id for r in worklist(db, front_desk, V.AUTH_PENDING)] == [pending.id]
    view = referrals.get_referral(db, front_desk, expiring.id)
    assert view.authorization_expiring


def test_filters_are_validated(db: Database, front_desk: Actor) -> None:
    with pytest.raises(ValidationError) as error:
        worklist(
            db,
            front_desk,
            V.CLOSED,
            filters=WorklistFilter(date_from="2026-05-01", date_to="2026-04-01"),
        )
    assert error.value.field == "date_to"
    with pytest.raises(ValidationError) as error:
        worklist(db, front_desk, "everything")
    assert error.value.field == "view"


def test_clinicians_have_no_front_desk_worklist(db: Database, clinician: Actor) -> None:
    with pytest.raises(PermissionDenied):
        worklist(db, clinician, V.OVERDUE)
