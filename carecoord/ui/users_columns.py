"""The columns every list of the clinic's accounts shares (Settings and the users dialog)."""

from __future__ import annotations

from carecoord.services.users import UserView
from carecoord.ui.kit.table import Column


def signed_in_text(user: UserView) -> str:
    """The last sign-in in the workstation's time zone, or "never"."""
    if user.last_sign_in is None:
        return "never"
    return user.last_sign_in.astimezone().strftime("%Y-%m-%d %H:%M")


def user_columns(*middle: Column) -> tuple[Column, ...]:
    """User name, full name and role, then ``middle``, then the last sign-in."""
    return (
        Column("User name", lambda u: u.username),
        Column("Full name", lambda u: u.full_name),
        Column("Role", lambda u: u.role.label),
        *middle,
        Column("Last sign-in", signed_in_text),
    )
