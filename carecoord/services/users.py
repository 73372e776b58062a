"""User accounts: argon2id hashes, roles, sign-in with lockout, locking (break-glass: its module).

Every change to who may do what (an account created, a role changed, an account turned off
or on, a password reset, a break-glass designation) is audited as a ``permission_change``;
sign-in, failed sign-in, lockout, lock, unlock and break-glass each write their own event.
Functions that depend on the time take ``now`` so tests need not sleep.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import Setting, SignInFailure, TeamMember, User, utcnow
from carecoord.services import audit
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import load, moved_names, service
from carecoord.services.permissions import Action, require
from carecoord.services.rows import view_from
from carecoord.services.unit_of_work import unit_of_work

FIELD_MEMBER = "team_member_id"  # the form's field (users_dialog.py) that shows the error

ENTITY = "User"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
# OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

# Lockout: the 5th failure in a row locks the account for 30 s, each further failure after
# the lock ends doubles the wait (60 s, 120 s, …) up to 15 minutes. A success resets it.
FAILURES_BEFORE_LOCKOUT = 5
FIRST_LOCKOUT_SECONDS = 30
MAX_LOCKOUT_SECONDS = 15 * 60

BREAK_GLASS_MINUTES = 60
MAX_BREAK_GLASS_MINUTES = 240
MIN_BREAK_GLASS_REASON = 10


class AccountLocked(CareCoordError):
    """Too many failed sign-ins: the account accepts no password until ``until``."""

    def __init__(self, until: datetime, now: datetime) -> None:
        self.until = until
        self.seconds_left = max(1, int((until - now).total_seconds() + 0.999))
        super().__init__(
            "Too many failed sign-ins: this account is locked. "
            f"Try again in {wait_text(self.seconds_left)}."
        )


def wait_text(seconds: int) -> str:
    """ "45 seconds", "2 minutes", "1 minute 30 seconds" for people reading a lockout."""
    minutes, rest = divmod(max(0, seconds), 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if rest or not minutes:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


def lockout_seconds(failed_attempts: int) -> int:
    """How long the account stays locked after this many failures in a row (0: not locked)."""
    if failed_attempts < FAILURES_BEFORE_LOCKOUT:
        return 0
    doublings = min(failed_attempts - FAILURES_BEFORE_LOCKOUT, 16)
    return min(FIRST_LOCKOUT_SECONDS * 2**doublings, MAX_LOCKOUT_SECONDS)


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
    break_glass_allowed: bool = False
    locked_until: datetime | None = None


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


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.team_member_id, user.full_name)


def view_of(user: User) -> UserView:
    return view_from(UserView, user)


def validate_password(password: object, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(field, f"must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


def _username(value: object) -> str:
    name = v.required_text(value, "username", max_length=64).lower()
    if not all(c.isalnum() or c in "._-" for c in name):
        raise ValidationError("username", "may hold only letters, digits, dots, - and _")
    return name


@service
def create_user(
    db: Database,
    actor: Actor | None,
    *,
    username: str,
    full_name: str,
    password: str,
    role: UserRole | str,
    team_member_id: int | None = None,
    break_glass_allowed: bool = False,
) -> UserView:
    """Create an account. With ``actor`` None only the very first account may be created
    (the administrator set up on first run)."""
    name = _username(username)
    full = v.required_text(full_name, "full_name", max_length=160)
    chosen = v.choice(role, UserRole, "role")
    secret = validate_password(password)
    designated = v.flag(break_glass_allowed, "break_glass_allowed")
    with unit_of_work(db, actor, write=True) as uow:
        if actor is None:
            if uow.session.scalar(select(User.id).limit(1)) is not None:
                raise ValidationError("username", "only an administrator may add users")
            if chosen != UserRole.ADMINISTRATOR:
                raise ValidationError("role", "the first account must be an administrator")
        else:
            require(actor, Action.MANAGE_USERS)
        if uow.session.scalar(select(User.id).where(User.username == name)) is not None:
            raise ValidationError("username", f"{name} is already taken")
        _check_member_link(uow.session, team_member_id, None)
        user = User(
            username=name,
            full_name=full,
            password_hash=hash_password(secret),
            role=chosen,
            team_member_id=team_member_id,
            break_glass_allowed=designated,
            updated_by=actor.username if actor else name,
        )
        uow.session.add(user)
        uow.session.flush()
        uow.actor = actor or actor_of(user)  # the first account audits its own creation
        detail = f"account created, role {chosen.value}"
        if designated:
            detail += ", may use break-glass access"
        uow.audit("permission_change", ENTITY, user.id, detail=detail)
        uow.commit()
        return view_of(user)


# ------------------------------------------------------------------------ signing in
UNKNOWN_USER = "(unknown user)"
"""The user name audited for a sign-in under a name no account has (it may be a password)."""
_SALT_KEY = "sign_in_name_salt"


def _name_key(session: Session, name: str) -> str:
    """A salted SHA-256 of a typed user name; the salt is made once per database."""
    salt = session.get(Setting, _SALT_KEY)
    if salt is None:
        postgres = session.get_bind().dialect.name == "postgresql"
        insert = pg_insert if postgres else sqlite_insert
        session.execute(
            insert(Setting)
            .values(key=_SALT_KEY, value=secrets.token_hex(16))
            .on_conflict_do_nothing()
        )
        salt = session.get(Setting, _SALT_KEY, populate_existing=True)
    assert salt is not None
    return hashlib.sha256(f"{salt.value}:{name}".encode()).hexdigest()


@dataclass(frozen=True)
class _Claim:
    """One reserved password check: the attempt's number and the lock it set (if any)."""

    attempts: int
    until: datetime | None


def _claim(
    session: Session, model: type[User] | type[SignInFailure], where: Any, who: Actor, now: datetime
) -> _Claim:
    """Reserve one password check, counting it as a failure before the slow hash is checked.

    The counter row is locked (``FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` serialises
    SQLite) and raised in one transaction, and the attempt that reaches the limit sets the
    lock at once: parallel guesses cannot all read "4 failures" and each be checked.
    Commits.

    Raises:
        AccountLocked: the counter is locked now (the attempt is refused unchecked; audited).
    """
    row = session.execute(
        select(model.failed_attempts, model.locked_until)
        .where(where)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: audit rows may still refer to it
    ).one()
    if row.locked_until is not None and now < row.locked_until:
        entity_id = who.user_id
        audit.record(session, who, "sign_in_failed", ENTITY, entity_id, detail="account locked")
        session.commit()
        raise AccountLocked(row.locked_until, now)
    attempts = (row.failed_attempts or 0) + 1
    wait = lockout_seconds(attempts)
    until = now + timedelta(seconds=wait) if wait else None
    session.execute(update(model).where(where).values(failed_attempts=attempts, locked_until=until))
    session.commit()
    return _Claim(attempts, until)


def _failed(db: Database, who: Actor, claim: _Claim, now: datetime, detail: str | None) -> None:
    """Audit a wrong password; raise AccountLocked when this attempt locked the counter."""
    with unit_of_work(db, who, write=True) as uow:
        uow.audit("sign_in_failed", ENTITY, who.user_id, detail=detail)
        if claim.until is not None:
            uow.audit(
                "lockout",
                ENTITY,
                who.user_id,
                detail=f"{claim.attempts} failed attempts; locked for "
                f"{lockout_seconds(claim.attempts)} s",
            )
        uow.commit()
    if claim.until is not None:
        raise AccountLocked(claim.until, now)


def _check_password(db: Database, user_id: int, password: str, now: datetime) -> User | None:
    """The account if ``password`` is its password and it is active, else None; every
    attempt counts toward the lockout until a success resets it (see :func:`_claim`).

    Raises:
        AccountLocked: the account is locked now (a correct password does not help) or this
            failure locked it.
    """
    with db.session(write=True) as session:
        user = load(session, User, user_id, "User")
        session.expunge(user)
        claim = _claim(session, User, User.id == user_id, actor_of(user), now)
    # Hash first: a turned-off account takes as long to refuse as a wrong password.
    if verify_password(user.password_hash, password) and user.active:
        return user
    _failed(db, actor_of(user), claim, now, None)
    return None


def _unknown_name(db: Database, name: str, password: str, now: datetime) -> None:
    """A sign-in under a name no account has: counted and locked like a real account, as
    slow as a real check, and audited without the name (it may be a password).

    Raises:
        AccountLocked: as for a real account.
    """
    who = Actor(None, UNKNOWN_USER, UserRole.FRONT_DESK)
    with db.session(write=True) as session:
        key = _name_key(session, name)
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(SignInFailure).values(name_key=key, failed_attempts=0).on_conflict_do_nothing()
        )
        claim = _claim(session, SignInFailure, SignInFailure.name_key == key, who, now)
    verify_password(_dummy_hash(), password)  # the same time as a real account
    _failed(db, who, claim, now, f"unknown user name, key {key[:12]}")


def _succeeded(session: Session, user: User, password: str, **more: object) -> None:
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None, **more}
    if "password_hash" not in values and _hasher().check_needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)  # stronger parameters since
    session.execute(update(User).where(User.id == user.id).values(**values))


def authenticate(
    db: Database, username: str, password: str, *, now: datetime | None = None
) -> Actor | None:
    """The Actor for valid credentials of an active account, else None (both audited).

    Raises:
        AccountLocked: after 5 failures in a row, for a wait that grows with every further
            failure; it names how long to wait. Unknown user names lock the same way.
    """
    moment = now or utcnow()
    name = (username or "").strip().lower()
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.username == name))
    if user_id is None:
        _unknown_name(db, name, password or "", moment)
        return None
    user = _check_password(db, user_id, password or "", moment)
    if user is None:
        return None
    with unit_of_work(db, None, write=True) as uow:
        _succeeded(uow.session, user, password, last_sign_in=moment)
        uow.actor = actor = actor_of(user)
        uow.audit("sign_in", ENTITY, user.id)
        uow.commit()
        return actor


def record_lock(db: Database, actor: Actor, *, reason: str = "idle") -> None:
    """Audit that the workstation locked this user's session."""
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit("lock", ENTITY, actor.user_id, detail=reason)
        uow.commit()


@service
def unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> bool:
    """Whether ``password`` is the signed-in user's; a failure counts toward the lockout.

    Raises:
        AccountLocked: as for ``authenticate``.
    """
    moment = now or utcnow()
    user = _check_password(db, actor.user_id or 0, password or "", moment)
    if user is None:
        return False
    with unit_of_work(db, actor, write=True) as uow:
        _succeeded(uow.session, user, password)
        uow.audit("unlock", ENTITY, user.id)
        uow.commit()
        return True


@service
def change_password(
    db: Database, actor: Actor, *, current: str, new: str, now: datetime | None = None
) -> None:
    """Change one's own password; the current one is required (and counts toward lockout).

    Raises:
        ValidationError: ``current`` is wrong, or ``new`` is too short, too long or unchanged.
        AccountLocked: too many wrong current passwords.
    """
    secret = validate_password(new, "new_password")
    if secret == current:
        raise ValidationError("new_password", "must differ from the current password")
    moment = now or utcnow()
    user = _check_password(db, actor.user_id or 0, current or "", moment)
    if user is None:
        raise ValidationError("current_password", "is not your current password")
    with unit_of_work(db, actor, write=True) as uow:
        _succeeded(uow.session, user, current, password_hash=hash_password(secret))
        uow.audit("password_change", ENTITY, user.id, detail="own password")
        uow.commit()


# ------------------------------------------------------------------ administration
def has_users(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(User.id).limit(1)) is not None


@service
def list_users(db: Database, actor: Actor) -> list[UserView]:
    require(actor, Action.MANAGE_USERS)
    with db.session() as session:
        return [view_of(u) for u in session.scalars(select(User).order_by(User.username))]


@service
def get_user(db: Database, actor: Actor, user_id: int) -> UserView:
    require(actor, Action.MANAGE_USERS)
    with db.session() as session:
        return view_of(load(session, User, user_id, "User"))


def _other_active_admins(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == UserRole.ADMINISTRATOR, User.active, User.id != user_id)
        )
        or 0
    )


def _check_member_link(session: Session, member_id: int | None, user_id: int | None) -> None:
    """One account per directory entry, and only an active one: "my patients", reviews
    and letters all follow this link, so two accounts on one member would mix people."""
    if member_id is None:
        return
    member = session.get(TeamMember, member_id)
    if member is None:
        raise ValidationError(FIELD_MEMBER, "no such team member")
    if not member.active:
        raise ValidationError(FIELD_MEMBER, f"{member.display_name} is inactive")
    other = session.scalar(
        select(User.username).where(User.team_member_id == member_id, User.id != user_id)
        if user_id is not None
        else select(User.username).where(User.team_member_id == member_id)
    )
    if other is not None:
        raise ValidationError(
            FIELD_MEMBER, f"{member.display_name} is already linked to the account {other}"
        )


def _keep_an_administrator(session: Session, user: User, field: str) -> None:
    """Refuse to leave the clinic without an active administrator (nobody could fix it)."""
    if (
        user.role == UserRole.ADMINISTRATOR
        and user.active
        and not _other_active_admins(session, user.id)
    ):
        raise ValidationError(field, "the clinic needs at least one active administrator")


@service
def update_user(
    db: Database,
    actor: Actor,
    user_id: int,
    *,
    full_name: str,
    role: UserRole | str,
    team_member_id: int | None,
    break_glass_allowed: bool,
    expected_version: int,
) -> UserView:
    """Change an account's name, role, directory link and break-glass designation."""
    require(actor, Action.MANAGE_USERS)
    full = v.required_text(full_name, "full_name", max_length=160)
    chosen = v.choice(role, UserRole, "role")
    designated = v.flag(break_glass_allowed, "break_glass_allowed")
    with unit_of_work(db, actor, write=True) as uow:
        user = uow.load_for_change(User, user_id, ENTITY, expected_version)
        if team_member_id != user.team_member_id:  # a kept link may be to a retired member
            _check_member_link(uow.session, team_member_id, user.id)
        if chosen != user.role:
            _keep_an_administrator(uow.session, user, "role")
        changes = []
        if chosen != user.role:
            changes.append(f"role {user.role.value} -> {chosen.value}")
        if designated != user.break_glass_allowed:
            changes.append("break-glass " + ("allowed" if designated else "withdrawn"))
        if full != user.full_name:
            changes.append("full name")
        if team_member_id != user.team_member_id:
            changes.append("team member link")
        if not changes:
            return view_of(user)
        user.full_name = full
        user.role = chosen
        user.team_member_id = team_member_id
        user.break_glass_allowed = designated
        uow.commit_change(user, "permission_change", ENTITY, detail="; ".join(changes))
        return view_of(user)


@service
def set_user_active(
    db: Database, actor: Actor, user_id: int, active: bool, *, expected_version: int
) -> UserView:
    """Turn an account off (nobody can sign in with it; its history stays) or on again."""
    require(actor, Action.MANAGE_USERS)
    wanted = v.flag(active, "active")
    with unit_of_work(db, actor, write=True) as uow:
        user = uow.load_for_change(User, user_id, ENTITY, expected_version)
        if user.active == wanted:
            return view_of(user)
        if not wanted:
            _keep_an_administrator(uow.session, user, "active")
        user.active = wanted
        detail = "account reactivated" if wanted else "account deactivated"
        uow.commit_change(user, "permission_change", ENTITY, detail=detail)
        return view_of(user)


@service
def reset_password(
    db: Database, actor: Actor, user_id: int, password: str, *, expected_version: int
) -> UserView:
    """An administrator sets a new password (the user forgot theirs); clears a lockout."""
    require(actor, Action.MANAGE_USERS)
    secret = validate_password(password)
    with unit_of_work(db, actor, write=True) as uow:
        user = uow.load_for_change(User, user_id, ENTITY, expected_version)
        user.password_hash = hash_password(secret)
        user.failed_attempts = 0
        user.locked_until = None
        uow.commit_change(user, "permission_change", ENTITY, detail="password reset")
        return view_of(user)


# Break-glass access moved to services/break_glass.py; its names are still found here.
__getattr__ = moved_names(
    __name__,
    "carecoord.services.break_glass",
    "may_break_glass",
    "start_break_glass",
    "BreakGlassReasonView",
    "may_review_break_glass",
    "break_glass_reasons",
    "end_break_glass",
)
