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
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.models import AuditEvent
from carecoord.services import (
    assessments,
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
    record,
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


# --------------------------------------------------------------- restricted free text
def _planted(category: str, field: str) -> str:
    """A unique string for one free-text field of one category."""
    return f"CANARY-{category}-{field}-9b1e"


def _real_pdf() -> bytes:
    """A readable one-page PDF (a packet appends filed documents page by page)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    page = Canvas(out)
    page.drawString(72, 720, "Specialist correspondence")
    page.save()
    return out.getvalue()


def _restricted_referral(
    db: Database, author: Actor, patient_id: int, discipline: str, tag: str
) -> list[int]:
    """Two referrals of ``discipline`` with a canary in every free-text field: one walked to
    "report received" without a report (through a hold and a history note), one cancelled."""
    recipient = team.create_member(
        db, author, team.MemberInput(f"Doe{tag}", "Sam", discipline, credentials="MD")
    )
    made = []
    for n in range(2):
        view = referrals.create_referral(
            db,
            author,
            referrals.ReferralInput(
                patient_id=patient_id,
                discipline=discipline,
                reason=_planted(tag, f"reason{n}"),
                recipient_member_id=recipient.id,
                priority="urgent",
                priority_reason=_planted(tag, f"priority{n}"),
                clinical_question=_planted(tag, f"question{n}"),
                patient_told=_planted(tag, f"told{n}"),
                treatments_tried=_planted(tag, f"tried{n}"),
            ),
        )
        made.append(view.id)
        view = referrals.transition(
            db, author, view.id, "sent", expected_version=view.version, sent_via="fax"
        )
        referrals.add_note(db, author, view.id, _planted(tag, f"note{n}"))
        view = referrals.get_referral(db, author, view.id)
        if n == 1:
            referrals.transition(
                db,
                author,
                view.id,
                "cancelled",
                expected_version=view.version,
                reason=_planted(tag, "cancel"),
            )
            continue
        view = referrals.transition(
            db,
            author,
            view.id,
            "on_hold",
            expected_version=view.version,
            reason=_planted(tag, "hold"),
            review_on=date.today() + timedelta(days=14),
        )
        view = referrals.transition(db, author, view.id, "sent", expected_version=view.version)
        view = referrals.transition(
            db, author, view.id, "accepted", on=view.sent_on, expected_version=view.version
        )
        view = referrals.transition(
            db,
            author,
            view.id,
            "scheduled",
            expected_version=view.version,
            appointment_date=view.sent_on,
        )
        referrals.record_report_received(
            db,
            author,
            view.id,
            expected_version=view.version,
            no_report_reason=_planted(tag, "noreport"),
        )
        documents.attach_document(
            db,
            author,
            patient_id,
            documents.DocumentUpload(
                f"{_planted(tag, 'file')}.pdf", _real_pdf(), "other", title=_planted(tag, "doc")
            ),
            referral_id=view.id,
        )
    return made


def _reachable(
    db: Database, actor: Actor, patient_id: int, referral_ids: list[int], log_file: Path
) -> list[str]:
    """Everything ``actor`` can get out of CareCoord about the patient, as text; a refused
    call contributes nothing."""
    from carecoord.errors import PermissionDenied

    seen: list[str] = []

    def take(produce: Callable[[], object]) -> None:
        try:
            result = produce()
        except PermissionDenied:
            return
        seen.append(pdf_text(result) if isinstance(result, bytes) else repr(result))

    take(lambda: chart.load_chart(db, actor, patient_id))
    take(lambda: patients.get_patient(db, actor, patient_id))
    take(lambda: referrals.list_for_patient(db, actor, patient_id))
    take(lambda: documents.list_documents(db, actor, patient_id))
    take(lambda: plans.list_plans(db, actor, patient_id))
    take(lambda: assessments.list_assessments(db, actor, patient_id))
    take(lambda: dashboard.dashboard(db, actor))
    take(lambda: plan_report.plan_pdf_data(db, actor, patient_id))
    take(lambda: plan_report.generate_plan_pdf(db, actor, patient_id))
    for rid in referral_ids:
        take(lambda r=rid: referrals.get_referral(db, actor, r))  # type: ignore[misc]
        take(lambda r=rid: letters.letter_data(db, actor, r))  # type: ignore[misc]
        take(lambda r=rid: letters.default_options(db, actor, r))  # type: ignore[misc]
        take(lambda r=rid: letters.generate_letter(db, actor, r))  # type: ignore[misc]
        take(lambda r=rid: letters.generate_letter(db, actor, r, packet=True))  # type: ignore[misc]
    for view in WorklistView:
        take(lambda w=view: worklist(db, actor, w))  # type: ignore[misc]
        take(lambda w=view: export.worklist_csv(db, actor, w))  # type: ignore[misc]
    take(lambda: audit_log.page(db, actor, audit_log.AuditFilter(), limit=1000))
    take(lambda: audit_log.export_csv(db, actor, audit_log.AuditFilter()))
    seen.append(log_file.read_text(encoding="utf-8"))
    return seen


def test_restricted_free_text_reaches_only_roles_that_may_read_it(
    db: Database, password_hash: str, log_file: Path
) -> None:
    """Psychiatric (P) and substance-use (S) canaries in every free-text field: the clinician
    reads P but never S; the front desk and the administrator read neither."""
    doctor = make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    therapist = make_actor(db, password_hash, "therapist", UserRole.CLINICIAN, "Jo Park")
    desk = make_actor(db, password_hash, "frontdesk", UserRole.FRONT_DESK, "Sam Rivera")
    admin = make_actor(db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    patient = new_patient(db, doctor)
    ids = _restricted_referral(db, doctor, patient.id, "psychiatry", "P")
    ids += _restricted_referral(db, doctor, patient.id, "pain_rehabilitation_program", "S")
    physio = new_member(db, doctor, "physical_therapy", family="Berg", given="Ola")
    ids.append(new_referral(db, doctor, patient.id, physio).id)  # general: its letter lists meds

    for drug, why, tag in (("buprenorphine", "for OUD", "S"), ("sertraline", "", "P")):
        record.add_medication(
            db,
            doctor,
            patient.id,
            record.MedicationInput(drug, 8, "mg", "daily", notes=f"{why} {_planted(tag, 'med')}"),
        )
    plan = plans.create_plan(db, doctor, patient.id, title="Back to work", started_on="2026-01-05")
    plans.update_plan(
        db,
        doctor,
        plan.id,
        title="Back to work",
        status="active",
        started_on="2026-01-05",
        review_on=None,
        notes=None,
        expected_version=plan.version,
    )
    for tag, modality, category in (
        ("P", "psychological", None),
        ("S", "education", "substance_use"),
    ):
        plans.save_activity(
            db,
            doctor,
            plan.id,
            plans.ActivityInput(
                modality,
                _planted(tag, "activity"),
                "2026-01-12",
                status="stopped",
                stop_reason=_planted(tag, "stopped"),
                category=category,
            ),
        )
    documents.attach_document(
        db,
        doctor,
        patient.id,
        documents.DocumentUpload(
            "discharge.pdf",
            PDF_BYTES,
            "other",
            title=_planted("S", "loose"),
            category="substance_use",
        ),
    )

    # The physician reads everything (the canaries really are in the outputs) ...
    everything = "\n".join(_reachable(db, doctor, patient.id, ids, log_file))
    for tag in ("P", "S"):
        for field in ("reason0", "question1", "noreport", "hold", "cancel", "note0", "med"):
            assert _planted(tag, field) in everything, (tag, field)
        assert _planted(tag, "activity") in everything and _planted(tag, "doc") in everything
    # ... the others read only what their role may.
    may_not_read = {
        therapist: ("CANARY-S-",),
        desk: ("CANARY-P-", "CANARY-S-"),
        admin: ("CANARY-P-", "CANARY-S-"),
    }
    for reader, prefixes in may_not_read.items():
        outputs = _reachable(db, reader, patient.id, ids, log_file)
        assert len(outputs) > 10, reader.username
        leaks = [
            (reader.username, text[max(0, text.find(p) - 80) : text.find(p) + 40])
            for text in outputs
            for p in prefixes
            if p in text
        ]
        assert not leaks, leaks
    # The audit trail itself holds no free text of any category.
    with db.session() as session:
        trail = " ".join(
            " ".join(str(v) for v in vars(e).values()) for e in session.scalars(select(AuditEvent))
        )
    assert "CANARY-" not in trail
