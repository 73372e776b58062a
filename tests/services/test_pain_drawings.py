"""Pain drawings through the services: per date, validated mark by mark, role-checked and
audited; printed in the plan PDF and, when ticked, in referral letters (read back)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, PainDrawing
from carecoord.services import pain_drawings, plan_report, plans
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.letters import Section, default_options, generate_letter
from carecoord.services.pain_drawings import PainDrawingInput
from tests.letters.samples import pdf_text
from tests.services.helpers import count, new_member, new_patient, new_referral

# Low back pain with right-sided radiculopathy, marked on the back view (the patient's
# right is on the reader's right there).
RADICULOPATHY = [
    {"view": "back", "x": 118, "y": 190, "kind": "aching"},
    {"view": "back", "x": 112, "y": 195, "kind": "aching"},
    {"view": "back", "x": 117, "y": 260, "kind": "numbness"},
    {"view": "back", "x": 115, "y": 370, "kind": "pins_and_needles"},
    # a caller's "region" is ignored: the geometry decides (this point is the right calf)
    {"view": "back", "x": 115, "y": 380, "kind": "pins_and_needles", "region": "head"},
]


def _events(db: Database) -> list[tuple[str, str, int | None, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "Pain drawing").order_by(AuditEvent.id)
        )
        return [(e.action, e.data_category, e.patient_id, e.detail) for e in rows]


def test_save_list_get_update_delete(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    drawn_on = today() - timedelta(days=3)
    saved = pain_drawings.save_pain_drawing(
        db, physician, patient.id, PainDrawingInput(drawn_on, RADICULOPATHY, " after sitting ")
    )
    assert saved.drawn_on == drawn_on and saved.notes == "after sitting"
    assert [m.region for m in saved.marks] == [
        "right_lower_back",
        "right_lower_back",
        "back_right_thigh",
        "right_calf",
        "right_calf",
    ]
    assert [(r.label, r.kinds_text) for r in saved.regions] == [
        ("right lower back", "aching"),
        ("back of right thigh", "numbness"),
        ("right calf", "pins and needles"),
    ]
    listed = pain_drawings.list_pain_drawings(db, physician, patient.id)
    assert [d.id for d in listed] == [saved.id]
    got = pain_drawings.get_pain_drawing(db, physician, saved.id)
    assert got.marks == saved.marks and got.version == 1

    changed = pain_drawings.save_pain_drawing(
        db,
        physician,
        patient.id,
        PainDrawingInput(
            drawn_on, [*RADICULOPATHY[:2], {"view": "front", "x": 100, "y": 30, "kind": "stabbing"}]
        ),
        drawing_id=saved.id,
        expected_version=1,
    )
    assert changed.version == 2
    assert [r.label for r in changed.regions] == ["head", "right lower back"]
    with pytest.raises(ConflictError):
        pain_drawings.save_pain_drawing(
            db,
            physician,
            patient.id,
            PainDrawingInput(drawn_on, RADICULOPATHY),
            drawing_id=saved.id,
            expected_version=1,
        )
    pain_drawings.delete_pain_drawing(db, physician, saved.id, expected_version=2)
    assert count(db, PainDrawing) == 0
    assert _events(db) == [
        ("create", "general", patient.id, "5 marks"),
        ("read", "general", patient.id, "list"),
        ("read", "general", patient.id, None),
        ("update", "general", patient.id, "3 marks"),
        ("delete", "general", patient.id, drawn_on.isoformat()),
    ]


def test_drawings_are_kept_per_date_newest_first(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    first = today() - timedelta(days=60)
    for day in (first, today()):
        pain_drawings.save_pain_drawing(
            db, physician, patient.id, PainDrawingInput(day, RADICULOPATHY[:1])
        )
    listed = pain_drawings.list_pain_drawings(db, physician, patient.id)
    assert [d.drawn_on for d in listed] == [today(), first]
    with pytest.raises(ValidationError) as refused:
        pain_drawings.save_pain_drawing(
            db, physician, patient.id, PainDrawingInput(first, RADICULOPATHY)
        )
    assert refused.value.field == "drawn_on"
    assert refused.value.message == (
        f"this patient already has a pain drawing dated {first.isoformat()}: "
        "open that one to change it"
    )


@pytest.mark.parametrize(
    ("marks", "field", "message"),
    [
        (
            [RADICULOPATHY[0], {"view": "front", "x": 10, "y": 10, "kind": "aching"}],
            "marks[1]",
            "lies outside the body outline (front view at 10, 10): mark only on the body",
        ),
        (
            [{"view": "back", "x": 118, "y": 190, "kind": "throbbing"}],
            "marks[0].kind",
            "is not a kind of pain on the drawing (got 'throbbing'): choose aching, burning, "
            "numbness, pins and needles, stabbing",
        ),
        (
            [{"view": "side", "x": 118, "y": 190, "kind": "aching"}],
            "marks[0].view",
            "must be front or back (got 'side')",
        ),
        (
            [{"view": "back", "x": 118, "y": 999, "kind": "aching"}],
            "marks[0].y",
            "must be between 0 and 440 (got 999)",
        ),
        (
            [{"view": "back", "x": float("nan"), "y": 10, "kind": "aching"}],
            "marks[0].x",
            "must be a number (got nan)",
        ),
        ([], "marks", "mark at least one place where it hurts"),
    ],
)
def test_bad_marks_are_refused_naming_the_field(
    db: Database, physician: Actor, marks: list[dict[str, object]], field: str, message: str
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as refused:
        pain_drawings.save_pain_drawing(db, physician, patient.id, PainDrawingInput(today(), marks))
    assert (refused.value.field, refused.value.message) == (field, message)
    assert count(db, PainDrawing) == 0
    assert _events(db) == []


def test_a_future_date_is_refused(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as refused:
        pain_drawings.save_pain_drawing(
            db, physician, patient.id, PainDrawingInput(today() + timedelta(days=1), RADICULOPATHY)
        )
    assert (refused.value.field, refused.value.message) == ("drawn_on", "cannot be in the future")


def test_roles(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    data = PainDrawingInput(today(), RADICULOPATHY)
    drawing = pain_drawings.save_pain_drawing(db, clinician, patient.id, data)
    assert drawing.updated_by == "therapist"
    # the front desk reads general clinical data but draws nothing
    assert len(pain_drawings.list_pain_drawings(db, front_desk, patient.id)) == 1
    with pytest.raises(PermissionDenied):
        pain_drawings.save_pain_drawing(
            db, front_desk, patient.id, PainDrawingInput(date(2026, 1, 2), RADICULOPATHY)
        )
    with pytest.raises(PermissionDenied):
        pain_drawings.get_pain_drawing(db, admin, drawing.id)
    with pytest.raises(PermissionDenied):
        pain_drawings.delete_pain_drawing(db, front_desk, drawing.id, expected_version=1)
    denied = [e for e in _events(db) if e[0] == "denied"]
    assert denied == []  # refusals are audited under the service's module name
    with db.session() as session:
        refusals = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "denied").order_by(AuditEvent.id)
        ).all()
    assert refusals == [
        "pain_drawings.save_pain_drawing: edit clinical",
        "pain_drawings.get_pain_drawing: read clinical",
        "pain_drawings.delete_pain_drawing: edit clinical",
    ]
    assert count(db, PainDrawing) == 1


def test_plan_pdf_prints_the_newest_drawing(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    plans.create_plan(db, physician, patient.id, title="Back to work", started_on=today())
    pain_drawings.save_pain_drawing(
        db,
        physician,
        patient.id,
        PainDrawingInput(
            today() - timedelta(days=30), [{"view": "front", "x": 100, "y": 30, "kind": "burning"}]
        ),
    )
    pain_drawings.save_pain_drawing(
        db, physician, patient.id, PainDrawingInput(today(), RADICULOPATHY, "Worse on sitting")
    )
    pdf = plan_report.generate_plan_pdf(db, physician, patient.id)
    text = pdf_text(pdf)
    assert "Pain drawing of" in text
    for line in (
        "Kind of pain",
        "Aching (^^^)",
        "Burning (xxx)",
        "Numbness (===)",
        "Pins and needles (ooo)",
        "Stabbing (///)",
        "Where it hurts",
        "right lower back\naching",
        "back of right thigh\nnumbness",
        "right calf\npins and needles",
        "Notes: Worse on sitting",
    ):
        assert line in text, line
    assert "head" not in text.split("Where it hurts", 1)[1]  # the older drawing is not printed
    assert len(PdfReader(__import__("io").BytesIO(pdf)).pages) >= 1


def test_letter_carries_the_drawing_only_when_ticked(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    member = new_member(db, physician, "neurosurgery", "Wróbel", "Łukasz")
    referral = new_referral(db, physician, patient.id, member)
    choices = default_options(db, physician, referral.id)
    assert choices.section(Section.PAIN_DRAWING) is None  # nothing to tick yet

    pain_drawings.save_pain_drawing(
        db, physician, patient.id, PainDrawingInput(today(), RADICULOPATHY)
    )
    choices = default_options(db, physician, referral.id)
    section = choices.section(Section.PAIN_DRAWING)
    assert section is not None and not section.selected
    assert section.title == f"Pain drawing of {today().isoformat()}"

    plain = pdf_text(generate_letter(db, physician, referral.id))
    assert "Not included in this letter: pain drawing." in plain
    assert "right lower back" not in plain

    ticked = choices.defaults.with_section(Section.PAIN_DRAWING)
    text = pdf_text(generate_letter(db, physician, referral.id, ticked))
    assert "Not included in this letter: pain drawing." not in text
    for line in (
        "Pain drawing of",
        "Kind of pain",
        "Pins and needles (ooo)",
        "right lower back\naching",
        "right calf\npins and needles",
    ):
        assert line in text, line
