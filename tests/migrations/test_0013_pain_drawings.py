"""Revision 0013 on a database with data: the pain-drawing table comes and goes, the rest stays."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import pain_drawings
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.pain_drawings import PainDrawingInput
from tests.services.helpers import new_patient


def test_pain_drawings_table_down_and_up(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    mark = {"view": "back", "x": 118, "y": 190, "kind": "aching"}
    pain_drawings.save_pain_drawing(db, physician, patient.id, PainDrawingInput(today(), [mark]))
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")
    assert "pain_drawings" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 1
    upgrade_to_head(db.engine)
    assert "pain_drawings" in inspect(db.engine).get_table_names()
    uniques = inspect(db.engine).get_unique_constraints("pain_drawings")
    assert [u["column_names"] for u in uniques] == [["patient_id", "drawn_on"]]
    saved = pain_drawings.save_pain_drawing(
        db, physician, patient.id, PainDrawingInput(today(), [mark])
    )
    assert [m.region for m in saved.marks] == ["right_lower_back"]
