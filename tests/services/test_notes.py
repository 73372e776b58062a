"""Psychotherapy notes: their author alone reads them; they never reach search, letters,
exports or the audit trail's text."""

from __future__ import annotations

import io
from dataclasses import fields

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.vocabulary import DataCategory, UserRole
from carecoord.db import Database
from carecoord.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from carecoord.models import AuditEvent
from carecoord.services import export, letters, notes, patients, users, worklist
from carecoord.services.actor import Actor
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient, new_referral

CANARY = "CANARY-PSYCHOTHERAPY-7f3a"


def test_the_author_writes_lists_reads_and_amends(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    first = notes.create_note(db, physician, patient.id, f"Session 1. {CANARY}")
    second = notes.create_note(db, physician, patient.id, "Session 2: grief work continues.")
    assert first.author_user_id == physician.user_id and first.version == 1
    assert [n.id for n in notes.list_notes(db, physician, patient.id)] == [second.id, first.id]
    assert notes.get_note(db, physician, first.id).text == f"Session 1. {CANARY}"
    amended = notes.update_note(db, physician, first.id, "Session 1 (amended).", expected_version=1)
    assert amended.version == 2 and amended.text == "Session 1 (amended)."
    with pytest.raises(ConflictError):
        notes.update_note(db, physician, first.id, "stale", expected_version=1)


def test_validation_names_the_field(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    for bad in ("", "   ", "x" * (notes.MAX_TEXT + 1), 42):
        with pytest.raises(ValidationError) as error:
            notes.create_note(db, physician, patient.id, bad)  # type: ignore[arg-type]
        assert error.value.field == "text"
    with pytest.raises(NotFound):
        notes.create_note(db, physician, 999_999, "A note about nobody")


@pytest.mark.parametrize(
    "role", [UserRole.PHYSICIAN, UserRole.CLINICIAN, UserRole.ADMINISTRATOR, UserRole.FRONT_DESK]
)
def test_nobody_else_reads_or_lists_them_whatever_their_role(
    db: Database, password_hash: str, physician: Actor, role: UserRole
) -> None:
    patient = new_patient(db, physician)
    note = notes.create_note(db, physician, patient.id, CANARY)
    other = make_actor(db, password_hash, "other", role, "Other Person")
    with pytest.raises(PermissionDenied):
        notes.get_note(db, other, note.id)
    with pytest.raises(PermissionDenied):
        notes.update_note(db, other, note.id, "overwritten", expected_version=1)
    if role in (UserRole.PHYSICIAN, UserRole.CLINICIAN):
        assert notes.list_notes(db, other, patient.id) == []  # their own list: empty
    else:
        with pytest.raises(PermissionDenied):
            notes.list_notes(db, other, patient.id)
        with pytest.raises(PermissionDenied):
            notes.create_note(db, other, patient.id, "An administrator's note")


def test_break_glass_does_not_reach_psychotherapy_notes(
    db: Database, physician: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    note = notes.create_note(db, physician, patient.id, CANARY)
    row = users.get_user(db, admin, admin.user_id or 0)
    users.update_user(
        db,
        admin,
        row.id,
        full_name=row.full_name,
        role=row.role,
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=row.version,
    )
    glass = users.start_break_glass(db, admin, "Court order needs the whole record now")
    with pytest.raises(PermissionDenied):
        notes.get_note(db, glass, note.id)
    with pytest.raises(PermissionDenied):
        notes.list_notes(db, glass, patient.id)


def test_reads_and_writes_are_audited_as_psychotherapy_notes_without_their_text(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    note = notes.create_note(db, physician, patient.id, CANARY)
    notes.list_notes(db, physician, patient.id)
    notes.get_note(db, physician, note.id)
    with db.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == notes.ENTITY).order_by(AuditEvent.id)
        ).all()
        assert [r.action for r in rows] == ["create", "read", "read"]
        assert {r.data_category for r in rows} == {DataCategory.PSYCHOTHERAPY_NOTE.value}
        assert {r.patient_id for r in rows} == {patient.id}
        every_row = session.execute(select(AuditEvent.__table__)).all()
        assert CANARY not in repr(every_row)


def test_notes_never_reach_search_letters_or_exports(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician, family="Canary", given="Iris")
    psychiatrist = new_member(db, physician, "psychiatry")
    referral = new_referral(db, physician, patient.id, psychiatrist)
    notes.create_note(db, physician, patient.id, f"{CANARY} disclosed trauma history")

    assert patients.search_patients(db, physician, CANARY) == []
    found = patients.search_patients(db, physician, "Canary")
    assert [p.id for p in found] == [patient.id]
    assert CANARY not in repr(found)
    assert CANARY not in repr(patients.get_patient(db, physician, patient.id))

    choices = letters.default_options(db, physician, referral.id)

    def every(section: letters.Section) -> frozenset[int]:
        choice = choices.section(section)
        return frozenset(i.id for i in choice.items) if choice else frozenset()

    everything = letters.LetterOptions(
        sections=frozenset(letters.Section),
        diagnosis_ids=every(letters.Section.DIAGNOSES),
        medication_ids=every(letters.Section.MEDICATIONS),
        assessment_ids=every(letters.Section.SCORES),
        document_ids=frozenset(d.id for d in choices.documents),
    )
    for packet in (False, True):
        pdf = letters.generate_letter(db, physician, referral.id, everything, packet=packet)
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Canary" in text  # the patient's name is there: the text was read back
        assert CANARY not in text and "trauma history" not in text
    assert CANARY not in repr(letters.letter_data(db, physician, referral.id, everything))

    for view in worklist.WorklistView:
        csv_text = export.worklist_csv(db, physician, view)
        assert CANARY not in csv_text
    assert "Canary" in export.worklist_csv(db, physician, worklist.WorklistView.TO_SEND)


def test_note_views_carry_no_field_other_services_could_embed() -> None:
    names = {f.name for f in fields(notes.NoteView)}
    assert names == {
        "id",
        "patient_id",
        "author_user_id",
        "author_name",
        "written_at",
        "text",
        "version",
        "updated_at",
    }
