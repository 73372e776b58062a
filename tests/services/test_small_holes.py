"""Issue #10, item 8: the smaller holes, each reproduced first.

* an ISO date string skipped the 1900-2200 rule (``started_on="9999-12-31"`` was stored and
  the plan PDF then failed);
* the worklist CSV wrote a patient name starting with ``=`` unescaped;
* six parallel registrations of the same person made six charts on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import Patient, PlanActivity, TreatmentPlan
from carecoord.services import export, patients, plans, record
from carecoord.services.actor import Actor
from carecoord.services.common import csv_cell
from carecoord.services.worklist import WorklistView
from tests.services.helpers import count, new_member, new_patient, new_referral


@pytest.mark.parametrize("typed", ["9999-12-31", "1899-12-31", "2201-01-01", "0001-01-01"])
def test_iso_date_strings_meet_the_year_rule(db: Database, physician: Actor, typed: str) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as plan_error:
        plans.create_plan(db, physician, patient.id, title="Plan", started_on=typed)
    assert plan_error.value.field == "started_on"
    assert "1900-2200" in plan_error.value.message
    plan = plans.create_plan(db, physician, patient.id, title="Plan", started_on="2026-01-05")
    with pytest.raises(ValidationError) as activity_error:
        plans.save_activity(
            db, physician, plan.id, plans.ActivityInput("education", "Pacing", typed)
        )
    assert activity_error.value.field == "start_on"
    with pytest.raises(ValidationError) as medication_error:
        record.add_medication(
            db,
            physician,
            patient.id,
            record.MedicationInput("ibuprofen", 400, "mg", "daily", start_date=typed),
        )
    assert medication_error.value.field == "start_date"
    with pytest.raises(ValidationError) as birth_error:
        patients.create_patient(
            db, physician, patients.PatientInput("Nakamura", "Aiko", typed, "female")
        )
    assert birth_error.value.field == "date_of_birth"
    assert count(db, TreatmentPlan) == 1 and count(db, PlanActivity) == 0


def test_the_edges_of_the_year_rule_are_accepted(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    first = plans.create_plan(db, physician, patient.id, title="Old", started_on="1900-01-01")
    last = plans.create_plan(db, physician, patient.id, title="Far", started_on="2200-12-31")
    assert (first.started_on, last.started_on) == (date(1900, 1, 1), date(2200, 12, 31))


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell
    assert csv_cell("Ñúñez, Zoë") == "Ñúñez, Zoë"


def test_the_worklist_csv_escapes_formula_names(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician, family="=cmd|' /C calc'!A0", given="@Robin")
    new_referral(db, physician, patient.id, new_member(db, physician, "physical_therapy"))
    text = export.worklist_csv(db, physician, WorklistView.TO_SEND)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'=cmd|' /C calc'!A0, @Robin"
    assert not any(cell[:1] in "=+-@" for row in rows[1:] for cell in row if cell)


def test_parallel_registrations_of_one_person_make_one_chart(
    db: Database, physician: Actor
) -> None:
    data = patients.PatientInput("Okonkwo", "Chidi", "1975-04-09", "male")
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def register() -> None:
        start.wait()
        try:
            patients.create_patient(db, physician, data)
            outcomes.append("created")
        except patients.PossibleDuplicate:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 5
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 1
