"""The signed-in session: idle lock, unlock or switch user, emergency (break-glass) access.

``SessionGuard`` watches every input event of the application. After the clinic's idle
period it locks: every open window is covered by an opaque overlay and retitled, so no
patient data stays on screen, and one application-modal unlock window asks for the
password. Nothing is closed or reset, so unsaved edits in open dialogs survive the lock.
Another person may sign in at the lock screen instead: the first user's windows are then
closed (each may ask about unsaved changes) and ``user_switched`` carries the new Actor.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed
from carecoord.ui import unsaved
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, text_of
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import bg, fg, hint, page_title, scheme
from carecoord.ui.translation import translate

log = logging.getLogger(__name__)

LOCKED_TITLE = "CareCoord — locked"
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
BREAK_GLASS_CHOICES = ((15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"))


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


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
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("unlockError")
        self.error.setStyleSheet(f"color: {fg('danger')};")
        self.error.setWordWrap(True)
        self.error.hide()
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


# ------------------------------------------------------------------ the guard
class SessionGuard(QObject):
    """Idle lock, unlock, switching user and break-glass for one signed-in session.

    Args:
        context: the session's context; ``context.actor`` is replaced while break-glass
            access is on.
        window: the main window (its chart and referral windows are reopened when access
            changes, and its status bar shows emergency access).
        idle_ms: the idle period; defaults to the clinic's ``idle_lock_minutes``.

    Signals:
        locked(): the screen locked.
        unlocked(): the signed-in user unlocked it.
        user_switched(object): another user signed in at the lock screen (an Actor); the
            first user's windows are closed.
        access_changed(): break-glass access started or ended.
    """

    locked = Signal()
    unlocked = Signal()
    user_switched = Signal(object)
    access_changed = Signal()

    def __init__(
        self,
        *,
        context: AppContext,
        window: QMainWindow,
        idle_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.context = context
        self.window = window
        self.fixed_idle_ms = idle_ms
        self.is_locked = False
        self.overlays: list[LockOverlay] = []
        self.to_reopen: list[int] = []  # charts closed while locked, reopened on unlock
        self.unlock_dialog: UnlockDialog | None = None
        # Someone else signing in may only discard the first user's unsaved work (saving
        # it would record their edits as the first user's) or keep it, locked.
        self.ask_unsaved_on_switch: unsaved.Ask = lambda where: unsaved.ask(
            window,
            where,
            can_save=False,
            text=f"{context.actor.display_name} has unsaved changes in {len(where)} "
            "window(s). Discard them and sign in? Cancel keeps them and the screen stays "
            "locked for them.",
        )
        self.last_input = time.monotonic()
        self.idle_check = QTimer(self)
        self.idle_check.timeout.connect(self.check_idle)
        self.expiry = QTimer(self)
        self.expiry.setSingleShot(True)
        self.expiry.timeout.connect(self.break_glass_expired)
        self._apply_idle_period()
        context.events.settings_changed.connect(self._apply_idle_period)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.banner = QLabel()
        self.banner.setObjectName("breakGlassBanner")
        self.banner.setStyleSheet(
            f"color: {scheme().banner[0]}; background: {scheme().banner[1]}; "
            "padding: 1px 10px; font-weight: 600;"
        )
        self.banner.hide()

    # ------------------------------------------------------------- wiring
    def install(self, window: QMainWindow) -> QMenu:
        """Add the Account menu and the break-glass banner to the main window."""
        bar = window.menuBar()
        menu = QMenu(translate("MainWindow", "&Account"), bar)
        menu.setObjectName("accountMenu")
        help_menu = next(
            (a for a in bar.actions() if a.menu() and a.menu().objectName() == "helpMenu"), None
        )
        if help_menu is not None:  # Help stays last
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)
        self.change_password_action = self._action(
            menu,
            translate("MainWindow", "Change password…"),
            "changePassword",
            None,
            self.change_password,
        )
        self.lock_action = self._action(
            menu,
            translate("MainWindow", "Lock now"),
            "lockNow",
            QKeySequence("Ctrl+Shift+L"),
            self.lock_now,
        )
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # any window
        menu.addSeparator()
        self.break_glass_action = self._action(
            menu,
            translate("MainWindow", "Emergency access (break-glass)…"),
            "breakGlass",
            None,
            self.ask_break_glass,
        )
        self.end_break_glass_action = self._action(
            menu,
            translate("MainWindow", "End emergency access"),
            "endBreakGlass",
            None,
            self.end_break_glass,
        )
        self.manage_users_action = self._action(
            menu, translate("MainWindow", "Manage users…"), "manageUsers", None, self.manage_users
        )
        self.manage_users_action.setVisible(allowed(self.context.actor.role, Action.MANAGE_USERS))
        try:
            designated = users.may_break_glass(self.context.db, self.context.actor)
        except CareCoordError:
            designated = False
        self.break_glass_action.setVisible(designated)
        self.end_break_glass_action.setVisible(False)
        window.statusBar().insertWidget(0, self.banner)  # leftmost: never squeezed out
        return menu

    def _action(
        self,
        menu: QMenu,
        text: str,
        name: str,
        shortcut: QKeySequence | None,
        slot: Any,
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.window.addAction(action)
        menu.addAction(action)
        return action

    def _apply_idle_period(self) -> None:
        minutes = max(1, int(self.context.settings.idle_lock_minutes or 5))
        self.idle_ms = self.fixed_idle_ms or minutes * 60_000
        self.idle_check.start(max(50, min(5_000, self.idle_ms // 4)))

    # ------------------------------------------------------------- idle
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and not self.is_locked:
            self.last_input = time.monotonic()
        return False

    def check_idle(self) -> None:
        if not self.is_locked and (time.monotonic() - self.last_input) * 1000 >= self.idle_ms:
            self.lock("idle")

    def lock_now(self) -> None:
        self.lock("locked by the user")

    # ------------------------------------------------------------- locking
    def lock(self, reason: str = "idle") -> None:
        """Cover every window and ask for the password; nothing is closed or reset."""
        if self.is_locked:
            return
        self.is_locked = True
        try:
            users.record_lock(self.context.db, self.context.actor, reason=reason)
        except Exception:  # the lock itself must never fail because auditing did
            log.exception("could not audit the lock")
        for _ in range(10):  # nested popups (a combo box list, a menu) show data too
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        QToolTip.hideText()
        for window in self.session_windows():
            self.overlays.append(LockOverlay(window))
        self.unlock_dialog = UnlockDialog(
            actor=self.context.actor, clinic_name=self.context.settings.clinic_name
        )
        self.unlock_dialog.unlock_requested.connect(self.try_unlock)
        self.unlock_dialog.switch_requested.connect(self.try_switch)
        self.unlock_dialog.adjustSize()
        centre = self.window.frameGeometry().center()
        self.unlock_dialog.move(centre - self.unlock_dialog.rect().center())
        self.unlock_dialog.show()
        self.unlock_dialog.raise_()
        self.unlock_dialog.activateWindow()
        self.locked.emit()

    def session_windows(self) -> list[QWidget]:
        """The visible windows of this session (not the unlock window, menus or tooltips)."""
        found = []
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible() or widget is self.unlock_dialog:
                continue
            if isinstance(widget, QMenu | LockOverlay | UnlockDialog):
                continue
            kind = widget.windowType()
            if kind in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen):
                continue
            found.append(widget)
        return found

    def try_unlock(self, password: str) -> bool:
        """Unlock when ``password`` is the signed-in user's (a failure counts to lockout)."""
        dialog = self.unlock_dialog
        assert dialog is not None
        try:
            ok = users.unlock(self.context.db, self.context.actor, password)
        except CareCoordError as error:  # AccountLocked says how long to wait
            dialog.show_error(str(error))
            return False
        if not ok:
            dialog.show_error("That is not the password of the signed-in user.")
            return False
        self._uncover()
        self._open_pending_charts()
        self.unlocked.emit()
        return True

    def _open_pending_charts(self) -> None:
        open_chart = getattr(self.window, "open_chart", None)
        pending, self.to_reopen = self.to_reopen, []
        if callable(open_chart):
            for patient_id in pending:
                open_chart(patient_id)

    def _uncover(self) -> None:
        for overlay in self.overlays:
            if isValid(overlay):  # a window closed meanwhile took its overlay with it
                overlay.remove()
        self.overlays = []
        if self.unlock_dialog is not None:
            self.unlock_dialog.finish()
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None
        self.is_locked = False
        self.last_input = time.monotonic()

    def try_switch(self, username: str, password: str) -> bool:
        """Another person signs in: close the first user's windows (each may ask about
        unsaved changes); if one stays open the switch is abandoned and the lock stays."""
        dialog = self.unlock_dialog
        assert dialog is not None
        try:
            actor = users.authenticate(self.context.db, username, password)
        except CareCoordError as error:
            dialog.show_error(str(error))
            return False
        if actor is None:
            dialog.show_error("That user name and password do not match an active account.")
            return False
        if actor.user_id == self.context.actor.user_id:
            self._uncover()
            self.unlocked.emit()
            return True
        dialog.hide()
        windows = self.session_windows()
        if not unsaved.settle(windows, self.ask_unsaved_on_switch):
            dialog.show()
            dialog.show_error(
                f"{self.context.actor.display_name}'s unsaved changes are kept and the screen "
                "stays locked: unlock as them to save them."
            )
            return False
        for window in sorted(windows, key=lambda w: w is self.window):  # main window last
            window.close()
        still_open = [w for w in windows if w.isVisible()]
        if still_open:
            dialog.show()
            dialog.show_error(
                f"{self.context.actor.display_name} still has a window with unsaved changes. "
                "Unlock as them to save, or sign in again and discard the changes."
            )
            return False
        try:
            users.record_lock(self.context.db, self.context.actor, reason="signed out")
        except Exception:
            log.exception("could not audit the sign-out")
        self.user_switched.emit(actor)
        self._uncover()
        self.stop()
        return True

    def stop(self) -> None:
        """End the session's watch: no more idle checks; a lock still showing goes away
        (only called once the session's windows are closed)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.idle_check.stop()
        self.expiry.stop()
        if self.is_locked:
            self._uncover()

    # ------------------------------------------------------------- account
    def change_password(self) -> None:
        ChangePasswordDialog(context=self.context, parent=self.window).exec()

    def manage_users(self) -> QWidget:
        from carecoord.ui.users_dialog import UserManagementDialog

        dialog = UserManagementDialog(context=self.context, parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # ------------------------------------------------------------- break-glass
    def ask_break_glass(self) -> None:
        dialog = BreakGlassDialog(context=self.context, parent=self.window)
        if dialog.exec() and dialog.actor is not None:
            self.begin_break_glass(dialog.actor)

    def begin_break_glass(self, actor: Actor) -> None:
        """Use the Actor the service returned; charts reopen to show what it may read."""
        until = actor.break_glass_until
        assert until is not None
        self.context.actor = actor
        self.expiry.start(max(0, int((until - datetime.now(UTC)).total_seconds() * 1000)))
        self.banner.setText(f"EMERGENCY ACCESS until {_local_time(until)}")
        self.banner.setToolTip("Break-glass access: every record you open is audited.")
        self.banner.setAccessibleName(self.banner.text())
        self.banner.show()
        self.break_glass_action.setVisible(False)
        self.end_break_glass_action.setVisible(True)
        self._reopen_windows()
        self.access_changed.emit()

    def end_break_glass(self, *, expired: bool = False) -> None:
        if self.context.actor.break_glass_until is None:
            return
        try:
            self.context.actor = users.end_break_glass(
                self.context.db, self.context.actor, expired=expired
            )
        except CareCoordError as error:
            log.warning("could not audit the end of break-glass access: %s", error)
            self.context.actor = replace(self.context.actor, break_glass_until=None)
        self.expiry.stop()
        self.banner.hide()
        self.break_glass_action.setVisible(True)
        self.end_break_glass_action.setVisible(False)
        self._reopen_windows()
        self.access_changed.emit()

    def break_glass_expired(self) -> None:
        self.end_break_glass(expired=True)

    def _reopen_windows(self) -> None:
        """Charts decide what to show when they open; reopen them under the new access
        (after unlocking, if access ended while the screen was locked). Referral windows
        without unsaved edits close (they may show what is now hidden)."""
        charts: dict[int, QWidget] = getattr(self.window, "chart_windows", {})
        for patient_id, chart in list(charts.items()):
            chart.close()
            charts.pop(patient_id, None)
            self.to_reopen.append(patient_id)
        if not self.is_locked:
            self._open_pending_charts()
        for editor in list(getattr(self.window, "referral_windows", [])):
            dirty = getattr(editor, "is_dirty", None)
            if not (callable(dirty) and dirty()):
                editor.close()


__all__ = [
    "BreakGlassDialog",
    "ChangePasswordDialog",
    "LockOverlay",
    "SessionGuard",
    "UnlockDialog",
]
