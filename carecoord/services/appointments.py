"""Appointments as calendar files (.ics): the audited read behind "Add to calendar…".

Only logistics leave: the date, who is seen, where, the reference number and the clinic.
A calendar syncs to phones and cloud services, so no diagnosis, reason, discipline or
activity description ever goes into the event (carecoord/exchange/calendar.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
from carecoord.exchange.calendar import Appointment, activity_uid, build_ics, referral_uid
from carecoord.models import PlanActivity, Referral, TeamMember, TreatmentPlan
from carecoord.services.actor import Actor
from carecoord.services.common import is_record_id, service
from carecoord.services.permissions import Action, allowed, referral_category, require
from carecoord.services.reference import ensure_reference
from carecoord.services.settings import ClinicSettings, load_settings
from carecoord.services.unit_of_work import unit_of_work


def _place(member: TeamMember | None) -> str:
    if member is None:
        return ""
    parts = [member.organisation or "", *(member.address or "").splitlines()]
    return ", ".join(p.strip() for p in parts if p.strip())


def _clinic(settings: ClinicSettings) -> str:
    return " · ".join(p for p in (settings.clinic_name, settings.phone) if p)


def file_name_for_referral(reference: str) -> str:
    """What the save dialog suggests: the reference, never the patient's name."""
    return f"appointment-{reference or 'referral'}.ics"


@service
def referral_calendar(db: Database, actor: Actor, referral_id: int) -> tuple[str, bytes]:
    """A booked referral appointment as an .ics file, and the file name to suggest.

    Anyone who may see the referral (its clinical content or its logistics) may put its
    appointment in a calendar. Audited as an export of the referral.

    Raises:
        NotFound: No such referral.
        PermissionDenied: The role may neither read nor handle this referral.
        ValidationError: No appointment is booked (field ``appointment_date``).
    """
    with unit_of_work(db, actor, write=True) as uow:
        row = (
            uow.session.scalar(
                select(Referral)
                .where(Referral.id == referral_id)
                .options(joinedload(Referral.recipient))
            )
            if is_record_id(referral_id)
            else None
        )
        if row is None:
            raise NotFound("Referral", referral_id)
        category = referral_category(row.discipline, row.sensitive)
        if not (
            allowed(actor, Action.READ_CLINICAL, category)
            or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        ):
            raise PermissionDenied(actor.role.label.lower(), "read", category.label.lower())
        if row.appointment_date is None:
            raise ValidationError("appointment_date", "no appointment is booked yet")
        reference = ensure_reference(uow.session, row)
        member = row.recipient
        appointment = Appointment(
            uid=referral_uid(row.id),
            sequence=row.version,
            day=row.appointment_date,
            with_whom=member.display_name if member else "the specialist",
            location=_place(member),
            contact=(member.phone or "") if member else "",
            reference=reference,
            clinic=_clinic(load_settings(uow.session)),
        )
        data = build_ics([appointment], stamp=datetime.now(UTC))
        uow.audit(
            "export",
            "Referral",
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail="appointment calendar file",
        )
        uow.commit()
    return file_name_for_referral(reference), data


@service
def activity_calendar(db: Database, actor: Actor, activity_id: int) -> tuple[str, bytes]:
    """A plan activity's start as an .ics file, and the file name to suggest.

    Whoever may read treatment plans may put an activity in a calendar; only its date,
    the responsible member and where they work leave (never the modality or description).

    Raises:
        NotFound: No such activity.
        PermissionDenied: The role may not read treatment plans.
    """
    require(actor, Action.READ_CLINICAL)
    with unit_of_work(db, actor, write=True) as uow:
        row = (
            uow.session.scalar(
                select(PlanActivity)
                .where(PlanActivity.id == activity_id)
                .options(joinedload(PlanActivity.responsible))
            )
            if is_record_id(activity_id)
            else None
        )
        if row is None:
            raise NotFound("Plan activity", activity_id)
        plan = uow.session.get(TreatmentPlan, row.plan_id)
        assert plan is not None  # the foreign key holds
        member = row.responsible
        appointment = Appointment(
            uid=activity_uid(row.id),
            sequence=row.version,
            day=row.start_on,
            with_whom=member.display_name if member else "the care team",
            location=_place(member),
            contact=(member.phone or "") if member else "",
            clinic=_clinic(load_settings(uow.session)),
        )
        data = build_ics([appointment], stamp=datetime.now(UTC))
        uow.audit(
            "export",
            "Treatment plan",
            plan.id,
            patient_id=plan.patient_id,
            detail=f"calendar file for activity {row.id}",
        )
        uow.commit()
    return f"plan-activity-{row.id}.ics", data
