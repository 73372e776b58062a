"""Psychotherapy notes (45 CFR 164.501): written, read and listed by their author only.

No role reaches another person's notes: not administrators, not other physicians, not
break-glass access. Nothing else in CareCoord queries the notes table, so they never reach
letters, exports or search; audit events name the note, never its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.models import Patient, PsychotherapyNote, User, utcnow
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import check_version, service
from carecoord.services.permissions import (
    may_read_psychotherapy_note,
    may_write_psychotherapy_notes,
    role_of,
)
from carecoord.services.rows import add_audited, view_from
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "PsychotherapyNote"
CATEGORY = DataCategory.PSYCHOTHERAPY_NOTE
MAX_TEXT = 20_000


@dataclass(frozen=True)
class NoteView:
    id: int
    patient_id: int
    author_user_id: int
    author_name: str
    written_at: datetime
    text: str
    version: int
    updated_at: datetime


def _view(row: PsychotherapyNote, author_name: str) -> NoteView:
    return view_from(NoteView, row, author_name=author_name)


def _require_author_role(actor: Actor, what: str) -> None:
    if not may_write_psychotherapy_notes(actor) or actor.user_id is None:
        raise PermissionDenied(role_of(actor).label.lower(), what, CATEGORY.label.lower())


def _own(db_row: PsychotherapyNote, actor: Actor) -> None:
    if not may_read_psychotherapy_note(actor, db_row.author_user_id):
        raise PermissionDenied(
            role_of(actor).label.lower(), "read another author's", CATEGORY.label.lower()
        )


@service
def create_note(
    db: Database, actor: Actor, patient_id: int, text: str, *, written_at: datetime | None = None
) -> NoteView:
    """A new note by the acting physician or clinician about a session with the patient."""
    _require_author_role(actor, "write")
    body = v.required_text(text, "text", max_length=MAX_TEXT, multiline=True)
    when = written_at or utcnow()
    if when.tzinfo is None:
        raise ValueError("written_at must be timezone-aware")
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        row = PsychotherapyNote(
            patient_id=patient_id,
            author_user_id=actor.user_id,
            written_at=when,
            text=body,
            updated_by=actor.username,
        )
        add_audited(uow, row, ENTITY, patient_id=patient_id, category=CATEGORY)
        uow.commit()
        return _view(row, actor.display_name)


@service
def list_notes(db: Database, actor: Actor, patient_id: int) -> list[NoteView]:
    """The acting author's own notes on this patient, newest first (nobody else's, ever)."""
    _require_author_role(actor, "read")
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        rows = uow.session.scalars(
            select(PsychotherapyNote)
            .where(
                PsychotherapyNote.author_user_id == actor.user_id,
                PsychotherapyNote.patient_id == patient_id,
            )
            .order_by(PsychotherapyNote.written_at.desc(), PsychotherapyNote.id.desc())
        ).all()
        result = [_view(r, actor.display_name) for r in rows]
        uow.audit_read(ENTITY, patient_id=patient_id, category=CATEGORY, detail="list")
        return result


@service
def get_note(db: Database, actor: Actor, note_id: int) -> NoteView:
    """One note, for its author.

    Raises:
        PermissionDenied: the acting user did not write it (whatever their role).
    """
    with unit_of_work(db, actor) as uow:
        row = uow.load(PsychotherapyNote, note_id, ENTITY)
        _own(row, actor)
        author = uow.session.get(User, row.author_user_id)
        uow.audit_read(ENTITY, row.id, patient_id=row.patient_id, category=CATEGORY)
        return _view(row, author.full_name if author else actor.display_name)


@service
def update_note(
    db: Database, actor: Actor, note_id: int, text: str, *, expected_version: int
) -> NoteView:
    """The author amends their note (optimistic locking as everywhere)."""
    body = v.required_text(text, "text", max_length=MAX_TEXT, multiline=True)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(PsychotherapyNote, note_id, ENTITY)
        _own(row, actor)
        check_version(row, expected_version, ENTITY)
        if row.text != body:
            row.text = body
            uow.commit_change(row, "update", ENTITY, patient_id=row.patient_id, category=CATEGORY)
        return _view(row, actor.display_name)
