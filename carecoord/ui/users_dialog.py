"""User management for administrators: add, edit role, designate break-glass, reset
password, deactivate or reactivate. Every change is audited by the service as a
permission change; the dialogs here only collect the input and show its errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import UserRole
from carecoord.errors import CareCoordError
from carecoord.services import team, users
from carecoord.services.users import UserView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import combo, line_edit, password_edit, require_same, service_call
from carecoord.ui.keyboard import close_shortcut
from carecoord.ui.kit.dialog_buttons import save_cancel_buttons
from carecoord.ui.kit.password_dialog import NewPasswordDialog, PasswordRow
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.kit.table import Column, ColumnTableModel, list_table
from carecoord.ui.screen_fit import fit_dialog, remember_geometry, restore_geometry
from carecoord.ui.style import hint, page_title
from carecoord.ui.users_columns import user_columns

Index = QModelIndex | QPersistentModelIndex
ROLE_HELP = {
    UserRole.ADMINISTRATOR: "accounts, settings, audit trail; no clinical content",
    UserRole.PHYSICIAN: "everything clinical, including psychiatric and substance use",
    UserRole.CLINICIAN: "general and psychiatric clinical content (rehab, psychology)",
    UserRole.FRONT_DESK: "demographics, referral logistics, authorisations, printing",
}
GEOMETRY_KEY = "users/geometry"


class _Account(TypedDict):
    """What an account's form says that creating and updating it both take."""

    full_name: str
    role: UserRole
    team_member_id: int | None
    break_glass_allowed: bool


def status_of(user: UserView, now: datetime | None = None) -> str:
    if not user.active:
        return "Deactivated"
    if user.locked_until is not None and user.locked_until > (now or datetime.now(UTC)):
        return f"Locked until {user.locked_until.astimezone():%H:%M}"
    return "Active"


def _status_meaning(user: UserView) -> str:
    return {"Active": "ok", "Deactivated": "danger"}.get(status_of(user), "warning")


class UserTableModel(ColumnTableModel):
    """The clinic's accounts (tens of rows, so read whole)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            user_columns(
                Column("Break-glass", lambda u: "Allowed" if u.break_glass_allowed else "—"),
                Column("Status", status_of, foreground=_status_meaning),
            ),
            parent=parent,
        )

    @property
    def users(self) -> list[UserView]:
        return self.rows

    def set_users(self, rows: list[UserView]) -> None:
        self.set_rows(rows)

    def user_at(self, row: int) -> UserView | None:
        found: UserView | None = self.row_at(row)
        return found


class UserEditDialog(ServiceFormDialog):
    """A new account (``user`` None) or an existing one's name, role, link and designation.

    ``saved`` holds the stored account once the dialog was accepted.
    """

    NAME = "userEditDialog"

    def __init__(
        self, *, context: AppContext, user: UserView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context=context,
            title="Add user" if user is None else f"Edit user {user.username}",
            parent=parent,
        )
        self.user = user
        self.saved: UserView | None = None
        self.setMinimumWidth(560)
        self.username = line_edit(user.username if user else "", placeholder="e.g. jpark")
        self.username.setMaxLength(64)
        self.username.setReadOnly(user is not None)
        self.username.setClearButtonEnabled(user is None)
        self.full_name = line_edit(user.full_name if user else "", max_length=160)
        self.role = combo(
            [(r.label, r) for r in UserRole], user.role if user else UserRole.FRONT_DESK
        )
        self.role_help = hint("")
        self.role_help.setObjectName("roleHelp")
        self.role.currentIndexChanged.connect(lambda *_: self._explain_role())
        self._explain_role()
        # Active members only (a member who left cannot be linked), plus the kept link.
        linked = user.team_member_id if user else None
        members = [
            m
            for m in team.list_members(context.db, context.actor, active_only=False)
            if m.active or m.id == linked
        ]
        self.member = combo(
            [("Not linked", None)] + [(m.display_name, m.id) for m in members],
            user.team_member_id if user else None,
        )
        self.break_glass = QCheckBox("May start emergency (break-glass) access")
        self.break_glass.setChecked(bool(user and user.break_glass_allowed))
        form = QFormLayout()
        self.errors.add_row(form, "User name*:", "username", self.username)
        self.errors.add_row(form, "Full name*:", "full_name", self.full_name)
        self.errors.add_row(form, "Role*:", "role", self.role)
        form.addRow("", self.role_help)
        self.errors.add_row(form, "Team member:", "team_member_id", self.member)
        self.errors.add_row(form, "Emergency:", "break_glass_allowed", self.break_glass)
        self.password = password_edit("password")
        self.repeat = password_edit("passwordRepeat")
        if user is None:
            self.errors.add_row(form, "Password*:", "password", self.password)
            self.errors.add_row(form, "Repeat password*:", "password_repeat", self.repeat)
        buttons = save_cancel_buttons(
            self, self.save, "userEdit", "Add user" if user is None else "Save changes"
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "Emergency access lets this person read psychiatric and substance-use "
                "information beyond their role for a limited time, with a reason; it is "
                "audited. Link clinicians to their directory entry so their referrals name them."
            )
        )
        layout.addWidget(buttons)
        fit_dialog(self)

    def _explain_role(self) -> None:
        role = self.role.currentData()
        self.role_help.setText(f"Sees: {ROLE_HELP[role]}." if role in ROLE_HELP else "")

    def save(self) -> bool:
        """Store through the service; True (and accepted) when it worked."""
        return self.save_and_accept(self._store, "Users", reload=self.reload)

    def _store(self) -> None:
        """The service call of :meth:`save`: create the account, or update it."""
        db, actor, account = self.context.db, self.context.actor, self._account()
        if self.user is None:
            require_same(self.password, self.repeat, "password_repeat", "the passwords differ")
            self.saved = users.create_user(
                db, actor, username=self.username.text(), password=self.password.text(), **account
            )
        else:
            self.saved = users.update_user(
                db, actor, self.user.id, expected_version=self.user.version, **account
            )

    def _account(self) -> _Account:
        """The fields as both service calls take them."""
        return _Account(
            full_name=self.full_name.text(),
            role=self.role.currentData(),
            team_member_id=self.member.currentData(),
            break_glass_allowed=self.break_glass.isChecked(),
        )

    def reload(self) -> None:
        if self.user is None:
            return
        self.user = users.get_user(self.context.db, self.context.actor, self.user.id)
        self.full_name.setText(self.user.full_name)
        self.role.setCurrentIndex(max(0, self.role.findData(self.user.role)))
        self.member.setCurrentIndex(max(0, self.member.findData(self.user.team_member_id)))
        self.break_glass.setChecked(self.user.break_glass_allowed)


class ResetPasswordDialog(NewPasswordDialog):
    """An administrator sets a new password for someone who forgot theirs."""

    NAME = "resetPasswordDialog"
    NEW = PasswordRow("resetPassword", "New password*:", "password")
    REPEAT = PasswordRow(
        "resetPasswordRepeat", "Repeat*:", "password_repeat", "the passwords differ"
    )
    SAVE = ("resetPassword", "Reset password")
    PROBLEM_TITLE = "Users"

    def __init__(
        self, *, context: AppContext, user: UserView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context=context,
            title=f"Reset the password of {user.username}",
            intro=(
                f"Tell {user.full_name} the new password in person; they can change it under "
                "Account › Change password. A lockout on the account ends."
            ),
            parent=parent,
        )
        self.user = user
        self.saved: UserView | None = None

    def store(self, password: str) -> None:
        self.saved = users.reset_password(
            self.context.db,
            self.context.actor,
            self.user.id,
            password,
            expected_version=self.user.version,
        )


class UserManagementDialog(QDialog):
    """The list of accounts with the actions an administrator takes on them."""

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        close_shortcut(self)  # Ctrl+W, as in a chart
        self.context = context
        self.setObjectName("userManagementDialog")
        self.setWindowTitle("Users — CareCoord")
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Users"))
        layout.addWidget(
            hint(
                "Who may sign in and what their role lets them see. Every change here is "
                "recorded in the audit trail. Deactivated accounts keep their history."
            )
        )
        self.model = UserTableModel(self)
        self.table = list_table(self.model, "usersTable", "User accounts")
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.add_button = self._button("Add user…", "addUserButton", self.add_user)
        self.edit_button = self._button("Edit…", "editUserButton", self.edit_selected)
        self.reset_button = self._button(
            "Reset password…", "resetPasswordButton", self.reset_selected
        )
        self.active_button = self._button("Deactivate", "toggleActiveButton", self.toggle_active)
        for button in (self.add_button, self.edit_button, self.reset_button, self.active_button):
            row.addWidget(button)
        row.addStretch(1)
        close = self._button("Close", "closeUsers", self.close)
        row.addWidget(close)
        layout.addLayout(row)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.add_user)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()
        self._restore()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda *_: slot())
        return button

    # ------------------------------------------------------------------ data
    def refresh(self, select_id: int | None = None) -> None:
        current = self.selected()
        keep = select_id if select_id is not None else (current.id if current else None)
        try:
            rows = users.list_users(self.context.db, self.context.actor)
        except CareCoordError as error:
            show_problem(self, error, "Users")
            return
        self.model.set_users(rows)
        self.table.resizeColumnsToContents()
        for index, user in enumerate(rows):
            if user.id == keep:
                self.table.selectRow(index)
        self._update_buttons()

    def selected(self) -> UserView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.user_at(rows[0].row()) if rows else None

    def select_username(self, username: str) -> None:
        for index, user in enumerate(self.model.users):
            if user.username == username:
                self.table.selectRow(index)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.edit_button, self.reset_button, self.active_button):
            button.setEnabled(user is not None)
        self.active_button.setText("Reactivate" if user and not user.active else "Deactivate")
        self.active_button.setAccessibleName(self.active_button.text())

    # --------------------------------------------------------------- actions
    def user_dialog(self, user: UserView | None = None) -> UserEditDialog:
        """The add/edit dialog (tests fill and save it without running it modally)."""
        return UserEditDialog(context=self.context, user=user, parent=self)

    def add_user(self) -> None:
        self._edit(None)

    def edit_selected(self) -> None:
        user = self.selected()
        if user is not None:
            self._edit(user)

    def _edit(self, user: UserView | None) -> None:
        """Run the add/edit dialog; the list shows and selects the account saved."""
        dialog = self.user_dialog(user)
        if dialog.exec() and dialog.saved is not None:
            self.refresh(dialog.saved.id)

    def reset_selected(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(context=self.context, user=user, parent=self)
        if dialog.exec():
            self.refresh(user.id)

    def toggle_active(self) -> bool:
        """Deactivate the selected account (or reactivate a deactivated one)."""
        user = self.selected()
        if user is None:
            return False
        db, actor = self.context.db, self.context.actor
        if not service_call(
            self,
            None,
            lambda: users.set_user_active(
                db, actor, user.id, not user.active, expected_version=user.version
            ),
            "Users",
            reload=lambda: self.refresh(user.id),
        ):
            return False
        self.refresh(user.id)
        return True

    # ----------------------------------------------------------- persistence
    def _restore(self) -> None:
        restore_geometry(self, GEOMETRY_KEY, 900, 480)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_geometry(self, GEOMETRY_KEY)
        super().closeEvent(event)
