"""Goal progress (meaningful change, target) and the printed plan's data, audited."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.vocabulary import AssessmentKind, Discipline, GoalAxis, ReferralState
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied
from carecoord.models import AuditEvent
from carecoord.plan_cli import run_plan
from carecoord.services import assessments, plans, referrals, team
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView
from carecoord.services.plan_report import (
    generate_plan_pdf,
    goal_progress,
    latest_score,
    measure_of,
    plan_file_name,
    plan_pdf_data,
)
from carecoord.services.plans import ActivityInput, GoalInput, GoalView
from tests.letters.samples import pdf_text
from tests.services.helpers import new_member, new_patient, new_referral

TODAY = date.today()
PHYSIO = Discipline.PHYSICAL_THERAPY.label


def goal(
    measure: str = "peg", baseline: float | None = 7.0, target: float | None = 4.9
) -> GoalView:
    return GoalView(1, GoalAxis.PAIN, "Less pain", measure, baseline, target, None, 1)


def peg(day: date, total: float, activity: int = 5, id_: int = 1) -> AssessmentView:
    answers = {"pain": 5, "enjoyment": 5, "activity": activity}
    return AssessmentView(id_, 1, AssessmentKind.PEG, day, answers, total, "", False, "drlee")


def nrs(day: date, value: int, id_: int = 9) -> AssessmentView:
    return AssessmentView(id_, 1, AssessmentKind.NRS, day, {"value": value}, value, "", False, "x")


def test_peg_7_to_4_is_a_clinically_meaningful_improvement_that_meets_the_target() -> None:
    result = goal_progress(goal(), [peg(TODAY - timedelta(days=60), 7.0), peg(TODAY, 4.0, id_=2)])
    assert result.meaningful and not result.worsened and result.target_reached
    assert result.percent_improvement == pytest.approx(300 / 7)
    assert result.level == "ok"
    assert result.text == "−43 % · clinically meaningful · target met"
    assert result.latest_text == f"4.0 ({TODAY.isoformat()})"
    assert "Krebs 2009" in result.detail and "from baseline 7.0" in result.detail


def test_a_small_peg_drop_is_not_meaningful_and_a_rise_is_worsening() -> None:
    small = goal_progress(goal(), [peg(TODAY, 6.0)])
    assert not small.meaningful and small.level == "" and "not yet meaningful" in small.text
    assert "not at target yet" in small.text
    worse = goal_progress(goal(baseline=4.0), [peg(TODAY, 6.0)])
    assert worse.worsened and worse.level == "danger" and worse.text.startswith("+50 %")


def test_nrs_two_points_is_meaningful_even_below_thirty_percent() -> None:
    result = goal_progress(goal("nrs", 8, 5), [nrs(TODAY, 6)])
    assert result.meaningful and result.percent_improvement == pytest.approx(25)
    assert "Farrar 2001" in result.detail


def test_item_measures_other_measures_and_missing_baselines() -> None:
    item = goal_progress(goal("PEG activity", 8, 5), [peg(TODAY, 5.0, activity=4)])
    assert item.measure == "PEG activity item" and item.latest == 4 and item.meaningful
    other = goal_progress(goal("other", None, None), [peg(TODAY, 4.0)])
    assert other.latest is None and "judge at review" in other.text
    nothing = goal_progress(goal(), [])
    assert nothing.latest_text == "no PEG yet"
    # No baseline typed: the score on or before the plan started stands in for it.
    start = TODAY - timedelta(days=30)
    history = [peg(start - timedelta(days=2), 8.0), peg(TODAY, 5.0, id_=2)]
    implied = goal_progress(goal(baseline=None, target=None), history, plan_started=start)
    assert implied.baseline == 8.0 and implied.meaningful
    first = goal_progress(goal(baseline=None), [peg(TODAY, 5.0)])
    assert first.text.startswith("one score so far")
    assert measure_of("NRS").kind is AssessmentKind.NRS
    assert measure_of("Walking test").kind is None


def test_latest_score_prefills_a_baseline() -> None:
    views = [peg(TODAY - timedelta(days=9), 7.0), peg(TODAY, 5.3, id_=2), nrs(TODAY, 6)]
    assert latest_score("peg", views) == (TODAY, 5.3)
    assert latest_score("nrs", views) == (TODAY, 6)
    assert latest_score("other", views) is None


@pytest.fixture
def planned(db: Database, physician: Actor) -> tuple[int, int]:
    """A patient with a plan (goals, two activities), PEG 7 → 4, two sent referrals."""
    patient = new_patient(db, physician)
    physio = new_member(db, physician, "physical_therapy", "Wróbel", "Łukasz")
    psych = new_member(db, physician, "psychiatry", "Tanabe", "Keiko")
    team.assign_member(db, physician, patient.id, physio.id, "therapist")
    for days, value in ((60, 7), (0, 4)):
        assessments.record_assessment(
            db,
            physician,
            patient.id,
            "peg",
            {"pain": value, "enjoyment": value, "activity": value},
            taken_on=TODAY - timedelta(days=days),
        )
    plan = plans.create_plan(
        db,
        physician,
        patient.id,
        title="Back to work",
        started_on=TODAY - timedelta(days=50),
        review_on=TODAY + timedelta(days=40),
        goals=(GoalInput("pain", "Reduce pain by 30 %", "peg", 7, 4.9),),
    )
    plans.update_plan(
        db,
        physician,
        plan.id,
        title=plan.title,
        status="active",
        started_on=plan.started_on,
        review_on=plan.review_on,
        notes="Agreed with the patient.",
        expected_version=plan.version,
    )
    plans.save_activity(
        db,
        physician,
        plan.id,
        ActivityInput(
            "physical_therapy",
            "Graded exercise",
            TODAY - timedelta(days=40),
            TODAY + timedelta(days=20),
            responsible_member_id=physio.id,
            sessions_planned=12,
            sessions_done=6,
            status="active",
        ),
    )
    plans.save_activity(
        db, physician, plan.id, ActivityInput("interventional", "Facet injection", TODAY)
    )
    for recipient in (physio, psych):
        referral = new_referral(db, physician, patient.id, recipient)
        referrals.transition(
            db,
            physician,
            referral.id,
            ReferralState.SENT,
            expected_version=referral.version,
            sent_via="fax",
        )
    new_referral(db, physician, patient.id, physio)  # a draft: not on the plan
    return patient.id, plan.id


def test_plan_pdf_data_holds_goals_progress_activities_and_is_audited(
    db: Database, physician: Actor, planned: tuple[int, int]
) -> None:
    patient_id, plan_id = planned
    data = plan_pdf_data(db, physician, patient_id)
    assert data.title == "Back to work" and data.status == "Active"
    assert data.patient.name == "Zoë Ñúñez"
    [line] = data.goals
    assert line.axis == "Pain" and line.baseline == "7.0" and line.level == "improved"
    assert "clinically meaningful" in line.progress
    assert [a.description for a in data.activities] == ["Graded exercise", "Facet injection"]
    assert data.activities[0].sessions == "6 of 12" and data.activities[1].procedure
    assert {r.discipline for r in data.referrals} == {PHYSIO, "Psychiatry"}
    assert [p.value for p in data.scores] == [7.0, 4.0]
    assert ("Therapist", "Łukasz Wróbel, MD") in data.care_team
    assert data.notes == "Agreed with the patient."
    with db.session() as session:
        printed = session.execute(
            select(AuditEvent.entity_id, AuditEvent.patient_id, AuditEvent.username).where(
                AuditEvent.action == "print", AuditEvent.entity == "Treatment plan"
            )
        ).all()
    assert [tuple(row) for row in printed] == [(plan_id, patient_id, "drlee")]
    pdf = generate_plan_pdf(db, physician, patient_id, plan_id)
    text = " ".join(pdf_text(pdf).split())
    assert "Back to work" in text and "Graded exercise" in text and "Zoë Ñúñez" in text
    assert plan_file_name(patient_id, plan_id).endswith(f"{plan_id:06d}.pdf")


def test_front_desk_gets_no_psychiatric_referral_and_admin_no_plan(
    db: Database,
    physician: Actor,
    front_desk: Actor,
    admin: Actor,
    planned: tuple[int, int],
) -> None:
    patient_id, _ = planned
    data = plan_pdf_data(db, front_desk, patient_id)
    assert {r.discipline for r in data.referrals} == {PHYSIO}
    with pytest.raises(PermissionDenied):
        plan_pdf_data(db, admin, patient_id)


def test_unknown_patient_plan_or_no_plan_is_not_found(
    db: Database, physician: Actor, planned: tuple[int, int]
) -> None:
    patient_id, plan_id = planned
    with pytest.raises(NotFound):
        plan_pdf_data(db, physician, 999_999)
    with pytest.raises(NotFound):
        plan_pdf_data(db, physician, patient_id, plan_id + 1000)
    other = new_patient(db, physician, "Other", "Person")
    with pytest.raises(NotFound):
        plan_pdf_data(db, physician, other.id)


def _args(db: Database, *argv: str) -> argparse.Namespace:
    """The physician (``drlee``) signs in, with the password on standard input."""
    from carecoord.cli import build_parser

    return build_parser().parse_args(
        ["--database", db.url, "--user", "drlee", "--password-stdin", *argv]
    )


def test_plan_command_writes_the_pdf_and_fails_clearly_for_an_unknown_patient(
    db: Database,
    planned: tuple[int, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n" * 2))
    patient_id, _ = planned
    output = tmp_path / "plan.pdf"
    assert run_plan(_args(db, "plan", str(patient_id), "--output", str(output))) == 0
    reader = PdfReader(str(output))
    assert 1 <= len(reader.pages) <= 2
    assert "Back to work" in reader.pages[0].extract_text()
    missing = tmp_path / "missing.pdf"
    assert run_plan(_args(db, "plan", "999999", "--output", str(missing))) == 1
    assert "Patient 999999 was not found" in capsys.readouterr().err
    assert not missing.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
