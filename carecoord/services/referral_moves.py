"""Moving a referral along its workflow: the event for a target state, applying one event
with its history row and audit, and the stored values an undo puts back.

Used by :mod:`carecoord.services.referrals` and by the letters' send (one transaction).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict, Unpack

from sqlalchemy.orm import Session

from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    DataCategory,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.models import Referral, ReferralEvent
from carecoord.services import audit
from carecoord.services.actor import Actor
from carecoord.services.common import (
    today,
)
from carecoord.services.permissions import (
    referral_category,
)
from carecoord.services.referral_views import (
    ENTITY,
    S,
    facts_of,
)
from carecoord.services.unit_of_work import UnitOfWork


class EventFields(TypedDict, total=False):
    """What a history line of a referral may say besides who and what kind of move."""

    from_state: ReferralState | None
    to_state: ReferralState | None
    reason: str | None
    undo_values: str | None
    """The fields the move changed with their old values (JSON), for an undo."""
    document_id: int | None


def _event(
    session: Session, row: Referral, actor: Actor, kind: str, **fields: Unpack[EventFields]
) -> None:
    """Add the referral's history line of one move."""
    session.add(ReferralEvent(referral_id=row.id, username=actor.username, kind=kind, **fields))


def record_print(
    uow: UnitOfWork,
    row: Referral,
    category: DataCategory,
    reason: str,
    detail: str,
    *,
    document_id: int | None = None,
) -> None:
    """A letter printed, saved or reprinted: its history line and its "print" audit record
    (committed with the caller's unit)."""
    assert uow.actor is not None
    _event(uow.session, row, uow.actor, "letter", reason=reason, document_id=document_id)
    uow.audit("print", ENTITY, row.id, patient_id=row.patient_id, category=category, detail=detail)


EVENT_OF_STATE: dict[ReferralState, workflow.Event] = {
    S.SENT: workflow.Event.SEND,
    S.ACCEPTED: workflow.Event.ACCEPT,
    S.SCHEDULED: workflow.Event.SCHEDULE,
    S.SEEN: workflow.Event.SEEN,
    S.REPORT_RECEIVED: workflow.Event.REPORT,
    S.DECLINED: workflow.Event.DECLINE,
    S.CANCELLED: workflow.Event.CANCEL,
    S.ON_HOLD: workflow.Event.HOLD,
}


def event_for(
    current: ReferralState, held_from: ReferralState | None, target: ReferralState
) -> workflow.Event:
    """The real-world event that moves ``current`` to ``target`` (for state-based callers)."""
    if current == S.ON_HOLD and target == held_from:
        return workflow.Event.RESUME
    if current == S.SCHEDULED and target == S.SCHEDULED:
        return workflow.Event.RESCHEDULE
    if current == S.SCHEDULED and target == S.ACCEPTED:
        return workflow.Event.NO_SHOW
    return EVENT_OF_STATE.get(target, workflow.Event.SEND)


def _encode(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


DATE_FIELDS = frozenset(
    name for name, f in workflow.Facts.__dataclass_fields__.items() if "date" in str(f.type)
)
ENUM_FIELDS: dict[str, type[Any]] = {
    "state": ReferralState,
    "held_from": ReferralState,
    "priority": Priority,
    "sent_via": SendMethod,
}


def _decode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ENUM_FIELDS:
        return ENUM_FIELDS[name](value)
    if name in DATE_FIELDS:
        return date.fromisoformat(value)
    return value


def apply_event(
    session: Session,
    row: Referral,
    actor: Actor,
    details: workflow.Details,
    settings: workflow.Settings,
) -> workflow.Transition:
    """Apply one workflow event inside the caller's transaction (history and audit too);
    ``letters.record_sent_letter`` uses it so a letter is stored and sent atomically."""
    moved = workflow.apply(facts_of(row), details, today(), settings)
    old = {name: _encode(getattr(row, name)) for name in moved.changes}
    for name, value in moved.changes.items():
        setattr(row, name, value)
    row.updated_by = actor.username
    detail = details.reason
    if details.event is workflow.Event.SEND:
        via = row.sent_via.label.lower() if row.sent_via else "unknown"
        detail = f"sent by {via}" + (f": {details.reason}" if details.reason else "")
    elif details.event in (workflow.Event.SCHEDULE, workflow.Event.RESCHEDULE):
        booked = f"appointment {row.appointment_date.isoformat() if row.appointment_date else ''}"
        detail = booked + (f": {details.reason}" if details.reason else "")
    elif details.event is workflow.Event.NO_SHOW:
        detail = f"no-show {row.no_show_count}" + (f": {details.reason}" if details.reason else "")
    elif details.event is workflow.Event.HOLD and row.hold_review_on is not None:
        detail = f"{details.reason} (review {row.hold_review_on.isoformat()})"
    _event(
        session,
        row,
        actor,
        "transition",
        from_state=moved.from_state,
        to_state=moved.to_state,
        reason=detail,
        undo_values=json.dumps(old, sort_keys=True),
    )
    audit.record(
        session,
        actor,
        "transition",
        ENTITY,
        row.id,
        patient_id=row.patient_id,
        category=referral_category(row.discipline, row.sensitive),
        detail=f"{details.event.value}: {moved.from_state.value} -> {moved.to_state.value}",
    )
    return moved
