"""A patient's chart as a FHIR R4 Bundle, for another system (docs/fhir-mapping.md).

What leaves the clinic follows the permission matrix: an item is exported only when the
role may both *export* and *read* its category (docs/clinical-reference.md §9), so the
front desk's export holds no psychiatric or substance-use content; psychotherapy notes are
never read here at all. One audit event (action ``export``) records each export.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.medication_line import route_label
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.exchange import fhir_export as fx
from carecoord.models import Document, Patient, Referral, TeamMember
from carecoord.services import record, referrals, team
from carecoord.services.actor import Actor
from carecoord.services.assessments import assessments_of
from carecoord.services.common import service
from carecoord.services.permissions import (
    Action,
    allowed,
    assessment_category,
    diagnosis_category,
    require,
)
from carecoord.services.plans import plans_of
from carecoord.services.unit_of_work import unit_of_work

JSON = fx.JSON


def may_export(actor: Actor, category: DataCategory) -> bool:
    """Whether ``actor`` may put content of ``category`` in a file leaving the clinic: the
    role must be allowed to export it *and* to read it (break-glass grants no export)."""
    if category == DataCategory.PSYCHOTHERAPY_NOTE:
        return False
    return allowed(actor, Action.EXPORT, category) and allowed(
        actor, Action.READ_CLINICAL, category
    )


@service
def export_patient(db: Database, actor: Actor, patient_id: int) -> JSON:
    """The patient's chart as a FHIR R4 Bundle (type collection) of plain JSON dicts.

    Args:
        db: The database.
        actor: Who exports; the role needs the export permission.
        patient_id: The patient.

    Returns:
        The Bundle, ready for ``json.dumps``; every reference resolves inside it.

    Raises:
        PermissionDenied: The role may not export (e.g. a clinician).
        NotFound: No such patient.
    """
    require(actor, Action.EXPORT)
    refs = fx.Refs(uuid.uuid4())
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(Patient, patient_id, "Patient")
        resources = _resources(uow.session, actor, refs, row)
        kinds = sorted({r["resourceType"] for r in resources})
        uow.audit(
            "export",
            "Patient",
            patient_id,
            patient_id=patient_id,
            detail=f"FHIR R4 bundle: {len(resources)} resources ({', '.join(kinds)})"[:200],
        )
        uow.commit()
    return fx.bundle(refs, resources, timestamp=datetime.now(UTC))


def _resources(session: Session, actor: Actor, refs: fx.Refs, row: Patient) -> list[JSON]:
    pid = row.id
    out: list[JSON] = [
        fx.patient(
            refs,
            pid,
            mrn=row.mrn,
            family_name=row.family_name,
            given_names=[row.given_name, row.middle_name or ""],
            sex=row.sex.value,
            date_of_birth=row.date_of_birth,
            phone=row.phone,
            email=row.email,
            address=row.address,
            language=row.preferred_language,
            active=row.discharged_on is None,
        )
    ]
    members: set[int] = set()
    care = team._care_team(session, pid)
    memberships = (*care.current, *care.past)
    members.update(m.member.id for m in memberships)
    clinical = may_export(actor, DataCategory.GENERAL)
    if clinical:
        out += _clinical(session, actor, refs, pid)
    referral_out, referral_ids, referral_members = _referrals(session, actor, refs, pid)
    members.update(referral_members)
    documents = _documents(session, actor, refs, pid, referral_ids) if clinical else []
    if clinical:
        plans, plan_members = _plans(session, actor, refs, pid, bool(memberships))
        members.update(plan_members)
        out += plans
    out += referral_out + documents
    if memberships:
        out.append(
            fx.care_team(
                refs,
                pid,
                pid,
                name=f"Pain care team of {row.given_name} {row.family_name}",
                participants=[
                    fx.Participant(m.member.id, m.role.value, m.role.label, m.since, m.until)
                    for m in memberships
                ],
            )
        )
    out += _practitioners(session, refs, members)
    _link_outputs(out, documents)
    return out


def _clinical(session: Session, actor: Actor, refs: fx.Refs, pid: int) -> list[JSON]:
    out: list[JSON] = []
    for d in record.diagnoses_of(session, pid):
        category = DataCategory.SUBSTANCE_USE if d.part2 else diagnosis_category(d.code)
        if may_export(actor, category):
            out.append(
                fx.condition(
                    refs,
                    d.id,
                    pid,
                    code=d.code,
                    title=d.title,
                    active=d.active,
                    onset=d.onset,
                    notes=d.notes,
                )
            )
    psychiatric = may_export(actor, DataCategory.PSYCHIATRIC)
    for m in record.medications_of(session, pid, actor=actor):
        if not may_export(actor, m.category) or (m.is_psychotropic and not psychiatric):
            continue  # a psychotropic tells the condition, whatever its chosen category
        dose = fx.dosage(
            dose=m.dose,
            unit=m.unit,
            frequency=m.frequency,
            frequency_label=m.frequency_label,
            route=m.route,
            route_label=route_label(m.route),
            max_doses_per_day=m.max_doses_per_day,
            concentration_mg_per_ml=m.concentration_mg_per_ml,
        )
        out.append(
            fx.medication_statement(
                refs,
                m.id,
                pid,
                drug=m.drug,
                current=m.current,
                dosage_=dose,
                start=m.start_date,
                stop=m.stop_date,
                indication=m.indication_label or None,
                notes=m.notes,
            )
        )
    # A confirmed "no known allergies" exports SNOMED 716186003; "not yet recorded"
    # exports nothing (an empty list claims no fact).
    allergy_state = record.allergy_status_of(session, pid)
    if allergy_state.no_known_allergies:
        out.append(fx.no_known_allergy(refs, pid, allergy_state))
    for a in record.allergies_of(session, pid):
        out.append(
            fx.allergy(
                refs, a.id, pid, substance=a.substance, reaction=a.reaction, severity=a.severity
            )
        )
    for v in assessments_of(session, actor, pid):
        if may_export(actor, assessment_category(v.kind.value)):
            out.append(
                fx.observation(
                    refs,
                    v.id,
                    pid,
                    kind=v.kind.value,
                    taken_on=v.taken_on,
                    total=v.total,
                    band=v.band,
                    answers=v.answers,
                )
            )
    return out


def _plans(
    session: Session, actor: Actor, refs: fx.Refs, pid: int, has_team: bool
) -> tuple[list[JSON], set[int]]:
    out: list[JSON] = []
    members: set[int] = set()
    for plan in plans_of(session, pid, actor=actor):
        goals = [
            fx.goal(
                refs,
                g.id,
                pid,
                plan_status=plan.status.value,
                axis=g.axis.value,
                axis_label=g.axis.label,
                description=g.description,
                measure=g.measure,
                baseline=g.baseline,
                target=g.target,
                start=plan.started_on,
                review_on=g.review_on,
            )
            for g in plan.goals
        ]
        activities = []
        for a in plan.activities:
            if not may_export(actor, a.category):
                continue
            if a.responsible_member_id is not None:
                members.add(a.responsible_member_id)
            sessions = (
                f"{a.sessions_done} of {a.sessions_planned} sessions done"
                if a.sessions_planned
                else None
            )
            activities.append(
                fx.Activity(
                    a.modality.value,
                    a.modality.label,
                    a.description,
                    a.status.value,
                    a.start_on,
                    a.end_on,
                    a.responsible_member_id,
                    sessions,
                )
            )
        out += goals
        out.append(
            fx.care_plan(
                refs,
                plan.id,
                pid,
                title=plan.title,
                status=plan.status.value,
                start=plan.started_on,
                review_on=plan.review_on,
                notes=plan.notes,
                goal_keys=[g.id for g in plan.goals],
                activities=activities,
                care_team_key=pid if has_team else None,
            )
        )
    return out, members


def _referrals(
    session: Session, actor: Actor, refs: fx.Refs, pid: int
) -> tuple[list[JSON], set[int], set[int]]:
    """ServiceRequest + Task per referral the role may export (none for an administrator,
    who reads no clinical content)."""
    out: list[JSON] = []
    ids: set[int] = set()
    members: set[int] = set()
    rows = session.scalars(
        select(Referral)
        .where(Referral.patient_id == pid)
        .options(selectinload(Referral.recipient), selectinload(Referral.referring_member))
        .order_by(Referral.created_at, Referral.id)
    ).all()
    for row in rows:
        view = referrals.view_of(row, actor, with_events=True)
        if view.restricted or not may_export(actor, view.category):
            continue
        ids.add(view.id)
        members.update(m for m in (view.recipient_member_id, view.referring_member_id) if m)
        request_status, task_status = rules.fhir_status(
            view.state, entered_in_error=view.entered_in_error
        )
        out.append(
            fx.service_request(
                refs,
                view.id,
                pid,
                status=request_status,
                priority=view.priority.value,
                discipline=view.discipline.value,
                discipline_label=view.discipline.label,
                reference=view.reference,
                reason=view.reason,
                clinical_question=view.clinical_question,
                authored_on=view.sent_on or row.created_at.date(),
                appointment_date=view.appointment_date,
                requester_key=view.referring_member_id,
                performer_key=view.recipient_member_id,
            )
        )
        history = [
            fx.HistoryNote(
                e.at,
                e.username,
                " · ".join(
                    part
                    for part in (
                        e.kind.replace("_", " "),
                        f"{e.from_state.label} → {e.to_state.label}"
                        if e.from_state and e.to_state
                        else (e.to_state.label if e.to_state else ""),
                        e.reason or "",
                    )
                    if part
                ),
            )
            for e in view.events
        ]
        out.append(
            fx.task(
                refs,
                view.id,
                pid,
                status=task_status,
                state_label=view.state.label,
                priority=view.priority.value,
                owner_key=view.recipient_member_id,
                requester_key=view.referring_member_id,
                authored=row.created_at,
                last_modified=view.updated_at,
                due_on=view.due_on,
                history=history,
                output_document_keys=[],
            )
        )
    return out, ids, members


def _documents(
    session: Session, actor: Actor, refs: fx.Refs, pid: int, referral_ids: set[int]
) -> list[JSON]:
    rows = session.scalars(
        select(Document).where(Document.patient_id == pid).order_by(Document.id)
    ).all()
    return [
        fx.document_reference(
            refs,
            d.id,
            pid,
            kind=d.kind.value,
            title=d.title,
            file_name=d.file_name,
            media_type=d.media_type,
            content=d.content,
            filed_at=d.filed_at,
            referral_key=d.referral_id if d.referral_id in referral_ids else None,
        )
        for d in rows
        if may_export(actor, d.category)
    ]


def _link_outputs(out: list[JSON], documents: list[JSON]) -> None:
    """Each referral's stored letters and reports become its Task's output."""
    by_request: dict[str, list[JSON]] = {}
    for d in documents:
        for related in d.get("context", {}).get("related", []):
            by_request.setdefault(related["reference"], []).append(d)
    for resource in out:
        if resource["resourceType"] != "Task":
            continue
        linked = by_request.get(resource["focus"]["reference"], [])
        if linked:
            resource["output"] = [
                {
                    "type": {"text": "report or letter"},
                    "valueReference": {"reference": f"urn:uuid:{d['id']}"},
                }
                for d in linked
            ]


def _practitioners(session: Session, refs: fx.Refs, member_ids: set[int]) -> list[JSON]:
    if not member_ids:
        return []
    rows = session.scalars(
        select(TeamMember).where(TeamMember.id.in_(sorted(member_ids))).order_by(TeamMember.id)
    ).all()
    return [
        fx.practitioner(
            refs,
            m.id,
            family_name=m.family_name,
            given_name=m.given_name,
            credentials=m.credentials,
            phone=m.phone,
            fax=m.fax,
            email=m.email,
            address=m.address,
        )
        for m in rows
    ]


__all__ = ["export_patient", "may_export"]
