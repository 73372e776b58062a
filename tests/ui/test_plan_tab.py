"""The Treatment plan tab: build a plan through the UI, see the timeline, progress, PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from carecoord.clinical.vocabulary import ActivityStatus, AssessmentKind, GoalAxis, Modality
from carecoord.models import Assessment, TreatmentPlan
from carecoord.services import assessments, plans, team
from carecoord.timescale import Zoom
from carecoord.ui.chart.plan_tab import (
    ActivityDialog,
    GoalDialog,
    PlanDialog,
    PlanPdfDialog,
    PlanTab,
)
from carecoord.ui.context import AppContext
from carecoord.ui.timeline.items import ItemKind, build_timeline
from carecoord.ui.timeline.widget import TimelineWidget
from tests.services.helpers import new_member, new_patient
from tests.ui.conftest import save_screenshot

TODAY = date.today()


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def make_tab(qtbot: QtBot, context: AppContext, patient_id: int) -> PlanTab:
    tab = PlanTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1180, 820)
    return tab


def error_text(dialog: QWidget, field: str) -> str:
    """The error shown under ``field`` ("" while hidden)."""
    label = dialog.findChild(QLabel, f"{field}Error")
    assert isinstance(label, QLabel)
    return label.text() if label.isVisibleTo(dialog) else ""


@pytest.fixture
def patient_with_team(context: AppContext) -> tuple[int, int, int]:
    """A patient with a PEG of 7 a month ago, a physiotherapist on the team and an
    internal psychologist who is not."""
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    physio = new_member(db, actor, "physical_therapy", "Renner", "Tobias")
    outsider = new_member(db, actor, "psychology", "Vega", "Marisol")
    team.assign_member(db, actor, patient.id, physio.id, "therapist")
    assessments.record_assessment(
        db,
        actor,
        patient.id,
        "peg",
        {"pain": 7, "enjoyment": 7, "activity": 7},
        taken_on=TODAY - timedelta(days=30),
    )
    return patient.id, physio.id, outsider.id


def test_build_a_plan_with_goals_and_activities_through_the_ui(
    qtbot: QtBot, context: AppContext, patient_with_team: tuple[int, int, int]
) -> None:
    patient_id, physio_id, outsider_id = patient_with_team
    tab = make_tab(qtbot, context, patient_id)
    assert tab.empty.isVisibleTo(tab) and not tab.add_goal_button.isEnabled()

    dialog = tab.new_plan()
    assert isinstance(dialog, PlanDialog)
    dialog.title_edit.setText("Back pain: multimodal plan")
    dialog.started_on.setDate(qdate(TODAY - timedelta(days=20)))
    dialog.review_on.setDate(qdate(TODAY + timedelta(days=60)))
    with qtbot.wait_signal(tab.changed):
        assert dialog.save()
    assert tab.plan is not None and tab.plan.title == "Back pain: multimodal plan"
    assert not tab.empty.isVisibleTo(tab)

    goal = tab.add_goal()
    assert isinstance(goal, GoalDialog)
    assert goal.axis.currentData() == GoalAxis.PAIN
    assert goal.baseline.value() == pytest.approx(7.0)  # pre-filled from the latest PEG
    assert goal.target.value() == pytest.approx(4.9)
    assert "latest PEG" in goal.source.text()
    goal.description.setText("Reduce average pain by 30 %")
    assert goal.save()
    assert tab.goals_model.rowCount() == 1
    assert "function" in tab.goal_gaps.text()

    before = len(tab.timeline.items())
    activity = tab.add_activity()
    assert isinstance(activity, ActivityDialog)
    activity.modality.setCurrentIndex(activity.modality.findData(Modality.PHYSICAL_THERAPY))
    activity.description.setText("Graded exercise programme")
    assert activity.choose_responsible(physio_id)
    activity.start_on.setDate(qdate(TODAY - timedelta(days=10)))
    activity.end_on.setDate(qdate(TODAY - timedelta(days=20)))
    assert not activity.save()
    assert "start date" in error_text(activity, "end_on")

    activity.end_on.setDate(qdate(TODAY + timedelta(days=50)))
    activity.sessions_planned.setValue(6)
    activity.sessions_done.setValue(8)
    assert not activity.save()
    assert "Cannot exceed" in error_text(activity, "sessions_done")
    assert error_text(activity, "end_on") == ""

    activity.sessions_done.setValue(2)
    assert activity.choose_responsible(outsider_id)
    assert not activity.save()
    assert "not on this patient's care team" in error_text(activity, "responsible_member")

    assert activity.choose_responsible(physio_id)
    activity.status.setCurrentIndex(activity.status.findData(ActivityStatus.ACTIVE))
    assert activity.save()
    assert tab.activities_model.rowCount() == 1
    items = tab.timeline.items()
    assert len(items) == before + 1
    bar = next(i for i in items if i.kind is ItemKind.ACTIVITY)
    rect = tab.timeline.item_rect(bar.key)
    assert rect is not None and rect.width() > 50

    procedure = tab.add_activity()
    assert isinstance(procedure, ActivityDialog)
    procedure.modality.setCurrentIndex(procedure.modality.findData(Modality.INTERVENTIONAL))
    procedure.description.setText("Lumbar facet injection")
    procedure.start_on.setDate(qdate(TODAY + timedelta(days=7)))
    assert procedure.save()
    kinds = {i.kind for i in tab.timeline.items()}
    assert ItemKind.PROCEDURE in kinds
    assert [lane.label for lane in tab.timeline.canvas.data.lanes] == [
        Modality.INTERVENTIONAL.label,
        Modality.PHYSICAL_THERAPY.label,
    ]
    save_screenshot(tab, "plan_tab_built")


def test_progress_shows_a_meaningful_improvement_after_peg_7_to_4(
    qtbot: QtBot, context: AppContext, patient_with_team: tuple[int, int, int]
) -> None:
    patient_id, _, _ = patient_with_team
    db, actor = context.db, context.actor
    view = plans.create_plan(db, actor, patient_id, title="Plan", started_on=TODAY)
    tab = make_tab(qtbot, context, patient_id)
    goal = tab.add_goal(GoalAxis.FUNCTION)
    assert isinstance(goal, GoalDialog)
    goal.description.setText("Walk 30 minutes a day")
    assert goal.save()
    assert tab.progress_texts() == ["±0 % · no improvement · not at target yet"]

    assessments.record_assessment(
        db, actor, patient_id, "peg", {"pain": 4, "enjoyment": 4, "activity": 4}, taken_on=TODAY
    )
    tab.refresh()
    text = tab.progress_texts()[0]
    assert text.startswith("−43 %") and "clinically meaningful" in text
    index = tab.goals_model.index(0, 7)
    assert tab.goals_model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor("#1b6e3a")
    assert "Krebs 2009" in tab.goals_model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tab.goals_model.data(tab.goals_model.index(0, 6)) == f"4.0 ({TODAY.isoformat()})"
    assert view.id == tab.plan.id  # type: ignore[union-attr]


def test_clicking_a_timeline_item_opens_its_editor(
    qtbot: QtBot, context: AppContext, patient_with_team: tuple[int, int, int]
) -> None:
    patient_id, physio_id, _ = patient_with_team
    db, actor = context.db, context.actor
    plan = plans.create_plan(db, actor, patient_id, title="Plan", started_on=TODAY)
    plans.save_activity(
        db,
        actor,
        plan.id,
        plans.ActivityInput(
            "physical_therapy",
            "Graded exercise",
            TODAY - timedelta(days=3),
            TODAY + timedelta(days=40),
            responsible_member_id=physio_id,
        ),
    )
    tab = make_tab(qtbot, context, patient_id)
    tab.show()
    qtbot.wait_exposed(tab)
    timeline = tab.timeline
    key = next(i.key for i in timeline.items() if i.kind is ItemKind.ACTIVITY)
    rect = timeline.item_rect(key)
    assert rect is not None
    with qtbot.wait_signal(timeline.item_activated) as activated:
        qtbot.mouseClick(timeline.canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert activated.args[0].key == key
    dialog = tab.dialog
    assert isinstance(dialog, ActivityDialog) and dialog.activity is not None
    assert dialog.description.text() == "Graded exercise"
    dialog.reject()


def test_delete_asks_first_and_models_are_valid(
    qtbot: QtBot,
    qtmodeltester: object,
    context: AppContext,
    patient_with_team: tuple[int, int, int],
) -> None:
    patient_id, _, _ = patient_with_team
    db, actor = context.db, context.actor
    plan = plans.create_plan(
        db,
        actor,
        patient_id,
        title="Plan",
        started_on=TODAY,
        goals=(plans.GoalInput("pain", "Less pain", "peg", 7, 5),),
    )
    plans.save_activity(
        db, actor, plan.id, plans.ActivityInput("education", "Pain education", TODAY)
    )
    tab = make_tab(qtbot, context, patient_id)
    qtmodeltester.check(tab.goals_model)  # type: ignore[attr-defined]  # pytest-qt fixture
    qtmodeltester.check(tab.activities_model)  # type: ignore[attr-defined]
    tab.activities_table.selectRow(0)
    tab.confirm_delete = lambda _activity: False
    assert not tab.delete_activity()
    assert tab.activities_model.rowCount() == 1
    tab.confirm_delete = lambda _activity: True
    assert tab.delete_activity()
    assert tab.activities_model.rowCount() == 0


def test_plan_pdf_preview_shows_the_plan(
    qtbot: QtBot, context: AppContext, patient_with_team: tuple[int, int, int]
) -> None:
    patient_id, _, _ = patient_with_team
    plans.create_plan(context.db, context.actor, patient_id, title="Plan", started_on=TODAY)
    tab = make_tab(qtbot, context, patient_id)
    dialog = tab.show_pdf()
    assert isinstance(dialog, PlanPdfDialog)
    qtbot.wait_until(lambda: dialog.ready or dialog.failed is not None, timeout=15000)
    assert dialog.ready and 1 <= dialog.preview.page_count() <= 2
    assert dialog.preview.suggested_name.endswith(".pdf")
    dialog.close()


def _distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 200)
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(image.height())}
    )


def _mean_lightness(image: QImage) -> float:
    samples = [
        QColor(image.pixel(x, y)).lightness()
        for x in range(0, image.width(), 17)
        for y in range(0, image.height(), 13)
    ]
    return sum(samples) / len(samples)


def _busiest_plan_patient(context: AppContext) -> int:
    with context.db.session() as session:
        row = session.execute(
            select(Assessment.patient_id, func.count())
            .join(TreatmentPlan, TreatmentPlan.patient_id == Assessment.patient_id)
            .where(Assessment.kind == AssessmentKind.PEG)
            .group_by(Assessment.patient_id)
            .order_by(func.count().desc(), Assessment.patient_id)
            .limit(1)
        ).one()
    return int(row[0])


def test_screenshot_plan_tab_on_demo_patient(qtbot: QtBot, demo_context: AppContext) -> None:
    tab = make_tab(qtbot, demo_context, _busiest_plan_patient(demo_context))
    assert tab.plan is not None and tab.goals_model.rowCount() == 3
    assert tab.timeline.canvas.data.trend
    qtbot.wait(10)
    path = save_screenshot(tab, "chart_plan_tab")
    assert _distinct_colours(QImage(str(path))) > 60


def _dark_palette(base: QPalette) -> QPalette:
    palette = QPalette(base)
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#1b1c1e"),
        (QPalette.ColorRole.AlternateBase, "#26282c"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#303134"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
        (QPalette.ColorRole.HighlightedText, "#202124"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_timeline_at_every_zoom(
    qtbot: QtBot, demo_context: AppContext, theme: str, request: pytest.FixtureRequest
) -> None:
    patient_id = _busiest_plan_patient(demo_context)
    db, actor = demo_context.db, demo_context.actor
    from carecoord.services import referrals

    data = build_timeline(
        plans.list_plans(db, actor, patient_id)[0],
        referrals.list_for_patient(db, actor, patient_id),
        assessments.list_assessments(db, actor, patient_id),
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QPalette(app.palette())
    if theme == "dark":  # as a dark desktop theme would: the application's palette
        app.setPalette(_dark_palette(light))
    request.addfinalizer(lambda: app.setPalette(light))
    timeline = TimelineWidget(remember_zoom=False)
    qtbot.addWidget(timeline)
    timeline.resize(1100, 560)
    timeline.set_data(data)
    for zoom in Zoom:
        timeline.set_zoom(zoom)
        timeline.scroll_to_today()
        assert timeline.zoom_buttons[zoom].isChecked()
        path = save_screenshot(timeline, f"timeline_{theme}_{zoom.value}")
        image = QImage(str(path))
        assert _distinct_colours(image) > 40
        corner = QColor(image.pixel(image.width() // 2, image.height() // 2)).lightness()
        assert corner < 100 if theme == "dark" else corner > 150
