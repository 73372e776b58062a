"""FHIR R4 (4.0.1) resources as plain JSON dicts, for the patient export (docs/fhir-mapping.md).

Pure: the service reads the chart (and decides what the role may export), these builders only
shape values into resources. Every builder takes the ``Refs`` of the export so references are
``urn:uuid:`` URLs that resolve inside the one Bundle; codes and their sources are listed in
docs/fhir-mapping.md.
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from carecoord.clinical import allergy_status

JSON = dict[str, Any]

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM: Final = "http://unitsofmeasure.org"
LOCAL: Final = "urn:carecoord:codes"
"""CareCoord's own code system for what no standard code covers (PEG, ORT, roles, states)."""
MRN_SYSTEM: Final = "urn:carecoord:mrn"
MEMBER_SYSTEM: Final = "urn:carecoord:team-member"

US_CORE: Final = "http://hl7.org/fhir/us/core/StructureDefinition/"
PROFILES: Final[dict[str, str]] = {
    "Patient": US_CORE + "us-core-patient",
    "Practitioner": US_CORE + "us-core-practitioner",
    "Condition": US_CORE + "us-core-condition-problems-health-concerns",
    "AllergyIntolerance": US_CORE + "us-core-allergyintolerance",
    "Observation": US_CORE + "us-core-observation-screening-assessment",
    "CareTeam": US_CORE + "us-core-careteam",
    "CarePlan": US_CORE + "us-core-careplan",
    "Goal": US_CORE + "us-core-goal",
    "ServiceRequest": US_CORE + "us-core-servicerequest",
    "DocumentReference": US_CORE + "us-core-documentreference",
}
"""US Core 6.1 profiles; MedicationStatement and Task have none (US Core profiles
MedicationRequest, not MedicationStatement), so they carry no ``meta.profile``."""

ROUTES: Final[dict[str, tuple[str, str]]] = {
    "oral": ("26643006", "Oral route"),
    "transdermal": ("45890007", "Transdermal route"),
    "sublingual": ("37839007", "Sublingual route"),
    "iv": ("47625008", "Intravenous route"),
    "im": ("78421000", "Intramuscular route"),
    "sc": ("34206005", "Subcutaneous route"),
    "intrathecal": ("72607000", "Intrathecal route"),
    "epidural": ("404820008", "Epidural route"),
    "rectal": ("37161004", "Rectal route"),
}
"""Medication route code -> SNOMED CT route of administration (FHIR R4 route-codes)."""

UCUM_UNITS: Final[dict[str, str]] = {
    "mg": "mg",
    "mcg": "ug",
    "mg/h": "mg/h",
    "mcg/h": "ug/h",
    "mL": "mL",
    "g": "g",
}
"""Dose units with a UCUM code; "units", "puffs" and "patch" go as text only."""

TIMING: Final[dict[str, JSON]] = {
    "qd": {"frequency": 1, "period": 1, "periodUnit": "d"},
    "daily": {"frequency": 1, "period": 1, "periodUnit": "d"},
    "bid": {"frequency": 2, "period": 1, "periodUnit": "d"},
    "tid": {"frequency": 3, "period": 1, "periodUnit": "d"},
    "qid": {"frequency": 4, "period": 1, "periodUnit": "d"},
    "q4h": {"frequency": 1, "period": 4, "periodUnit": "h"},
    "q6h": {"frequency": 1, "period": 6, "periodUnit": "h"},
    "q8h": {"frequency": 1, "period": 8, "periodUnit": "h"},
    "q12h": {"frequency": 1, "period": 12, "periodUnit": "h"},
    "qhs": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["HS"]},
}
"""Frequency code -> Timing.repeat; "continuous" (a patch rate) and "prn" have none."""

INSTRUMENTS: Final[dict[str, tuple[str, str, str]]] = {
    "nrs": (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "peg": (LOCAL, "peg", "PEG 3-item pain scale (pain, enjoyment, general activity) mean"),
    "phq9": (LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "gad7": (LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
    "ort": (LOCAL, "ort", "Opioid Risk Tool (ORT) total score"),
}
"""Assessment kind -> (system, code, display) of the Observation.code (total score)."""

PHQ9_ITEMS: Final = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)
"""LOINC codes of the PHQ-9 panel (44249-1) items 1-9, in scoring order."""
GAD7_ITEMS: Final = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")
"""LOINC codes of the GAD-7 panel (69737-5) items 1-7, in scoring order."""
PEG_ITEMS: Final = ("pain", "enjoyment", "activity")

DOCUMENT_TYPES: Final[dict[str, tuple[str, str]]] = {
    "specialist_report": ("11488-4", "Consult note"),
    "imaging": ("18748-4", "Diagnostic imaging study"),
    "lab_result": ("11502-2", "Laboratory report"),
    "letter_sent": ("57133-1", "Referral note"),
    "other": ("34133-9", "Summary of episode note"),
}
"""Document kind -> LOINC document type."""


@dataclass(frozen=True)
class Refs:
    """The ``urn:uuid:`` of every resource of one export.

    ``seed`` is new for each export, so two clinics' exports never share an id while one
    export's references are stable and resolvable (uuid5 of seed, type and local id).
    """

    seed: uuid.UUID

    def id(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self.seed, f"{kind}/{key}"))

    def url(self, kind: str, key: object) -> str:
        return f"urn:uuid:{self.id(kind, key)}"

    def ref(self, kind: str, key: object, display: str | None = None) -> JSON:
        out: JSON = {"reference": self.url(kind, key)}
        if display:
            out["display"] = display
        return out


def _meta(kind: str) -> JSON:
    return {"meta": {"profile": [PROFILES[kind]]}} if kind in PROFILES else {}


def _resource(refs: Refs, kind: str, key: object, **body: Any) -> JSON:
    out: JSON = {"resourceType": kind, "id": refs.id(kind, key), **_meta(kind)}
    out.update({k: v for k, v in body.items() if v not in (None, [], {}, "")})
    return out


def _coding(system: str, code: str, display: str | None = None) -> JSON:
    out: JSON = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _concept(system: str, code: str, display: str | None = None, text: str | None = None) -> JSON:
    out: JSON = {"coding": [_coding(system, code, display)]}
    if text or display:
        out["text"] = text or display
    return out


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    stamp = value if value.tzinfo is not None else value.astimezone()
    return stamp.isoformat(timespec="seconds")


def _period(start: date | None, end: date | None) -> JSON | None:
    period = {k: v for k, v in (("start", _day(start)), ("end", _day(end))) if v}
    return period or None


def _narrative(lines: Iterable[str]) -> JSON:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line) or "<p>-</p>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


# ------------------------------------------------------------------------ resources
def patient(
    refs: Refs,
    key: int,
    *,
    mrn: str,
    family_name: str,
    given_names: Sequence[str],
    sex: str,
    date_of_birth: date,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
    language: str | None = None,
    active: bool = True,
) -> JSON:
    """Patient (US Core): MRN identifier, official name, administrative gender, birth date."""
    telecom = [{"system": s, "value": v} for s, v in (("phone", phone), ("email", email)) if v]
    return _resource(
        refs,
        "Patient",
        key,
        identifier=[{"use": "usual", "system": MRN_SYSTEM, "value": mrn}],
        active=active,
        name=[{"use": "official", "family": family_name, "given": [g for g in given_names if g]}],
        telecom=telecom,
        gender=sex,
        birthDate=_day(date_of_birth),
        address=[{"text": address}] if address else [],
        communication=[{"language": {"text": language}}] if language else [],
    )


def practitioner(
    refs: Refs,
    key: int,
    *,
    family_name: str,
    given_name: str,
    credentials: str | None = None,
    phone: str | None = None,
    fax: str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> JSON:
    """Practitioner (US Core) for a team-directory member; the identifier is CareCoord's."""
    telecom = [
        {"system": s, "value": v}
        for s, v in (("phone", phone), ("fax", fax), ("email", email))
        if v
    ]
    return _resource(
        refs,
        "Practitioner",
        key,
        identifier=[{"system": MEMBER_SYSTEM, "value": str(key)}],
        name=[
            {
                "family": family_name,
                "given": [given_name],
                **({"suffix": [credentials]} if credentials else {}),
            }
        ],
        telecom=telecom,
        address=[{"text": address}] if address else [],
    )


def condition(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    code: str,
    title: str,
    active: bool,
    onset: date | None = None,
    notes: str | None = None,
) -> JSON:
    """Condition (US Core problems): ICD-10-CM code, active or inactive, problem-list item."""
    status = "active" if active else "inactive"
    return _resource(
        refs,
        "Condition",
        key,
        clinicalStatus=_concept("http://terminology.hl7.org/CodeSystem/condition-clinical", status),
        verificationStatus=_concept(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"
        ),
        category=[
            _concept(
                "http://terminology.hl7.org/CodeSystem/condition-category",
                "problem-list-item",
                "Problem List Item",
            )
        ],
        code=_concept(ICD10CM, code, title),
        subject=refs.ref("Patient", patient_key),
        onsetDateTime=_day(onset),
        note=[{"text": notes}] if notes else [],
    )


def dosage(
    *,
    dose: float,
    unit: str,
    frequency: str,
    frequency_label: str,
    route: str,
    route_label: str,
    max_doses_per_day: float | None = None,
    concentration_mg_per_ml: float | None = None,
) -> JSON:
    """Dosage from the structured line: dose quantity, route (SNOMED), timing or as-needed."""
    quantity: JSON = {"value": dose, "unit": unit}
    if unit in UCUM_UNITS:
        quantity.update(system=UCUM, code=UCUM_UNITS[unit])
    text = f"{dose:g} {unit} {route_label} {frequency_label}"
    if concentration_mg_per_ml is not None:
        text += f" ({concentration_mg_per_ml:g} mg/mL)"
    out: JSON = {"text": text, "doseAndRate": [{"doseQuantity": quantity}]}
    code = frequency.strip().lower().replace(".", "").replace(" ", "")
    if code in TIMING:
        out["timing"] = {"repeat": dict(TIMING[code]), "code": {"text": frequency_label}}
    else:
        out["timing"] = {"code": {"text": frequency_label}}
    if code == "prn":
        out["asNeededBoolean"] = True
    if max_doses_per_day is not None:
        out["maxDosePerPeriod"] = {
            "numerator": {"value": max_doses_per_day * dose, "unit": unit},
            "denominator": {"value": 1, "unit": "d", "system": UCUM, "code": "d"},
        }
    if route in ROUTES:
        out["route"] = _concept(SNOMED, *ROUTES[route], text=route_label)
    else:
        out["route"] = {"text": route_label}
    return out


def medication_statement(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    drug: str,
    current: bool,
    dosage_: JSON,
    start: date | None = None,
    stop: date | None = None,
    indication: str | None = None,
    notes: str | None = None,
) -> JSON:
    """MedicationStatement: the drug as text (no RxNorm code is stored), period, dosage."""
    return _resource(
        refs,
        "MedicationStatement",
        key,
        status="active" if current else "completed",
        medicationCodeableConcept={"text": drug},
        subject=refs.ref("Patient", patient_key),
        effectivePeriod=_period(start, stop),
        reasonCode=[{"text": indication}] if indication else [],
        note=[{"text": notes}] if notes else [],
        dosage=[dosage_],
    )


def allergy(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    substance: str,
    reaction: str | None,
    severity: str,
) -> JSON:
    """AllergyIntolerance (US Core): the substance as text, active and confirmed."""
    reactions: list[JSON] = []
    if reaction or severity != "unknown":
        item: JSON = {"manifestation": [{"text": reaction or "reaction not recorded"}]}
        if severity in ("mild", "moderate", "severe"):
            item["severity"] = severity
        reactions.append(item)
    return _resource(
        refs,
        "AllergyIntolerance",
        key,
        clinicalStatus=_concept(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"
        ),
        verificationStatus=_concept(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"
        ),
        code={"text": substance},
        patient=refs.ref("Patient", patient_key),
        reaction=reactions,
    )


def no_known_allergy(refs: Refs, patient_key: int, status: allergy_status.AllergyStatus) -> JSON:
    """AllergyIntolerance for a confirmed "no known allergies" chart: SNOMED CT 716186003,
    recorded on the confirmation date by who confirmed it (docs/clinical-reference.md
    §10.1). Only for that state: "not yet recorded" exports no resource at all."""
    body = allergy_status.fhir_no_known_allergy(refs.url("Patient", patient_key), status)
    body.pop("resourceType")
    return _resource(refs, "AllergyIntolerance", f"no-known/{patient_key}", **body)


def _item_components(kind: str, answers: dict[str, Any]) -> list[JSON]:
    if kind in ("phq9", "gad7"):
        codes = PHQ9_ITEMS if kind == "phq9" else GAD7_ITEMS
        items = list(answers.get("items") or [])
        return [
            {"code": _concept(LOINC, code), "valueInteger": int(value)}
            for code, value in zip(codes, items, strict=False)
        ]
    if kind == "peg":
        return [
            {"code": _concept(LOCAL, f"peg-{name}", text=f"PEG {name}"), "valueInteger": int(v)}
            for name in PEG_ITEMS
            if (v := answers.get(name)) is not None
        ]
    if kind == "ort":
        return [
            {"code": _concept(LOCAL, f"ort-{name}", text=name.replace("_", " ")), "valueBoolean": v}
            for name, v in answers.items()
            if isinstance(v, bool)
        ]
    return []


def observation(
    refs: Refs,
    key: int,
    patient_key: int,
    *,
    kind: str,
    taken_on: date,
    total: float,
    band: str,
    answers: dict[str, Any],
) -> JSON:
    """Observation (US Core screening assessment, category survey): the total score as the
    value, the band as interpretation text, each item answer as a component."""
    system, code, display = INSTRUMENTS[kind]
    return _resource(
        refs,
        "Observation",
        key,
        status="final",
        category=[
            _concept(
                "http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey"
            )
        ],
        code=_concept(system, code, display),
        subject=refs.ref("Patient", patient_key),
        effectiveDateTime=_day(taken_on),
        valueQuantity={"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"},
        interpretation=[{"text": band}] if band else [],
        component=_item_components(kind, answers),
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


def bundle(refs: Refs, resources: Sequence[JSON], *, timestamp: datetime) -> JSON:
    """A Bundle of type collection: each resource under its ``urn:uuid:`` fullUrl."""
    return {
        "resourceType": "Bundle",
        "id": str(refs.seed),
        "type": "collection",
        "timestamp": _instant(timestamp),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def to_json(bundle_: JSON) -> bytes:
    """The bundle as the UTF-8 JSON file CareCoord writes (command line and chart alike)."""
    return (json.dumps(bundle_, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def references(value: Any) -> Iterable[str]:
    """Every ``reference`` string inside ``value`` (a resource or a bundle), for checks."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from references(v)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def unresolved(bundle_: JSON) -> list[str]:
    """References in the bundle that name no entry's fullUrl (empty for a good export)."""
    urls = {e["fullUrl"] for e in bundle_.get("entry", [])}
    return sorted({r for r in references(bundle_) if r not in urls})
