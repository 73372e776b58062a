"""What every FHIR resource of the export is built from: the code systems, US Core
profiles and code tables (docs/fhir-mapping.md), the ``urn:uuid:`` references of one export
(:class:`Refs`) and the small shapes (coding, concept, period, narrative) they share.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

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
