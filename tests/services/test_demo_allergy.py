"""The demo's allergy states: a demo clinic shows every state; a clinic's database is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from carecoord.clinical.allergy_status import AllergyState
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.demo.allergy import count_confirmed, mark_no_known_allergies
from carecoord.models import Patient, User
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from tests.services.helpers import new_patient

DAY = date(2026, 12, 7)


def test_demo_patients_show_every_state(db: Database) -> None:
    fill_demo(db, patients=30, seed=1, today=DAY)  # the loader marks them
    with db.engine.begin() as conn:
        marked = count_confirmed(conn)
        assert mark_no_known_allergies(conn, DAY) == 0  # again changes nothing
        assert count_confirmed(conn) == marked > 0
    with db.session() as session:
        doctor_id, doctor_name = session.execute(
            select(User.id, User.full_name).where(User.username == "drlee")
        ).one()
        actor = Actor(doctor_id, "drlee", UserRole.PHYSICIAN, None, doctor_name)
        ids = list(session.scalars(select(Patient.id).order_by(Patient.id)))
    states: dict[AllergyState, int] = {}
    for pid in ids:
        status = load_chart(db, actor, pid).allergy_status
        assert status is not None
        states[status.state] = states.get(status.state, 0) + 1
        if status.confirmation is not None:
            assert status.confirmation.by == doctor_name
            assert 0 <= (DAY - status.confirmation.on).days < 180
    assert set(states) == set(AllergyState), states
    assert states[AllergyState.NO_KNOWN_ALLERGIES] == marked


def test_a_clinic_database_is_refused(db: Database, physician: Actor) -> None:
    new_patient(db, physician)
    with db.engine.begin() as conn, pytest.raises(RuntimeError, match="outside the demo"):
        mark_no_known_allergies(conn, DAY)
    with db.engine.connect() as conn:
        assert count_confirmed(conn) == 0
