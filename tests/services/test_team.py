"""Team directory and care teams: one coordinating physician, core-role gaps, history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from carecoord.clinical.vocabulary import CareTeamRole
from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied, ValidationError
from carecoord.models import CareTeamMembership, TeamMember
from carecoord.services import team
from carecoord.services.actor import Actor
from carecoord.services.team import MemberInput
from tests.services.helpers import count, new_member, new_patient


def test_member_directory_filters_and_board_expiry(db: Database, front_desk: Actor) -> None:
    soon = date.today() + timedelta(days=30)
    later = date.today() + timedelta(days=400)
    new_member(db, front_desk, "psychiatry", "Okafor", "Ada", board_certification_expires=soon)
    new_member(
        db,
        front_desk,
        "physical_rehabilitation",
        "Berg",
        "Lena",
        board_certification_expires=later,
        is_internal=False,
    )
    psychiatrists = team.list_members(db, front_desk, discipline="psychiatry")
    assert [m.family_name for m in psychiatrists] == ["Okafor"]
    assert psychiatrists[0].board_expiring()
    external = team.list_members(db, front_desk, internal=False)
    assert [m.family_name for m in external] == ["Berg"]
    assert not external[0].board_expiring()
    assert [m.family_name for m in team.list_members(db, front_desk, text="len")] == ["Berg"]


def test_member_validation_and_deactivation(db: Database, front_desk: Actor) -> None:
    with pytest.raises(ValidationError) as error:
        team.create_member(db, front_desk, MemberInput("Berg", "Lena", "astrology"))
    assert error.value.field == "discipline"
    with pytest.raises(ValidationError) as error:
        team.create_member(db, front_desk, MemberInput("Berg", "Lena", "psychology", fax="fax"))
    assert error.value.field == "fax"
    assert count(db, TeamMember) == 0
    member = new_member(db, front_desk)
    off = team.set_member_active(db, front_desk, member.id, False, expected_version=member.version)
    assert not off.active
    assert team.list_members(db, front_desk) == []
    assert len(team.list_members(db, front_desk, active_only=False)) == 1
    with pytest.raises(ConflictError):
        team.update_member(
            db,
            front_desk,
            member.id,
            MemberInput("Okafor", "Ada", "psychiatry"),
            expected_version=member.version,
        )


def test_clinician_cannot_edit_the_directory(db: Database, clinician: Actor) -> None:
    with pytest.raises(PermissionDenied):
        team.create_member(db, clinician, MemberInput("Berg", "Lena", "psychology"))


def test_care_team_gaps_and_the_single_coordinator(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    lead = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    other_lead = new_member(db, physician, "pain_medicine", "Haddad", "Omar")
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    assert team.get_care_team(db, physician, patient.id).gaps == (
        CareTeamRole.COORDINATING_PHYSICIAN,
        CareTeamRole.REHABILITATION_SPECIALIST,
        CareTeamRole.PSYCHIATRIST,
    )
    team.assign_member(db, physician, patient.id, lead.id, "coordinating_physician")
    team.assign_member(db, physician, patient.id, rehab.id, "rehabilitation_specialist")
    care = team.get_care_team(db, physician, patient.id)
    assert care.gaps == (CareTeamRole.PSYCHIATRIST,)
    assert care.coordinator() is not None and care.coordinator().id == lead.id  # type: ignore[union-attr]

    with pytest.raises(ValidationError) as error:
        team.assign_member(db, physician, patient.id, other_lead.id, "coordinating_physician")
    assert error.value.field == "role"
    assert count(db, CareTeamMembership) == 2

    team.assign_member(
        db,
        physician,
        patient.id,
        other_lead.id,
        "coordinating_physician",
        replace_coordinator=True,
    )
    care = team.get_care_team(db, physician, patient.id)
    assert care.coordinator().id == other_lead.id  # type: ignore[union-attr]
    assert [m.member.id for m in care.past] == [lead.id]


def test_database_refuses_a_second_active_coordinator(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    a = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    b = new_member(db, physician, "pain_medicine", "Haddad", "Omar")
    team.assign_member(db, physician, patient.id, a.id, "coordinating_physician")
    with db.session(write=True) as session:
        session.add(
            CareTeamMembership(
                patient_id=patient.id,
                member_id=b.id,
                role=CareTeamRole.COORDINATING_PHYSICIAN,
                since=date.today(),
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_ending_a_membership_keeps_history(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    psych = new_member(db, physician)
    membership = team.assign_member(
        db, physician, patient.id, psych.id, "psychiatrist", since=date.today() - timedelta(days=9)
    )
    with pytest.raises(ValidationError) as error:
        team.assign_member(db, physician, patient.id, psych.id, "psychiatrist")
    assert error.value.field == "member"
    with pytest.raises(ValidationError) as error:
        team.end_membership(
            db,
            physician,
            membership.id,
            until=date.today() - timedelta(days=10),
            expected_version=membership.version,
        )
    assert error.value.field == "until"
    ended = team.end_membership(db, physician, membership.id, expected_version=membership.version)
    assert ended.until == date.today()
    care = team.get_care_team(db, physician, patient.id)
    assert care.current == () and len(care.past) == 1
    assert CareTeamRole.PSYCHIATRIST in care.gaps
