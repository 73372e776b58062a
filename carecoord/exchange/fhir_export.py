"""FHIR R4 (4.0.1) resources as plain JSON dicts, for the patient export (docs/fhir-mapping.md).

Pure: the service reads the chart (and decides what the role may export), these builders only
shape values into resources. Every builder takes the ``Refs`` of the export so references are
``urn:uuid:`` URLs that resolve inside the one Bundle; codes and their sources are listed in
docs/fhir-mapping.md.

This module bundles the resources and checks the bundle's references; the builders live in
:mod:`fhir_chart` and :mod:`fhir_care` (codes and shared shapes in :mod:`fhir_base`) and are
re-exported here, the one name the services use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from carecoord.exchange.fhir_base import JSON, PROFILES, Refs, _instant
from carecoord.exchange.fhir_care import (
    Activity,
    HistoryNote,
    Participant,
    care_plan,
    care_team,
    document_reference,
    goal,
    service_request,
    task,
)
from carecoord.exchange.fhir_chart import (
    allergy,
    condition,
    dosage,
    medication_statement,
    no_known_allergy,
    observation,
    patient,
    practitioner,
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


__all__ = [
    "JSON",
    "PROFILES",
    "Activity",
    "HistoryNote",
    "Participant",
    "Refs",
    "allergy",
    "bundle",
    "care_plan",
    "care_team",
    "condition",
    "document_reference",
    "dosage",
    "goal",
    "medication_statement",
    "no_known_allergy",
    "observation",
    "patient",
    "practitioner",
    "references",
    "service_request",
    "task",
    "to_json",
    "unresolved",
]
