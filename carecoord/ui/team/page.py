"""The team directory page: find, add, edit and deactivate the clinicians the clinic works with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QTimer,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import Discipline
from carecoord.errors import CareCoordError, ConflictError
from carecoord.services import team
from carecoord.services.common import today
from carecoord.services.permissions import Action, allowed
from carecoord.services.team import MemberView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.forms import combo
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.table import Column, ColumnTableModel, list_table
from carecoord.ui.preferences import remember_columns
from carecoord.ui.style import hint, page_title
from carecoord.ui.team.member_form import MemberForm

Index = QModelIndex | QPersistentModelIndex
HEADER_KEY = "teamPage/header"
SEARCH_DELAY_MS = 150

COLUMNS = (
    "Name",
    "Credentials",
    "Discipline",
    "Specialty",
    "Organisation",
    "Where",
    "Phone",
    "Fax",
    "Board certification",
    "Status",
)
BOARD_COLUMN = COLUMNS.index("Board certification")
MAX_WIDTHS = {
    "Name": 160,
    "Discipline": 165,
    "Specialty": 150,
    "Organisation": 160,
    "Phone": 125,
    "Fax": 115,
}


def board_text(member: MemberView, on: date) -> str:
    """The expiry date, with "expires in 23 d" or "expired" when within the warning window."""
    expires = member.board_certification_expires
    if expires is None:
        return ""
    if not member.board_expiring(on):
        return expires.isoformat()
    days = (expires - on).days
    if days < 0:
        return f"{expires.isoformat()} (expired)"
    if days == 0:
        return f"{expires.isoformat()} (expires today)"
    return f"{expires.isoformat()} (expires in {days} d)"


class MemberModel(ColumnTableModel):
    """The filtered directory (a clinic has hundreds of members, so one query holds them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self._columns(), muted=lambda m: not m.active, parent=parent)
        self.on = today()

    def _columns(self) -> list[Column]:
        texts: tuple[Callable[[MemberView], str], ...] = (
            lambda m: f"{m.family_name}, {m.given_name}",
            lambda m: m.credentials or "",
            lambda m: m.discipline.label,
            lambda m: m.specialty or "",
            lambda m: m.organisation or "",
            lambda m: "Internal" if m.is_internal else "External",
            lambda m: m.phone or "",
            lambda m: m.fax or "",
            lambda m: board_text(m, self.on),
            lambda m: "Active" if m.active else "Inactive",
        )
        columns = [Column(header, text) for header, text in zip(COLUMNS, texts, strict=True)]
        columns[BOARD_COLUMN] = Column(
            COLUMNS[BOARD_COLUMN],
            texts[BOARD_COLUMN],
            tooltip=self._board_tip,
            foreground=self._board_meaning,
            background=lambda m: "warning" if m.board_expiring(self.on) else None,
            bold=lambda m: m.board_expiring(self.on),
        )
        return columns

    def _board_tip(self, member: MemberView) -> str | None:
        if member.board_expiring(self.on):
            return "Board certification expires within 60 days: ask for the renewal."
        return member.board_name or board_text(member, self.on) or None

    def _board_meaning(self, member: MemberView) -> str | None:
        if not member.board_expiring(self.on):
            return None
        expired = (member.board_certification_expires or self.on) < self.on
        return "danger" if expired else "warning"

    @property
    def members(self) -> list[MemberView]:
        return self.rows

    def set_members(self, members: Sequence[MemberView], on: date) -> None:
        self.on = on
        self.set_rows(members)

    def member_at(self, row: int) -> MemberView:
        member: MemberView = self.rows[row]
        return member

    def row_of(self, member_id: int) -> int:
        return self.find(lambda m: m.id == member_id)


ADD_MEMBER_KEYS = "Ctrl+Shift+N"


class TeamPage(Page):
    """The team directory with filters; Add, Edit and Deactivate / Reactivate."""

    object_name = "teamPage"
    accessible_name = "Team directory"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.can_manage = allowed(context.actor.role, Action.MANAGE_TEAM)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header = QHBoxLayout()
        header.addWidget(page_title("Team directory"))
        header.addStretch(1)
        self.add_button = self._button("teamAdd", "Add member…", "Add a team member", self.add)
        # Ctrl+N stays the main window's "New patient" everywhere: a second owner of the
        # same keys makes Qt call the shortcut ambiguous and neither would fire.
        self.add_button.setShortcut(QKeySequence(ADD_MEMBER_KEYS))
        self.add_button.setToolTip("Add a team member (Ctrl+Shift+N)")
        self.add_button.setProperty("role", "primary")
        self.edit_button = self._button(
            "teamEdit", "Edit…", "Edit the selected member", self.edit_selected
        )
        self.active_button = self._button(
            "teamToggleActive", "Deactivate", "Deactivate the selected member", self.toggle_active
        )
        for button in (self.edit_button, self.active_button, self.add_button):
            header.addWidget(button)
        layout.addLayout(header)

        filters = QHBoxLayout()
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("teamSearch")
        self.text_filter.setAccessibleName("Search by name, specialty or organisation")
        self.text_filter.setPlaceholderText("Search name, specialty, organisation…")
        self.text_filter.setClearButtonEnabled(True)
        self.discipline = combo([("All disciplines", None)] + [(d.label, d) for d in Discipline])
        self.discipline.setObjectName("teamDiscipline")
        self.discipline.setAccessibleName("Discipline")
        self.scope = combo(
            [("Internal and external", None), ("Internal only", True), ("External only", False)]
        )
        self.scope.setObjectName("teamScope")
        self.scope.setAccessibleName("Internal or external")
        self.show_inactive = QCheckBox("Show inactive")
        self.show_inactive.setObjectName("teamShowInactive")
        self.show_inactive.setAccessibleName("Show inactive members")
        for label, widget in (("Discipline:", self.discipline), ("Where:", self.scope)):
            title = QLabel(label)
            title.setBuddy(widget)
            filters.addWidget(title)
            filters.addWidget(widget)
        filters.addWidget(self.show_inactive)
        filters.addWidget(self.text_filter, 1)
        layout.addLayout(filters)

        self.model = MemberModel(self)
        self.table = list_table(self.model, "teamTable", "Team members", word_wrap=False)
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.count = hint("")
        self.count.setObjectName("teamCount")
        layout.addWidget(self.count)
        if not self.can_manage:
            layout.addWidget(hint("Your role can look up the directory but not change it."))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.text_filter.textChanged.connect(self._debounce.start)
        self.discipline.currentIndexChanged.connect(self.refresh)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.show_inactive.toggled.connect(self.refresh)
        context.events.team_changed.connect(self.refresh)

        self.refresh()
        self._size_columns()
        remember_columns(self.table, HEADER_KEY)

    def _size_columns(self) -> None:
        """Fit the columns, but cap the long ones so board expiry stays in view at 1280 px."""
        self.table.resizeColumnsToContents()
        for title, widest in MAX_WIDTHS.items():
            column = COLUMNS.index(title)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))

    def _button(self, name: str, text: str, accessible: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Reload the directory with the current filters, keeping the selection."""
        selected = self.selected()
        try:
            members = team.list_members(
                self.context.db,
                self.context.actor,
                discipline=self.discipline.currentData(),
                internal=self.scope.currentData(),
                active_only=not self.show_inactive.isChecked(),
                text=self.text_filter.text(),
            )
        except CareCoordError as error:
            show_problem(self, error)
            return
        self.model.set_members(members, today())
        self.table.setColumnHidden(COLUMNS.index("Status"), not self.show_inactive.isChecked())
        if selected is not None:
            self.select_member(selected.id)
        expiring = sum(1 for m in members if m.active and m.board_expiring(self.model.on))
        summary = f"{len(members)} member{'s' if len(members) != 1 else ''}"
        if expiring:
            summary += f" · {expiring} board certification{'s' if expiring != 1 else ''} "
            summary += "expiring within 60 days (highlighted)"
        self.count.setText(summary)
        self._update_buttons()

    def selected(self) -> MemberView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.member_at(rows[0].row())

    def select_member(self, member_id: int) -> None:
        row = self.model.row_of(member_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self, *_: object) -> None:
        member = self.selected()
        self.add_button.setEnabled(self.can_manage)
        self.edit_button.setEnabled(self.can_manage and member is not None)
        self.active_button.setEnabled(self.can_manage and member is not None)
        reactivate = member is not None and not member.active
        self.active_button.setText("Reactivate" if reactivate else "Deactivate")
        self.active_button.setAccessibleName(
            "Reactivate the selected member" if reactivate else "Deactivate the selected member"
        )

    # ------------------------------------------------------------------ actions
    def form(self, member: MemberView | None = None) -> MemberForm:
        """The add / edit dialog (tests fill and save it without opening it modally)."""
        return MemberForm(context=self.context, member=member, parent=self)

    def add(self) -> None:
        if not self.can_manage:
            return
        dialog = self.form()
        if dialog.exec() and dialog.saved is not None:
            self.select_member(dialog.saved.id)

    def edit_row(self, row: int) -> None:
        if self.can_manage and 0 <= row < self.model.rowCount():
            self._edit(self.model.member_at(row))

    def edit_selected(self) -> None:
        member = self.selected()
        if member is not None:
            self._edit(member)

    def _edit(self, member: MemberView) -> None:
        dialog = self.form(member)
        if dialog.exec() and dialog.saved is not None:
            self.select_member(dialog.saved.id)

    def toggle_active(self) -> None:
        """Deactivate the selected member (history keeps them) or bring them back."""
        member = self.selected()
        if member is None or not self.can_manage:
            return
        try:
            team.set_member_active(
                self.context.db,
                self.context.actor,
                member.id,
                not member.active,
                expected_version=member.version,
            )
        except ConflictError as error:
            offer_reload(self, error, self.refresh)
            return
        except CareCoordError as error:
            show_problem(self, error)
            return
        self.context.events.team_changed.emit()
        self.show_inactive.setChecked(self.show_inactive.isChecked() or member.active)
        self.select_member(member.id)
