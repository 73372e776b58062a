"""Assessments (scored, flagged, category-restricted) and treatment plans (validated)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import Assessment, PlanActivity
from carecoord.services import assessments, plans, team
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.plans import ActivityInput, GoalInput
from tests.services.helpers import count, new_member, new_patient


def test_phq9_item9_raises_the_alert_and_a_psychiatry_suggestion(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    view = assessments.record_assessment(
        db, physician, patient.id, "phq9", {"items": [1, 1, 1, 1, 1, 1, 1, 0, 1]}
    )
    assert (view.total, view.band, view.alert) == (8, "mild", True)
    chart = load_chart(db, physician, patient.id)
    assert any(a.code == "phq9_item9" for a in chart.alerts)
    psychiatry = [s for s in chart.suggestions if s.discipline == "psychiatry"]
    assert psychiatry and psychiatry[0].priority == "stat"  # same day (issue #9)


def test_peg_is_the_mean_and_bad_answers_are_refused(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    peg = assessments.record_assessment(
        db,
        physician,
        patient.id,
        "peg",
        {"pain": 7, "enjoyment": 6, "activity": 8},
        taken_on=date.today() - timedelta(days=30),
    )
    # Krebs 2009 has no PEG bands: the stored one is labelled as derived
    assert peg.total == pytest.approx(7.0)
    assert peg.band == "severe (derived from NRS cut points)"
    with pytest.raises(ValidationError) as error:
        assessments.record_assessment(db, physician, patient.id, "phq9", {"items": [4] * 9})
    assert "phq9 item 1" in error.value.field
    with pytest.raises(ValidationError) as error:
        assessments.record_assessment(
            db,
            physician,
            patient.id,
            "nrs",
            {"value": 5},
            taken_on=date.today() + timedelta(days=1),
        )
    assert error.value.field == "taken_on"
    assert count(db, Assessment) == 1


def test_front_desk_sees_no_mood_scores(
    db: Database, physician: Actor, front_desk: Actor, clinician: Actor
) -> None:
    patient = new_patient(db, physician)
    assessments.record_assessment(db, physician, patient.id, "nrs", {"value": 6})
    assessments.record_assessment(db, physician, patient.id, "gad7", {"items": [2] * 7})
    kinds = {a.kind for a in assessments.list_assessments(db, clinician, patient.id)}
    assert kinds == {AssessmentKind.NRS, AssessmentKind.GAD7}
    kinds = {a.kind for a in assessments.list_assessments(db, front_desk, patient.id)}
    assert kinds == {AssessmentKind.NRS}


def test_plan_goals_activities_and_their_rules(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    pt = new_member(db, physician, "physical_therapy", "Berg", "Lena")
    outsider = new_member(db, physician, "complementary_medicine", "Mori", "Ken")
    team.assign_member(db, physician, patient.id, pt.id, "therapist")
    plan = plans.create_plan(
        db,
        physician,
        patient.id,
        title="Back to work",
        started_on=date.today(),
        review_on=date.today() + timedelta(days=90),
        goals=(
            GoalInput("pain", "PEG below 4", "peg", baseline=7.0, target=4.0),
            GoalInput("function", "Walk 30 minutes", "other"),
        ),
    )
    assert [g.axis for g in plan.goals] == ["pain", "function"]
    start = date.today()
    plan = plans.save_activity(
        db,
        physician,
        plan.id,
        ActivityInput(
            "physical_therapy",
            "Graded activity",
            start,
            start + timedelta(days=60),
            responsible_member_id=pt.id,
            sessions_planned=12,
            sessions_done=2,
        ),
    )
    assert plan.activities[0].responsible_name == "Lena Berg, MD"
    bad = [
        (ActivityInput("physical_therapy", "x", start, start - timedelta(days=1)), "end_on"),
        (
            ActivityInput("physical_therapy", "x", start, sessions_planned=2, sessions_done=3),
            "sessions_done",
        ),
        (
            ActivityInput("complementary", "Acupuncture", start, responsible_member_id=outsider.id),
            "responsible_member",
        ),
        (ActivityInput("psychological", "CBT", start, status="stopped"), "stop_reason"),
        (ActivityInput("yoga", "x", start), "modality"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as error:
            plans.save_activity(db, physician, plan.id, data)
        assert error.value.field == field
    assert count(db, PlanActivity) == 1
    activity = plan.activities[0]
    plan = plans.save_activity(
        db,
        physician,
        plan.id,
        ActivityInput(
            "physical_therapy",
            "Graded activity",
            start,
            None,
            responsible_member_id=pt.id,
            sessions_planned=12,
            sessions_done=12,
            status="done",
        ),
        activity_id=activity.id,
        expected_version=activity.version,
    )
    assert plan.activities[0].status == "done"
    listed = plans.list_plans(db, physician, patient.id)
    assert [p.title for p in listed] == ["Back to work"]


def test_a_true_responsible_member_is_a_field_error_not_a_database_error(
    db: Database, physician: Actor
) -> None:
    """True is an int to Python; PostgreSQL refused it as an id (integer = boolean)."""
    patient = new_patient(db, physician)
    plan = plans.create_plan(
        db, physician, patient.id, title="Back to work", started_on=date.today(), goals=()
    )
    bad = ActivityInput(
        "physical_therapy", "Graded activity", date.today(), None, responsible_member_id=True
    )
    with pytest.raises(Exception) as caught:
        plans.save_activity(db, physician, plan.id, bad)
    assert "responsible_member" in str(caught.value)
    assert "boolean" not in str(caught.value)
