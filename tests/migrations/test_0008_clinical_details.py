"""Revision 0008 on a database with data: stored PEG bands become labelled as derived (and
back), headache profiles and referrals keep their rows with the new columns empty."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import assessments, record
from carecoord.services.actor import Actor
from carecoord.services.record import HeadacheInput
from tests.services.helpers import new_patient


def test_peg_bands_are_relabelled_and_restored(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    assessments.record_assessment(
        db, physician, patient.id, "peg", {"pain": 7, "enjoyment": 5, "activity": 6}
    )
    assessments.record_assessment(db, physician, patient.id, "nrs", {"value": 6})
    record.save_headache_profile(
        db, physician, patient.id, HeadacheInput("1", 4, 16, 12, triptan_days_per_month=12)
    )

    def bands() -> list[tuple[str, str]]:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT kind, band FROM assessments ORDER BY id"))
            return [(r[0], r[1]) for r in rows]

    assert bands() == [("peg", "moderate (derived from NRS cut points)"), ("nrs", "moderate")]
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")
    assert bands() == [("peg", "moderate"), ("nrs", "moderate")]
    columns = {c["name"] for c in inspect(db.engine).get_columns("headache_profiles")}
    assert "triptan_days_per_month" not in columns and "red_flags" not in columns
    upgrade_to_head(db.engine)
    assert bands() == [("peg", "moderate (derived from NRS cut points)"), ("nrs", "moderate")]
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT acute_medication_days_per_month, triptan_days_per_month, red_flags "
                "FROM headache_profiles"
            )
        ).one()
    assert tuple(row) == (12, None, None)
