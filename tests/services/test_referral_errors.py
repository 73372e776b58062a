"""Referrals entered in error: permission-checked, audited, off worklists and CMS50.

See docs/clinical-reference.md §2.4 and §10."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, Referral
from carecoord.services import referrals
from carecoord.services.actor import Actor
from carecoord.services.dashboard import dashboard
from carecoord.services.referral_errors import mark_entered_in_error
from carecoord.services.worklist import WorklistView, worklist, worklist_counts
from tests.services.helpers import new_member, new_patient, new_referral


def test_marked_referral_leaves_the_worklists_and_keeps_its_history(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    member = new_member(db, physician, "neurosurgery")
    patient = new_patient(db, physician)
    kept = new_referral(db, physician, patient.id, member)
    mistaken = new_referral(db, physician, patient.id, member)
    assert worklist_counts(db, front_desk)[WorklistView.TO_SEND] == 2

    marked = mark_entered_in_error(
        db, physician, mistaken.id, "Duplicate of the referral above", expected_version=1
    )
    assert marked.events[-1].kind == "entered_in_error"
    assert marked.events[-1].reason == "Duplicate of the referral above"
    assert [r.id for r in worklist(db, front_desk, WorklistView.TO_SEND)] == [kept.id]
    assert worklist_counts(db, front_desk)[WorklistView.TO_SEND] == 1
    with db.session() as session:
        row = session.get(Referral, mistaken.id)
        assert row is not None
        assert (row.entered_in_error_by, row.entered_in_error_reason) == (
            "drlee",
            "Duplicate of the referral above",
        )
        assert row.entered_in_error_at is not None and row.due_on is None
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "Referral", AuditEvent.entity_id == mistaken.id
            )
        ).all()
        assert [(e.action, e.detail) for e in events][-1] == ("update", "marked entered in error")


def test_front_desk_may_not_mark_and_nothing_changes(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    member = new_member(db, physician, "neurosurgery")
    ref = new_referral(db, physician, new_patient(db, physician).id, member)
    with pytest.raises(PermissionDenied):
        mark_entered_in_error(db, front_desk, ref.id, "Wrong patient", expected_version=1)
    assert worklist_counts(db, front_desk)[WorklistView.TO_SEND] == 1


def test_reason_required_once_only_and_version_checked(db: Database, physician: Actor) -> None:
    member = new_member(db, physician, "neurosurgery")
    ref = new_referral(db, physician, new_patient(db, physician).id, member)
    with pytest.raises(ValidationError) as error:
        mark_entered_in_error(db, physician, ref.id, "  ", expected_version=1)
    assert error.value.field == "reason"
    with pytest.raises(ConflictError):
        mark_entered_in_error(db, physician, ref.id, "Wrong patient", expected_version=7)
    mark_entered_in_error(db, physician, ref.id, "Wrong patient", expected_version=1)
    with pytest.raises(ValidationError) as error:
        mark_entered_in_error(db, physician, ref.id, "Again", expected_version=2)
    assert error.value.field == "referral"


def test_cms50_ignores_a_referral_entered_in_error(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    member = new_member(db, physician, "neurosurgery")
    sent_on = date.today() - timedelta(days=200)
    # one patient, two referrals the same day: the first (lower id) was a mistake
    patient = new_patient(db, physician)
    mistaken = new_referral(db, physician, patient.id, member)
    real = new_referral(db, physician, patient.id, member)
    views = []
    for ref in (mistaken, real):
        views.append(
            referrals.transition(
                db, front_desk, ref.id, "sent", sent_via="fax", on=sent_on, expected_version=1
            )
        )
    before = dashboard(db, front_desk).loop_closure
    assert (before.numerator, before.denominator) == (0, 1)
    assert [o.referral_id for o in before.open_loops] == [mistaken.id]
    mark_entered_in_error(
        db, physician, mistaken.id, "Duplicate", expected_version=views[0].version
    )
    after = dashboard(db, front_desk).loop_closure
    assert (after.numerator, after.denominator) == (0, 1)
    assert [o.referral_id for o in after.open_loops] == [real.id]
    assert after.open_loops[0].referral_id != mistaken.id


def test_a_referral_entered_in_error_is_kept_but_offers_no_step(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    """Who may mark it is told by the view; once marked, only a history note is left."""
    member = new_member(db, physician, "neurosurgery")
    sent = referrals.transition(
        db,
        physician,
        new_referral(db, physician, new_patient(db, physician).id, member).id,
        "sent",
        sent_via="fax",
        expected_version=1,
    )
    assert "entered_in_error" in sent.allowed_actions
    assert "entered_in_error" not in referrals.get_referral(db, front_desk, sent.id).allowed_actions
    marked = mark_entered_in_error(
        db, physician, sent.id, "Wrong patient chosen", expected_version=sent.version
    )
    assert marked.entered_in_error and marked.entered_in_error_reason == "Wrong patient chosen"
    assert marked.allowed_actions == frozenset({"note"})
    desk = referrals.get_referral(db, front_desk, sent.id)
    assert desk.allowed_actions == frozenset({"note"})
    assert desk.due_on is None and not desk.overdue
