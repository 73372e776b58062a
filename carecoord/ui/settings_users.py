"""The Settings page's users section: the clinic's accounts and the way to manage them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services import team, users
from carecoord.services.users import UserView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.table import Column, ColumnTableModel, list_table
from carecoord.ui.style import hint
from carecoord.ui.users_columns import user_columns


class UsersModel(ColumnTableModel):
    """The clinic's accounts (tens of rows) with the team member each one is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            user_columns(
                Column("Team member", self._member),
                Column("Status", lambda u: "Active" if u.active else "Inactive"),
            ),
            parent=parent,
        )
        self.member_names: dict[int, str] = {}

    def _member(self, user: UserView) -> str:
        if user.team_member_id is None:
            return ""
        return self.member_names.get(user.team_member_id, f"member {user.team_member_id}")

    def set_users(self, rows: list[UserView], member_names: dict[int, str]) -> None:
        self.member_names = member_names
        self.set_rows(rows)


class UsersBox(QGroupBox):
    """The accounts table (administrators only) and "Manage users…"."""

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Users", parent)
        self.context = context
        self.setObjectName("usersBox")
        self.model = UsersModel(self)
        layout = QVBoxLayout(self)
        self.table = list_table(self.model, "usersTable", "User accounts")
        self.table.setMinimumHeight(160)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(
            hint("Each person signs in with their own account; the audit trail names them.")
        )
        row.addStretch(1)
        self.manage_button = QPushButton("Manage users…")
        self.manage_button.setObjectName("manageUsers")
        self.manage_button.setAccessibleName("Add, change or deactivate user accounts")
        self.manage_button.clicked.connect(self.manage_users)
        row.addWidget(self.manage_button)
        layout.addLayout(row)

    def refresh(self) -> None:
        try:
            rows = users.list_users(self.context.db, self.context.actor)
            members = team.list_members(self.context.db, self.context.actor, active_only=False)
        except CareCoordError as error:
            show_problem(self, error)
            return
        self.model.set_users(rows, {m.id: m.display_name for m in members})
        self.table.resizeColumnsToContents()

    def user_dialog(self) -> QDialog:
        """The administrators' user management (one place for every account change)."""
        from carecoord.ui.users_dialog import UserManagementDialog

        dialog = UserManagementDialog(context=self.context, parent=self)
        dialog.finished.connect(lambda _result: self.refresh())
        return dialog

    def manage_users(self) -> None:
        self.user_dialog().open()
