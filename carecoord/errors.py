"""The domain errors every layer speaks; anything else reaching the UI is a bug."""

from __future__ import annotations

from datetime import datetime


class CareCoordError(Exception):
    """Base of every error a person is meant to read."""


class ValidationError(CareCoordError, ValueError):
    """Input broke a rule; ``field`` names the input so the UI can show it beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValidationErrors(ValidationError):
    """Several fields broke rules at once, so a form can show every error beside its field.

    It is a ValidationError naming the first of them, so callers that show one still work.
    """

    def __init__(self, errors: list[ValidationError]) -> None:
        if not errors:
            raise ValueError("ValidationErrors needs at least one error")
        super().__init__(errors[0].field, errors[0].message)
        self.args = ("; ".join(f"{e.field}: {e.message}" for e in errors),)
        self.errors = list(errors)


class NotFound(CareCoordError, LookupError):
    """The record asked for does not exist (or was removed meanwhile)."""

    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__(f"{entity} {entity_id} was not found")
        self.entity = entity
        self.entity_id = entity_id


class PermissionDenied(CareCoordError):
    """The acting user's role may not do this to this kind of data."""

    def __init__(self, role: str, action: str, category: str) -> None:
        super().__init__(f"A {role} may not {action} {category} information")
        self.role = role
        self.action = action
        self.category = category


class ConflictError(CareCoordError):
    """Someone else saved the record after it was read (optimistic locking)."""

    def __init__(
        self, entity: str, entity_id: object, changed_by: str | None, changed_at: datetime | None
    ) -> None:
        who = changed_by or "another user"
        when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if changed_at else ""
        super().__init__(
            f"{entity} {entity_id} was changed by {who}{when} after you opened it; "
            "reload to see their changes"
        )
        self.entity = entity
        self.entity_id = entity_id
        self.changed_by = changed_by
        self.changed_at = changed_at


class IllegalTransition(CareCoordError):
    """A referral cannot move from one state to the other."""

    def __init__(self, from_state: str, to_state: str) -> None:
        super().__init__(f"A referral cannot go from '{from_state}' to '{to_state}'")
        self.from_state = from_state
        self.to_state = to_state


class ConfigurationError(CareCoordError):
    """The database location or settings cannot be used as given."""


class AccountChanged(PermissionDenied):
    """The signed-in account was turned off or its role changed since signing in."""

    def __init__(self, what: str) -> None:
        CareCoordError.__init__(
            self, f"Your account was {what} by an administrator: sign in again to continue."
        )
        self.role = "former"
        self.action = "use"
        self.category = "any"


class TemporaryFailure(CareCoordError):
    """The database could not do it just now (busy, or its disk is full); nothing was saved,
    and the same action may be retried."""

    retryable = True
