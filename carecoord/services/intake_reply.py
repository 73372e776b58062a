"""The decline reply's data from an intake item, the clinic settings and the signer.

Separate from the intake service so the letter's wording lives beside the letter
(``letters.intake_reply``) and the service stays about the workflow.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from carecoord.letters.data import PatientIdentification, Referrer
from carecoord.letters.intake_reply import IntakeReplyData, ReferringDoctor, render_reply
from carecoord.models import IntakeReferral, TeamMember
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.settings import load_settings


def reference_of(intake_id: int) -> str:
    """The number the referrer quotes back ("IN-" and the item's id)."""
    return f"IN-{intake_id:06d}"


def reply_pdf(session: Session, actor: Actor, row: IntakeReferral) -> bytes:
    """Render the reply to the referrer of ``row`` (declined), signed by ``actor``."""
    settings = load_settings(session)
    member = session.get(TeamMember, actor.team_member_id) if actor.team_member_id else None
    signer = Referrer(
        name=actor.display_name,
        credentials=member.credentials if member else None,
        role="for the pain-management team",
        phone=member.phone if member else None,
        fax=settings.fax or None,
        email=settings.email or None,
    )
    name = " ".join(p for p in (row.given_name, row.middle_name, row.family_name) if p)
    data = IntakeReplyData(
        letterhead=settings.letterhead,
        date=today(),
        to=ReferringDoctor(
            row.referrer_name,
            row.referrer_practice,
            row.referrer_phone,
            row.referrer_fax,
            row.referrer_email,
        ),
        patient=PatientIdentification(
            name, row.date_of_birth, row.referrer_mrn or "not given", row.sex.label
        ),
        received_on=row.received_on,
        reference=reference_of(row.id),
        reason_for_referral=row.reason,
        decline_reason=row.decline_reason or "",
        signer=signer,
        paper_size=settings.paper_size,
        date_format=settings.date_format,
    )
    return render_reply(data)
