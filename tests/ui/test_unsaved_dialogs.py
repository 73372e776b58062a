"""The assessment and plan dialogs speak the unsaved-work protocol: closing the chart or
someone else signing in asks first when answers or a goal were typed, Cancel keeps them,
and an untouched dialog asks nothing."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.services import plans
from carecoord.ui.chart.assessment_forms import AssessmentDialog
from carecoord.ui.chart.assessments_tab import AssessmentsTab
from carecoord.ui.chart.plan_tab import GoalDialog, PlanDialog, PlanTab
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.unsaved import Choice, unsaved_parts
from tests.ui.test_session import DEMO_PASSWORD, main_window
from tests.ui.test_unsaved_work import Answer, first_patient_id

GOAL = "Walk the dog every morning"


def chart_of(qtbot: QtBot, context: AppContext) -> tuple[MainWindow, ChartWindow]:
    window = main_window(qtbot, context)
    chart = window.open_chart(first_patient_id(context))
    assert isinstance(chart, ChartWindow)
    return window, chart


def assessment_form(qtbot: QtBot, chart: ChartWindow) -> AssessmentDialog:
    """The PHQ-9 form opened from the chart's Assessments tab, nothing answered yet."""
    assert chart.show_tab("assessments")
    tab = chart.tab("assessments")
    assert isinstance(tab, AssessmentsTab)
    dialog = tab.record(AssessmentKind.PHQ9)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def answer_first(qtbot: QtBot, dialog: AssessmentDialog) -> QRadioButton:
    radio = dialog.findChild(QRadioButton, "phq9_item_1_2")
    assert radio is not None
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)
    assert radio.isChecked()
    return radio


def goal_form(qtbot: QtBot, context: AppContext, chart: ChartWindow) -> GoalDialog:
    """A new goal opened from the chart's plan tab (the patient gets a plan first)."""
    patient_id = first_patient_id(context)
    if not plans.list_plans(context.db, context.actor, patient_id):
        plans.create_plan(
            context.db, context.actor, patient_id, title="Pacing plan", started_on=date.today()
        )
    assert chart.show_tab("plan")
    tab = chart.tab("plan")
    assert isinstance(tab, PlanTab)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.plan is not None)
    dialog = tab.add_goal()
    assert isinstance(dialog, GoalDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_closing_a_chart_with_assessment_answers_asks_and_cancel_keeps_them(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    _window, chart = chart_of(qtbot, demo_context)
    dialog = assessment_form(qtbot, chart)
    assert unsaved_parts(chart) == []  # opened, nothing answered
    radio = answer_first(qtbot, dialog)
    assert unsaved_parts(chart) == [dialog]
    chart.ask_unsaved = cancel = Answer(Choice.CANCEL)
    chart.close()
    assert cancel.asked == [[chart.windowTitle()]]
    assert chart.isVisible() and dialog.isVisible() and radio.isChecked()


def test_closing_a_chart_with_a_typed_goal_asks_and_cancel_keeps_it(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    _window, chart = chart_of(qtbot, demo_context)
    dialog = goal_form(qtbot, demo_context, chart)
    assert unsaved_parts(chart) == []  # pre-filled baseline and target are not typed work
    qtbot.keyClicks(dialog.description, GOAL)
    assert unsaved_parts(chart) == [dialog]
    chart.ask_unsaved = cancel = Answer(Choice.CANCEL)
    chart.close()
    assert cancel.asked == [[chart.windowTitle()]]
    assert chart.isVisible() and dialog.isVisible() and dialog.description.text() == GOAL


def test_a_plan_title_typed_counts_as_unsaved(qtbot: QtBot, demo_context: AppContext) -> None:
    _window, chart = chart_of(qtbot, demo_context)
    goal_form(qtbot, demo_context, chart).reject()
    tab = chart.tab("plan")
    assert isinstance(tab, PlanTab)
    dialog = tab.edit_plan()
    assert isinstance(dialog, PlanDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.has_unsaved_work()
    qtbot.keyClicks(dialog.title_edit, " (revised)")
    assert dialog.has_unsaved_work()


def test_someone_else_signing_in_asks_about_typed_dialogs_and_cancel_keeps_them(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, chart = chart_of(qtbot, demo_context)
    assessment = assessment_form(qtbot, chart)
    radio = answer_first(qtbot, assessment)
    guard = window.session
    guard.lock_now()
    guard.ask_unsaved_on_switch = cancel = Answer(Choice.CANCEL)
    assert not guard.try_switch("frontdesk", DEMO_PASSWORD)
    assert len(cancel.asked) == 1 and guard.is_locked
    assert assessment.isVisible() and radio.isChecked()
    assert guard.try_unlock(DEMO_PASSWORD)
    assessment.reject()

    goal = goal_form(qtbot, demo_context, chart)
    qtbot.keyClicks(goal.description, GOAL)
    guard.lock_now()
    guard.ask_unsaved_on_switch = cancel = Answer(Choice.CANCEL)
    assert not guard.try_switch("frontdesk", DEMO_PASSWORD)
    assert len(cancel.asked) == 1 and guard.is_locked
    assert goal.isVisible() and goal.description.text() == GOAL


def test_untouched_dialogs_ask_nothing(qtbot: QtBot, demo_context: AppContext) -> None:
    window, chart = chart_of(qtbot, demo_context)
    assessment_form(qtbot, chart)
    window.ask_unsaved = never = Answer(Choice.CANCEL)
    window.close()
    assert never.asked == [] and not window.isVisible() and not chart.isVisible()
