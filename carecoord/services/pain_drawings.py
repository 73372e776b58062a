"""Pain drawings on a chart: recorded per date, read, compared and removed (audited).

A drawing is general clinical data (docs/clinical-reference.md §11): physicians and
clinicians draw and read them, the front desk reads them (as it reads other general
clinical data), administrators do neither. Marks are checked by
:mod:`carecoord.clinical.pain_map`, which also decides each mark's region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import pain_map
from carecoord.clinical.pain_map import BodyView, PainKind, PainMark, RegionPain
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import NotFound, ValidationError
from carecoord.letters.data import PainDrawingPrint
from carecoord.models import PainDrawing, Patient
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import check_version, service, today
from carecoord.services.permissions import Action, require
from carecoord.services.rows import newest_first
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Pain drawing"
CATEGORY = DataCategory.GENERAL
MAX_NOTES = 2000


@dataclass(frozen=True)
class PainDrawingInput:
    """A drawing as entered: its date, the marks (PainMark or mappings with ``view``,
    ``x``, ``y`` and ``kind``; any ``region`` given is ignored) and optional notes."""

    drawn_on: date | str
    marks: Sequence[PainMark | Mapping[str, object]]
    notes: str | None = None


@dataclass(frozen=True)
class PainDrawingView:
    id: int
    patient_id: int
    drawn_on: date
    marks: tuple[PainMark, ...]
    notes: str | None
    version: int
    updated_by: str | None
    updated_at: datetime

    @property
    def regions(self) -> tuple[RegionPain, ...]:
        """The regions marked with their kinds of pain (diagram order)."""
        return pain_map.region_summary(self.marks)


def _marks_of(stored: object) -> tuple[PainMark, ...]:
    """Stored marks back as PainMarks (the region is recomputed from the shipped map)."""
    if not isinstance(stored, list):
        return ()
    out: list[PainMark] = []
    for item in stored:
        try:
            out.append(pain_map.validate_mark(item, len(out)))
        except ValidationError:  # the map changed under an old mark: keep what still fits
            continue
    return tuple(out)


def drawing_view(row: PainDrawing) -> PainDrawingView:
    return PainDrawingView(
        row.id,
        row.patient_id,
        row.drawn_on,
        _marks_of(row.marks),
        row.notes,
        row.version,
        row.updated_by,
        row.updated_at,
    )


def print_of(view: PainDrawingView) -> PainDrawingPrint:
    """The plain data the plan PDF and letters print."""
    return PainDrawingPrint(view.drawn_on, view.marks, view.regions, view.notes)


def _validate(data: PainDrawingInput) -> tuple[date, tuple[PainMark, ...], str | None]:
    drawn_on = v.a_date(data.drawn_on, "drawn_on", required=True)
    assert drawn_on is not None
    if drawn_on > today():
        raise ValidationError("drawn_on", "cannot be in the future")
    marks = pain_map.validate_marks(data.marks)
    notes = v.text(data.notes, "notes", max_length=MAX_NOTES, multiline=True)
    return drawn_on, marks, notes


def _same_date(session: Session, patient_id: int, drawn_on: date) -> PainDrawing | None:
    return session.scalar(
        select(PainDrawing).where(
            PainDrawing.patient_id == patient_id, PainDrawing.drawn_on == drawn_on
        )
    )


@service
def save_pain_drawing(
    db: Database,
    actor: Actor,
    patient_id: int,
    data: PainDrawingInput,
    *,
    drawing_id: int | None = None,
    expected_version: int | None = None,
) -> PainDrawingView:
    """Record a new drawing (``drawing_id`` None) or change one, whole.

    Raises:
        ValidationError: a bad date (``drawn_on``, also when another drawing of the patient
            has that date), no marks, a mark outside the body outline (``marks[i]``) or of
            an unknown kind (``marks[i].kind``), over-long notes.
        ConflictError: the drawing changed since ``expected_version`` was read.
    """
    require(actor, Action.EDIT_CLINICAL, CATEGORY)
    drawn_on, marks, notes = _validate(data)
    stored = [m.as_json() for m in marks]
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        clash = _same_date(uow.session, patient_id, drawn_on)
        if clash is not None and clash.id != drawing_id:
            raise ValidationError(
                "drawn_on",
                f"this patient already has a pain drawing dated {drawn_on.isoformat()}: "
                "open that one to change it",
            )
        if drawing_id is None:
            row = PainDrawing(patient_id=patient_id, drawn_on=drawn_on, marks=stored, notes=notes)
            uow.session.add(row)
            action = "create"
        else:
            row = uow.load(PainDrawing, drawing_id, ENTITY)
            if row.patient_id != patient_id:
                raise NotFound(ENTITY, drawing_id)
            check_version(row, expected_version, ENTITY)
            row.drawn_on, row.marks, row.notes = drawn_on, stored, notes
            action = "update"
        row.updated_by = actor.username
        uow.session.flush()
        uow.audit(
            action,
            ENTITY,
            row.id,
            patient_id=patient_id,
            category=CATEGORY,
            detail=f"{len(marks)} marks",
        )
        uow.commit(row, ENTITY)
        return drawing_view(row)


def pain_drawings_of(session: Session, patient_id: int) -> list[PainDrawingView]:
    """The patient's drawings, newest first (the caller checks and audits)."""
    rows = newest_first(session, PainDrawing, patient_id, PainDrawing.drawn_on)
    return [drawing_view(r) for r in rows]


@service
def list_pain_drawings(db: Database, actor: Actor, patient_id: int) -> list[PainDrawingView]:
    """Every drawing of the patient, newest first (an audited read)."""
    require(actor, Action.READ_CLINICAL, CATEGORY)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        drawings = pain_drawings_of(uow.session, patient_id)
        uow.audit_read(ENTITY, patient_id=patient_id, category=CATEGORY, detail="list")
        return drawings


@service
def get_pain_drawing(db: Database, actor: Actor, drawing_id: int) -> PainDrawingView:
    """One drawing (an audited read)."""
    require(actor, Action.READ_CLINICAL, CATEGORY)
    with unit_of_work(db, actor) as uow:
        row = uow.load(PainDrawing, drawing_id, ENTITY)
        view = drawing_view(row)
        uow.audit_read(ENTITY, row.id, patient_id=row.patient_id, category=CATEGORY)
        return view


@service
def delete_pain_drawing(
    db: Database, actor: Actor, drawing_id: int, *, expected_version: int
) -> None:
    """Remove a drawing entered in error (audited, optimistic locking)."""
    require(actor, Action.EDIT_CLINICAL, CATEGORY)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load_for_change(PainDrawing, drawing_id, ENTITY, expected_version)
        uow.audit(
            "delete",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=CATEGORY,
            detail=row.drawn_on.isoformat(),
        )
        uow.session.delete(row)
        uow.commit()


__all__ = [
    "BodyView",
    "PainDrawingInput",
    "PainDrawingView",
    "PainKind",
    "PainMark",
    "delete_pain_drawing",
    "get_pain_drawing",
    "list_pain_drawings",
    "pain_drawings_of",
    "print_of",
    "save_pain_drawing",
]
