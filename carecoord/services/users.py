"""User accounts: argon2id password hashes, roles, and turning a sign-in into an Actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import TeamMember, User, utcnow
from carecoord.services import audit
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import load
from carecoord.services.permissions import Action, require

ENTITY = "User"
MIN_PASSWORD_LENGTH = 8
# OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    role: UserRole
    team_member_id: int | None
    active: bool
    last_sign_in: datetime | None
    version: int


def _hasher():  # type: ignore[no-untyped-def]  # argon2 ships no stubs for mypy here
    from argon2 import PasswordHasher

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
    )


def hash_password(password: str) -> str:
    """An argon2id hash (salted, parameters embedded in the string)."""
    return str(_hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.team_member_id, user.full_name)


def view_of(user: User) -> UserView:
    return UserView(
        user.id,
        user.username,
        user.full_name,
        user.role,
        user.team_member_id,
        user.active,
        user.last_sign_in,
        user.version,
    )


def validate_password(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 256:
        raise ValidationError("password", "must be at most 256 characters")
    return password


def create_user(
    db: Database,
    actor: Actor | None,
    *,
    username: str,
    full_name: str,
    password: str,
    role: UserRole | str,
    team_member_id: int | None = None,
) -> UserView:
    """Create an account. With ``actor`` None only the very first account may be created
    (the administrator set up on first run)."""
    name = v.required_text(username, "username", max_length=64).lower()
    if not all(c.isalnum() or c in "._-" for c in name):
        raise ValidationError("username", "may hold only letters, digits, dots, - and _")
    full = v.required_text(full_name, "full_name", max_length=160)
    chosen = v.choice(role, UserRole, "role")
    secret = validate_password(password)
    with db.session(write=True) as session:
        if actor is None:
            if session.scalar(select(User.id).limit(1)) is not None:
                raise ValidationError("username", "only an administrator may add users")
            if chosen != UserRole.ADMINISTRATOR:
                raise ValidationError("role", "the first account must be an administrator")
        else:
            require(actor.role, Action.MANAGE_USERS)
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationError("username", f"{name} is already taken")
        if team_member_id is not None:
            load(session, TeamMember, team_member_id, "Team member")
        user = User(
            username=name,
            full_name=full,
            password_hash=hash_password(secret),
            role=chosen,
            team_member_id=team_member_id,
            updated_by=actor.username if actor else name,
        )
        session.add(user)
        session.flush()
        who = actor or actor_of(user)
        audit.record(session, who, "create", ENTITY, user.id, detail=f"role {chosen.value}")
        session.commit()
        return view_of(user)


def authenticate(db: Database, username: str, password: str) -> Actor | None:
    """The Actor for valid credentials of an active account, else None (both audited)."""
    name = (username or "").strip().lower()
    with db.session(write=True) as session:
        user = session.scalar(select(User).where(User.username == name))
        ok = user is not None and user.active and verify_password(user.password_hash, password)
        if not ok:
            if user is not None:
                user.failed_attempts += 1
            audit.record(
                session,
                Actor(user.id if user else None, name or "?", UserRole.FRONT_DESK),
                "sign_in_failed",
                ENTITY,
                user.id if user else None,
            )
            session.commit()
            return None
        assert user is not None
        user.failed_attempts = 0
        user.last_sign_in = utcnow()
        actor = actor_of(user)
        audit.record(session, actor, "sign_in", ENTITY, user.id)
        session.commit()
        return actor


def has_users(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(User.id).limit(1)) is not None


def list_users(db: Database, actor: Actor) -> list[UserView]:
    require(actor.role, Action.MANAGE_USERS)
    with db.session() as session:
        return [view_of(u) for u in session.scalars(select(User).order_by(User.username))]
