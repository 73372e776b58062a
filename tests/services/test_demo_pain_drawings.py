"""Demo pain drawings match each demo patient's diagnosis (run on a real demo clinic)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.demo.pain_drawings import BY_CODE, marks_for
from carecoord.models import Diagnosis, PainDrawing, Patient
from carecoord.services.pain_drawings import drawing_view

DAY = date(2026, 11, 30)


@pytest.mark.parametrize("prefix", [p for p, _ in BY_CODE])
@pytest.mark.parametrize("left", [False, True])
def test_every_presentation_is_a_valid_drawing(prefix: str, left: bool) -> None:
    found = marks_for(prefix, left)
    assert found is not None and len(found) == 2 and all(found)


def test_radiculopathy_follows_the_side() -> None:
    right = marks_for("M54.16", False)
    left = marks_for("M54.16", True)
    assert right is not None and left is not None
    assert {m.region for m in right[0]} == {
        "right_lower_back",
        "right_buttock",
        "back_right_thigh",
        "right_calf",
        "right_lower_leg",
        "right_foot",
    }
    assert {m.region for m in left[0]} == {
        r.replace("right", "left") for r in (m.region for m in right[0])
    }
    assert {m.kind.value for m in right[0]} >= {"numbness", "pins_and_needles"}
    migraine = marks_for("G43.909", False)
    assert migraine is not None and {m.region for m in migraine[0]} == {"head", "back_of_head"}


def test_demo_clinic_gets_coherent_drawings(db: Database) -> None:
    fill_demo(db, patients=40, seed=3, today=DAY)  # the loader draws them
    with db.session() as session:
        written = session.scalar(select(func.count()).select_from(PainDrawing))
    with db.session() as session:
        drawings = [drawing_view(r) for r in session.scalars(select(PainDrawing))]
        codes: dict[int, list[str]] = {}
        for patient_id, code in session.execute(
            select(Diagnosis.patient_id, Diagnosis.code).order_by(Diagnosis.id)
        ):
            codes.setdefault(patient_id, []).append(code)
    assert written == len(drawings) > 0 and written % 2 == 0
    with db.session() as session:
        discharged = set(
            session.scalars(select(Patient.id).where(Patient.discharged_on.is_not(None)))
        )
    assert discharged and not discharged & {d.patient_id for d in drawings}
    assert {d.drawn_on for d in drawings} == {DAY - timedelta(days=70), DAY - timedelta(days=14)}
    for drawing in drawings:
        regions = {m.region for m in drawing.marks}
        assert drawing.marks, "every stored mark is on the body"
        first = next(
            c for c in codes[drawing.patient_id] if any(c.startswith(p) for p, _ in BY_CODE)
        )
        if first.startswith("G43"):
            assert regions <= {"head", "back_of_head"}
        if first.startswith(("M54.16", "M96.1")):
            assert regions & {"right_lower_back", "left_lower_back"}
            assert not (regions & {"head", "back_of_head"})
