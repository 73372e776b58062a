"""An activity's dialog: any modality, who is responsible (the care team first, then the
rest of the directory), when, sessions and status.

It saves through ``services.plans``; refusals show beside their field
(:mod:`carecoord.ui.chart.plan_form`).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from carecoord.clinical.vocabulary import ActivityStatus, Modality
from carecoord.errors import CareCoordError
from carecoord.services import plans, team
from carecoord.services.plans import ActivityInput, ActivityView, PlanView
from carecoord.ui.category_field import category_combo, chosen, may_write
from carecoord.ui.chart.plan_form import PlanPartDialog, dated
from carecoord.ui.context import AppContext
from carecoord.ui.forms import combo, line_edit, saved_date


def optional_count() -> QSpinBox:
    """A count box whose lowest value reads "not set" (an empty optional count)."""
    box = QSpinBox()
    box.setRange(-1, 1000)
    box.setSpecialValueText("not set")
    box.setValue(-1)
    box.setMaximumWidth(120)
    return box


class ActivityDialog(PlanPartDialog):
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
        super().__init__(context=context, plan=plan, record=activity, parent=parent)
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
        self.start_on = dated(a.start_on if a else date.today())
        self.field_errors.add_row(self.form, "Start:", "start_on", self.start_on)
        self.end_on = dated(a.end_on if a else None, optional=True)
        self.end_on.setToolTip("Leave “not set” for a one-day procedure or an open-ended activity")
        self.field_errors.add_row(self.form, "End:", "end_on", self.end_on)
        self.sessions_planned = optional_count()
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
        self.finish_layout(
            "A procedure is one day: leave the end “not set”. The responsible person must be "
            "on this patient's care team, or an external specialist.",
            600,
            450,
        )

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

    def submit(self) -> PlanView:
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
        return self.store(plans.save_activity, data, self.activity)
