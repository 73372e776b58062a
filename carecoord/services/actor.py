"""Who is acting: the signed-in user as services see them."""

from __future__ import annotations

from dataclasses import dataclass

from carecoord.clinical.vocabulary import UserRole


@dataclass(frozen=True)
class Actor:
    """The acting user. ``team_member_id`` links a clinician to their directory entry."""

    user_id: int | None
    username: str
    role: UserRole
    team_member_id: int | None = None
    full_name: str = ""

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def system_actor(role: UserRole = UserRole.ADMINISTRATOR, username: str = "system") -> Actor:
    """The actor for command-line maintenance (migrations, demo data, batch jobs)."""
    return Actor(user_id=None, username=username, role=role, full_name="CareCoord (system)")
