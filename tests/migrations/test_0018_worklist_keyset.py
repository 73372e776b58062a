"""Revision 0018 on a database with referrals: the priority rank is computed for rows that
existed before it, follows later priority changes, and goes and comes back cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import referrals
from carecoord.services.actor import Actor
from carecoord.services.worklist import WorklistView, worklist
from tests.services.helpers import new_member, new_patient, new_referral


@pytest.fixture(autouse=True)
def _downgrades_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Walking down past revision 0005 is refused unless forced."""
    monkeypatch.setenv("CARECOORD_FORCE_DOWNGRADE", "1")


def ranks(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT priority, priority_rank FROM referrals")).all()
    return {priority: rank for priority, rank in rows}


def test_rank_down_and_up_with_referrals(db: Database, physician: Actor, front_desk: Actor) -> None:
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    routine = new_referral(db, physician, patient.id, rehab)
    stat = new_referral(db, physician, patient.id, rehab, priority="stat", priority_reason="Now")
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0017")
    columns = {c["name"] for c in inspect(db.engine).get_columns("referrals")}
    assert "priority_rank" not in columns
    upgrade_to_head(db.engine)
    assert ranks(db) == {"routine": 3, "stat": 0}  # computed for the existing rows
    assert [r.id for r in worklist(db, front_desk, WorklistView.TO_SEND)] == [stat.id, routine.id]

    # A priority changed later moves the draft (the database keeps the rank).
    edited = referrals.get_referral(db, physician, routine.id)
    referrals.update_referral(
        db,
        physician,
        routine.id,
        referrals.ReferralInput(
            patient_id=patient.id,
            discipline=edited.discipline,
            reason=edited.reason,
            recipient_member_id=rehab.id,
            priority="asap",
            priority_reason="Worse this week",
        ),
        expected_version=edited.version,
    )
    assert ranks(db) == {"asap": 1, "stat": 0}
