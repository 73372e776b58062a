"""The session's own dialogs: emergency (break-glass) access and changing one's password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, text_of
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import bg, fg, hint

BREAK_GLASS_CHOICES = ((15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"))


# ------------------------------------------------------------------ break-glass
class BreakGlassDialog(QDialog):
    """Asks why emergency access is needed and for how long; ``actor`` holds the result."""

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.actor: Actor | None = None
        self.setObjectName("breakGlassDialog")
        self.setWindowTitle("Emergency access (break-glass)")
        self.setMinimumWidth(480)
        self.errors = FieldErrors()
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        start = buttons.button(QDialogButtonBox.StandardButton.Ok)
        start.setText("Start emergency access")
        start.setObjectName("breakGlassStart")
        start.setAccessibleName("Start emergency access")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("breakGlassCancel")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self)

    def start(self) -> bool:
        """Ask the service (which audits it); True and accepted when access began."""
        self.errors.clear()
        try:
            self.actor = users.start_break_glass(
                self.context.db,
                self.context.actor,
                text_of(self.reason) or "",
                minutes=int(self.minutes.currentData()),
            )
        except ValidationError as error:
            if not self.errors.show(error):
                show_problem(self, error, "Emergency access")
            return False
        except CareCoordError as error:
            show_problem(self, error, "Emergency access")
            return False
        self.accept()
        return True


class ChangePasswordDialog(QDialog):
    """One's own password: the current one, the new one twice."""

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Change your password")
        self.setMinimumWidth(420)
        self.errors = FieldErrors()
        self.current = self._secret("currentPassword")
        self.new = self._secret("newPassword")
        self.repeat = self._secret("repeatPassword")
        form = QFormLayout()
        self.errors.add_row(form, "Current password*:", "current_password", self.current)
        self.errors.add_row(form, "New password*:", "new_password", self.new)
        self.errors.add_row(form, "Repeat new password*:", "repeat_password", self.repeat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Change password")
        save.setObjectName("changePasswordSave")
        save.setAccessibleName("Change password")
        save.setProperty("role", "primary")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("changePasswordCancel")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(f"At least {users.MIN_PASSWORD_LENGTH} characters."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_dialog(self)

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def save(self) -> bool:
        self.errors.clear()
        if self.new.text() != self.repeat.text():
            self.errors.show(ValidationError("repeat_password", "the new passwords differ"))
            return False
        try:
            users.change_password(
                self.context.db,
                self.context.actor,
                current=self.current.text(),
                new=self.new.text(),
            )
        except ValidationError as error:
            if not self.errors.show(error):
                show_problem(self, error, "Change password")
            return False
        except CareCoordError as error:
            show_problem(self, error, "Change password")
            return False
        self.accept()
        return True
