"""The chart's Treatment plan tab: goals with progress, activities, the timeline, the PDF.

Everything goes through ``services.plans`` (validation beside the field) and
``services.plan_report`` (goal progress, the printed plan). The timeline shows this plan's
activities together with the patient's referrals and PEG/NRS scores; clicking an item
opens its editor (a referral opens through the navigator).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AssessmentKind,
    GoalAxis,
    Modality,
    PlanStatus,
)
from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.services import appointments, assessments, plan_report, plans, referrals, team
from carecoord.services.assessments import AssessmentView
from carecoord.services.permissions import Action, allowed
from carecoord.services.plan_report import goal_progress
from carecoord.services.plans import ActivityInput, ActivityView, GoalInput, GoalView, PlanView
from carecoord.services.referrals import ReferralView
from carecoord.ui.calendar_file import Chooser, save_calendar_file
from carecoord.ui.category_field import category_combo, chosen, may_write
from carecoord.ui.context import AppContext
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    date_edit,
    error_style,
    limited_text,
    line_edit,
    saved_date,
    text_of,
)
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.screen_fit import fit_to_screen, restore_or_fit
from carecoord.ui.style import chip, fg, hint, qcolor
from carecoord.ui.table_model import RowsTableModel
from carecoord.ui.timeline.items import TimelineItem, build_timeline
from carecoord.ui.timeline.widget import TimelineWidget
from carecoord.ui.unsaved import FormDialog
from carecoord.ui.worker import run_in_thread, wait_for_thread

Index = QModelIndex | QPersistentModelIndex
SETTINGS_PREFIX = "chart/plan"
MEASURE_CHOICES = (
    ("PEG (mean of the 3 items)", "peg"),
    ("NRS pain (0–10)", "nrs"),
    ("Other", "other"),
)
NOT_SET = "not set"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _settings() -> QSettings:
    return QSettings("CareCoord", "CareCoord")


def _optional_number(lowest: float, highest: float, decimals: int) -> QDoubleSpinBox:
    """A number box whose lowest value reads "not set" (an empty optional field)."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lowest - 1, highest)
    box.setSingleStep(0.5 if decimals else 1)
    box.setSpecialValueText(NOT_SET)
    box.setValue(lowest - 1)
    box.setMaximumWidth(140)
    return box


def _number_of(box: QDoubleSpinBox) -> float | None:
    return None if box.value() <= box.minimum() else round(box.value(), box.decimals())


def _set_number(box: QDoubleSpinBox, value: float | None) -> None:
    box.setValue(box.minimum() if value is None else value)


def _optional_count() -> QSpinBox:
    box = QSpinBox()
    box.setRange(-1, 1000)
    box.setSpecialValueText(NOT_SET)
    box.setValue(-1)
    box.setMaximumWidth(120)
    return box


# --------------------------------------------------------------------------- dialogs
class _PlanFormDialog(FormDialog):
    """Shared frame: fields with errors beside them, Save / Cancel, remembered geometry.

    Signals:
        saved(object): the :class:`PlanView` after a successful save.
        reload_requested(): someone else saved first and the person chose to reload.
    """

    saved = Signal(object)
    reload_requested = Signal()
    key = "dialog"

    def __init__(self, *, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.show_problem: Callable[[QWidget | None, CareCoordError], None] = show_problem
        self.offer_reload: Callable[[QWidget | None, ConflictError, Callable[[], None]], bool] = (
            offer_reload
        )
        self.result_view: PlanView | None = None
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.field_errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setStyleSheet(error_style() + " font-size: 13px;")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName(f"save_{self.key}")
        save.setAccessibleName("Save")
        save.setProperty("role", "primary")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName(f"cancel_{self.key}")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self, intro: str | None = None) -> None:
        outer = QVBoxLayout(self)
        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(heading)
        if intro:
            outer.addWidget(hint(intro))
        outer.addLayout(self.form)
        outer.addStretch(1)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)
        geometry = _settings().value(f"{SETTINGS_PREFIX}/{self.key}Geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def _submit(self) -> PlanView:
        raise NotImplementedError

    def save(self) -> bool:
        """Send the form to the service; errors go beside their field. True when saved."""
        self.field_errors.clear()
        self.message.hide()
        try:
            view = self._submit()
        except ValidationError as error:
            if not self.field_errors.show(error):
                self.message.setText(str(error))
                self.message.show()
            return False
        except ConflictError as error:
            if self.offer_reload(self, error, self.reload_requested.emit):
                self.reject()
            return False
        except CareCoordError as error:
            self.show_problem(self, error)
            return False
        self.result_view = view
        self.saved.emit(view)
        self.accept()
        return True

    def done(self, result: int) -> None:
        _settings().setValue(f"{SETTINGS_PREFIX}/{self.key}Geometry", self.saveGeometry())
        super().done(result)


class PlanDialog(_PlanFormDialog):
    """Create a plan (it starts as a draft) or edit its title, status, dates and notes."""

    key = "plan"

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        plan: PlanView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit treatment plan" if plan else "New treatment plan"
        super().__init__(context=context, title=title, parent=parent)
        self.setObjectName("planDialog")
        self.patient_id = patient_id
        self.plan = plan
        self.title_edit = line_edit(plan.title if plan else None, max_length=200)
        self.title_edit.setPlaceholderText("e.g. Multimodal plan for chronic low back pain")
        self.field_errors.add_row(self.form, "Title:", "title", self.title_edit)
        self.status = combo(
            [(s.label, s) for s in PlanStatus], plan.status if plan else PlanStatus.DRAFT
        )
        if plan is not None:
            self.field_errors.add_row(self.form, "Status:", "status", self.status)
        self.started_on = date_edit(plan.started_on if plan else date.today())
        self.started_on.setMaximumWidth(160)
        self.field_errors.add_row(self.form, "Started:", "started_on", self.started_on)
        self.review_on = date_edit(plan.review_on if plan else None, optional=True)
        self.review_on.setMaximumWidth(160)
        self.field_errors.add_row(self.form, "Review on:", "review_on", self.review_on)
        self.notes = limited_text(plan.notes if plan else None, max_length=4000, lines=4)
        self.field_errors.add_row(self.form, "Notes:", "notes", self.notes)
        self._finish_layout(
            None
            if plan
            else "A new plan starts as a draft; set it active once it is agreed with the patient."
        )
        fit_to_screen(self, 560, 400)

    def _submit(self) -> PlanView:
        db, actor = self.context.db, self.context.actor
        title = self.title_edit.text()
        started = saved_date(self.started_on)
        review = saved_date(self.review_on)
        notes = text_of(self.notes)
        if self.plan is None:
            return plans.create_plan(
                db,
                actor,
                self.patient_id,
                title=title,
                started_on=started or date.today(),
                review_on=review,
                notes=notes,
            )
        return plans.update_plan(
            db,
            actor,
            self.plan.id,
            title=title,
            status=self.status.currentData(),
            started_on=started or self.plan.started_on,
            review_on=review,
            notes=notes,
            expected_version=self.plan.version,
        )


class GoalDialog(_PlanFormDialog):
    """A goal on one axis with its measure, baseline, target and review date.

    A new goal's baseline (and a target 30 % lower, the clinically meaningful drop) is
    pre-filled from the latest score of the chosen measure until the person types one.
    """

    key = "goal"

    def __init__(
        self,
        *,
        context: AppContext,
        plan: PlanView,
        scores: list[AssessmentView],
        goal: GoalView | None = None,
        axis: GoalAxis | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, title="Edit goal" if goal else "New goal", parent=parent)
        self.setObjectName("goalDialog")
        self.plan = plan
        self.goal = goal
        self.scores = scores
        self._filling = False
        self.baseline_touched = goal is not None
        self.target_touched = goal is not None
        chosen_axis = goal.axis if goal else axis or GoalAxis.PAIN
        self.axis = combo([(a.label, a) for a in GoalAxis], chosen_axis)
        self.field_errors.add_row(self.form, "Axis:", "axis", self.axis)
        self.description = line_edit(goal.description if goal else None, max_length=400)
        self.description.setPlaceholderText("e.g. Walk 30 minutes a day")
        self.field_errors.add_row(self.form, "Goal:", "description", self.description)
        stored = (goal.measure if goal else "peg").strip().lower()
        current = (
            "peg" if stored.startswith("peg") else "nrs" if stored.startswith("nrs") else "other"
        )
        self.measure = combo(list(MEASURE_CHOICES), current)
        self.field_errors.add_row(self.form, "Measured by:", "measure", self.measure)
        self.baseline = _optional_number(0, 10, 1)
        self.field_errors.add_row(self.form, "Baseline:", "baseline", self.baseline)
        self.target = _optional_number(0, 10, 1)
        self.field_errors.add_row(self.form, "Target:", "target", self.target)
        self.review_on = date_edit(goal.review_on if goal else plan.review_on, optional=True)
        self.review_on.setMaximumWidth(160)
        self.field_errors.add_row(self.form, "Review on:", "review_on", self.review_on)
        self.source = hint("")
        self.source.setObjectName("baselineSource")
        self.form.addRow("", self.source)
        if goal is not None:
            self._set_range(current)
            _set_number(self.baseline, goal.baseline)
            _set_number(self.target, goal.target)
            if stored not in ("peg", "nrs", "other"):
                self.source.setText(
                    f"Recorded as “{goal.measure}”; saving keeps the values and records the "
                    "measure chosen above."
                )
        else:
            self._prefill()
        self.measure.currentIndexChanged.connect(self._measure_changed)
        self.baseline.valueChanged.connect(self._baseline_edited)
        self.target.valueChanged.connect(self._target_edited)
        self._finish_layout(
            "Lower is better on PEG and NRS: a drop of 30 % is clinically meaningful."
        )
        fit_to_screen(self, 560, 350)

    def _set_range(self, measure: str) -> None:
        top = 1000.0 if measure == "other" else 10.0
        for box in (self.baseline, self.target):
            box.setMaximum(top)

    def _baseline_edited(self) -> None:
        if not self._filling:
            self.baseline_touched = True

    def _target_edited(self) -> None:
        if not self._filling:
            self.target_touched = True

    def _measure_changed(self) -> None:
        self._set_range(self.measure.currentData())
        if self.goal is None:
            self._prefill()

    def _prefill(self) -> None:
        """Baseline from the latest score of the measure (and a 30 % lower target)."""
        measure = self.measure.currentData()
        self._set_range(measure)
        latest = plan_report.latest_score(measure, self.scores)
        self._filling = True
        try:
            if latest is None:
                self.source.setText(
                    "No score of this measure yet: type the baseline."
                    if measure != "other"
                    else "Type the baseline and target in the measure's own units."
                )
                return
            taken_on, value = latest
            name = "PEG" if measure == "peg" else "NRS"
            if not self.baseline_touched:
                _set_number(self.baseline, round(value, 1))
            if not self.target_touched:
                _set_number(self.target, round(value * 0.7, 1))
            self.source.setText(
                f"Baseline pre-filled from the latest {name} ({value:.1f} on "
                f"{taken_on.isoformat()}); target set 30 % lower."
            )
        finally:
            self._filling = False

    def _submit(self) -> PlanView:
        data = GoalInput(
            axis=self.axis.currentData(),
            description=self.description.text(),
            measure=self.measure.currentData(),
            baseline=_number_of(self.baseline),
            target=_number_of(self.target),
            review_on=saved_date(self.review_on),
        )
        return plans.save_goal(
            self.context.db,
            self.context.actor,
            self.plan.id,
            data,
            goal_id=self.goal.id if self.goal else None,
            expected_version=self.goal.version if self.goal else None,
        )


class ActivityDialog(_PlanFormDialog):
    """An activity of any modality: who is responsible, when, sessions, status."""

    key = "activity"

    def __init__(
        self,
        *,
        context: AppContext,
        plan: PlanView,
        activity: ActivityView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context=context,
            title="Edit activity" if activity else "New activity",
            parent=parent,
        )
        self.setObjectName("activityDialog")
        self.plan = plan
        self.activity = activity
        a = activity
        self.modality = combo([(m.label, m) for m in Modality], a.modality if a else None)
        self.field_errors.add_row(self.form, "Modality:", "modality", self.modality)
        self.description = line_edit(a.description if a else None, max_length=400)
        self.description.setPlaceholderText("e.g. Graded exercise, 12 sessions")
        self.field_errors.add_row(self.form, "Activity:", "description", self.description)
        self.responsible = QComboBox()
        self._fill_responsible(a.responsible_member_id if a else None)
        self.field_errors.add_row(self.form, "Responsible:", "responsible_member", self.responsible)
        self.start_on = date_edit(a.start_on if a else date.today())
        self.start_on.setMaximumWidth(160)
        self.field_errors.add_row(self.form, "Start:", "start_on", self.start_on)
        self.end_on = date_edit(a.end_on if a else None, optional=True)
        self.end_on.setMaximumWidth(160)
        self.end_on.setToolTip("Leave “not set” for a one-day procedure or an open-ended activity")
        self.field_errors.add_row(self.form, "End:", "end_on", self.end_on)
        self.sessions_planned = _optional_count()
        if a is not None and a.sessions_planned is not None:
            self.sessions_planned.setValue(a.sessions_planned)
        self.field_errors.add_row(
            self.form, "Sessions planned:", "sessions_planned", self.sessions_planned
        )
        self.sessions_done = QSpinBox()
        self.sessions_done.setRange(0, 1000)
        self.sessions_done.setMaximumWidth(120)
        self.sessions_done.setValue(a.sessions_done if a else 0)
        self.field_errors.add_row(self.form, "Sessions done:", "sessions_done", self.sessions_done)
        self.status = combo(
            [(s.label, s) for s in ActivityStatus], a.status if a else ActivityStatus.PLANNED
        )
        self.field_errors.add_row(self.form, "Status:", "status", self.status)
        self.stop_reason = line_edit(a.stop_reason if a else None, max_length=400)
        self.stop_reason.setPlaceholderText("Why it was stopped (required when stopped)")
        self.field_errors.add_row(self.form, "Reason stopped:", "stop_reason", self.stop_reason)
        self.category = category_combo(
            may_write(context.actor), a.category if a else None, automatic="from the modality"
        )
        self.field_errors.add_row(self.form, "Who may read:", "category", self.category)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()
        self._finish_layout(
            "A procedure is one day: leave the end “not set”. The responsible person must be "
            "on this patient's care team, or an external specialist."
        )
        fit_to_screen(self, 600, 450)

    def _fill_responsible(self, current: int | None) -> None:
        box = self.responsible
        box.addItem("— not assigned —", None)
        db, actor = self.context.db, self.context.actor
        try:
            care_team = team.get_care_team(db, actor, self.plan.patient_id)
            directory = team.list_members(db, actor)
        except CareCoordError as error:
            self.show_problem(self, error)
            return
        on_team = {m.member.id for m in care_team.current}
        seen: set[int] = set()
        for membership in care_team.current:
            member = membership.member
            if member.id in seen:
                continue
            seen.add(member.id)
            box.addItem(f"{member.display_name} — {membership.role.label}", member.id)
        others = [m for m in directory if m.id not in on_team]
        if others:
            box.insertSeparator(box.count())
            for member in others:
                where = "external" if not member.is_internal else "not on this team"
                box.addItem(
                    f"{member.display_name} — {member.discipline.label} ({where})", member.id
                )
        if current is not None and box.findData(current) < 0 and self.activity is not None:
            box.addItem(self.activity.responsible_name or f"Member {current}", current)
        index = box.findData(current)
        box.setCurrentIndex(max(index, 0))

    def _status_changed(self) -> None:
        stopped = self.status.currentData() == ActivityStatus.STOPPED
        self.stop_reason.setEnabled(stopped)

    def choose_responsible(self, member_id: int | None) -> bool:
        """Select ``member_id`` in the list (tests and scripts); False when not listed."""
        index = self.responsible.findData(member_id)
        if index < 0:
            return False
        self.responsible.setCurrentIndex(index)
        return True

    def _submit(self) -> PlanView:
        planned = self.sessions_planned.value()
        status = self.status.currentData()
        data = ActivityInput(
            modality=self.modality.currentData(),
            description=self.description.text(),
            start_on=saved_date(self.start_on) or date.today(),
            end_on=saved_date(self.end_on),
            responsible_member_id=self.responsible.currentData(),
            sessions_planned=None if planned < 0 else planned,
            sessions_done=self.sessions_done.value(),
            status=status,
            stop_reason=self.stop_reason.text() if status == ActivityStatus.STOPPED else None,
            category=chosen(self.category),
        )
        return plans.save_activity(
            self.context.db,
            self.context.actor,
            self.plan.id,
            data,
            activity_id=self.activity.id if self.activity else None,
            expected_version=self.activity.version if self.activity else None,
        )


class PlanPdfDialog(QDialog):
    """The printed plan in the shared PDF preview (print, save as PDF). The PDF is made
    on a worker thread; :attr:`ready` turns true when it is shown."""

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        plan: PlanView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("planPdfDialog")
        self.setWindowTitle(f"Treatment plan PDF — {plan.title}")
        self.setAccessibleName("Treatment plan PDF")
        self.setSizeGripEnabled(True)
        self.ready = False
        self.failed: BaseException | None = None
        self.status = hint("Preparing the plan…")
        self.status.setObjectName("planPdfStatus")
        self.preview = PdfPreview(
            title="Treatment plan",
            suggested_name=plan_report.plan_file_name(patient_id, plan.id),
            after_print=lambda pages: self.status.setText(f"Printed {pages} page(s)."),
            after_save=lambda path: self.status.setText(f"Saved as {path}."),
        )
        close = QPushButton("Close")
        close.setObjectName("closePlanPdf")
        close.setAccessibleName("Close the plan PDF")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        saved = _settings().value(f"{SETTINGS_PREFIX}/pdfGeometry")
        restore_or_fit(self, saved, 900, 980, maximise=True)
        db, actor = context.db, context.actor
        self.worker_thread: QThread | None = run_in_thread(
            self,
            lambda: plan_report.generate_plan_pdf(db, actor, patient_id, plan.id),
            self._done,
            self._failed,
        )

    def _done(self, pdf: object) -> None:
        assert isinstance(pdf, bytes)
        self.preview.set_pdf(pdf)
        self.ready = True
        self.status.setText(f"{self.preview.page_count()} page(s) · Print… or Save as PDF… above.")

    def _failed(self, error: object) -> None:
        self.failed = error if isinstance(error, BaseException) else None
        self.status.setText("The plan could not be made.")
        if isinstance(error, CareCoordError):
            show_problem(self, error, "Plan PDF")
        elif isinstance(error, BaseException):
            raise error  # a bug: the application's exception hook shows and logs it

    def wait(self) -> None:
        """Let the worker finish (before this dialog goes away)."""
        thread, self.worker_thread = self.worker_thread, None
        wait_for_thread(thread)

    def closeEvent(self, event: QCloseEvent) -> None:
        _settings().setValue(f"{SETTINGS_PREFIX}/pdfGeometry", self.saveGeometry())
        self.wait()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.wait()
        super().done(result)


# --------------------------------------------------------------------------- models
class GoalsModel(RowsTableModel):
    """A plan's goals with their progress (a handful of rows)."""

    HEADERS = ("Axis", "Goal", "Measure", "Baseline", "Target", "Review", "Latest", "Progress")

    def arrange(self, rows: list[Any]) -> list[Any]:
        order = list(GoalAxis)
        return sorted(rows, key=lambda r: (order.index(r[0].axis), r[0].id))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        goal, progress = self.rows[index.row()]
        column = index.column()
        measure = plan_report.measure_of(goal.measure)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                goal.axis.label,
                goal.description,
                measure.label,
                measure.format(goal.baseline) or "—",
                measure.format(goal.target) or "—",
                _iso(goal.review_on),
                progress.latest_text,
                progress.text,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 7:
                return progress.detail or progress.text
            return goal.description if column == 1 else None
        if role == Qt.ItemDataRole.ForegroundRole and column == 7:
            colour = {"ok": fg("ok"), "danger": fg("danger")}.get(progress.level)
            return QColor(colour) if colour else None
        if (
            role == Qt.ItemDataRole.FontRole
            and column in (0, 7)
            and (column == 0 or progress.level)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ViewRole:
            return goal
        return None


class ActivitiesModel(RowsTableModel):
    """A plan's activities by start date (a plan has tens, not thousands)."""

    HEADERS = ("Modality", "Activity", "Responsible", "Start", "End", "Sessions", "Status")

    def arrange(self, rows: list[Any]) -> list[Any]:
        return sorted(rows, key=lambda a: (a.start_on, a.id))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        a = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if a.sessions_planned is not None:
                sessions = f"{a.sessions_done} of {a.sessions_planned}"
            else:
                sessions = str(a.sessions_done) if a.sessions_done else ""
            one_day = a.modality is Modality.INTERVENTIONAL and a.end_on is None
            status = a.status.label
            if a.status is ActivityStatus.STOPPED and a.stop_reason:
                status += f": {a.stop_reason}"
            return (
                a.modality.label,
                a.description,
                a.responsible_name or "not assigned",
                a.start_on.isoformat(),
                "one day" if one_day else _iso(a.end_on) or "open",
                sessions,
                status,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 6):
            return a.stop_reason if column == 6 and a.stop_reason else a.description
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            if a.status is ActivityStatus.STOPPED:
                return qcolor("danger")
            if a.status is ActivityStatus.DONE:
                return qcolor("ok")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ViewRole:
            return a
        return None


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


def _button(text: str, name: str, accessible: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if tip:
        button.setToolTip(tip)
    return button


def _table(name: str, accessible: str, model: QAbstractTableModel) -> _Table:
    table = _Table()
    tab_leaves(table)  # Tab moves on; arrows move between cells
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


# --------------------------------------------------------------------------- the tab
class PlanTab(QWidget):
    """A patient's treatment plan: header, goals with progress, activities, timeline.

    Signals:
        changed(): this tab saved a change (the chart reloads its header and summary).
    """

    changed = Signal()

    def __init__(
        self, *, context: AppContext, patient_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.setObjectName("planTab")
        self.setAccessibleName("Treatment plan")
        self.show_problem: Callable[[QWidget | None, CareCoordError], None] = show_problem
        self.confirm_delete: Callable[[ActivityView], bool] = self._confirm_delete
        self.choose_calendar_file: Chooser | None = None  # None: the Qt save dialog
        self.plans: list[PlanView] = []
        self.plan: PlanView | None = None
        self.scores: list[AssessmentView] = []
        self.referrals: list[ReferralView] = []
        self.dialog: QDialog | None = None
        self.can_edit = allowed(context.actor.role, Action.EDIT_CLINICAL)
        self._build()
        self._restore_settings()
        self.refresh()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        chooser_label = QLabel("Plan:")
        self.chooser = QComboBox()
        self.chooser.setObjectName("planChooser")
        self.chooser.setAccessibleName("Choose the treatment plan")
        self.chooser.setMinimumWidth(420)
        self.chooser.currentIndexChanged.connect(self._plan_chosen)
        chooser_label.setBuddy(self.chooser)
        self.new_plan_button = _button("New plan…", "newPlan", "New treatment plan")
        self.new_plan_button.clicked.connect(self.new_plan)
        self.edit_plan_button = _button(
            "Edit plan…", "editPlan", "Edit the plan", "Title, status, dates and notes"
        )
        self.edit_plan_button.clicked.connect(self.edit_plan)
        self.pdf_button = _button(
            "Plan PDF…", "planPdf", "Plan PDF", "Preview, print or save the plan summary"
        )
        self.pdf_button.setProperty("role", "primary")
        self.pdf_button.clicked.connect(self.show_pdf)
        self.title = QLabel()
        self.title.setObjectName("planTitle")
        self.title.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.title.setMaximumWidth(460)
        self.chips = QHBoxLayout()
        self.subtitle = hint("")
        self.subtitle.setObjectName("planSubtitle")
        self.subtitle.setWordWrap(False)
        self.subtitle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chooser_row = QWidget()
        self.chooser_row.setObjectName("planChooserRow")
        choose = QHBoxLayout(self.chooser_row)
        choose.setContentsMargins(0, 0, 0, 0)
        choose.addWidget(chooser_label)
        choose.addWidget(self.chooser)
        self.plan_count = hint("")
        self.plan_count.setObjectName("planCount")
        choose.addWidget(self.plan_count, 1)
        outer.addWidget(self.chooser_row)
        bar.addWidget(self.title)
        bar.addLayout(self.chips)
        bar.addSpacing(8)
        bar.addWidget(self.subtitle, 1)
        bar.addWidget(self.new_plan_button)
        bar.addWidget(self.edit_plan_button)
        bar.addWidget(self.pdf_button)
        outer.addLayout(bar)
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
        self.add_goal_button = _button("Add goal…", "addGoal", "Add a goal")
        self.add_goal_button.clicked.connect(lambda: self.add_goal())
        self.edit_goal_button = _button("Edit goal…", "editGoal", "Edit the selected goal")
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
        self.add_activity_button = _button("Add activity…", "addActivity", "Add an activity")
        self.add_activity_button.clicked.connect(self.add_activity)
        self.edit_activity_button = _button(
            "Edit activity…", "editActivity", "Edit the selected activity"
        )
        self.edit_activity_button.clicked.connect(lambda: self.edit_activity())
        self.delete_activity_button = _button(
            "Delete activity", "deleteActivity", "Delete the selected activity"
        )
        self.delete_activity_button.clicked.connect(lambda: self.delete_activity())
        self.calendar_button = _button(
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
            self.new_plan_button,
            self.edit_plan_button,
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
        db, actor = self.context.db, self.context.actor
        try:
            self.plans = plans.list_plans(db, actor, self.patient_id)
            self.scores = assessments.list_assessments(
                db, actor, self.patient_id, (AssessmentKind.PEG, AssessmentKind.NRS)
            )
            self.referrals = referrals.list_for_patient(db, actor, self.patient_id)
        except CareCoordError as error:
            self.show_problem(self, error)
            return
        keep = self.plan.id if self.plan is not None else None
        if keep is None or all(p.id != keep for p in self.plans):
            active = [p for p in self.plans if p.status is PlanStatus.ACTIVE]
            keep = (active[0] if active else self.plans[0]).id if self.plans else None
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for p in self.plans:
            self.chooser.addItem(
                f"{p.title} — {p.status.label.lower()}, from {p.started_on.isoformat()}", p.id
            )
        self.chooser.setCurrentIndex(max(self.chooser.findData(keep), 0))
        self.chooser.blockSignals(False)
        self._show_plan(next((p for p in self.plans if p.id == keep), None))

    def _plan_chosen(self, _index: int) -> None:
        plan_id = self.chooser.currentData()
        self._show_plan(next((p for p in self.plans if p.id == plan_id), None))

    def _show_plan(self, plan: PlanView | None) -> None:
        self.plan = plan
        has_plan = plan is not None
        self.empty.setVisible(not has_plan)
        several = len(self.plans) > 1
        self.chooser_row.setVisible(several)
        self.plan_count.setText(
            f"{len(self.plans)} plans for this patient; the active one opens first."
        )
        for control in (
            self.edit_plan_button,
            self.pdf_button,
            self.add_goal_button,
            self.edit_goal_button,
            self.add_activity_button,
            self.edit_activity_button,
            self.delete_activity_button,
        ):
            control.setEnabled(has_plan)
        self.new_plan_button.setProperty("role", "" if has_plan else "primary")
        self.new_plan_button.style().unpolish(self.new_plan_button)
        self.new_plan_button.style().polish(self.new_plan_button)
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if plan is None:
            self.title.setText("Treatment plan")
            self.title.setToolTip("")
            self.subtitle.setText("")
            self.goals_model.set_rows([])
            self.activities_model.set_rows([])
            self.goal_gaps.setText("")
            self.goal_gaps.hide()
            self.timeline.set_data(build_timeline(None, self.referrals, self.scores))
            return
        metrics = self.title.fontMetrics()
        self.title.setText(metrics.elidedText(plan.title, Qt.TextElideMode.ElideRight, 450))
        self.title.setToolTip(plan.title)
        level = {
            PlanStatus.ACTIVE: "ok",
            PlanStatus.DRAFT: "info",
            PlanStatus.COMPLETED: "info",
            PlanStatus.DISCONTINUED: "warning",
        }[plan.status]
        status = chip(plan.status.label, level)
        status.setObjectName("planStatusChip")
        self.chips.addWidget(status)
        today = date.today()
        if (
            plan.review_on is not None
            and plan.review_on < today
            and plan.status
            in (
                PlanStatus.ACTIVE,
                PlanStatus.DRAFT,
            )
        ):
            overdue = chip(f"Review overdue since {plan.review_on.isoformat()}", "danger")
            overdue.setObjectName("reviewOverdueChip")
            self.chips.addWidget(overdue)
        review = plan.review_on.isoformat() if plan.review_on else "not set"
        self.subtitle.setText(f"Started {plan.started_on.isoformat()} · review {review}")
        self.subtitle.setToolTip(plan.notes or "")
        self.goals_model.set_rows(
            [(g, goal_progress(g, self.scores, plan_started=plan.started_on)) for g in plan.goals]
        )
        missing = [a.label.lower() for a in GoalAxis if all(g.axis is not a for g in plan.goals)]
        self.goal_gaps.setText(f"No goal yet for: {', '.join(missing)}." if missing else "")
        self.goal_gaps.setVisible(bool(missing))
        self.activities_model.set_rows(plan.activities)
        self.timeline.set_data(build_timeline(plan, self.referrals, self.scores))

    def progress_texts(self) -> list[str]:
        """The Progress column as shown (tests and accessibility checks read it)."""
        return [progress.text for _, progress in self.goals_model.rows]

    # ---------------------------------------------------------------- dialogs
    def _open(self, dialog: _PlanFormDialog) -> _PlanFormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.reload_requested.connect(self.refresh)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, view: object) -> None:
        if isinstance(view, PlanView):
            self.plan = view
        self.refresh()
        self.changed.emit()
        self.context.events.patient_changed.emit(self.patient_id)

    def new_plan(self) -> _PlanFormDialog:
        return self._open(PlanDialog(context=self.context, patient_id=self.patient_id, parent=self))

    def edit_plan(self) -> _PlanFormDialog | None:
        if self.plan is None:
            return None
        return self._open(
            PlanDialog(
                context=self.context, patient_id=self.patient_id, plan=self.plan, parent=self
            )
        )

    def add_goal(self, axis: GoalAxis | None = None) -> _PlanFormDialog | None:
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
        index = table.currentIndex()
        if not index.isValid():
            return None
        return table.model().data(index, Qt.ItemDataRole.UserRole)

    def edit_goal(self) -> _PlanFormDialog | None:
        goal = self._selected(self.goals_table)
        if self.plan is None or not isinstance(goal, GoalView):
            return None
        return self._open(
            GoalDialog(
                context=self.context, plan=self.plan, scores=self.scores, goal=goal, parent=self
            )
        )

    def add_activity(self) -> _PlanFormDialog | None:
        if self.plan is None:
            return None
        return self._open(ActivityDialog(context=self.context, plan=self.plan, parent=self))

    def edit_activity(self, activity: ActivityView | None = None) -> _PlanFormDialog | None:
        chosen = activity or self._selected(self.activities_table)
        if self.plan is None or not isinstance(chosen, ActivityView):
            return None
        current = next((a for a in self.plan.activities if a.id == chosen.id), chosen)
        return self._open(
            ActivityDialog(context=self.context, plan=self.plan, activity=current, parent=self)
        )

    def _confirm_delete(self, activity: ActivityView) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete activity",
            f"Delete “{activity.description}” ({activity.modality.label}) from the plan?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def delete_activity(self, activity: ActivityView | None = None) -> bool:
        """Delete the selected (or given) activity after asking; True when deleted."""
        chosen = activity or self._selected(self.activities_table)
        if not self.can_edit or not isinstance(chosen, ActivityView):
            return False
        if not self.confirm_delete(chosen):
            return False
        try:
            view = plans.delete_activity(
                self.context.db, self.context.actor, chosen.id, expected_version=chosen.version
            )
        except ConflictError as error:
            offer_reload(self, error, self.refresh)
            return False
        except CareCoordError as error:
            self.show_problem(self, error)
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
        dialog = PlanPdfDialog(
            context=self.context, patient_id=self.patient_id, plan=self.plan, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    # --------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        store = _settings()
        state = store.value(f"{SETTINGS_PREFIX}/splitter")
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes([1, 1, 2000])  # the tables keep their minimum heights
        for table, key, widths in (
            (self.goals_table, "goalColumns", (104, 200, 134, 72, 58, 88, 112)),
            (self.activities_table, "activityColumns", (200, 250, 190, 90, 90, 72)),
        ):
            header = store.value(f"{SETTINGS_PREFIX}/{key}")
            if isinstance(header, QByteArray) and table.horizontalHeader().restoreState(header):
                continue
            for column, width in enumerate(widths):
                table.setColumnWidth(column, width)

    def hideEvent(self, event: QHideEvent) -> None:
        store = _settings()
        store.setValue(f"{SETTINGS_PREFIX}/splitter", self.splitter.saveState())
        store.setValue(
            f"{SETTINGS_PREFIX}/goalColumns", self.goals_table.horizontalHeader().saveState()
        )
        store.setValue(
            f"{SETTINGS_PREFIX}/activityColumns",
            self.activities_table.horizontalHeader().saveState(),
        )
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
