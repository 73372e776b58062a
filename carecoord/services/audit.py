"""Writes audit events: who did what to which record, in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import DataCategory
from carecoord.models import AuditEvent
from carecoord.services.actor import Actor

# Built once: constructing an INSERT per event costs more than executing it.
_INSERT = insert(AuditEvent)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    patient_id: int | None = None,
    category: DataCategory = DataCategory.GENERAL,
    detail: str | None = None,
) -> None:
    """Write one audit event in ``session``'s transaction: it commits or rolls back with the
    change itself. A direct INSERT, so auditing a keystroke-driven search stays cheap."""
    session.connection().execute(
        _INSERT,
        {
            "user_id": actor.user_id,
            "username": actor.username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "patient_id": patient_id,
            "data_category": category.value,
            "detail": detail,
        },
    )
