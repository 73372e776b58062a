"""A clinician's home list: the patients on whose current care team their directory entry is.

The account is linked to its team member by ``users.team_member_id`` (set by the
administrator in Users); an unlinked account gets an empty, ``linked=False`` answer rather
than a refusal, so the page can say what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select

from carecoord.clinical.vocabulary import DataCategory, PatientStatus, PlanStatus, UserRole
from carecoord.db import Database
from carecoord.models import CareTeamMembership, Patient, TreatmentPlan
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "MyPatients"
# Who treats patients: the roles whose home this list is.
TREATING_ROLES = (UserRole.CLINICIAN, UserRole.PHYSICIAN)
# The plan shown: the active one, else a draft being prepared (never a finished one).
CURRENT_PLAN_STATES = (PlanStatus.ACTIVE, PlanStatus.DRAFT)


@dataclass(frozen=True)
class MyPatientRow:
    patient_id: int
    mrn: str
    display_name: str
    plan_title: str | None
    plan_status: PlanStatus | None
    next_review: date | None


@dataclass(frozen=True)
class MyPatients:
    """``linked`` is False when the account has no team member (then ``rows`` is empty);
    ``more`` says rows beyond ``limit`` exist."""

    linked: bool
    rows: tuple[MyPatientRow, ...]
    more: bool = False


@service
def my_patients(db: Database, actor: Actor, *, limit: int = 200) -> MyPatients:
    """The actor's patients by name with their current plan; one statement, audited."""
    with unit_of_work(db, actor) as uow:
        uow.require(actor.role in TREATING_ROLES, "list", "their patients'")
        member_id = actor.team_member_id
        if member_id is None:
            return MyPatients(linked=False, rows=())
        on_team = select(CareTeamMembership.patient_id).where(
            CareTeamMembership.member_id == member_id, CareTeamMembership.until.is_(None)
        )
        plan_id = (
            select(TreatmentPlan.id)
            .where(
                TreatmentPlan.patient_id == Patient.id,
                TreatmentPlan.status.in_(CURRENT_PLAN_STATES),
            )
            .order_by(
                case((TreatmentPlan.status == PlanStatus.ACTIVE, 0), else_=1),
                TreatmentPlan.started_on.desc(),
                TreatmentPlan.id.desc(),
            )
            .limit(1)
            .correlate(Patient)
            .scalar_subquery()
        )
        found = uow.session.execute(
            select(
                Patient.id,
                Patient.mrn,
                Patient.family_name,
                Patient.given_name,
                TreatmentPlan.title,
                TreatmentPlan.status,
                TreatmentPlan.review_on,
            )
            .outerjoin(TreatmentPlan, TreatmentPlan.id == plan_id)
            .where(Patient.id.in_(on_team), Patient.status == PatientStatus.ACTIVE)
            .order_by(Patient.family_name, Patient.given_name, Patient.id)
            .limit(limit + 1)
        ).all()
        rows = tuple(
            MyPatientRow(
                patient_id=r.id,
                mrn=r.mrn,
                display_name=f"{r.family_name}, {r.given_name}",
                plan_title=r.title,
                plan_status=r.status,
                next_review=r.review_on,
            )
            for r in found[:limit]
        )
        uow.audit_read(
            ENTITY, category=DataCategory.GENERAL, detail=f"member {member_id}: {len(rows)}"
        )
        return MyPatients(linked=True, rows=rows, more=len(found) > limit)
