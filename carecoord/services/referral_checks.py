"""The referral request's field rules, every bad field reported at once.

A referral form has a dozen fields on two tabs; reporting only the first bad one made a
person save, fix, save again for each. :func:`request_values` runs every rule and raises
one ``ValidationErrors`` naming each bad field (a plain ``ValidationError`` when only one
is bad), as the goal, activity and medication forms do (``validation.Collector``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import Discipline, Expectation, Priority
from carecoord.errors import ValidationError
from carecoord.models import TeamMember
from carecoord.services import validation as v
from carecoord.services.referral_views import ReferralInput


def _member(session: Session, member_id: object, field: str) -> TeamMember | None:
    """The directory member ``member_id`` names (None for none); ValidationError if absent."""
    if member_id is None:
        return None
    member = session.get(TeamMember, member_id) if isinstance(member_id, int) else None
    if member is None:
        raise ValidationError(field, "is not in the team directory")
    return member


def _recipient(
    session: Session, member_id: object, discipline: Discipline | None
) -> TeamMember | None:
    """The recipient, active and (when the discipline is valid) of that discipline."""
    recipient = _member(session, member_id, "recipient")
    if recipient is None:
        return None
    if discipline is not None and recipient.discipline != discipline:
        raise ValidationError(
            "recipient", f"{recipient.display_name} is not in {discipline.label.lower()}"
        )
    if not recipient.active:
        raise ValidationError("recipient", f"{recipient.display_name} is no longer active")
    return recipient


def request_values(session: Session, data: ReferralInput) -> dict[str, Any]:
    """Column values for the clinical request; ValidationError(s) naming every bad field."""
    errors = v.Collector()
    discipline = errors.check(lambda: v.choice(data.discipline, Discipline, "discipline"))
    priority = errors.check(lambda: v.choice(data.priority, Priority, "priority"))
    priority_reason = errors.check(
        lambda: v.text(data.priority_reason, "priority_reason", max_length=400)
    )
    if priority not in (None, Priority.ROUTINE) and not priority_reason:
        errors.add("priority_reason", f"say why this referral is {priority.label}")
    errors.check(lambda: _recipient(session, data.recipient_member_id, discipline))
    errors.check(lambda: _member(session, data.referring_member_id, "referring_member"))
    values = errors.fields(
        {
            "expectation": lambda: v.choice(data.expectation, Expectation, "expectation"),
            "reason": lambda: v.required_text(
                data.reason, "reason", max_length=4000, multiline=True
            ),
            "clinical_question": lambda: v.text(
                data.clinical_question, "clinical_question", max_length=4000, multiline=True
            ),
            "patient_told": lambda: v.text(
                data.patient_told, "patient_told", max_length=2000, multiline=True
            ),
            "treatments_tried": lambda: v.text(
                data.treatments_tried, "treatments_tried", max_length=4000, multiline=True
            ),
            "sensitive": lambda: v.flag(data.sensitive, "sensitive"),
        }
    )
    errors.raise_any()
    return {
        **values,
        "discipline": discipline,
        "priority": priority,
        "priority_reason": priority_reason if priority != Priority.ROUTINE else None,
        "recipient_member_id": data.recipient_member_id,
        "referring_member_id": data.referring_member_id,
    }


__all__ = ["request_values"]
