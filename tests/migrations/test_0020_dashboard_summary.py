"""The dashboard summary's migration fills it from the rows already there (SQLite and
PostgreSQL), and goes and comes back cleanly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect

from carecoord.clinical.vocabulary import ReferralState
from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import dashboard_summary as summary
from carecoord.services.actor import Actor
from carecoord.services.dashboard_figures import read_figures
from carecoord.services.dashboard_scratch import scratch_figures
from tests.services.helpers import new_member, new_patient, new_referral
from tests.services.test_dashboard import TODAY, send

REVISION = "0020"
BEFORE = "0019"


@pytest.fixture(autouse=True)
def _downgrades_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Walking down past revision 0005 is refused unless forced."""
    monkeypatch.setenv("CARECOORD_FORCE_DOWNGRADE", "1")


def test_summary_is_filled_from_existing_rows(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    send(db, physician, new_referral(db, physician, patient.id, rehab), TODAY - timedelta(90))
    new_referral(db, physician, patient.id, rehab)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE)
    assert "dashboard_counts" not in inspect(db.engine).get_table_names()
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), REVISION)
    with db.session() as session:
        conn = session.connection()
        kept = summary.kept(conn)
        assert kept == summary.from_scratch(conn)
        assert kept[0] and len(kept[1]) == 1  # steps, and the one sent referral's loop row
        now = datetime.now(UTC)
        figures = read_figures(session, TODAY, now)
        assert figures == scratch_figures(session, TODAY, now)
    assert dict(figures.open_by_state)[ReferralState.DRAFT] == 1
    assert figures.overdue_count == 1  # sent 90 days ago, never accepted
    assert figures.rolling == (0, 1)
    assert figures.team_gap_count == 1
    upgrade_to_head(db.engine)
