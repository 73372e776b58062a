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
    QLabel,
    QMainWindow,
    QMenu,
    QToolTip,
    QWidget,
)
from shiboken6 import isValid

from carecoord.errors import CareCoordError
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed
from carecoord.ui import unsaved
from carecoord.ui.context import AppContext
from carecoord.ui.lock_screen import LOCKED_TITLE, LockOverlay, UnlockDialog
from carecoord.ui.session_dialogs import BreakGlassDialog, ChangePasswordDialog
from carecoord.ui.style import scheme
from carecoord.ui.translation import translate

log = logging.getLogger(__name__)
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


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


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


__all__ = [  # the dialogs are re-exported: the session is where callers look for them
    "LOCKED_TITLE",
    "BreakGlassDialog",
    "ChangePasswordDialog",
    "LockOverlay",
    "SessionGuard",
    "UnlockDialog",
]
