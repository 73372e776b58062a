"""Revision 0019 on a database with data: the intake table goes on downgrade (patients and
referrals stay) and comes back empty on upgrade, with its duplicate-import index."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from carecoord.clinical.intake_workflow import IntakeSource, IntakeState
from carecoord.db import Database, alembic_config, current_revision, upgrade_to_head
from carecoord.models import IntakeReferral
from carecoord.services.actor import Actor
from tests.services.helpers import new_patient


def _intake(db: Database, identifier: str | None) -> None:
    with db.session(write=True) as session:
        session.add(
            IntakeReferral(
                source=IntakeSource.FHIR if identifier else IntakeSource.HAND,
                source_identifier=identifier,
                received_on=date(2026, 12, 1),
                referrer_name="Dr Mara Quinlan",
                family_name="Okafor",
                given_name="Bea",
                date_of_birth=date(1971, 3, 4),
                reason="Chronic low back pain",
            )
        )
        session.commit()


def test_intake_table_goes_down_and_comes_back(db: Database, physician: Actor) -> None:
    new_patient(db, physician)
    _intake(db, "urn:carecoord:referral|RPF-1")
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0018")
    assert "intake_referrals" not in set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 1
    with db.engine.begin() as conn:  # 0019 itself, not whatever the head is now
        command.upgrade(alembic_config(conn), "0019")
    assert current_revision(db.engine) == "0019"
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("intake_referrals")}
    assert {"ix_intake_referrals_state_due_on", "ix_intake_referrals_due_on"} <= indexes
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intake_referrals")).scalar() == 0
    upgrade_to_head(db.engine)
    _intake(db, "urn:carecoord:referral|RPF-1")
    _intake(db, None)
    _intake(db, None)  # hand-entered items have no identifier and never clash
    with pytest.raises(IntegrityError):
        _intake(db, "urn:carecoord:referral|RPF-1")
    with db.session() as session:
        rows = session.scalars(select(IntakeReferral).order_by(IntakeReferral.id)).all()
        assert [(r.state, r.version, r.booked_late) for r in rows] == [
            (IntakeState.RECEIVED, 1, False)
        ] * 3
