"""Who is acting: the signed-in user as services see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from carecoord.clinical.vocabulary import UserRole


@dataclass(frozen=True)
class Actor:
    """The acting user. ``team_member_id`` links a clinician to their directory entry.

    ``break_glass_until`` is set (by ``services.users.start_break_glass``) while the user
    has emergency access; the permission check honours it until that moment passes.
    """

    user_id: int | None
    username: str
    role: UserRole
    team_member_id: int | None = None
    full_name: str = ""
    break_glass_until: datetime | None = None

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def break_glass_active(self, now: datetime | None = None) -> bool:
        """Whether emergency access is on at ``now`` (default: this moment); it ends by itself."""
        if self.break_glass_until is None:
            return False
        return (now or datetime.now(UTC)) < self.break_glass_until


def system_actor(role: UserRole = UserRole.ADMINISTRATOR, username: str = "system") -> Actor:
    """The actor for command-line maintenance (migrations, demo data, batch jobs)."""
    return Actor(user_id=None, username=username, role=role, full_name="CareCoord (system)")
