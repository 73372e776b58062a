"""Break-glass access: a designated user's emergency reading of every clinical category
(never psychotherapy notes), for a limited time, with a reason kept and audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import BreakGlassReason, User, utcnow
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.paging import page_limit
from carecoord.services.permissions import ALL_CLINICAL, Action, allowed
from carecoord.services.unit_of_work import unit_of_work
from carecoord.services.users import (
    BREAK_GLASS_MINUTES,
    ENTITY,
    MAX_BREAK_GLASS_MINUTES,
    MIN_BREAK_GLASS_REASON,
)


@service
def may_break_glass(db: Database, actor: Actor) -> bool:
    """Whether this user was designated for emergency access (and the account is active)."""
    if actor.user_id is None:
        return False
    with unit_of_work(db, actor) as uow:  # the user's own account, no patient: no read record
        user = uow.session.get(User, actor.user_id)
        return bool(user is not None and user.active and user.break_glass_allowed)


@service
def start_break_glass(
    db: Database,
    actor: Actor,
    reason: str,
    *,
    minutes: int = BREAK_GLASS_MINUTES,
    now: datetime | None = None,
) -> Actor:
    """Emergency access: the returned Actor may read every clinical category (not
    psychotherapy notes) until the time runs out. Audited with the reason.

    Raises:
        ValidationError: no reason (``reason``) or a duration out of range (``minutes``).
        PermissionDenied: the user is not designated for break-glass access.
    """
    why = v.required_text(reason, "reason", max_length=500, multiline=True)
    if len(why) < MIN_BREAK_GLASS_REASON:
        raise ValidationError("reason", f"say why in at least {MIN_BREAK_GLASS_REASON} characters")
    length = v.integer(
        minutes, "minutes", minimum=1, maximum=MAX_BREAK_GLASS_MINUTES, required=True
    )
    assert length is not None
    moment = now or utcnow()
    with unit_of_work(db, actor, write=True) as uow:
        user = uow.session.get(User, actor.user_id) if actor.user_id is not None else None
        if user is None or not user.active or not user.break_glass_allowed:
            raise PermissionDenied(
                actor.role.label.lower(), "use break-glass access to", "restricted"
            )
        until = moment + timedelta(minutes=length)
        uow.audit(
            "break_glass",
            ENTITY,
            user.id,
            detail=f"{length} min until {until:%Y-%m-%d %H:%M} UTC (reason kept separately)",
        )
        uow.session.add(
            BreakGlassReason(user_id=user.id, started_at=moment, until=until, reason=why)
        )
        uow.commit()
    return replace(actor, break_glass_until=until)


@dataclass(frozen=True)
class BreakGlassReasonView:
    id: int
    user_id: int
    username: str
    started_at: datetime
    until: datetime
    reason: str


def may_review_break_glass(who: Actor | UserRole) -> bool:
    """Reasons describe patients: only a role that reads clinical data of every category
    reviews them (break-glass itself does not count)."""
    role = who if isinstance(who, UserRole) else who.role
    return all(allowed(role, Action.READ_CLINICAL, c) for c in ALL_CLINICAL)


@service
def break_glass_reasons(
    db: Database, actor: Actor, *, limit: int = 200
) -> list[BreakGlassReasonView]:
    """The stated reasons of emergency access, newest first (an audited read).

    Raises:
        PermissionDenied: the role may not read clinical data of every category.
    """
    if not may_review_break_glass(actor):
        raise PermissionDenied(
            actor.role.label.lower(), "review break-glass reasons of", "restricted"
        )
    with unit_of_work(db, actor) as uow:
        rows = uow.session.execute(
            select(BreakGlassReason, User.username)
            .join(User, User.id == BreakGlassReason.user_id)
            .order_by(BreakGlassReason.id.desc())
            .limit(page_limit(limit, 1000))
        ).all()
        uow.audit_read("Break-glass reason", detail=f"{len(rows)} reasons")
        return [
            BreakGlassReasonView(r.id, r.user_id, name, r.started_at, r.until, r.reason)
            for r, name in rows
        ]


def end_break_glass(db: Database, actor: Actor, *, expired: bool = False) -> Actor:
    """End emergency access (ended by the user, or ``expired``); audited."""
    if actor.break_glass_until is None:
        return actor
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit(
            "break_glass_end",
            ENTITY,
            actor.user_id,
            detail="time limit reached" if expired else "ended by the user",
        )
        uow.commit()
    return replace(actor, break_glass_until=None)
