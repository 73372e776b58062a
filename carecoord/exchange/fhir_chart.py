"""FHIR resources for the chart: the patient and clinicians, problems, medications with
their dosage, allergies (or "no known allergy") and outcome-score observations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from carecoord.clinical import allergy_status
from carecoord.exchange.fhir_base import (
    GAD7_ITEMS,
    ICD10CM,
    INSTRUMENTS,
    JSON,
    LOCAL,
    LOINC,
    MEMBER_SYSTEM,
    MRN_SYSTEM,
    PEG_ITEMS,
    PHQ9_ITEMS,
    ROUTES,
    SNOMED,
    TIMING,
    UCUM,
    UCUM_UNITS,
    Refs,
    _concept,
    _day,
    _period,
    _resource,
)


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
