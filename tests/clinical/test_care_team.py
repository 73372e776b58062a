"""Care-team gaps and the one-coordinator rule (docs/clinical-reference.md §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.care_team import (
    ROLE_FOR_DISCIPLINE,
    care_team_gaps,
    coordinator_problem,
    default_role,
)
from carecoord.clinical.vocabulary import CORE_ROLES, CareTeamRole, Discipline
from carecoord.errors import ValidationError

R = CareTeamRole


def test_empty_team_misses_every_core_role_in_order() -> None:
    assert care_team_gaps([]) == CORE_ROLES


def test_complete_team_has_no_gap() -> None:
    roles = [R.PSYCHIATRIST, R.COORDINATING_PHYSICIAN, R.REHABILITATION_SPECIALIST, R.THERAPIST]
    assert care_team_gaps(roles) == ()


def test_gaps_keep_core_order() -> None:
    assert care_team_gaps([R.REHABILITATION_SPECIALIST, R.CONSULTANT]) == (
        R.COORDINATING_PHYSICIAN,
        R.PSYCHIATRIST,
    )
    assert care_team_gaps(["coordinating_physician"]) == (
        R.REHABILITATION_SPECIALIST,
        R.PSYCHIATRIST,
    )


def test_generators_are_accepted() -> None:
    assert care_team_gaps(role for role in CORE_ROLES) == ()


@pytest.mark.parametrize(
    ("roles", "problem"),
    [
        ([R.COORDINATING_PHYSICIAN, R.PSYCHIATRIST], None),
        ([R.PSYCHIATRIST], "No coordinating physician"),
        ([], "No coordinating physician"),
        ([R.COORDINATING_PHYSICIAN, R.COORDINATING_PHYSICIAN], "2 coordinating physicians"),
    ],
)
def test_exactly_one_coordinating_physician(roles: list[R], problem: str | None) -> None:
    result = coordinator_problem(roles)
    if problem is None:
        assert result is None
    else:
        assert result is not None and result.startswith(problem)


def test_unknown_role() -> None:
    with pytest.raises(ValidationError, match="role"):
        care_team_gaps(["janitor"])


def test_every_discipline_has_a_default_role() -> None:
    assert set(ROLE_FOR_DISCIPLINE) == set(Discipline)


@pytest.mark.parametrize(
    ("discipline", "role"),
    [
        (Discipline.PAIN_MEDICINE, R.COORDINATING_PHYSICIAN),
        (Discipline.PHYSICAL_REHABILITATION, R.REHABILITATION_SPECIALIST),
        (Discipline.PSYCHIATRY, R.PSYCHIATRIST),
        (Discipline.PHYSICAL_THERAPY, R.THERAPIST),
        (Discipline.PSYCHOLOGY, R.THERAPIST),
        (Discipline.NEUROLOGY_HEADACHE, R.CONSULTANT),
        (Discipline.ANESTHESIOLOGY, R.CONSULTANT),
        (Discipline.OTHER_SPECIALIST, R.CONSULTANT),
    ],
)
def test_role_for_discipline(discipline: Discipline, role: CareTeamRole) -> None:
    assert ROLE_FOR_DISCIPLINE[discipline] is role
    assert default_role(discipline.value) is role


def test_default_role_unknown_discipline() -> None:
    with pytest.raises(ValidationError, match="discipline"):
        default_role("astrology")


@given(st.lists(st.sampled_from(list(CareTeamRole))))
def test_gap_properties(roles: list[CareTeamRole]) -> None:
    gaps = care_team_gaps(roles)
    assert set(gaps) == set(CORE_ROLES) - set(roles)
    assert list(gaps) == [r for r in CORE_ROLES if r in gaps]
    count = roles.count(R.COORDINATING_PHYSICIAN)
    assert (coordinator_problem(roles) is None) == (count == 1)
