"""The demo clinic's monitoring results fit its patients: screens match what each patient
is prescribed except the deliberately unexpected ones, and some PDMP checks are overdue."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from carecoord.clinical.monitoring import ResultKind
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.demo.monitoring import fill_monitoring
from carecoord.models import MonitoringResult, Patient, User
from carecoord.services import monitoring
from carecoord.services.actor import Actor
from carecoord.services.monitoring_demo import current_drugs, expected_substances


def _demo_physician(db: Database) -> Actor:
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == "drlee")).one()
        return Actor(user.id, user.username, UserRole.PHYSICIAN, user.team_member_id)


def test_demo_clinic_has_coherent_monitoring(db: Database) -> None:
    fill_demo(db, patients=60, seed=1)
    physician = _demo_physician(db)
    drugs = current_drugs(db)
    with db.session() as session:
        monitored = set(session.scalars(select(MonitoringResult.patient_id).distinct()))
        total = session.scalar(select(func.count()).select_from(MonitoringResult))
    with db.session() as session:
        discharged = set(
            session.scalars(select(Patient.id).where(Patient.discharged_on.is_not(None)))
        )
    assert discharged, "the demo discharges some patients"
    # Only patients on opioids and still under the clinic's care are monitored.
    assert monitored and monitored <= set(drugs) - discharged
    # 4 PDMP checks, 2 screens, liver, kidney and 4 vitals over the last year, less those
    # dated before the patient registered (not this clinic's results).
    with db.session() as session:
        rows = session.execute(
            select(MonitoringResult.patient_id, MonitoringResult.taken_on, Patient.created_at).join(
                Patient, Patient.id == MonitoringResult.patient_id
            )
        ).all()
    assert all(taken_on >= created_at.date() for _, taken_on, created_at in rows)
    per_patient = Counter(patient_id for patient_id, _, _ in rows)
    assert max(per_patient.values()) == 12
    assert total == len(rows)
    codes: list[str] = []
    for patient_id in sorted(monitored):
        overview = monitoring.list_results(db, physician, patient_id)
        codes += [code for code, _level, _text in overview.alerts]
        latest = overview.of_kind(ResultKind.DRUG_SCREEN)[0]
        positive = {v.analyte for v in latest.values if v.outcome == "positive"}
        # What the prescriptions should show is positive; anything else is flagged.
        assert expected_substances(drugs[patient_id]) <= positive
        assert latest.unexpected == bool(positive - expected_substances(drugs[patient_id]))
    assert "unexpected_screen" in codes
    assert "pdmp_overdue" in codes


def test_monitoring_is_refused_outside_a_demo_database(db: Database) -> None:
    with db.engine.begin() as conn, pytest.raises(RuntimeError, match="outside the demo"):
        fill_monitoring(conn, date.today())
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MonitoringResult)) == 0
