"""Goal, activity and medication forms have many fields: one save names every bad field,
not only the first (issue 14, item 8); nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.db import Database
from carecoord.errors import ValidationError, ValidationErrors
from carecoord.services.actor import Actor
from carecoord.services.plans import ActivityInput, GoalInput, validate_activity, validate_goal
from carecoord.services.record import MedicationInput, validate_medication
from tests.services.helpers import new_patient


def fields_of(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    assert isinstance(error.value, ValidationErrors)
    return {e.field for e in error.value.errors}


def test_a_goal_reports_every_bad_field() -> None:
    with pytest.raises(ValidationError) as error:
        validate_goal(GoalInput(axis="mood", description="", measure="peg", baseline=14, target=-1))
    assert fields_of(error) == {"axis", "description", "baseline", "target"}


def test_a_good_goal_still_passes() -> None:
    values = validate_goal(
        GoalInput(axis="pain", description="Walk to the shop", baseline=7, target=4)
    )
    assert values["measure"] == "peg" and values["target"] == 4


def test_an_activity_reports_every_bad_field(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with db.session() as session, pytest.raises(ValidationError) as error:
        validate_activity(
            session,
            patient.id,
            ActivityInput(
                modality="juggling",
                description="",
                start_on="2026-05-10",
                end_on="2026-05-01",
                sessions_planned=4,
                sessions_done=6,
                status="stopped",
                responsible_member_id=999_999,
            ),
        )
    assert fields_of(error) == {
        "modality",
        "description",
        "end_on",
        "sessions_done",
        "stop_reason",
        "responsible_member",
    }


def test_a_medication_reports_every_bad_field() -> None:
    with pytest.raises(ValidationError) as error:
        validate_medication(
            MedicationInput(
                drug="",
                dose=-5,
                unit="mg",
                frequency="whenever",
                route="telepathy",
                start_date=date(2026, 5, 10),
                stop_date=date(2026, 5, 1),
            )
        )
    assert fields_of(error) == {"drug", "dose", "frequency", "route", "stop_date"}


def test_a_good_medication_still_passes() -> None:
    values = validate_medication(
        MedicationInput(drug="Ibuprofen", dose=400, unit="mg", frequency="tid")
    )
    assert values["drug"] == "Ibuprofen" and values["route"] == "oral"
