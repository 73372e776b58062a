"""Small builders for service tests: fictional patients, members and referrals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from carecoord.db import Database
from carecoord.models import AuditEvent, Base
from carecoord.services import patients, referrals, team
from carecoord.services.actor import Actor

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def count(db: Database, model: type[Base]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [
            (e.action, e.entity)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def new_patient(
    db: Database,
    actor: Actor,
    family: str = "Ñúñez",
    given: str = "Zoë",
    born: date = date(1980, 5, 12),
    **extra: object,
) -> patients.PatientDetail:
    data = patients.PatientInput(family, given, born, "female", **extra)  # type: ignore[arg-type]
    return patients.create_patient(db, actor, data)


def new_member(
    db: Database,
    actor: Actor,
    discipline: str = "psychiatry",
    family: str = "Okafor",
    given: str = "Ada",
    **extra: object,
) -> team.MemberView:
    data = team.MemberInput(family, given, discipline, credentials="MD", **extra)  # type: ignore[arg-type]
    return team.create_member(db, actor, data)


def new_referral(
    db: Database,
    actor: Actor,
    patient_id: int,
    recipient: team.MemberView,
    **extra: object,
) -> referrals.ReferralView:
    fields: dict[str, object] = {
        "reason": "Chronic low back pain with low mood; please assess",
        "clinical_question": "Is an SNRI appropriate alongside the current plan?",
        **extra,  # a test may give its own reason and question
    }
    data = referrals.ReferralInput(
        patient_id=patient_id,
        discipline=recipient.discipline,
        recipient_member_id=recipient.id,
        **fields,  # type: ignore[arg-type]
    )
    return referrals.create_referral(db, actor, data)
