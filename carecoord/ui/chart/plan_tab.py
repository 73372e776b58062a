"""The chart's Treatment plan tab: goals with progress, activities, the timeline, the PDF.

Everything goes through ``services.plans`` (validation beside the field) and
``services.plan_report`` (goal progress, the printed plan). The timeline shows this plan's
activities together with the patient's referrals and PEG/NRS scores; clicking an item
opens its editor (a referral opens through the navigator).

The tab's pieces live beside it: the chooser, title and chips in ``plan_header``, the
tables' column specs in ``plan_models``, the dialogs' shared frame in ``plan_form``, the
plan and goal dialogs in ``plan_dialogs``, the activity dialog in
``plan_activity_dialog`` and the PDF preview in ``plan_pdf``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import AssessmentKind, GoalAxis, PlanStatus
from carecoord.services import appointments, assessments, plans, referrals
from carecoord.services.assessments import AssessmentView
from carecoord.services.permissions import Action, allowed
from carecoord.services.plans import ActivityView, PlanView
from carecoord.services.referrals import ReferralView
from carecoord.ui.calendar_file import Chooser, save_calendar_file
from carecoord.ui.chart.plan_activity_dialog import ActivityDialog
from carecoord.ui.chart.plan_dialogs import GoalDialog, PlanDialog
from carecoord.ui.chart.plan_form import SETTINGS_PREFIX, PlanFormDialog
from carecoord.ui.chart.plan_header import PlanHeader, plan_button
from carecoord.ui.chart.plan_models import ActivitiesModel, GoalRow, GoalsModel
from carecoord.ui.chart.plan_pdf import PlanPdfDialog
from carecoord.ui.forms import FieldErrors
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.records import ask_yes_no
from carecoord.ui.kit.table import ColumnTableModel, RowRole, list_table
from carecoord.ui.preferences import remember_columns, store
from carecoord.ui.style import hint
from carecoord.ui.timeline.items import TimelineItem, build_timeline
from carecoord.ui.timeline.widget import TimelineWidget


class _Table(QTableView):
    """Enter opens the current row, Delete asks to delete it (when the tab allows)."""

    open_requested = Signal()
    delete_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Delete) and self.currentIndex().isValid():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


def _table(name: str, accessible: str, model: ColumnTableModel) -> _Table:
    """The kit's list table, one text line a row, answering Enter and Delete."""
    table = list_table(model, name, accessible, word_wrap=False, view_class=_Table)
    assert isinstance(table, _Table)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


# --------------------------------------------------------------------------- the tab
class PlanTab(ChartTab):
    """A patient's treatment plan: header, goals with progress, activities, timeline.

    Signals:
        changed(): this tab saved a change (the chart reloads its header and summary).
    """

    OBJECT_NAME = "planTab"
    ACCESSIBLE_NAME = "Treatment plan"

    def setup(self) -> None:
        self.confirm_delete: Callable[[ActivityView], bool] = self._confirm_delete
        self.choose_calendar_file: Chooser | None = None  # None: the Qt save dialog
        self.plans: list[PlanView] = []
        self.plan: PlanView | None = None
        self.scores: list[AssessmentView] = []
        self.referrals: list[ReferralView] = []
        self.dialog: QDialog | None = None
        self.can_edit = allowed(self.context.actor.role, Action.EDIT_CLINICAL)
        self._build()
        self._restore_settings()
        self.refresh()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.header = PlanHeader()
        self.header.plan_chosen.connect(self._plan_chosen)
        self.header.new_plan_button.clicked.connect(self.new_plan)
        self.header.edit_plan_button.clicked.connect(self.edit_plan)
        self.header.pdf_button.clicked.connect(self.show_pdf)
        outer.addWidget(self.header)
        self.empty = hint(
            "No treatment plan yet. Create one to set goals on pain, function and quality of "
            "life and to plan activities across the team."
        )
        self.empty.setObjectName("planEmpty")
        outer.addWidget(self.empty)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("planSplitter")
        self.splitter.setChildrenCollapsible(False)

        goals_box = QWidget()
        goals_box.setObjectName("goalsBox")
        goals_layout = QHBoxLayout(goals_box)
        goals_layout.setContentsMargins(0, 0, 0, 4)
        goals_column = QVBoxLayout()
        self.goals_model = GoalsModel(self)
        self.goals_table = _table("goalsTable", "Goals and progress", self.goals_model)
        self.goals_table.doubleClicked.connect(lambda _index: self.edit_goal())
        self.goals_table.open_requested.connect(self.edit_goal)
        goals_column.addWidget(self.goals_table, 1)
        self.goal_gaps = hint("")
        self.goal_gaps.setObjectName("goalGaps")
        goals_column.addWidget(self.goal_gaps)
        goals_layout.addLayout(goals_column, 1)
        goals_buttons = QVBoxLayout()
        self.add_goal_button = plan_button("Add goal…", "addGoal", "Add a goal")
        self.add_goal_button.clicked.connect(lambda: self.add_goal())
        self.edit_goal_button = plan_button("Edit goal…", "editGoal", "Edit the selected goal")
        self.edit_goal_button.clicked.connect(self.edit_goal)
        goals_buttons.addWidget(self.add_goal_button)
        goals_buttons.addWidget(self.edit_goal_button)
        goals_buttons.addStretch(1)
        goals_layout.addLayout(goals_buttons)
        self.splitter.addWidget(goals_box)
        row = self.goals_table.verticalHeader().defaultSectionSize()
        self.goals_table.setMinimumHeight(4 * row + 6)  # the header and three axes

        activities_box = QWidget()
        activities_box.setObjectName("activitiesBox")
        activities_layout = QHBoxLayout(activities_box)
        activities_layout.setContentsMargins(0, 4, 0, 4)
        activities_bar = QVBoxLayout()
        self.add_activity_button = plan_button("Add activity…", "addActivity", "Add an activity")
        self.add_activity_button.clicked.connect(self.add_activity)
        self.edit_activity_button = plan_button(
            "Edit activity…", "editActivity", "Edit the selected activity"
        )
        self.edit_activity_button.clicked.connect(lambda: self.edit_activity())
        self.delete_activity_button = plan_button(
            "Delete activity", "deleteActivity", "Delete the selected activity"
        )
        self.delete_activity_button.clicked.connect(lambda: self.delete_activity())
        self.calendar_button = plan_button(
            "Add to calendar…",
            "activityToCalendar",
            "Save the selected activity's start as a calendar file",
            "An .ics file: date and who; nothing clinical",
        )
        self.calendar_button.clicked.connect(lambda: self.add_to_calendar())
        for button in (
            self.add_activity_button,
            self.edit_activity_button,
            self.delete_activity_button,
            self.calendar_button,
        ):
            activities_bar.addWidget(button)
        activities_bar.addStretch(1)
        self.activities_model = ActivitiesModel(self)
        self.activities_table = _table("activitiesTable", "Activities", self.activities_model)
        self.activities_table.doubleClicked.connect(lambda _index: self.edit_activity())
        self.activities_table.open_requested.connect(lambda: self.edit_activity())
        self.activities_table.delete_requested.connect(lambda: self.delete_activity())
        activities_layout.addWidget(self.activities_table, 1)
        activities_layout.addLayout(activities_bar)
        self.splitter.addWidget(activities_box)
        self.activities_table.setMinimumHeight(4 * row + 6)

        self.timeline = TimelineWidget()
        self.timeline.item_activated.connect(self.open_item)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 6)
        outer.addWidget(self.splitter, 1)

        for button in (
            self.header.new_plan_button,
            self.header.edit_plan_button,
            self.add_goal_button,
            self.edit_goal_button,
            self.add_activity_button,
            self.edit_activity_button,
            self.delete_activity_button,
        ):
            button.setVisible(self.can_edit)

    # ------------------------------------------------------------------- data
    def refresh(self) -> None:
        """Read plans, PEG/NRS scores and referrals again and redraw everything."""
        read = self.read(self._read_patient)
        if read is None:
            return
        self.plans, self.scores, self.referrals = read
        keep = self.plan.id if self.plan is not None else None
        if keep is None or all(p.id != keep for p in self.plans):
            active = [p for p in self.plans if p.status is PlanStatus.ACTIVE]
            keep = (active[0] if active else self.plans[0]).id if self.plans else None
        self.header.list_plans(self.plans, keep)
        self._show_plan(next((p for p in self.plans if p.id == keep), None))

    def _read_patient(
        self,
    ) -> tuple[list[PlanView], list[AssessmentView], list[ReferralView]]:
        """The patient's plans, PEG/NRS scores and referrals (all or, refused, none)."""
        db, actor = self.context.db, self.context.actor
        return (
            plans.list_plans(db, actor, self.patient_id),
            assessments.list_assessments(
                db, actor, self.patient_id, (AssessmentKind.PEG, AssessmentKind.NRS)
            ),
            referrals.list_for_patient(db, actor, self.patient_id),
        )

    def _plan_chosen(self, plan_id: object) -> None:
        self._show_plan(next((p for p in self.plans if p.id == plan_id), None))

    def _show_plan(self, plan: PlanView | None) -> None:
        self.plan = plan
        has_plan = plan is not None
        self.empty.setVisible(not has_plan)
        for control in (
            self.header.edit_plan_button,
            self.header.pdf_button,
            self.add_goal_button,
            self.edit_goal_button,
            self.add_activity_button,
            self.edit_activity_button,
            self.delete_activity_button,
        ):
            control.setEnabled(has_plan)
        self.header.show_plan(plan)
        self.goals_model.show_plan(plan, self.scores)
        self.activities_model.set_rows(plan.activities if plan else ())
        missing = (
            [a.label.lower() for a in GoalAxis if all(g.axis is not a for g in plan.goals)]
            if plan
            else []
        )
        self.goal_gaps.setText(f"No goal yet for: {', '.join(missing)}." if missing else "")
        self.goal_gaps.setVisible(bool(missing))
        self.timeline.set_data(build_timeline(plan, self.referrals, self.scores))

    def progress_texts(self) -> list[str]:
        """The Progress column as shown (tests and accessibility checks read it)."""
        return [row.progress.text for row in self.goals_model.rows]

    # ---------------------------------------------------------------- dialogs
    def _show(self, dialog: QDialog) -> None:
        """Open ``dialog`` over the tab (window-modal; it deletes itself when closed)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def _open(self, dialog: PlanFormDialog) -> PlanFormDialog:
        dialog.saved.connect(self._saved)
        dialog.reload_requested.connect(self.refresh)
        self._show(dialog)
        return dialog

    def _saved(self, view: object) -> None:
        if isinstance(view, PlanView):
            self.plan = view
        self.saved()

    def new_plan(self) -> PlanFormDialog:
        return self._open(PlanDialog(chart=self.chart_scope, parent=self))

    def edit_plan(self) -> PlanFormDialog | None:
        if self.plan is None:
            return None
        return self._open(PlanDialog(chart=self.chart_scope, plan=self.plan, parent=self))

    def add_goal(self, axis: GoalAxis | None = None) -> PlanFormDialog | None:
        """A new goal, on ``axis`` or the first axis that has none yet."""
        if self.plan is None:
            return None
        if axis is None:
            taken = {g.axis for g in self.plan.goals}
            axis = next((a for a in GoalAxis if a not in taken), GoalAxis.PAIN)
        return self._open(
            GoalDialog(
                context=self.context, plan=self.plan, scores=self.scores, axis=axis, parent=self
            )
        )

    def _selected(self, table: QTableView) -> Any:
        """The row (a :class:`GoalRow`, an :class:`ActivityView`) at the current index."""
        index = table.currentIndex()
        return table.model().data(index, RowRole) if index.isValid() else None

    def edit_goal(self) -> PlanFormDialog | None:
        row = self._selected(self.goals_table)
        if self.plan is None or not isinstance(row, GoalRow):
            return None
        return self._open(
            GoalDialog(
                context=self.context, plan=self.plan, scores=self.scores, goal=row.goal, parent=self
            )
        )

    def add_activity(self) -> PlanFormDialog | None:
        if self.plan is None:
            return None
        return self._open(ActivityDialog(context=self.context, plan=self.plan, parent=self))

    def edit_activity(self, activity: ActivityView | None = None) -> PlanFormDialog | None:
        chosen = activity or self._selected(self.activities_table)
        if self.plan is None or not isinstance(chosen, ActivityView):
            return None
        current = next((a for a in self.plan.activities if a.id == chosen.id), chosen)
        return self._open(
            ActivityDialog(context=self.context, plan=self.plan, activity=current, parent=self)
        )

    def _confirm_delete(self, activity: ActivityView) -> bool:
        return ask_yes_no(
            self,
            "Delete activity",
            f"Delete “{activity.description}” ({activity.modality.label}) from the plan?",
        )

    def delete_activity(self, activity: ActivityView | None = None) -> bool:
        """Delete the selected (or given) activity after asking; True when deleted."""
        chosen = activity or self._selected(self.activities_table)
        if not self.can_edit or not isinstance(chosen, ActivityView):
            return False
        if not self.confirm_delete(chosen):
            return False
        db, actor = self.context.db, self.context.actor
        view = self.store(
            lambda: plans.delete_activity(db, actor, chosen.id, expected_version=chosen.version),
            FieldErrors(),  # a delete has no fields: a refusal shows in a box
        )
        if view is None:
            return False
        self._saved(view)
        return True

    def add_to_calendar(self, activity: ActivityView | None = None) -> Path | None:
        """Save the selected (or given) activity's start as an .ics file."""
        chosen = activity or self._selected(self.activities_table)
        if not isinstance(chosen, ActivityView):
            return None
        db, actor, activity_id = self.context.db, self.context.actor, chosen.id
        return save_calendar_file(
            self,
            lambda: appointments.activity_calendar(db, actor, activity_id),
            self.choose_calendar_file,
        )

    def open_item(self, item: object) -> QDialog | None:
        """What a timeline click opens: the activity's editor, the referral (through the
        navigator) or, for a review date, the plan's editor."""
        if not isinstance(item, TimelineItem):
            return None
        source = item.source
        if isinstance(source, ActivityView):
            if not self.can_edit:
                return None
            return self.edit_activity(source)
        if isinstance(source, ReferralView):
            self.context.navigator.referral_requested.emit(source.id)
            return None
        if isinstance(source, PlanView) and self.can_edit:
            return self.edit_plan()
        return None

    def show_pdf(self) -> PlanPdfDialog | None:
        """Preview (print, save) the plan summary; the PDF is made off the GUI thread."""
        if self.plan is None:
            return None
        dialog = PlanPdfDialog(context=self.context, plan=self.plan, parent=self)
        self._show(dialog)
        return dialog

    # --------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        state = store().value(f"{SETTINGS_PREFIX}/splitter")
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes([1, 1, 2000])  # the tables keep their minimum heights
        for table, key, widths in (
            (self.goals_table, "goalColumns", (104, 200, 134, 72, 58, 88, 112)),
            (self.activities_table, "activityColumns", (200, 250, 190, 90, 90, 72)),
        ):
            remember_columns(table, f"{SETTINGS_PREFIX}/{key}", widths)

    def hideEvent(self, event: QHideEvent) -> None:
        store().setValue(f"{SETTINGS_PREFIX}/splitter", self.splitter.saveState())
        super().hideEvent(event)


__all__ = [
    "ActivitiesModel",
    "ActivityDialog",
    "GoalDialog",
    "GoalsModel",
    "PlanDialog",
    "PlanPdfDialog",
    "PlanTab",
]
