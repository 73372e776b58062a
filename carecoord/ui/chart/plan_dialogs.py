"""The plan's own dialog (title, status, dates, notes) and a goal's dialog (axis,
measure, baseline, target, review date).

Both save through ``services.plans``; refusals show beside their field
(:mod:`carecoord.ui.chart.plan_form`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from carecoord.clinical.vocabulary import GoalAxis, PlanStatus
from carecoord.services import plan_report, plans
from carecoord.services.assessments import AssessmentView
from carecoord.services.plans import GoalInput, GoalView, PlanView
from carecoord.ui.chart.plan_form import PlanFormDialog, PlanPartDialog, dated
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.forms import combo, limited_text, line_edit, saved_date, text_of
from carecoord.ui.style import hint

MEASURE_CHOICES = (
    ("PEG (mean of the 3 items)", "peg"),
    ("NRS pain (0–10)", "nrs"),
    ("Other", "other"),
)
NOT_SET = "not set"


def optional_number(lowest: float, highest: float, decimals: int) -> QDoubleSpinBox:
    """A number box whose lowest value reads "not set" (an empty optional field)."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lowest - 1, highest)
    box.setSingleStep(0.5 if decimals else 1)
    box.setSpecialValueText(NOT_SET)
    box.setValue(lowest - 1)
    box.setMaximumWidth(140)
    return box


def number_of(box: QDoubleSpinBox) -> float | None:
    """The box's value, None while it reads "not set"."""
    return None if box.value() <= box.minimum() else round(box.value(), box.decimals())


def set_number(box: QDoubleSpinBox, value: float | None) -> None:
    box.setValue(box.minimum() if value is None else value)


class PlanDialog(PlanFormDialog):
    """Create a plan (it starts as a draft) or edit its title, status, dates and notes."""

    key = "plan"

    def __init__(
        self, *, chart: ChartScope, plan: PlanView | None = None, parent: QWidget | None = None
    ) -> None:
        title = "Edit treatment plan" if plan else "New treatment plan"
        super().__init__(context=chart.context, title=title, parent=parent)
        self.patient_id = chart.patient_id
        self.plan = plan
        self.title_edit = line_edit(plan.title if plan else None, max_length=200)
        self.title_edit.setPlaceholderText("e.g. Multimodal plan for chronic low back pain")
        self.field_errors.add_row(self.form, "Title:", "title", self.title_edit)
        self.status = combo(
            [(s.label, s) for s in PlanStatus], plan.status if plan else PlanStatus.DRAFT
        )
        if plan is not None:
            self.field_errors.add_row(self.form, "Status:", "status", self.status)
        self.started_on = dated(plan.started_on if plan else date.today())
        self.field_errors.add_row(self.form, "Started:", "started_on", self.started_on)
        self.review_on = dated(plan.review_on if plan else None, optional=True)
        self.field_errors.add_row(self.form, "Review on:", "review_on", self.review_on)
        self.notes = limited_text(plan.notes if plan else None, max_length=4000, lines=4)
        self.field_errors.add_row(self.form, "Notes:", "notes", self.notes)
        self.finish_layout(
            None
            if plan
            else "A new plan starts as a draft; set it active once it is agreed with the patient.",
            560,
            400,
        )

    def submit(self) -> PlanView:
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


class GoalDialog(PlanPartDialog):
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
        super().__init__(context=context, plan=plan, record=goal, parent=parent)
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
        self.baseline = optional_number(0, 10, 1)
        self.field_errors.add_row(self.form, "Baseline:", "baseline", self.baseline)
        self.target = optional_number(0, 10, 1)
        self.field_errors.add_row(self.form, "Target:", "target", self.target)
        self.review_on = dated(goal.review_on if goal else plan.review_on, optional=True)
        self.field_errors.add_row(self.form, "Review on:", "review_on", self.review_on)
        self.source = hint("")
        self.source.setObjectName("baselineSource")
        self.form.addRow("", self.source)
        if goal is not None:
            self._set_range(current)
            set_number(self.baseline, goal.baseline)
            set_number(self.target, goal.target)
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
        self.finish_layout(
            "Lower is better on PEG and NRS: a drop of 30 % is clinically meaningful.", 560, 350
        )

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
                set_number(self.baseline, round(value, 1))
            if not self.target_touched:
                set_number(self.target, round(value * 0.7, 1))
            self.source.setText(
                f"Baseline pre-filled from the latest {name} ({value:.1f} on "
                f"{taken_on.isoformat()}); target set 30 % lower."
            )
        finally:
            self._filling = False

    def submit(self) -> PlanView:
        data = GoalInput(
            axis=self.axis.currentData(),
            description=self.description.text(),
            measure=self.measure.currentData(),
            baseline=number_of(self.baseline),
            target=number_of(self.target),
            review_on=saved_date(self.review_on),
        )
        return self.store(plans.save_goal, data, self.goal)
