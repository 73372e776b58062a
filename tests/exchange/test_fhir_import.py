"""FHIR R4 import of inbound referrals: the round trip from CareCoord's own export, a
hand-written primary-care bundle, bad files refused whole with one message, duplicates,
and the command."""

from __future__ import annotations

import copy
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from carecoord.cli import main
from carecoord.clinical.intake_workflow import IntakeSource, IntakeState
from carecoord.clinical.vocabulary import Priority, UserRole
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.exchange.fhir_export import to_json
from carecoord.models import IntakeReferral
from carecoord.services.actor import Actor
from carecoord.services.fhir import export_patient
from carecoord.services.intake_import import import_bundle
from tests.conftest import make_actor
from tests.services.helpers import count, new_member, new_patient, new_referral

JSON = dict[str, Any]
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def primary_care_bundle() -> JSON:
    """What a primary-care EHR sends: requester as a PractitionerRole, reason as a Condition."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:1b6a3c8e-0000-4000-8000-000000000001",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "id": "sr1",
                    "identifier": [{"system": "urn:oid:2.16.840.1.113883.3.42", "value": "R-77"}],
                    "status": "active",
                    "intent": "order",
                    "priority": "urgent",
                    "subject": {"reference": "urn:uuid:1b6a3c8e-0000-4000-8000-000000000002"},
                    "requester": {"reference": "PractitionerRole/role1"},
                    "reasonReference": [{"reference": "Condition/c1"}],
                    "note": [{"text": "Opioid taper stalled at 60 MME; please advise."}],
                },
            },
            {
                "fullUrl": "urn:uuid:1b6a3c8e-0000-4000-8000-000000000002",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:oid:1.2.3", "value": "EL-4471"}],
                    "name": [{"family": "Haddad", "given": ["Noor", "Amal"]}],
                    "gender": "female",
                    "birthDate": "1966-09-30",
                    "telecom": [{"system": "phone", "value": "555-0177"}],
                },
            },
            {
                "resource": {
                    "resourceType": "PractitionerRole",
                    "id": "role1",
                    "practitioner": {"reference": "Practitioner/p1"},
                    "organization": {"reference": "Organization/o1"},
                    "telecom": [{"system": "fax", "value": "555-0199"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "p1",
                    "name": [{"family": "Quinlan", "given": ["Mara"], "suffix": ["MD"]}],
                }
            },
            {
                "resource": {
                    "resourceType": "Organization",
                    "id": "o1",
                    "name": "Elm Street Family Practice",
                    "telecom": [{"system": "phone", "value": "555-0190"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "subject": {"reference": "urn:uuid:1b6a3c8e-0000-4000-8000-000000000002"},
                    "code": {
                        "coding": [{"system": ICD, "code": "G89.4", "display": "Chronic pain"}],
                        "text": "Chronic pain syndrome",
                    },
                }
            },
        ],
    }


def encoded(bundle: JSON) -> bytes:
    return json.dumps(bundle).encode()


def fresh(tmp_path: Path, sqlite_template: Path, name: str) -> Database:
    target = tmp_path / name
    shutil.copyfile(sqlite_template, target)
    return Database(f"sqlite:///{target}")


def test_round_trip_from_the_export_keeps_patient_reason_priority_and_requester(
    db: Database, physician: Actor, tmp_path: Path, sqlite_template: Path, password_hash: str
) -> None:
    patient = new_patient(db, physician, "Haddad", "Noor")
    referrer = new_member(db, physician, "pain_medicine", "Lee", "Avery")  # credentials MD
    surgeon = new_member(db, physician, "neurosurgery", "Brandt", "Jonas")
    new_referral(
        db,
        physician,
        patient.id,
        surgeon,
        priority="urgent",
        priority_reason="Progressive weakness",
        referring_member_id=referrer.id,
        reason="Lumbar stenosis with claudication",
        clinical_question=None,
    )
    bundle = to_json(export_patient(db, physician, patient.id))
    other = fresh(tmp_path, sqlite_template, "receiving.sqlite3")
    try:
        doctor = make_actor(other, password_hash, "drkim", UserRole.PHYSICIAN, "Dr Kim")
        [item] = import_bundle(other, doctor, bundle)
        assert (item.family_name, item.given_name, item.date_of_birth) == (
            "Haddad",
            "Noor",
            patient.date_of_birth,
        )
        assert item.referrer_mrn == patient.mrn
        assert item.reason == "Lumbar stenosis with claudication"
        assert item.requested_priority is Priority.URGENT
        assert item.referrer_name == "Avery Lee, MD"
        assert item.source is IntakeSource.FHIR and item.state is IntakeState.RECEIVED
        with pytest.raises(ValidationError) as again:
            import_bundle(other, doctor, bundle)
        assert "was imported before" in again.value.message
        assert count(other, IntakeReferral) == 1
    finally:
        other.dispose()


def test_a_primary_care_bundle_reads_requester_role_and_condition(
    db: Database, front_desk: Actor
) -> None:
    [item] = import_bundle(db, front_desk, encoded(primary_care_bundle()))
    assert (item.family_name, item.given_name, item.middle_name) == ("Haddad", "Noor", "Amal")
    assert (item.sex, item.phone, item.referrer_mrn) == ("female", "555-0177", "EL-4471")
    assert item.referrer_name == "Mara Quinlan, MD"
    assert item.referrer_practice == "Elm Street Family Practice"
    assert (item.referrer_fax, item.referrer_phone) == ("555-0199", "555-0190")
    assert item.reason == "Chronic pain syndrome\nOpioid taper stalled at 60 MME; please advise."
    assert item.diagnosis_codes == ("G89.4",)
    assert item.source_identifier == "urn:oid:2.16.840.1.113883.3.42|R-77"


def _without(kind: str) -> JSON:
    bundle = primary_care_bundle()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != kind]
    return bundle


def _r5() -> JSON:
    bundle = primary_care_bundle()
    request = bundle["entry"][0]["resource"]
    request["reason"] = [{"concept": {"text": "R5 names the reason so"}}]
    return bundle


def _us_birth_date() -> JSON:
    bundle = primary_care_bundle()
    bundle["entry"][1]["resource"]["birthDate"] = "09/30/1966"
    return bundle


def _second_broken() -> JSON:
    bundle = primary_care_bundle()
    extra = copy.deepcopy(bundle["entry"][0])
    extra["fullUrl"] = "urn:uuid:1b6a3c8e-0000-4000-8000-000000000009"
    extra["resource"]["identifier"][0]["value"] = "R-78"
    extra["resource"]["subject"] = {"reference": "Patient/nobody"}
    bundle["entry"].append(extra)
    return bundle


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG not json", "is not JSON"),
        (b'["a", "list"]', "is not FHIR: a FHIR file is a JSON object with a resourceType"),
        (encoded({"resourceType": "Patient"}), "holds a FHIR Patient, not a Bundle of a referral"),
        (
            encoded({"resourceType": "Bundle", "type": "collection", "entry": []}),
            "is a FHIR Bundle without a ServiceRequest: there is no referral in it",
        ),
        (
            encoded(_without("ServiceRequest")),
            "is a FHIR Bundle without a ServiceRequest: there is no referral in it",
        ),
        (
            encoded(_r5()),
            "is not valid FHIR R4: entry 1 (ServiceRequest), reason: is not an element of FHIR R4",
        ),
        (encoded(_us_birth_date()), "is not valid FHIR R4: entry 2 (Patient), birthDate:"),
        (encoded(_without("Practitioner")), "ServiceRequest 1 of 1 names a practitioner"),
        (encoded(_without("Patient")), "ServiceRequest 1 of 1 names a subject (the patient)"),
        (encoded(_second_broken()), "ServiceRequest 2 of 2 names a subject (the patient)"),
    ],
)
def test_bad_files_are_refused_whole_with_one_message(
    db: Database, front_desk: Actor, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        import_bundle(db, front_desk, content)
    assert caught.value.field == "file"
    assert caught.value.message.startswith(message), caught.value.message
    assert count(db, IntakeReferral) == 0


def test_a_referral_without_a_birth_date_is_refused_naming_the_field(
    db: Database, front_desk: Actor, clinician: Actor
) -> None:
    bundle = primary_care_bundle()
    del bundle["entry"][1]["resource"]["birthDate"]
    with pytest.raises(ValidationError) as caught:
        import_bundle(db, front_desk, encoded(bundle))
    assert caught.value.message.startswith("ServiceRequest 1 of 1: date_of_birth:")
    with pytest.raises(PermissionDenied):
        import_bundle(db, clinician, encoded(primary_care_bundle()))
    assert count(db, IntakeReferral) == 0


def test_the_command_imports_and_refuses_a_bad_file(
    sqlite_db: Database,
    password_hash: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_actor(sqlite_db, password_hash, "desk", UserRole.FRONT_DESK, "Front Desk")
    good = tmp_path / "referral.json"
    good.write_bytes(encoded(primary_care_bundle()))
    argv = ["--database", sqlite_db.url, "--user", "desk", "--password-stdin", "fhir", "import"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main([*argv, str(good)]) == 0
    assert "Haddad, Noor, born 1966-09-30, from Mara Quinlan, MD" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main([*argv, str(good)]) == 1
    assert f"{good} was imported before" in capsys.readouterr().err
    bad = tmp_path / "notes.json"
    bad.write_text("hello", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main([*argv, str(bad)]) == 1
    assert f"{bad} is not JSON" in capsys.readouterr().err
    assert count(sqlite_db, IntakeReferral) == 1
