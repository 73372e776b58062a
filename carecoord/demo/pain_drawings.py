"""Demo pain drawings that fit each demo patient's diagnoses: two dates per patient, the
later one showing the change a treated patient reports (fictional data only).

Called by the demo loader on its open Connection after the patients and diagnoses are in
(``fill_pain_drawings(conn, day)``), like :mod:`carecoord.services.demo_workflow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final, cast

from sqlalchemy import Connection, Table, select

from carecoord import bulk
from carecoord.clinical.pain_map import PainMark, validate_marks
from carecoord.models import Diagnosis, PainDrawing, Patient, utcnow

Spot = tuple[str, float, float, str]  # view, x, y, kind — drawn on the patient's RIGHT side


def _both_sides(view: str, x: float, y: float, kind: str) -> tuple[Spot, Spot]:
    """A spot and its mirror image on the other side (both views mirror about the midline,
    x = 100), for pain felt on both sides alike."""
    return (view, x, y, kind), (view, 200 - x, y, kind)


# Where each presentation hurts (docs/clinical-reference.md §11), first visit and ~8 weeks on.
RADICULOPATHY: Final[tuple[tuple[Spot, ...], tuple[Spot, ...]]] = (
    (
        ("back", 118, 190, "aching"),
        ("back", 111, 196, "aching"),
        ("back", 116, 216, "aching"),
        ("back", 117, 255, "numbness"),
        ("back", 116, 278, "numbness"),
        ("back", 115, 360, "pins_and_needles"),
        ("back", 113, 378, "pins_and_needles"),
        ("front", 84, 372, "numbness"),
        ("front", 82, 418, "pins_and_needles"),
        ("back", 117, 265, "stabbing"),
    ),
    (  # leg symptoms receding after treatment: back ache and some thigh numbness left
        ("back", 118, 190, "aching"),
        ("back", 111, 196, "aching"),
        ("back", 117, 258, "numbness"),
    ),
)
LOW_BACK: Final = (
    (*_both_sides("back", 118, 190, "aching"), *_both_sides("back", 112, 200, "aching")),
    _both_sides("back", 118, 192, "aching"),
)
NECK: Final = (
    (
        ("back", 100, 72, "aching"),
        *_both_sides("back", 135, 98, "aching"),
        ("back", 100, 30, "aching"),
    ),
    (("back", 100, 72, "aching"), ("back", 135, 98, "aching")),
)
MIGRAINE: Final = (
    (("front", 92, 24, "stabbing"), ("front", 100, 30, "aching"), ("back", 100, 40, "aching")),
    (("front", 92, 24, "aching"),),
)
TENSION_HEADACHE: Final = (
    (
        ("front", 100, 20, "aching"),
        ("back", 100, 30, "aching"),
        ("back", 100, 72, "aching"),
    ),
    (("front", 100, 20, "aching"), ("back", 100, 72, "aching")),
)
FIBROMYALGIA: Final = (  # the tender points, on both sides
    (
        *_both_sides("back", 135, 98, "aching"),
        *_both_sides("back", 120, 125, "aching"),
        *_both_sides("back", 118, 190, "aching"),
        *_both_sides("back", 116, 216, "burning"),
        *_both_sides("front", 82, 260, "aching"),
        *_both_sides("front", 55, 140, "aching"),
    ),
    (
        *_both_sides("back", 135, 98, "aching"),
        *_both_sides("back", 118, 190, "aching"),
        ("front", 82, 260, "aching"),
    ),
)
NEUROPATHY: Final = (  # both feet and lower legs alike
    (
        *_both_sides("front", 82, 418, "burning"),
        *_both_sides("front", 84, 380, "pins_and_needles"),
        *_both_sides("front", 84, 355, "numbness"),
    ),
    (
        *_both_sides("front", 82, 418, "burning"),
        *_both_sides("front", 84, 380, "pins_and_needles"),
    ),
)
CRPS: Final = (
    (
        ("front", 47, 250, "burning"),
        ("front", 52, 200, "burning"),
        ("front", 48, 245, "stabbing"),
        ("back", 153, 250, "burning"),
    ),
    (("front", 47, 250, "burning"), ("back", 153, 250, "burning")),
)
KNEE: Final = (
    (("front", 83, 324, "aching"), ("back", 117, 324, "aching")),
    (("front", 83, 324, "aching"),),
)
BOTH_KNEES: Final = (
    _both_sides("front", 83, 324, "aching"),
    _both_sides("front", 83, 324, "aching"),
)

# Diagnosis code (prefix) → presentation; the first matching diagnosis of a patient wins.
BY_CODE: Final[tuple[tuple[str, tuple[tuple[Spot, ...], tuple[Spot, ...]]], ...]] = (
    ("M54.16", RADICULOPATHY),
    ("M96.1", RADICULOPATHY),
    ("M54.5", LOW_BACK),
    ("M54.2", NECK),
    ("G43", MIGRAINE),
    ("G44.2", TENSION_HEADACHE),
    ("M79.7", FIBROMYALGIA),
    ("G62", NEUROPATHY),
    ("G90.5", CRPS),
    ("M17.11", KNEE),
    ("M17.0", BOTH_KNEES),
)
FIRST_DAYS_AGO: Final = 70
SECOND_DAYS_AGO: Final = 14
DEMO_AUTHOR: Final = "drlee"
BATCH: Final = 2000


def _mirror(spots: Sequence[Spot]) -> list[Spot]:
    """The same spots on the patient's left (both views mirror about the midline)."""
    return [(view, 200 - x, y, kind) for view, x, y, kind in spots]


def marks_for(code: str, left_sided: bool) -> tuple[tuple[PainMark, ...], ...] | None:
    """The two drawings (earlier, later) for a diagnosis code, checked like any input."""
    for prefix, presentation in BY_CODE:
        if code.startswith(prefix):
            return tuple(
                validate_marks(
                    [
                        {"view": v, "x": x, "y": y, "kind": k}
                        for v, x, y, k in (_mirror(spots) if left_sided else spots)
                    ]
                )
                for spots in presentation
            )
    return None


def fill_pain_drawings(conn: Connection, today: date) -> int:
    """Two pain drawings for every demo patient whose diagnoses have a presentation above.

    Sided presentations (radiculopathy, CRPS, one knee) fall on the right for even patient
    ids and the left for odd ones, except where the code names the side (M17.11: right).

    Returns:
        How many drawings were written.
    """
    table = cast(Table, PainDrawing.__table__)
    rows = conn.execute(  # discharged patients are no longer drawn
        select(Diagnosis.patient_id, Diagnosis.code)
        .join(Patient, Patient.id == Diagnosis.patient_id)
        .where(Patient.discharged_on.is_(None))
        .order_by(Diagnosis.patient_id, Diagnosis.id)
    )
    chosen: dict[int, str] = {}
    for patient_id, code in rows:
        if patient_id not in chosen and any(code.startswith(p) for p, _ in BY_CODE):
            chosen[patient_id] = code
    cache: dict[tuple[str, bool], tuple[list[dict[str, object]], ...]] = {}
    now = utcnow()
    dates = (today - timedelta(days=FIRST_DAYS_AGO), today - timedelta(days=SECOND_DAYS_AGO))
    batch: list[dict[str, object]] = []
    written = 0
    for patient_id, code in chosen.items():
        left = patient_id % 2 == 1 and not code.startswith("M17.11")
        key = (code, left)
        if key not in cache:
            found = marks_for(code, left)
            assert found is not None  # chosen only when a prefix matched
            cache[key] = tuple([m.as_json() for m in marks] for marks in found)
        for drawn_on, marks in zip(dates, cache[key], strict=True):
            batch.append(
                {
                    "patient_id": patient_id,
                    "drawn_on": drawn_on,
                    "marks": marks,
                    "notes": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "updated_by": DEMO_AUTHOR,
                }
            )
        if len(batch) >= BATCH:
            bulk.insert_rows(conn, table, batch)
            written += len(batch)
            batch = []
    if batch:
        bulk.insert_rows(conn, table, batch)
        written += len(batch)
    return written


__all__ = ["BY_CODE", "fill_pain_drawings", "marks_for"]
