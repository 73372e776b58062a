"""Referrals created by mistake: marked "entered in error", kept for the record, hidden.

FHIR R4 gives such a request the status ``entered-in-error`` on both the ServiceRequest
and the Task (docs/clinical-reference.md §10). Cancelling would say the clinic withdrew a
real request; a referral entered in error never was one, so it leaves the worklists and
the CMS50 loop-closure measure instead, while its row, history and audit trail remain.
"""

from __future__ import annotations

from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import Referral, ReferralEvent, utcnow
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import check_version, service
from carecoord.services.permissions import Action, allowed, referral_category
from carecoord.services.referrals import ReferralView, view_of
from carecoord.services.rows import audit_update
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Referral"
EVENT_KIND = "entered_in_error"


@service
def mark_entered_in_error(
    db: Database, actor: Actor, referral_id: int, reason: str, *, expected_version: int
) -> ReferralView:
    """Mark a referral as created by mistake (wrong patient, duplicate, test entry).

    Whoever may create a referral of that kind may undo a mistaken one; the mark cannot
    be taken back (create the referral again instead). The reason is kept on the row and
    in its history, not in the audit detail.

    Args:
        db: The database.
        actor: Who marks it; needs the clinical-edit right for the referral's category.
        referral_id: The referral.
        reason: Why it was a mistake, required, at most 400 characters.
        expected_version: The version the form was opened with.

    Returns:
        The referral as it now stands.

    Raises:
        PermissionDenied: The actor may not edit this referral's clinical content.
        ValidationError: No reason, or the referral is already marked.
        ConflictError: Someone else changed the referral first.
        NotFound: No such referral.
    """
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(Referral, referral_id, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        uow.require(
            allowed(actor, Action.EDIT_CLINICAL, category), Action.EDIT_CLINICAL.value, category
        )
        why = v.required_text(reason, "reason", max_length=400)
        if row.entered_in_error_at is not None:
            raise ValidationError("referral", "is already marked as entered in error")
        check_version(row, expected_version, ENTITY)
        row.entered_in_error_at = utcnow()
        row.entered_in_error_by = actor.username
        row.entered_in_error_reason = why
        row.due_on = None  # no longer anything to chase
        row.updated_by = actor.username
        uow.session.add(
            ReferralEvent(
                referral_id=row.id,
                username=actor.username,
                kind=EVENT_KIND,
                from_state=row.state,
                to_state=row.state,
                reason=why,
            )
        )
        audit_update(uow, row, ENTITY, category=category, detail="marked entered in error")
        uow.commit(row, ENTITY)
        uow.session.refresh(row)
        return view_of(row, actor, with_events=True)


__all__ = ["mark_entered_in_error"]
