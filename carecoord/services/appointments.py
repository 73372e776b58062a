"""Appointments as calendar files (.ics): the audited read behind "Add to calendar…".

Only logistics leave: the date, who is seen, where, the reference number and the clinic.
A calendar syncs to phones and cloud services, so no diagnosis, reason, discipline or
activity description ever goes into the event (carecoord/exchange/calendar.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session, joinedload

from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.exchange.calendar import Appointment, activity_uid, build_ics, referral_uid
from carecoord.models import PlanActivity, Referral, TeamMember, TreatmentPlan
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.permissions import Action, allowed, referral_category, require
from carecoord.services.reference import ensure_reference
from carecoord.services.rows import load_with
from carecoord.services.settings import ClinicSettings, load_settings
from carecoord.services.unit_of_work import unit_of_work


def _place(member: TeamMember | None) -> str:
    if member is None:
        return ""
    parts = [member.organisation or "", *(member.address or "").splitlines()]
    return ", ".join(p.strip() for p in parts if p.strip())


def _clinic(settings: ClinicSettings) -> str:
    return " · ".join(p for p in (settings.clinic_name, settings.phone) if p)


def _calendar_file(
    session: Session, booked: Appointment, member: TeamMember | None, reference: str = ""
) -> bytes:
    """The .ics of ``booked`` (its ``with_whom`` says who when no member is named) with the
    member's place and phone, the reference and the clinic: logistics only."""
    appointment = replace(
        booked,
        with_whom=member.display_name if member else booked.with_whom,
        location=_place(member),
        contact=(member.phone or "") if member else "",
        reference=reference,
        clinic=_clinic(load_settings(session)),
    )
    return build_ics([appointment], stamp=datetime.now(UTC))


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
        row = load_with(
            uow.session, Referral, referral_id, "Referral", joinedload(Referral.recipient)
        )
        category = referral_category(row.discipline, row.sensitive)
        if not (
            allowed(actor, Action.READ_CLINICAL, category)
            or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        ):
            raise PermissionDenied(actor.role.label.lower(), "read", category.label.lower())
        if row.appointment_date is None:
            raise ValidationError("appointment_date", "no appointment is booked yet")
        reference = ensure_reference(uow.session, row)
        data = _calendar_file(
            uow.session,
            Appointment(referral_uid(row.id), row.version, row.appointment_date, "the specialist"),
            row.recipient,
            reference,
        )
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
        row = load_with(
            uow.session,
            PlanActivity,
            activity_id,
            "Plan activity",
            joinedload(PlanActivity.responsible),
        )
        plan = uow.session.get(TreatmentPlan, row.plan_id)
        assert plan is not None  # the foreign key holds
        data = _calendar_file(
            uow.session,
            Appointment(activity_uid(row.id), row.version, row.start_on, "the care team"),
            row.responsible,
        )
        uow.audit(
            "export",
            "Treatment plan",
            plan.id,
            patient_id=plan.patient_id,
            detail=f"calendar file for activity {row.id}",
        )
        uow.commit()
    return f"plan-activity-{row.id}.ics", data
