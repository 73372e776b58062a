"""Read inbound referrals from a FHIR R4 Bundle (docs/fhir-mapping.md, "Import").

Pure: bytes in, plain :class:`ImportedReferral` values out, or one
``ValidationError("file", …)`` naming what is wrong. The whole file is parsed and checked
with ``fhir.resources`` (R4 4.0.1) before anything is read from it, and every
ServiceRequest must be complete, so a partially valid bundle is refused whole.

Per ServiceRequest: the subject Patient (names, birth date, sex, phone, the referrer's
MRN), the requester (Practitioner, PractitionerRole with its Practitioner and
Organization, or Organization: name, practice, phone, fax, e-mail), the reason
(``reasonCode`` text or display, ``reasonReference`` Conditions, ``note``), ICD-10-CM
codes (``reasonCode`` codings and the referenced Conditions' codes), the priority and
the identifier that makes a second import of the same referral a duplicate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir.resources.bundle import Bundle
from pydantic import ValidationError as ParseError

from carecoord.errors import ValidationError

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
PRIORITIES = ("routine", "urgent", "asap", "stat")
REQUESTER_KINDS = ("Practitioner", "PractitionerRole", "Organization")


@dataclass(frozen=True)
class ImportedReferral:
    """One ServiceRequest as an intake item would hold it (not yet validated as one)."""

    source_identifier: str
    referrer_name: str
    referrer_practice: str | None
    referrer_phone: str | None
    referrer_fax: str | None
    referrer_email: str | None
    family_name: str
    given_name: str
    middle_name: str | None
    date_of_birth: date | None
    sex: str
    phone: str | None
    referrer_mrn: str | None
    reason: str
    diagnosis_codes: tuple[str, ...]
    requested_priority: str


def refuse(message: str) -> ValidationError:
    """The one error an import raises: on the "file" field, naming what is wrong."""
    return ValidationError("file", message)


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """A parse error's place, as a person reads it ("entry 3 (ServiceRequest), reason")."""
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "entry" and isinstance(parts[1], int):
        try:
            kind = raw["entry"][parts[1]]["resource"]["resourceType"]
        except (KeyError, IndexError, TypeError):
            kind = "?"
        rest = ".".join(str(p) for p in parts[3:]) or "resource"
        return f"entry {parts[1] + 1} ({kind}), {rest}"
    return ".".join(str(p) for p in parts) or "the bundle"


def parse(content: bytes) -> Bundle:
    """The file as an R4 Bundle.

    Raises:
        ValidationError: On "file": not JSON, not FHIR, not a Bundle, or not valid R4
            (the first problem's place and rule).
    """
    try:
        raw = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refuse(f"is not JSON ({error})") from None
    if not isinstance(raw, dict) or "resourceType" not in raw:
        raise refuse("is not FHIR: a FHIR file is a JSON object with a resourceType")
    if raw["resourceType"] != "Bundle":
        raise refuse(f"holds a FHIR {raw['resourceType']}, not a Bundle of a referral")
    try:
        return Bundle.parse_obj(raw)
    except ParseError as error:
        first = error.errors()[0]
        rule = first["msg"]
        if first["type"] == "value_error.extra":
            rule = "is not an element of FHIR R4 (is the file R5 or another version?)"
        raise refuse(f"is not valid FHIR R4: {_where(first['loc'], raw)}: {rule}") from None
    except LookupError:  # fhir.resources: a resourceType it has no class for
        raise refuse("is not valid FHIR R4: a resource has an unknown resourceType") from None
    except (TypeError, ValueError, AttributeError, RecursionError) as error:
        raise refuse(f"is not valid FHIR R4 ({type(error).__name__})") from None


def _index(bundle: Bundle) -> dict[str, Any]:
    """Every resource by its fullUrl and by "Type/id", so references of either kind resolve."""
    found: dict[str, Any] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        if entry.fullUrl:
            found[str(entry.fullUrl)] = resource
        if resource.id:
            found[f"{resource.resource_type}/{resource.id}"] = resource
    return found


def _resolve(index: dict[str, Any], ref: Any, kinds: tuple[str, ...], what: str) -> Any:
    if ref is None or not ref.reference:
        raise refuse(f"has no {what}")
    target = index.get(str(ref.reference))
    if target is None or target.resource_type not in kinds:
        raise refuse(f"names a {what} that is not in the bundle ({ref.reference})")
    return target


def _human_name(resource: Any) -> Any:
    """The name to use: the official one, else the first (None when there is none)."""
    names = getattr(resource, "name", None) or []
    return next((n for n in names if n.use == "official"), names[0] if names else None)


def _name(resource: Any) -> tuple[str, list[str]]:
    if isinstance(getattr(resource, "name", None), str):  # Organization.name
        return resource.name, []
    name = _human_name(resource)
    if name is None:
        return "", []
    return name.family or "", list(name.given or [])


def _telecom(resource: Any, system: str) -> str | None:
    return next((t.value for t in resource.telecom or [] if t.system == system and t.value), None)


def _person(resource: Any) -> str:
    """A practitioner as a letter addresses them: given names, family name, ", MD"."""
    family, given = _name(resource)
    name = _human_name(resource)
    suffix = ", " + " ".join(name.suffix) if name is not None and name.suffix else ""
    return " ".join([*given, family]).strip() + suffix


def _requester(index: dict[str, Any], ref: Any) -> dict[str, str | None]:
    who = _resolve(index, ref, REQUESTER_KINDS, "requester")
    person, organisation = who, None
    if who.resource_type == "PractitionerRole":
        person = _resolve(index, who.practitioner, ("Practitioner",), "practitioner")
        if who.organization is not None:
            organisation = _resolve(index, who.organization, ("Organization",), "organization")
    elif who.resource_type == "Organization":
        person, organisation = None, who
    contacts = [r for r in (who, person, organisation) if r is not None]

    def contact(system: str) -> str | None:
        return next((v for r in contacts if (v := _telecom(r, system))), None)

    name = _person(person) if person is not None else _name(organisation)[0]
    return {
        "referrer_name": name,
        "referrer_practice": _name(organisation)[0] if organisation is not None else None,
        "referrer_phone": contact("phone"),
        "referrer_fax": contact("fax"),
        "referrer_email": contact("email"),
    }


def _icd(concept: Any) -> list[str]:
    return [c.code for c in (concept.coding or []) if c.system == ICD10CM and c.code]


def _concept_text(concept: Any) -> str | None:
    return concept.text or next((c.display for c in concept.coding or [] if c.display), None)


def _reason(index: dict[str, Any], request: Any) -> tuple[str, tuple[str, ...]]:
    texts: list[str] = []
    codes: list[str] = []
    for concept in request.reasonCode or []:
        texts += [t for t in [_concept_text(concept)] if t]
        codes += _icd(concept)
    for ref in request.reasonReference or []:
        condition = _resolve(index, ref, ("Condition", "Observation"), "reason")
        if condition.code is not None:
            texts += [t for t in [_concept_text(condition.code)] if t]
            codes += _icd(condition.code)
    texts += [n.text for n in request.note or [] if n.text]
    return "\n".join(dict.fromkeys(texts)), tuple(dict.fromkeys(codes))


def _identifier(request: Any, full_url: str | None) -> str:
    for identifier in request.identifier or []:
        if identifier.value:
            return f"{identifier.system or ''}|{identifier.value}"[:300]
    return (full_url or f"ServiceRequest/{request.id}")[:300]


def _one(index: dict[str, Any], request: Any, full_url: str | None) -> ImportedReferral:
    patient = _resolve(index, request.subject, ("Patient",), "subject (the patient)")
    family, given = _name(patient)
    mrn = next((i.value for i in patient.identifier or [] if i.value), None)
    reason, codes = _reason(index, request)
    priority = request.priority or "routine"
    return ImportedReferral(
        source_identifier=_identifier(request, full_url),
        **_requester(index, request.requester),  # type: ignore[arg-type]
        family_name=family,
        given_name=given[0] if given else "",
        middle_name=" ".join(given[1:]) or None,
        date_of_birth=patient.birthDate,
        sex=patient.gender or "unknown",
        phone=_telecom(patient, "phone"),
        referrer_mrn=mrn,
        reason=reason,
        diagnosis_codes=codes,
        requested_priority=priority if priority in PRIORITIES else "routine",
    )


def referrals_in(content: bytes) -> list[ImportedReferral]:
    """Every ServiceRequest of the file, or one error for the whole file.

    Raises:
        ValidationError: On "file": unreadable, not FHIR R4, no ServiceRequest, or a
            ServiceRequest whose patient or requester is missing (named with its number).
    """
    bundle = parse(content)
    index = _index(bundle)
    requests = [
        (e.resource, str(e.fullUrl) if e.fullUrl else None)
        for e in bundle.entry or []
        if e.resource.resource_type == "ServiceRequest"
    ]
    if not requests:
        raise refuse("is a FHIR Bundle without a ServiceRequest: there is no referral in it")
    found = []
    for number, (request, full_url) in enumerate(requests, start=1):
        try:
            found.append(_one(index, request, full_url))
        except ValidationError as error:
            raise refuse(f"ServiceRequest {number} of {len(requests)} {error.message}") from None
    return found
