"""Revision 0014 on a database with data: existing charts start "not yet asked"; a
confirmation is dropped on the way down and the table comes back empty on the way up."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import record
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from tests.services.helpers import new_patient


def test_up_and_down_keep_the_chart(db: Database, physician: Actor) -> None:
    confirmed = new_patient(db, physician).id
    listed = new_patient(db, physician, family="Okonkwo").id
    record.confirm_no_known_allergies(db, physician, confirmed)
    record.add_allergy(db, physician, listed, "Penicillin")
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0013")
    assert "no_known_allergies" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM patients")).scalar() == 2
        assert conn.execute(text("SELECT substance FROM allergies")).scalar() == "Penicillin"
    upgrade_to_head(db.engine)
    columns = {c["name"] for c in inspect(db.engine).get_columns("no_known_allergies")}
    assert columns == {
        "id",
        "patient_id",
        "confirmed_by",
        "confirmed_by_name",
        "confirmed_on",
        "confirmed_at",
    }
    first = load_chart(db, physician, confirmed).allergy_status
    second = load_chart(db, physician, listed).allergy_status
    assert first is not None and first.unknown  # the confirmation did not survive the downgrade
    assert second is not None and [a.substance for a in second.allergies] == ["Penicillin"]
    record.confirm_no_known_allergies(db, physician, confirmed)  # and works again
