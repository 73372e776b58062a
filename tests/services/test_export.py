"""Worklist CSV export: every row, ISO dates, no clinical text, audited, permission-checked."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.models import AuditEvent
from carecoord.services import export, referrals
from carecoord.services.actor import Actor
from carecoord.services.worklist import WorklistFilter, WorklistView
from tests.services.helpers import new_member, new_patient, new_referral

V = WorklistView


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_overdue_view_exports_every_row_without_clinical_text(
    db: Database, physician: Actor, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages so the export has to page through the service.
    monkeypatch.setattr(export, "PAGE_SIZE", 2)
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    sent_on = date.today() - timedelta(days=40)
    ids = []
    for _ in range(5):
        r = new_referral(db, physician, patient.id, rehab)
        r = referrals.transition(
            db, front_desk, r.id, "sent", sent_via="fax", on=sent_on, expected_version=r.version
        )
        ids.append(r.id)
    new_referral(db, physician, patient.id, rehab)  # a draft: not overdue

    text = export.worklist_csv(db, front_desk, V.OVERDUE)

    assert text.splitlines()[0].split(",") == list(export.COLUMNS)
    rows = _rows(text)
    assert sorted(int(r["referral_id"]) for r in rows) == sorted(ids)
    first = rows[0]
    assert first["patient"] == "Ñúñez, Zoë"
    assert first["date_of_birth"] == "1980-05-12"
    assert first["sent_on"] == sent_on.isoformat()
    assert date.fromisoformat(first["due_on"]) < date.today()
    assert first["state"] == "sent"
    assert (first["fhir_service_request_status"], first["fhir_task_status"]) == (
        "active",
        "requested",
    )
    assert first["overdue"] == "yes" and int(first["days_overdue"]) > 0
    assert first["recipient"] == "Lena Berg, MD"
    assert "low back pain" not in text.lower()
    assert "snri" not in text.lower()


def test_export_is_audited_and_honours_filters(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    psych = new_member(db, physician, "psychiatry")
    new_referral(db, physician, patient.id, rehab)
    new_referral(db, physician, patient.id, psych)

    text = export.worklist_csv(
        db, physician, "to_send", WorklistFilter(discipline="physical_rehabilitation")
    )

    rows = _rows(text)
    assert [r["discipline"] for r in rows] == ["Physical rehabilitation (PM&R)"]
    with db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert (event.entity, event.username) == ("Worklist", physician.username)
        assert event.detail == "to_send: 1 rows as CSV"


def test_empty_view_is_just_the_header(db: Database, front_desk: Actor) -> None:
    text = export.worklist_csv(db, front_desk, V.CLOSED)
    assert _rows(text) == []
    assert text.startswith("referral_id,patient,mrn")


def test_clinicians_may_not_export(db: Database, clinician: Actor) -> None:
    with pytest.raises(PermissionDenied) as error:
        export.worklist_csv(db, clinician, V.OVERDUE)
    assert "export" in str(error.value)
    with db.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []


def test_a_printed_list_is_audited(db: Database, front_desk: Actor) -> None:
    from carecoord.services.export import record_printed_list

    record_printed_list(db, front_desk, "referrals list printed")
    with db.session() as session:
        last = session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id.desc())
        ).first()
    assert last is not None and tuple(last) == ("print", "referrals list printed")
