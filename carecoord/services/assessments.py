"""Outcome assessments: record an instrument's answers, score them, list the trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import instruments
from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import Assessment, Patient
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.permissions import Action, allowed, assessment_category, require
from carecoord.services.rows import add_audited, view_from
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Assessment"


@dataclass(frozen=True)
class AssessmentView:
    id: int
    patient_id: int
    kind: AssessmentKind
    taken_on: date
    answers: dict[str, Any]
    total: float
    band: str
    alert: bool
    recorded_by: str


def view_of(row: Assessment) -> AssessmentView:
    return view_from(AssessmentView, row, answers=dict(row.answers))


def _alert(result: instruments.AssessmentResult) -> bool:
    """An entry that must catch the eye: PHQ-9 item 9 (thoughts of self-harm) above 0."""
    return isinstance(result, instruments.Phq9Result) and result.self_harm_flag


@service
def record_assessment(
    db: Database,
    actor: Actor,
    patient_id: int,
    kind: AssessmentKind | str,
    answers: dict[str, Any],
    *,
    taken_on: date | str | None = None,
) -> AssessmentView:
    """Score and store one instrument; bad answers raise ValidationError naming the item."""
    which = v.choice(kind, AssessmentKind, "kind")
    category = assessment_category(which.value)
    require(actor, Action.EDIT_CLINICAL, category)
    if not isinstance(answers, dict):
        raise ValidationError("answers", "must be the instrument's answers")
    result = instruments.score(which, answers)
    day = v.a_date(taken_on, "taken_on") or today()
    v.not_future(day, "taken_on", today())
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, "Patient")
        v.not_before(day, patient.date_of_birth, "taken_on", "the date of birth")
        row = Assessment(
            patient_id=patient_id,
            kind=which,
            taken_on=day,
            answers=_plain(answers),
            total=float(result.total),
            band=result.band,
            alert=_alert(result),
            recorded_by=actor.username,
            updated_by=actor.username,
        )
        add_audited(uow, row, ENTITY, patient_id=patient_id, category=category, detail=which.value)
        uow.commit()
        return view_of(row)


def _plain(answers: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe copy (tuples become lists)."""
    return {k: list(val) if isinstance(val, tuple) else val for k, val in answers.items()}


def assessments_of(
    session: Session, actor: Actor, patient_id: int, kinds: tuple[AssessmentKind, ...] = ()
) -> list[AssessmentView]:
    """Assessments the actor may read, oldest first (what trend charts want)."""
    stmt = select(Assessment).where(Assessment.patient_id == patient_id)
    readable = [
        k
        for k in (kinds or tuple(AssessmentKind))
        if allowed(actor, Action.READ_CLINICAL, assessment_category(k.value))
    ]
    if not readable:
        return []
    stmt = stmt.where(Assessment.kind.in_(readable)).order_by(Assessment.taken_on, Assessment.id)
    return [view_of(r) for r in session.scalars(stmt)]


@service
def list_assessments(
    db: Database, actor: Actor, patient_id: int, kinds: tuple[AssessmentKind, ...] = ()
) -> list[AssessmentView]:
    require(actor, Action.READ_CLINICAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        result = assessments_of(uow.session, actor, patient_id, kinds)
        uow.audit_read(ENTITY, patient_id=patient_id, detail="list")
        return result


def latest(views: list[AssessmentView], kind: AssessmentKind) -> AssessmentView | None:
    for view in reversed(views):
        if view.kind == kind:
            return view
    return None
