"""Revision 0015 on a database with data: the monitoring tables go on downgrade (nothing
else changes) and come back empty on upgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import (
    Database,
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from carecoord.services import monitoring
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.monitoring import ResultEntry
from tests.services.helpers import new_patient


def test_monitoring_tables_go_down_and_come_back(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    monitoring.record_result(
        db, physician, patient.id, ResultEntry("liver", today(), values={"alt": 30})
    )
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0014")
    tables = set(inspect(db.engine).get_table_names())
    assert not {"monitoring_results", "monitoring_values"} & tables
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 1
    upgrade_to_head(db.engine)
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM monitoring_results")).scalar() == 0
    monitoring.record_result(
        db, physician, patient.id, ResultEntry("kidney", today(), values={"egfr": 75})
    )
