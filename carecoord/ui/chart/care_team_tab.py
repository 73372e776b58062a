"""The chart's Care team tab: core roles and their gaps, members by role, suggestions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.care_team import ROLE_FOR_DISCIPLINE
from carecoord.clinical.suggestions import Suggestion
from carecoord.clinical.vocabulary import CORE_ROLES, CareTeamRole, Discipline, Priority
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import team
from carecoord.services.chart import Chart
from carecoord.services.permissions import Action, allowed, referral_category
from carecoord.services.team import CareTeam, MembershipView
from carecoord.ui import forms, style
from carecoord.ui.context import AppContext
from carecoord.ui.kit.chart_tab import ChartFedTab
from carecoord.ui.kit.records import (
    action_button,
    ask_yes_no,
    empty_hint,
    iso,
    records_table,
    selected_row,
)
from carecoord.ui.kit.service_dialog import DatedChangeDialog, ServiceDialog
from carecoord.ui.kit.table import Column, ColumnTableModel

PRIORITY_LEVEL = {
    Priority.STAT: "danger",
    Priority.ASAP: "danger",
    Priority.URGENT: "danger",
    Priority.ROUTINE: "info",
}


def disciplines_for(role: CareTeamRole) -> tuple[Discipline, ...]:
    """The disciplines whose members normally fill ``role`` (every one for "support")."""
    matching = tuple(d for d, r in ROLE_FOR_DISCIPLINE.items() if r == role)
    return matching or tuple(Discipline)


class AssignMemberDialog(ServiceDialog):
    """Put a directory member on the patient's team in a role.

    Attributes:
        confirm_replace: asked (current coordinator, new member) before replacing the
            coordinating physician; a yes/no message box by default.
    """

    TITLE = "Assign care-team member"
    NAME = "assignMemberDialog"
    OK_TEXT = "Assign"

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        care_team: CareTeam,
        role: CareTeamRole | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.patient_id = patient_id
        self.care_team = care_team
        self.confirm_replace: Callable[[str, str], bool] = lambda current, new: ask_yes_no(
            self,
            "Replace coordinating physician",
            f"{current} is the coordinating physician. A patient has exactly one: replace "
            f"them with {new} from the chosen date? Their membership ends that day.",
        )
        self.members = team.list_members(context.db, context.actor, active_only=True)
        self.role = forms.combo([(r.label, r.value) for r in CareTeamRole], role or CORE_ROLES[0])
        self.member = QComboBox()
        self.since = forms.date_edit(date.today())
        self.notes = forms.line_edit(max_length=400)
        self.errors.add_row(self.form, "Role *", "role", self.role)
        self.errors.add_row(self.form, "Member *", "member", self.member)
        self.empty_hint = style.hint("")
        self.empty_hint.setObjectName("noMembersHint")
        self.form.addRow("", self.empty_hint)
        self.errors.add_row(self.form, "Since *", "since", self.since)
        self.errors.add_row(self.form, "Notes", "notes", self.notes)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.setMinimumWidth(480)

    def chosen_role(self) -> CareTeamRole:
        return CareTeamRole(str(self.role.currentData()))

    def _role_changed(self) -> None:
        """Offer the active members of the disciplines that fill the chosen role."""
        role = self.chosen_role()
        wanted = set(disciplines_for(role))
        self.member.clear()
        for m in self.members:
            if m.discipline in wanted:
                where = f", {m.organisation}" if m.organisation else ""
                self.member.addItem(f"{m.display_name} — {m.discipline.label}{where}", m.id)
        if self.member.count():
            self.empty_hint.setText("")
            self.empty_hint.hide()
        else:
            names = " or ".join(d.label for d in sorted(wanted, key=lambda d: d.label))
            self.empty_hint.setText(f"No active member in {names}. Add one on the Team page first.")
            self.empty_hint.show()
        self.ok_button.setEnabled(self.member.count() > 0)

    def select_member(self, member_id: int) -> bool:
        index = self.member.findData(member_id)
        if index >= 0:
            self.member.setCurrentIndex(index)
        return index >= 0

    def save(self) -> None:
        role = self.chosen_role()
        member_id = self.member.currentData()
        if member_id is None:
            self.errors.show(ValidationError("member", "choose a member"))
            return
        replace = False
        current = self.care_team.coordinator()
        if role == CareTeamRole.COORDINATING_PHYSICIAN and current is not None:
            if current.id == member_id:
                self.errors.show(
                    ValidationError("member", f"{current.display_name} already has this role")
                )
                return
            if not self.confirm_replace(current.display_name, self.member.currentText()):
                return
            replace = True
        self.attempt(
            lambda: team.assign_member(
                self.context.db,
                self.context.actor,
                self.patient_id,
                int(member_id),
                role,
                since=forms.saved_date(self.since),
                notes=forms.text_of(self.notes),
                replace_coordinator=replace,
            )
        )


class EndMembershipDialog(DatedChangeDialog):
    """Take a member off the team on a date (the membership moves to past members)."""

    TITLE = "End membership"
    NAME = "endMembershipDialog"
    OK_TEXT = "End membership"

    def __init__(
        self,
        *,
        context: AppContext,
        membership: MembershipView,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent, reload=reload)
        self.membership = m = membership
        self.ask_date(
            "Last day *",
            "until",
            f"{m.member.display_name} leaves the team as {m.role.label.lower()} "
            f"(since {m.since.isoformat()}).",
            lambda until: team.end_membership(
                context.db, context.actor, m.id, until=until, expected_version=m.version
            ),
        )


CURRENT_COLUMNS: list[Column] = [
    Column("Role", lambda m: m.role.label),
    Column("Member", lambda m: m.member.display_name),
    Column("Discipline", lambda m: m.member.discipline.label),
    Column("Since", lambda m: iso(m.since)),
    Column("Contact", lambda m: " · ".join(x for x in (m.member.phone, m.member.email) if x)),
]
PAST_COLUMNS: list[Column] = [*CURRENT_COLUMNS[:4], Column("Until", lambda m: iso(m.until))]


def _role_order(m: MembershipView) -> tuple[int, str]:
    core = CORE_ROLES.index(m.role) if m.role in CORE_ROLES else len(CORE_ROLES)
    return core, m.member.family_name


class CareTeamTab(ChartFedTab):
    """Who is on the patient's team, which core role is missing, and what the rules suggest.

    Signals:
        changed(): the team was changed here.
    """

    OBJECT_NAME = "careTeamTab"
    READ_TITLE = "Care team"

    def setup(self) -> None:
        self.can_edit = allowed(self.context.actor.role, Action.EDIT_DEMOGRAPHICS)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.core_box = QGroupBox("Core roles")
        self.core_box.setObjectName("coreRoles")
        self.core_layout = QVBoxLayout(self.core_box)
        self.core_grid = QGridLayout()

        self.current = ColumnTableModel(CURRENT_COLUMNS, parent=self)
        self.current_table = records_table(self.current, "currentTeamTable", "Current team")
        self.current_table.selectionModel().selectionChanged.connect(self._update_buttons)
        for column, width in enumerate((190, 220, 220, 90)):
            self.current_table.setColumnWidth(column, width)
        self.assign_button = action_button("Assign member…", "assignMember", self.assign)
        self.end_button = action_button("End membership…", "endMembership", self.end_membership)
        current_box = QGroupBox("Current team")
        current_layout = QVBoxLayout(current_box)
        current_layout.addWidget(self.current_table, 1)
        current_layout.addWidget(
            empty_hint(self.current, "Nobody is on this team yet.", "noCurrentMembers")
        )
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.assign_button)
        row.addWidget(self.end_button)
        current_layout.addLayout(row)
        for button in (self.assign_button, self.end_button):
            button.setVisible(self.can_edit)

        self.past = ColumnTableModel(PAST_COLUMNS, muted=lambda _m: True, parent=self)
        self.past_table = records_table(self.past, "pastTeamTable", "Past members")
        for column, width in enumerate((190, 220, 220, 90)):
            self.past_table.setColumnWidth(column, width)
        past_box = QGroupBox("Past members")
        past_layout = QVBoxLayout(past_box)
        past_layout.addWidget(self.past_table)
        past_layout.addWidget(empty_hint(self.past, "Nobody has left this team.", "noPastMembers"))

        self.suggestions_box = QGroupBox("Suggestions from the clinical rules")
        self.suggestions_box.setObjectName("suggestions")
        self.suggestions_layout = QVBoxLayout(self.suggestions_box)

        layout = QVBoxLayout(self)
        layout.addWidget(self.core_box)
        layout.addWidget(self.suggestions_box)
        layout.addWidget(current_box, 3)
        layout.addWidget(past_box, 2)
        self._update_buttons()

    # -------------------------------------------------------------------- data
    def show_chart(self, chart: Chart) -> None:
        self.chart = chart
        care_team = chart.care_team
        self._show_core(care_team)
        self.current.set_rows(sorted(care_team.current, key=_role_order))
        self.past.set_rows(sorted(care_team.past, key=lambda m: m.until or date.min, reverse=True))
        self._show_suggestions(chart.suggestions)
        self._update_buttons()

    def _show_core(self, care_team: CareTeam) -> None:
        """One row per core role: who fills it, or a warning chip and an Assign button."""
        body = QWidget()
        self.core_grid = QGridLayout(body)
        self.core_grid.setContentsMargins(0, 0, 0, 0)
        self.core_grid.setColumnStretch(1, 1)
        self.core_grid.setHorizontalSpacing(16)
        self._replace(self.core_layout, body)
        row = 0
        for role in CORE_ROLES:
            holders = [m for m in care_team.current if m.role == role]
            title = QLabel(f"<b>{role.label}</b>")
            self.core_grid.addWidget(title, row, 0)
            if holders:
                text = "; ".join(
                    f"{m.member.display_name} — {m.member.discipline.label}, "
                    f"since {m.since.isoformat()}"
                    for m in holders
                )
                self.core_grid.addWidget(QLabel(text), row, 1)
                filled = style.chip("Assigned", "ok")
                filled.setObjectName(f"filled_{role.value}")
                self.core_grid.addWidget(filled, row, 2)
            else:
                gap = style.chip(f"Gap: no {role.label.lower()}", "warning")
                gap.setObjectName(f"gap_{role.value}")
                gap_holder = QHBoxLayout()
                gap_holder.addWidget(gap)
                gap_holder.addStretch(1)
                cell = QWidget()
                cell.setLayout(gap_holder)
                gap_holder.setContentsMargins(0, 0, 0, 0)
                self.core_grid.addWidget(cell, row, 1)
                if self.can_edit:
                    assign = QPushButton("Assign…")
                    assign.setObjectName(f"assign_{role.value}")
                    assign.setAccessibleName(f"Assign {role.label.lower()}")
                    assign.clicked.connect(lambda _c=False, r=role: self.assign(r))
                    self.core_grid.addWidget(assign, row, 2)
            row += 1
        problem = (
            "Every core role is filled."
            if not care_team.gaps
            else f"{len(care_team.gaps)} core role(s) missing: every pain patient's team "
            "needs a coordinating physician, a rehabilitation specialist and a psychiatrist."
        )
        summary = style.hint(problem)
        summary.setObjectName("coreSummary")
        self.core_grid.addWidget(summary, row, 0, 1, 3)

    def _show_suggestions(self, suggestions: tuple[Suggestion, ...]) -> None:
        body = QWidget()
        rows = QVBoxLayout(body)
        rows.setContentsMargins(0, 0, 0, 0)
        if not suggestions:
            none = style.hint("No suggestions: the rules found nothing to act on.")
            none.setObjectName("noSuggestions")
            rows.addWidget(none)
        for number, suggestion in enumerate(suggestions):
            rows.addWidget(self._suggestion_row(number, suggestion))
        self._replace(self.suggestions_layout, body)

    @staticmethod
    def _replace(layout: QVBoxLayout, body: QWidget) -> None:
        """Swap the single widget a group box shows for a freshly built one."""
        while layout.count():
            item = layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()
                old.deleteLater()
        layout.addWidget(body)

    def _suggestion_row(self, number: int, suggestion: Suggestion) -> QWidget:
        row = QFrame()
        row.setObjectName(f"suggestion_{number}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 2, 0, 2)
        what = (
            f"Refer to {suggestion.discipline.label.lower()}"
            if suggestion.kind == "referral" and suggestion.discipline
            else "Reassess"
            if suggestion.discipline is None
            else f"Reassess with {suggestion.discipline.label.lower()}"
        )
        line.addWidget(style.chip(suggestion.priority.label, PRIORITY_LEVEL[suggestion.priority]))
        text = QLabel(f"<b>{what}</b> — {suggestion.reason}")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        line.addWidget(text, 1)
        discipline = suggestion.discipline
        if suggestion.kind == "referral" and discipline is not None and self._can_refer(discipline):
            button = QPushButton("Create referral")
            button.setObjectName(f"createReferral_{number}")
            button.setAccessibleName(f"Create referral to {discipline.label}")
            button.clicked.connect(lambda _c=False, d=discipline: self.create_referral(d))
            line.addWidget(button)
        return row

    def _can_refer(self, discipline: Discipline) -> bool:
        category = referral_category(discipline, False)
        return allowed(self.context.actor.role, Action.EDIT_CLINICAL, category)

    def _update_buttons(self) -> None:
        self.end_button.setEnabled(selected_row(self.current_table) is not None)

    # ----------------------------------------------------------------- actions
    def assign(self, role: CareTeamRole | None = None) -> AssignMemberDialog | None:
        if self.chart is None:
            return None
        try:
            dialog = AssignMemberDialog(
                context=self.context,
                patient_id=self.patient_id,
                care_team=self.chart.care_team,
                role=role,
                parent=self,
            )
        except CareCoordError as error:
            self.problem(error, "Assign member")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.saved)
        dialog.open()
        return dialog

    def end_membership(self) -> EndMembershipDialog | None:
        membership: MembershipView | None = selected_row(self.current_table)
        if membership is None:
            return None
        dialog = EndMembershipDialog(
            context=self.context, membership=membership, parent=self, reload=self.refresh
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.saved)
        dialog.open()
        return dialog

    def create_referral(self, discipline: Discipline) -> None:
        """Ask the main window for a new referral to ``discipline`` for this patient."""
        self.context.navigator.new_referral_requested.emit(self.patient_id, discipline.value)
