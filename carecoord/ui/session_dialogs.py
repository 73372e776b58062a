"""The session's own dialogs: emergency (break-glass) access and changing one's password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.ui.context import AppContext
from carecoord.ui.forms import password_edit, text_of
from carecoord.ui.kit.dialog_buttons import accept_cancel_buttons
from carecoord.ui.kit.password_dialog import NewPasswordDialog, PasswordRow
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import bg, fg

BREAK_GLASS_CHOICES = ((15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"))


# ------------------------------------------------------------------ break-glass
class BreakGlassDialog(ServiceFormDialog):
    """Asks why emergency access is needed and for how long; ``actor`` holds the result."""

    NAME = "breakGlassDialog"
    TITLE = "Emergency access (break-glass)"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.actor: Actor | None = None
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        warning = QLabel(
            "Emergency access lets you read psychiatric and substance-use information your "
            "role normally cannot see, for a limited time. It is recorded in the audit trail "
            "with your reason and reviewed. It never opens psychotherapy notes."
        )
        warning.setObjectName("breakGlassWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(
            f"background: {bg('danger')}; color: {fg('danger')}; padding: 8px; border-radius: 4px;"
        )
        layout.addWidget(warning)
        form = QFormLayout()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("breakGlassReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. Emergency department asks for the medication list")
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4 + 14)
        self.minutes = QComboBox()
        self.minutes.setObjectName("breakGlassMinutes")
        for value, label in BREAK_GLASS_CHOICES:
            self.minutes.addItem(label, value)
        self.minutes.setCurrentIndex(self.minutes.findData(users.BREAK_GLASS_MINUTES))
        self.errors.add_row(form, "Reason*:", "reason", self.reason)
        self.errors.add_row(form, "For:", "minutes", self.minutes)
        layout.addLayout(form)
        buttons = accept_cancel_buttons(
            self,
            self.start,
            names=("breakGlassStart", "breakGlassCancel"),
            text="Start emergency access",
            button=QDialogButtonBox.StandardButton.Ok,
            primary=False,
        )
        layout.addWidget(buttons)
        fit_dialog(self)

    def start(self) -> bool:
        """Ask the service (which audits it); True and accepted when access began."""
        return self.save_and_accept(self._start, "Emergency access")

    def _start(self) -> None:
        """The service call of :meth:`start`; ``actor`` becomes the elevated one."""
        self.actor = users.start_break_glass(
            self.context.db,
            self.context.actor,
            text_of(self.reason) or "",
            minutes=int(self.minutes.currentData()),
        )


class ChangePasswordDialog(NewPasswordDialog):
    """One's own password: the current one, the new one twice."""

    NAME = "changePasswordDialog"
    TITLE = "Change your password"
    NEW = PasswordRow("newPassword", "New password*:", "new_password")
    REPEAT = PasswordRow(
        "repeatPassword", "Repeat new password*:", "repeat_password", "the new passwords differ"
    )
    SAVE = ("changePassword", "Change password")
    PROBLEM_TITLE = "Change password"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context=context,
            intro=f"At least {users.MIN_PASSWORD_LENGTH} characters.",
            parent=parent,
        )

    def add_rows_above(self, form: QFormLayout) -> None:
        self.current = password_edit("currentPassword")
        self.errors.add_row(form, "Current password*:", "current_password", self.current)

    def store(self, password: str) -> None:
        users.change_password(
            self.context.db, self.context.actor, current=self.current.text(), new=password
        )
