"""FHIR resources for the care around the chart: the care team, goals and care plans,
referrals as ServiceRequests with their Task history, and letters as DocumentReferences.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from carecoord.exchange.fhir_base import (
    DOCUMENT_TYPES,
    JSON,
    LOCAL,
    LOINC,
    SNOMED,
    Refs,
    _concept,
    _day,
    _instant,
    _narrative,
    _period,
    _resource,
)


@dataclass(frozen=True)
class Participant:
    member_key: int
    role: str
    role_label: str
    since: date
    until: date | None


def care_team(
    refs: Refs, key: int, patient_key: int, *, name: str, participants: Sequence[Participant]
) -> JSON:
    """CareTeam (US Core): each membership with its pain-clinic role and period."""
    return _resource(
        refs,
        "CareTeam",
        key,
        status="active",
        name=name,
        subject=refs.ref("Patient", patient_key),
        participant=[
            {
                "role": [_concept(LOCAL, f"care-team-role-{p.role}", p.role_label)],
                "member": refs.ref("Practitioner", p.member_key),
                "period": _period(p.since, p.until),
            }
            for p in participants
        ],
    )


GOAL_STATUS: Final = {
    "draft": "proposed",
    "active": "active",
    "completed": "completed",
    "discontinued": "cancelled",
}
PLAN_STATUS: Final = {
    "draft": "draft",
    "active": "active",
    "completed": "completed",
    "discontinued": "revoked",
}
ACTIVITY_STATUS: Final = {
    "planned": "scheduled",
    "active": "in-progress",
    "done": "completed",
    "stopped": "stopped",
}


def goal(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    plan_status: str,
    axis: str,
    axis_label: str,
    description: str,
    measure: str,
    baseline: float | None,
    target: float | None,
    start: date,
    review_on: date | None,
) -> JSON:
    """Goal (US Core): one of the three axes, its measure and target value."""
    targets: list[JSON] = []
    if target is not None or review_on is not None:
        item: JSON = {"measure": _concept(LOCAL, f"measure-{measure}", text=measure)}
        if target is not None:
            item["detailQuantity"] = {"value": target, "unit": "{score}"}
        if review_on is not None:
            item["dueDate"] = _day(review_on)
        targets.append(item)
    notes = [{"text": f"baseline {baseline:g} ({measure})"}] if baseline is not None else []
    return _resource(
        refs,
        "Goal",
        key,
        lifecycleStatus=GOAL_STATUS.get(plan_status, "active"),
        category=[_concept(LOCAL, f"goal-axis-{axis}", axis_label)],
        description={"text": description},
        subject=refs.ref("Patient", patient_key),
        startDate=_day(start),
        target=targets,
        note=notes,
    )


@dataclass(frozen=True)
class Activity:
    modality: str
    modality_label: str
    description: str
    status: str
    start: date
    end: date | None
    performer_key: int | None
    sessions: str | None


def care_plan(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    title: str,
    status: str,
    start: date,
    review_on: date | None,
    notes: str | None,
    goal_keys: Sequence[int],
    activities: Sequence[Activity],
    care_team_key: int | None,
) -> JSON:
    """CarePlan (US Core, assess-plan): goals by reference, activities inline."""
    lines = [f"{title} ({status})", *(f"{a.modality_label}: {a.description}" for a in activities)]
    return _resource(
        refs,
        "CarePlan",
        key,
        text=_narrative(lines),
        status=PLAN_STATUS.get(status, "unknown"),
        intent="plan",
        category=[
            _concept("http://hl7.org/fhir/us/core/CodeSystem/careplan-category", "assess-plan")
        ],
        title=title,
        subject=refs.ref("Patient", patient_key),
        period=_period(start, None),
        careTeam=[refs.ref("CareTeam", care_team_key)] if care_team_key is not None else [],
        goal=[refs.ref("Goal", g) for g in goal_keys],
        note=[{"text": notes}] if notes else [],
        activity=[
            {
                "detail": {
                    k: v
                    for k, v in {
                        "code": _concept(LOCAL, f"modality-{a.modality}", a.modality_label),
                        "status": ACTIVITY_STATUS.get(a.status, "unknown"),
                        "description": a.description,
                        "scheduledPeriod": _period(a.start, a.end),
                        "performer": [refs.ref("Practitioner", a.performer_key)]
                        if a.performer_key is not None
                        else None,
                    }.items()
                    if v
                },
                **({"progress": [{"text": a.sessions}]} if a.sessions else {}),
            }
            for a in activities
        ],
    )


def service_request(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    status: str,
    priority: str,
    discipline: str,
    discipline_label: str,
    reference: str,
    reason: str,
    clinical_question: str | None,
    authored_on: date | None,
    appointment_date: date | None,
    requester_key: int | None,
    performer_key: int | None,
    supporting: Sequence[JSON] = (),
) -> JSON:
    """ServiceRequest (US Core): the referral, its FHIR status and priority."""
    return _resource(
        refs,
        "ServiceRequest",
        key,
        identifier=[{"system": "urn:carecoord:referral", "value": reference or str(key)}],
        status=status,
        intent="order",
        category=[_concept(SNOMED, "3457005", "Patient referral")],
        priority=priority,
        code=_concept(LOCAL, f"discipline-{discipline}", f"Referral to {discipline_label}"),
        subject=refs.ref("Patient", patient_key),
        occurrenceDateTime=_day(appointment_date),
        authoredOn=_day(authored_on),
        requester=refs.ref("Practitioner", requester_key) if requester_key is not None else None,
        performer=[refs.ref("Practitioner", performer_key)] if performer_key is not None else [],
        reasonCode=[{"text": reason}],
        note=[{"text": clinical_question}] if clinical_question else [],
        supportingInfo=list(supporting),
    )


@dataclass(frozen=True)
class HistoryNote:
    at: datetime
    author: str
    text: str


def task(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    status: str,
    state_label: str,
    priority: str,
    owner_key: int | None,
    requester_key: int | None,
    authored: datetime,
    last_modified: datetime,
    due_on: date | None,
    history: Sequence[HistoryNote],
    output_document_keys: Sequence[int],
) -> JSON:
    """Task fulfilling the ServiceRequest: status from the referral state, owner (the
    recipient), due date as restriction.period.end, history as notes, reports as output."""
    return _resource(
        refs,
        "Task",
        key,
        basedOn=[refs.ref("ServiceRequest", key)],
        status=status,
        businessStatus={"text": state_label},
        intent="order",
        priority=priority,
        focus=refs.ref("ServiceRequest", key),
        **{"for": refs.ref("Patient", patient_key)},
        authoredOn=_instant(authored),
        lastModified=_instant(last_modified),
        requester=refs.ref("Practitioner", requester_key) if requester_key is not None else None,
        owner=refs.ref("Practitioner", owner_key) if owner_key is not None else None,
        restriction={"period": {"end": _day(due_on)}} if due_on else None,
        note=[
            {"authorString": h.author, "time": _instant(h.at), "text": h.text}
            for h in history
            if h.text
        ],
        output=[
            {
                "type": {"text": "report or letter"},
                "valueReference": refs.ref("DocumentReference", d),
            }
            for d in output_document_keys
        ],
    )


def document_reference(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    kind: str,
    title: str | None,
    file_name: str,
    media_type: str,
    content: bytes,
    filed_at: datetime,
    referral_key: int | None,
) -> JSON:
    """DocumentReference (US Core): the stored bytes as a base64 attachment."""
    loinc, display = DOCUMENT_TYPES.get(kind, DOCUMENT_TYPES["other"])
    return _resource(
        refs,
        "DocumentReference",
        key,
        status="current",
        type=_concept(LOINC, loinc, display),
        category=[
            _concept(
                "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                "clinical-note",
                "Clinical Note",
            )
        ],
        subject=refs.ref("Patient", patient_key),
        date=_instant(filed_at),
        description=title,
        content=[
            {
                "attachment": {
                    "contentType": media_type,
                    "data": base64.b64encode(content).decode("ascii"),
                    "title": file_name,
                    "size": len(content),
                }
            }
        ],
        context={"related": [refs.ref("ServiceRequest", referral_key)]}
        if referral_key is not None
        else None,
    )
