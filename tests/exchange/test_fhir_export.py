"""FHIR R4 export: every demo patient parses with fhir.resources (R4 4.0.1), references
resolve, the permission matrix decides what leaves, one audit event per export."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path
from typing import Any

import fhir.resources
import pytest
from fhir.resources.bundle import Bundle
from sqlalchemy import func, select

from carecoord.cli import main
from carecoord.clinical.vocabulary import DataCategory, Discipline
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.errors import NotFound, PermissionDenied
from carecoord.exchange.fhir_export import PROFILES, unresolved
from carecoord.models import AuditEvent, Patient, User
from carecoord.services import record
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.documents import DocumentUpload, attach_document
from carecoord.services.fhir import export_patient
from carecoord.services.permissions import PSYCHIATRIC_DRUGS, SUBSTANCE_USE_DRUGS
from carecoord.services.record import MedicationInput
from carecoord.services.users import actor_of
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

JSON = dict[str, Any]
RESTRICTED_DISCIPLINES = {
    Discipline.PSYCHIATRY.label,
    Discipline.PSYCHOLOGY.label,
    Discipline.PAIN_REHABILITATION_PROGRAM.label,
}


def test_the_validator_is_fhir_r4() -> None:
    assert fhir.resources.__fhir_version__ == "4.0.1"


def demo_actor(db: Database, username: str) -> Actor:
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return actor_of(user)


def patient_ids(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Patient.id).order_by(Patient.id)))


def resources(bundle: JSON, kind: str | None = None) -> list[JSON]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if kind is None or e["resource"]["resourceType"] == kind
    ]


def exports(db: Database) -> int:
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")
            )
            or 0
        )


@pytest.fixture
def demo(db: Database) -> Database:
    fill_demo(db, patients=60, seed=1)
    return db


def test_every_demo_patient_exports_a_valid_r4_bundle_whose_references_resolve(
    demo: Database,
) -> None:
    physician = demo_actor(demo, "drlee")
    seen: set[str] = set()
    codes: dict[str, set[str]] = {}
    ids = patient_ids(demo)
    assert len(ids) == 60
    for patient_id in ids:
        bundle = export_patient(demo, physician, patient_id)
        parsed = Bundle.parse_obj(bundle)  # raises on anything R4 does not allow
        assert parsed.type == "collection"
        assert unresolved(bundle) == []
        assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])
        assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
        for resource in resources(bundle):
            kind = resource["resourceType"]
            seen.add(kind)
            if kind in PROFILES:
                assert resource["meta"]["profile"] == [PROFILES[kind]]
            else:
                assert "meta" not in resource
            if kind in ("Observation", "Condition", "AllergyIntolerance"):
                for coding in resource["code"].get("coding", []):
                    codes.setdefault(kind, set()).add(f"{coding['system']}|{coding['code']}")
        (patient,) = resources(bundle, "Patient")
        assert patient["identifier"][0]["value"]
    assert seen >= {
        "Patient",
        "Practitioner",
        "Condition",
        "MedicationStatement",
        "Observation",
        "CareTeam",
        "CarePlan",
        "Goal",
        "ServiceRequest",
        "Task",
        "DocumentReference",
    }
    assert {c.split("|")[0] for c in codes["Condition"]} == {"http://hl7.org/fhir/sid/icd-10-cm"}
    assert "http://snomed.info/sct|716186003" in codes["AllergyIntolerance"]  # demo NKA charts
    observation_codes = codes["Observation"]
    for loinc in ("72514-3", "44261-6", "70274-6"):  # NRS, PHQ-9 total, GAD-7 total
        assert f"http://loinc.org|{loinc}" in observation_codes


def test_questionnaire_items_are_components_and_the_dose_is_structured(demo: Database) -> None:
    physician = demo_actor(demo, "drlee")
    phq9_seen = gad7_seen = dosage_seen = False
    for patient_id in patient_ids(demo)[:20]:
        bundle = export_patient(demo, physician, patient_id)
        for observation in resources(bundle, "Observation"):
            code = observation["code"]["coding"][0]["code"]
            if code == "44261-6":
                items = observation["component"]
                assert [c["code"]["coding"][0]["code"] for c in items][::8] == [
                    "44250-9",
                    "44260-8",
                ]
                assert len(items) == 9
                assert (
                    sum(c["valueInteger"] for c in items) == observation["valueQuantity"]["value"]
                )
                phq9_seen = True
            if code == "70274-6":
                assert len(observation["component"]) == 7
                gad7_seen = True
        for statement in resources(bundle, "MedicationStatement"):
            dose = statement["dosage"][0]
            assert dose["doseAndRate"][0]["doseQuantity"]["value"] > 0
            assert dose["route"]["text"]
            if dose["route"].get("coding"):
                assert dose["route"]["coding"][0]["system"] == "http://snomed.info/sct"
                dosage_seen = True
    assert phq9_seen and gad7_seen and dosage_seen


def _psychiatric_content(bundle: JSON) -> list[str]:
    found: list[str] = []
    for condition in resources(bundle, "Condition"):
        code = condition["code"]["coding"][0]["code"]
        if code.startswith("F"):
            found.append(f"Condition {code}")
    for statement in resources(bundle, "MedicationStatement"):
        drug = statement["medicationCodeableConcept"]["text"].lower()
        if any(d in drug for d in (*PSYCHIATRIC_DRUGS, *SUBSTANCE_USE_DRUGS)):
            found.append(f"MedicationStatement {drug}")
    for observation in resources(bundle, "Observation"):
        code = observation["code"]["coding"][0]["code"]
        if code in ("44261-6", "70274-6", "ort"):
            found.append(f"Observation {code}")
    for request in resources(bundle, "ServiceRequest"):
        label = request["code"]["text"].removeprefix("Referral to ")
        if label in RESTRICTED_DISCIPLINES:
            found.append(f"ServiceRequest {label}")
    return found


def test_the_front_desk_exports_no_psychiatric_or_substance_use_content(demo: Database) -> None:
    physician = demo_actor(demo, "drlee")
    desk = demo_actor(demo, "frontdesk")
    physician_found = 0
    for patient_id in patient_ids(demo)[:25]:
        full = export_patient(demo, physician, patient_id)
        physician_found += len(_psychiatric_content(full))
        limited = export_patient(demo, desk, patient_id)
        Bundle.parse_obj(limited)
        assert unresolved(limited) == []
        assert _psychiatric_content(limited) == []
        statements = resources(limited, "MedicationStatement")
        assert not [s for s in statements if "restricted" in json.dumps(s)]
        assert len(resources(limited)) <= len(resources(full))
    assert physician_found > 0  # the demo holds such content: the check above means something
    admin = demo_actor(demo, "admin")  # exports, but reads no clinical content
    kinds = {
        r["resourceType"] for r in resources(export_patient(demo, admin, patient_ids(demo)[0]))
    }
    assert kinds == {"Patient", "CareTeam", "Practitioner"}


def test_an_export_is_audited_once_and_a_clinician_may_not_export(
    db: Database, physician: Actor, clinician: Actor
) -> None:
    patient = new_patient(db, physician)
    before = exports(db)
    with db.session() as session:
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    export_patient(db, physician, patient.id)
    with db.session() as session:
        added = [
            (e.action, e.entity, e.entity_id, e.patient_id, e.detail or "")
            for e in session.scalars(
                select(AuditEvent).order_by(AuditEvent.id).offset(events_before)
            )
        ]
    assert [a[:4] for a in added] == [("export", "Patient", patient.id, patient.id)]
    assert "FHIR R4" in added[0][4]
    assert exports(db) == before + 1
    with pytest.raises(PermissionDenied):
        export_patient(db, clinician, patient.id)
    with db.session() as session:
        last = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()
    assert last == "denied"
    with pytest.raises(NotFound):
        export_patient(db, physician, 999_999)


def test_allergies_documents_and_referral_tasks(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    empty = export_patient(db, physician, patient.id)
    # "Not yet recorded" claims nothing: no AllergyIntolerance at all.
    assert resources(empty, "AllergyIntolerance") == []
    record.confirm_no_known_allergies(db, physician, patient.id)
    confirmed = export_patient(db, physician, patient.id)
    Bundle.parse_obj(confirmed)
    assert unresolved(confirmed) == []
    (none_known,) = resources(confirmed, "AllergyIntolerance")
    assert none_known["code"]["coding"] == [
        {
            "system": "http://snomed.info/sct",
            "code": "716186003",
            "display": "No known allergy",
        }
    ]
    assert none_known["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert none_known["recordedDate"] == today().isoformat()
    (patient_resource,) = resources(confirmed, "Patient")
    assert none_known["patient"]["reference"] == f"urn:uuid:{patient_resource['id']}"
    record.add_allergy(
        db,
        physician,
        patient.id,
        "Penicillin",
        reaction="hives",
        severity="severe",
        clear_no_known_allergies=True,
    )
    record.add_medication(
        db,
        physician,
        patient.id,
        MedicationInput("oxycodone", 5, "mg", "prn", route="oral", max_doses_per_day=4),
    )
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Ola")
    referral = new_referral(db, physician, patient.id, rehab)
    attach_document(
        db,
        physician,
        patient.id,
        DocumentUpload("report.pdf", PDF_BYTES, kind="specialist_report", title="Rehab report"),
        referral_id=referral.id,
    )
    bundle = export_patient(db, physician, patient.id)
    Bundle.parse_obj(bundle)
    assert unresolved(bundle) == []
    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["text"] == "Penicillin"
    assert allergy["reaction"][0]["severity"] == "severe"
    (statement,) = resources(bundle, "MedicationStatement")
    dose = statement["dosage"][0]
    assert dose["asNeededBoolean"] is True
    assert dose["route"]["coding"][0]["code"] == "26643006"
    assert dose["doseAndRate"][0]["doseQuantity"] == {
        "value": 5,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    assert dose["maxDosePerPeriod"]["numerator"]["value"] == 20
    (document,) = resources(bundle, "DocumentReference")
    attachment = document["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == PDF_BYTES
    assert attachment["contentType"] == "application/pdf"
    (request,) = resources(bundle, "ServiceRequest")
    (task,) = resources(bundle, "Task")
    assert request["status"] == "draft" and task["status"] == "draft"
    assert task["focus"]["reference"] == f"urn:uuid:{request['id']}"
    assert task["owner"]["reference"] in {
        f"urn:uuid:{p['id']}" for p in resources(bundle, "Practitioner")
    }
    assert task["output"][0]["valueReference"]["reference"] == f"urn:uuid:{document['id']}"
    assert document["context"]["related"][0]["reference"] == f"urn:uuid:{request['id']}"


def test_a_sensitive_referral_leaves_with_the_physician_only(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)
    psychiatrist = new_member(db, physician)  # psychiatry
    new_referral(db, physician, patient.id, psychiatrist)
    assert len(resources(export_patient(db, physician, patient.id), "ServiceRequest")) == 1
    desk = export_patient(db, front_desk, patient.id)
    assert resources(desk, "ServiceRequest") == resources(desk, "Task") == []
    assert "SNRI" not in json.dumps(desk)
    assert DataCategory.PSYCHIATRIC  # the category the matrix withholds from the desk


def test_the_command_writes_the_bundle_and_refuses_an_unknown_patient(
    demo: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patient_id = patient_ids(demo)[0]
    output = tmp_path / "bundle.json"
    before = exports(demo)
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo\n"))
    argv = ["--database", demo.url, "--user", "drlee", "--password-stdin", "fhir", "export"]
    assert main([*argv, str(patient_id), "--output", str(output)]) == 0
    assert "FHIR resources" in capsys.readouterr().out
    bundle = json.loads(output.read_text(encoding="utf-8"))
    Bundle.parse_obj(bundle)
    assert unresolved(bundle) == []
    assert resources(bundle, "Patient")[0]["id"]
    assert exports(demo) == before + 1
    missing = tmp_path / "missing.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo\n"))
    assert main([*argv, "999999", "--output", str(missing)]) == 1
    assert "999999" in capsys.readouterr().err
    assert not missing.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
