"""A chart's allergy state and how it is worded (docs/clinical-reference.md §10.1).

An empty allergy list is ambiguous: "nobody asked" and "asked, none known" look the
same, and a specialist who reads "None recorded" cannot tell which. So the state is
explicit:

- **unknown**: no allergy recorded and nobody confirmed that none are known;
- **no known allergies**: a clinician confirmed it (who, on which date);
- **has allergies**: at least one allergy or intolerance is listed.

A listed allergy always wins: a chart never reads "no known allergies" beside a list.
Pure rules only (no database): the services read the rows and hand them over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from carecoord.dates import DEFAULT_DATE_FORMAT, format_date

NOT_RECORDED = "Allergy status not yet recorded"
NO_KNOWN = "No known drug allergies"
ADD_QUESTION = "This chart says no known allergies — record an allergy and clear that?"
CLEAR_FIELD = "clear_no_known_allergies"
"""The flag an allergy added to a "no known allergies" chart must carry (the service's
validation error names it)."""
CONFIRM_FIELD = "confirm_no_known_allergies"
"""The flag that records "no known allergies" while removing the last allergy."""

SNOMED_SYSTEM = "http://snomed.info/sct"
SNOMED_NO_KNOWN_ALLERGY = "716186003"
SNOMED_NO_KNOWN_ALLERGY_DISPLAY = "No known allergy"


class AllergyState(StrEnum):
    UNKNOWN = "unknown"
    NO_KNOWN_ALLERGIES = "no_known_allergies"
    HAS_ALLERGIES = "has_allergies"


@dataclass(frozen=True)
class Confirmation:
    """Who confirmed "no known allergies" (their name as it read then) and on which date."""

    by: str
    on: date


@dataclass(frozen=True)
class AllergyItem:
    """One listed allergy as the wording needs it."""

    substance: str
    reaction: str | None = None
    severity: str | None = None  # a label ("Moderate"); "Unknown" or None is left out


@dataclass(frozen=True)
class AllergyStatus:
    state: AllergyState
    allergies: tuple[AllergyItem, ...] = ()
    confirmation: Confirmation | None = None  # set only in the "no known allergies" state

    @property
    def no_known_allergies(self) -> bool:
        return self.state is AllergyState.NO_KNOWN_ALLERGIES

    @property
    def unknown(self) -> bool:
        return self.state is AllergyState.UNKNOWN


def derive(allergies: Sequence[AllergyItem], confirmation: Confirmation | None) -> AllergyStatus:
    """The state of a chart from its allergy rows and its "no known allergies" confirmation.

    A list beats a confirmation (the services clear the confirmation when an allergy is
    added, so both together only come from data written outside them).
    """
    if allergies:
        return AllergyStatus(AllergyState.HAS_ALLERGIES, tuple(allergies))
    if confirmation is not None:
        return AllergyStatus(AllergyState.NO_KNOWN_ALLERGIES, (), confirmation)
    return AllergyStatus(AllergyState.UNKNOWN)


def item_text(item: AllergyItem) -> str:
    """ "Penicillin (hives; moderate)"."""
    details = [d for d in (item.reaction, item.severity) if d and d.lower() != "unknown"]
    return item.substance + (f" ({'; '.join(details)})" if details else "")


def statement(status: AllergyStatus, date_style: str = DEFAULT_DATE_FORMAT) -> str:
    """One sentence for letters and the plan PDF, dates as the clinic prints them.

    "No known drug allergies (confirmed by Dr Avery Lee on March 4, 2026)",
    "Allergy status not yet recorded", or the list: "Penicillin (hives; moderate); Latex".
    """
    if status.state is AllergyState.HAS_ALLERGIES:
        return "; ".join(item_text(a) for a in status.allergies)
    if status.confirmation is not None:
        c = status.confirmation
        return f"{NO_KNOWN} (confirmed by {c.by} on {format_date(c.on, date_style)})"
    return NOT_RECORDED


CHIP_SUBSTANCES = 5
"""Substances named on the header chip; more are counted ("+2 more")."""


def chip(status: AllergyStatus, date_style: str = DEFAULT_DATE_FORMAT) -> tuple[str, str]:
    """(text, level) of the chart header's chip: a list is "danger", unknown "warning"."""
    if status.state is AllergyState.HAS_ALLERGIES:
        names = [a.substance for a in status.allergies]
        shown = ", ".join(names[:CHIP_SUBSTANCES])
        more = len(names) - CHIP_SUBSTANCES
        return f"Allergies: {shown}" + (f" +{more} more" if more > 0 else ""), "danger"
    if status.no_known_allergies:
        return statement(status, date_style), "ok"
    return NOT_RECORDED, "warning"


def fhir_no_known_allergy(patient_reference: str, status: AllergyStatus) -> dict[str, Any]:
    """The FHIR R4 AllergyIntolerance a future export writes for "no known allergies".

    code = SNOMED CT 716186003 |No known allergy (situation)|, clinicalStatus active,
    verificationStatus confirmed, recordedDate the confirmation date (§10.1). Raises
    ValueError for any other state: "unknown" is exported as no resource at all.
    """
    if status.confirmation is None or not status.no_known_allergies:
        raise ValueError("only a confirmed 'no known allergies' chart has this resource")
    return {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "code": "confirmed",
                }
            ]
        },
        "code": {
            "coding": [
                {
                    "system": SNOMED_SYSTEM,
                    "code": SNOMED_NO_KNOWN_ALLERGY,
                    "display": SNOMED_NO_KNOWN_ALLERGY_DISPLAY,
                }
            ],
            "text": SNOMED_NO_KNOWN_ALLERGY_DISPLAY,
        },
        "patient": {"reference": patient_reference},
        "recordedDate": status.confirmation.on.isoformat(),
        "recorder": {"display": status.confirmation.by},
    }
