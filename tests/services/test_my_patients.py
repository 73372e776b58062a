"""A clinician's own patients: their current care teams, the current plan, the link rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import PlanStatus
from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.models import AuditEvent
from carecoord.services import patients, plans, team
from carecoord.services.actor import Actor
from carecoord.services.my_patients import my_patients
from tests.services.helpers import new_member, new_patient


def test_lists_the_linked_members_current_patients_with_their_plan(
    db: Database, physician: Actor, clinician: Actor
) -> None:
    me = new_member(db, physician, "physical_therapy", "Park", "Jo")
    other = new_member(db, physician, "psychology", "Lund", "Eva")
    zed = new_patient(db, physician, "Zúñiga", "Ana")
    abe = new_patient(db, physician, "Abbott", "Lee", born=date(1971, 2, 3))
    ended = new_patient(db, physician, "Moreno", "Iris", born=date(1966, 7, 8))
    not_mine = new_patient(db, physician, "Baker", "Tom", born=date(1990, 1, 1))
    gone = new_patient(db, physician, "Cole", "Ed", born=date(1955, 4, 4))
    for patient in (zed, abe, gone):
        team.assign_member(db, physician, patient.id, me.id, "therapist")
    team.assign_member(db, physician, not_mine.id, other.id, "therapist")
    team.assign_member(db, physician, zed.id, me.id, "support")  # twice on one team
    past = team.assign_member(db, physician, ended.id, me.id, "therapist")
    team.end_membership(db, physician, past.id, expected_version=past.version)
    patients.discharge_patient(
        db, physician, gone.id, on=date.today(), reason="Goals met", expected_version=gone.version
    )
    start = date.today() - timedelta(days=30)
    review = date.today() + timedelta(days=14)
    draft = plans.create_plan(db, physician, zed.id, title="Draft plan", started_on=start)
    active = plans.create_plan(
        db, physician, zed.id, title="Walk again", started_on=start, review_on=review
    )
    plans.update_plan(
        db,
        physician,
        active.id,
        title=active.title,
        status=PlanStatus.ACTIVE,
        started_on=start,
        review_on=review,
        notes=None,
        expected_version=active.version,
    )
    linked = replace(clinician, team_member_id=me.id)

    result = my_patients(db, linked)

    assert result.linked and not result.more
    assert [r.patient_id for r in result.rows] == [abe.id, zed.id]
    assert result.rows[0].plan_title is None and result.rows[0].next_review is None
    assert (result.rows[1].plan_title, result.rows[1].plan_status) == (
        "Walk again",
        PlanStatus.ACTIVE,
    )
    assert result.rows[1].next_review == review
    assert draft.id != active.id
    with db.session() as session:
        audits = session.execute(
            select(AuditEvent.action, AuditEvent.username).where(AuditEvent.entity == "MyPatients")
        ).all()
    assert [tuple(a) for a in audits] == [("read", clinician.username)]


def test_a_draft_shows_when_there_is_no_active_plan_and_limit_flags_more(
    db: Database, physician: Actor
) -> None:
    me = new_member(db, physician, "physical_therapy", "Park", "Jo")
    first = new_patient(db, physician, "Abbott", "Lee")
    second = new_patient(db, physician, "Baker", "Tom", born=date(1990, 1, 1))
    for patient in (first, second):
        team.assign_member(db, physician, patient.id, me.id, "therapist")
    plans.create_plan(db, physician, first.id, title="Being drafted", started_on=date.today())
    linked = replace(physician, team_member_id=me.id)

    capped = my_patients(db, linked, limit=1)

    assert capped.more and [r.patient_id for r in capped.rows] == [first.id]
    assert (capped.rows[0].plan_title, capped.rows[0].plan_status) == (
        "Being drafted",
        PlanStatus.DRAFT,
    )
    assert not my_patients(db, linked, limit=2).more


def test_an_unlinked_account_is_told_so_not_refused(db: Database, clinician: Actor) -> None:
    result = my_patients(db, clinician)
    assert not result.linked and result.rows == () and not result.more


def test_roles_that_do_not_treat_are_refused(db: Database, front_desk: Actor, admin: Actor) -> None:
    for actor in (front_desk, admin):
        with pytest.raises(PermissionDenied):
            my_patients(db, actor)
