"""The lock screen: an opaque cover over every window and the one unlock (or switch user)
window, shown by :class:`carecoord.ui.session.SessionGuard` after the idle period."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.services.actor import Actor
from carecoord.ui.error_line import refusal_line
from carecoord.ui.forms import password_edit
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint, page_title, scheme

LOCKED_TITLE = "CareCoord — locked"


# ---------------------------------------------------------------------- the lock
class LockOverlay(QWidget):
    """Opaque cover over one window's contents while the session is locked.

    It follows the window's size, stays above children added later, and keeps the window
    title neutral (a chart's title names the patient).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        self.original_title = window.windowTitle()
        self.setObjectName("lockOverlay")
        self.setAccessibleName("Locked")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        text, background = scheme().lock
        self.setStyleSheet(f"QWidget#lockOverlay {{ background: {background}; }}")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("CareCoord is locked")
        title.setObjectName("lockOverlayTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet(f"color: {text}; font-size: 22px; font-weight: 600;")
        layout.addWidget(title)
        note = QLabel("Patient information is hidden. Unlock in the CareCoord unlock window.")
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {text}; font-size: 13px;")
        layout.addWidget(note)
        layout.addStretch(2)
        self._retitling = False
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()
        self._retitle()

    def _retitle(self) -> None:
        self._retitling = True
        self.window_.setWindowTitle(LOCKED_TITLE)
        self._retitling = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self.setGeometry(self.window_.rect())
            elif kind == QEvent.Type.ChildAdded:
                QTimer.singleShot(0, self, self._raise_if_alive)
            elif (
                kind == QEvent.Type.WindowTitleChange
                and not self._retitling
                and self.window_.windowTitle() != LOCKED_TITLE
            ):
                self.original_title = self.window_.windowTitle()
                QTimer.singleShot(0, self, self._retitle_if_alive)
        return False

    def _raise_if_alive(self) -> None:
        if self.isVisible():
            self.raise_()

    def _retitle_if_alive(self) -> None:
        if self.isVisible():
            self._retitle()

    def remove(self) -> None:
        """Uncover the window and give it its title back."""
        self.window_.removeEventFilter(self)
        self._retitling = True
        self.window_.setWindowTitle(self.original_title)
        self.hide()
        self.deleteLater()


class UnlockDialog(QDialog):
    """Application-modal: the signed-in user's password, or another person's sign-in.

    It cannot be dismissed (Escape and the close button do nothing); the guard closes it.

    Signals:
        unlock_requested(str): the password typed for the signed-in user.
        switch_requested(str, str): another user name and password.
    """

    unlock_requested = Signal(str)
    switch_requested = Signal(str, str)

    def __init__(self, *, actor: Actor, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(LOCKED_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(420)
        self._closing = False
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(clinic_name or "CareCoord"))
        self.who = hint(
            f"{actor.display_name} ({actor.role.label.lower()}) is signed in. Enter the "
            "password to continue where you left off; unsaved work is kept."
        )
        self.who.setObjectName("lockedUser")
        layout.addWidget(self.who)
        form = QFormLayout()
        self.username = QLineEdit(actor.username)
        self.username.setObjectName("unlockUsername")
        self.username.setAccessibleName("User name")
        self.username.setReadOnly(True)
        self.password = password_edit("unlockPassword")
        self.password.setAccessibleName("Password")
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)
        layout.addLayout(form)
        self.error = refusal_line("unlockError")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.other_button = QPushButton("Sign in as someone else")
        self.other_button.setObjectName("unlockOtherUser")
        self.other_button.setAccessibleName("Sign in as someone else")
        self.other_button.setCheckable(True)
        self.other_button.toggled.connect(self.set_other_user)
        row.addWidget(self.other_button)
        row.addStretch(1)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setProperty("role", "primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.signed_in = actor.username
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_dialog(self)

    def set_other_user(self, other: bool) -> None:
        """Switch between unlocking and signing in as a different person."""
        self.username.setReadOnly(not other)
        self.username.setText("" if other else self.signed_in)
        self.unlock_button.setText("Sign in" if other else "Unlock")
        self.password.clear()
        self.error.hide()
        (self.username if other else self.password).setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if not self.password.text():
            self.show_error("Enter the password.")
            return
        if self.other_button.isChecked() and self.username.text().strip().lower() not in (
            "",
            self.signed_in,
        ):
            self.switch_requested.emit(self.username.text(), self.password.text())
        elif self.other_button.isChecked() and not self.username.text().strip():
            self.show_error("Enter the user name.")
        else:
            self.unlock_requested.emit(self.password.text())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def finish(self) -> None:
        """Close for good (only the guard calls this)."""
        self._closing = True
        self.password.clear()
        self.close()

    def reject(self) -> None:
        """Escape does not dismiss the lock."""

    def closeEvent(self, event: Any) -> None:
        if self._closing:
            super().closeEvent(event)
        else:
            event.ignore()
