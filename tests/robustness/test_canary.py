"""A psychotherapy note carrying a canary string never shows up anywhere else.

The note's own author (a physician, who may read the whole chart, print and export) then
uses every way data leaves CareCoord: referral letters and packets and the stored
copies of sent ones, the treatment-plan PDF, the worklist and audit CSV exports, patient
search, the chart, the dashboard, the audit trail itself, and the log file (captured at
DEBUG level). The canary must appear in none of them, while the note itself stays
readable by its author.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.models import AuditEvent
from carecoord.services import (
    audit_log,
    chart,
    dashboard,
    documents,
    export,
    letters,
    notes,
    patients,
    plan_report,
    plans,
    referrals,
    team,
)
from carecoord.services.actor import Actor
from carecoord.services.worklist import WorklistView, worklist
from tests.conftest import make_actor
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

CANARY = "CANARY-7f3a9c-psychotherapy-only"
NOTE = f"Session 4. {CANARY}. Discussed childhood; do not disclose."


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Everything the app logs during the test, at DEBUG level, in a file of its own."""
    path = tmp_path / "carecoord.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("carecoord")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    logger.removeHandler(handler)
    logger.setLevel(old_level)
    handler.close()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_psychotherapy_note_never_leaves_its_table(
    db: Database, password_hash: str, log_file: Path
) -> None:
    author = make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    admin = make_actor(db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    desk = make_actor(db, password_hash, "frontdesk", UserRole.FRONT_DESK, "Sam Rivera")
    patient = new_patient(db, author)
    psychiatrist = new_member(db, author, "psychiatry")
    physio = new_member(db, author, "physical_therapy", family="Berg", given="Ola")
    referral = new_referral(db, author, patient.id, psychiatrist)
    other = new_referral(db, author, patient.id, physio)
    documents.attach_document(
        db,
        author,
        patient.id,
        documents.DocumentUpload("report.pdf", PDF_BYTES, "specialist_report"),
        referral_id=referral.id,
    )
    plans.create_plan(
        db, author, patient.id, title="Back to work", started_on=patient.date_of_birth
    )

    note = notes.create_note(db, author, patient.id, NOTE)
    assert CANARY in notes.get_note(db, author, note.id).text  # the author can read it

    seen: list[str] = []  # everything that left CareCoord, as text

    # Letters and packets, for every referral of the patient.
    for referral_id in (referral.id, other.id):
        seen.append(pdf_text(letters.generate_letter(db, author, referral_id)))
        seen.append(pdf_text(letters.generate_letter(db, author, referral_id, packet=True)))
        seen.append(repr(letters.letter_data(db, author, referral_id)))
        seen.append(repr(letters.default_options(db, author, referral_id)))
    seen.append(pdf_text(plan_report.generate_plan_pdf(db, author, patient.id)))

    # Stored copies of sent letters (a letter and a packet), as kept and as reprinted.
    for referral_id, packet in ((referral.id, False), (other.id, True)):
        pdf = letters.generate_letter(db, author, referral_id, packet=packet)
        sent = letters.record_sent_letter(db, author, referral_id, pdf, "fax")
        for stamped in (False, True):
            copy = letters.sent_letter_copy(db, author, sent.document_id, stamped=stamped)
            seen.append(pdf_text(copy))
        seen.append(repr(letters.sent_letters(db, author, referral_id)))
        seen.append(pdf_text(documents.get_document_content(db, author, sent.document_id)[1]))

    # Exports: every worklist view, and the audit trail.
    for view in WorklistView:
        seen.append(export.worklist_csv(db, author, view))
        seen.append(repr(worklist(db, author, view)))
    seen.append(audit_log.export_csv(db, admin, audit_log.AuditFilter()))

    # Search: by the canary itself, by name, by MRN, by date of birth.
    for typed in (CANARY, "CANARY", "Session 4", patient.family_name, patient.mrn, ""):
        for actor in (author, desk):
            found = patients.search_patients(db, actor, typed)
            seen.append(repr(found))
            if typed.startswith(("CANARY", "Session")):
                assert found == []
    seen.append(repr(team.list_members(db, author)))

    # What screens show.
    seen.append(repr(chart.load_chart(db, author, patient.id)))
    seen.append(repr(patients.get_patient(db, author, patient.id)))
    seen.append(repr(referrals.list_for_patient(db, author, patient.id)))
    seen.append(repr(referrals.get_referral(db, author, referral.id)))
    seen.append(repr(documents.list_documents(db, author, patient.id)))
    seen.append(repr(dashboard.dashboard(db, author)))

    # The audit trail names the note, never its words.
    with db.session() as session:
        for event in session.scalars(select(AuditEvent)):
            seen.append(" ".join(str(v) for v in vars(event).values()))

    logging.getLogger("carecoord").debug("canary test finished its tour")
    logged = log_file.read_text(encoding="utf-8")
    assert "canary test finished its tour" in logged  # the log file was really captured
    seen.append(logged)

    leaks = [text[:200] for text in seen if CANARY in text]
    assert not leaks, f"the psychotherapy note leaked: {leaks}"
    assert len(seen) > 40


def test_other_users_cannot_read_the_note(db: Database, password_hash: str) -> None:
    author = make_actor(db, password_hash, "therapist", UserRole.CLINICIAN, "Jo Park")
    physician = make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    admin = make_actor(db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    patient = new_patient(db, physician)
    note = notes.create_note(db, author, patient.id, NOTE)
    from carecoord.errors import PermissionDenied

    readers: tuple[Actor, ...] = (physician, admin)
    for reader in readers:
        with pytest.raises(PermissionDenied):
            notes.get_note(db, reader, note.id)
        if reader.role != UserRole.ADMINISTRATOR:
            assert notes.list_notes(db, reader, patient.id) == []
