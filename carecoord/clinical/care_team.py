"""Care-team completeness rules, so a patient's missing core roles are flagged.

See docs/clinical-reference.md §1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from carecoord.clinical.vocabulary import CORE_ROLES, CareTeamRole, Discipline
from carecoord.errors import ValidationError

ROLE_FOR_DISCIPLINE: Final[dict[Discipline, CareTeamRole]] = {
    Discipline.PAIN_MEDICINE: CareTeamRole.COORDINATING_PHYSICIAN,
    Discipline.PHYSICAL_REHABILITATION: CareTeamRole.REHABILITATION_SPECIALIST,
    Discipline.PSYCHIATRY: CareTeamRole.PSYCHIATRIST,
    Discipline.NEUROLOGY_HEADACHE: CareTeamRole.CONSULTANT,
    Discipline.ANESTHESIOLOGY: CareTeamRole.CONSULTANT,
    Discipline.NEUROSURGERY: CareTeamRole.CONSULTANT,
    Discipline.INTERNAL_MEDICINE: CareTeamRole.CONSULTANT,
    Discipline.PHYSICAL_THERAPY: CareTeamRole.THERAPIST,
    Discipline.PSYCHOLOGY: CareTeamRole.THERAPIST,
    Discipline.SOCIAL_WORK: CareTeamRole.THERAPIST,
    Discipline.OCCUPATIONAL_HEALTH: CareTeamRole.CONSULTANT,
    Discipline.COMPLEMENTARY_MEDICINE: CareTeamRole.THERAPIST,
    Discipline.PAIN_REHABILITATION_PROGRAM: CareTeamRole.CONSULTANT,
    Discipline.OTHER_SPECIALIST: CareTeamRole.CONSULTANT,
}
"""The role a member of each discipline normally fills (a default the user may change).

Therapists are those who deliver a course of sessions: physical therapy, psychology,
social work (counselling) and complementary medicine (acupuncture, chiropractic);
everyone else outside the core roles gives a consultant's opinion."""


def _roles(active_roles: Iterable[CareTeamRole | str]) -> list[CareTeamRole]:
    roles = []
    for role in active_roles:
        try:
            roles.append(CareTeamRole(role))
        except ValueError:
            raise ValidationError("role", f"unknown care-team role {role!r}") from None
    return roles


def care_team_gaps(active_roles: Iterable[CareTeamRole | str]) -> tuple[CareTeamRole, ...]:
    """List the core roles nobody active fills.

    Args:
        active_roles: The roles of the patient's active team members (repeats allowed).

    Returns:
        The missing core roles, in :data:`CORE_ROLES` order.

    Raises:
        ValidationError: An unknown role.
    """
    present = set(_roles(active_roles))
    return tuple(role for role in CORE_ROLES if role not in present)


def coordinator_problem(active_roles: Iterable[CareTeamRole | str]) -> str | None:
    """Describe what is wrong with the team's coordinating physician, if anything.

    Args:
        active_roles: The roles of the patient's active team members.

    Returns:
        None when exactly one coordinating physician is active, otherwise a
        sentence for the user.

    Raises:
        ValidationError: An unknown role.
    """
    count = _roles(active_roles).count(CareTeamRole.COORDINATING_PHYSICIAN)
    if count == 1:
        return None
    if count == 0:
        return "No coordinating physician: assign exactly one."
    return f"{count} coordinating physicians: exactly one should coordinate care."


def default_role(discipline: Discipline | str) -> CareTeamRole:
    """Return the role a member of ``discipline`` normally fills.

    Args:
        discipline: The member's discipline.

    Returns:
        The role from :data:`ROLE_FOR_DISCIPLINE`.

    Raises:
        ValidationError: An unknown discipline.
    """
    try:
        return ROLE_FOR_DISCIPLINE[Discipline(discipline)]
    except ValueError:
        raise ValidationError("discipline", f"unknown discipline {discipline!r}") from None
