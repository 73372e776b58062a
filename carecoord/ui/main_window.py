"""The main window: navigation between the daily screens, charts and referral windows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from carecoord import __version__
from carecoord.services.permissions import Action, allowed
from carecoord.services.unit_of_work import new_read_scope, read_scope
from carecoord.ui import unsaved
from carecoord.ui.context import AppContext
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.window_layout import set_body
from carecoord.ui.navigation import landing_page, pages_for
from carecoord.ui.preferences import store
from carecoord.ui.screen_fit import remember_geometry, restore_geometry, scroll_when_cramped
from carecoord.ui.vocabulary import label

if TYPE_CHECKING:  # the page module loads on first showing (ui/navigation.py)
    from carecoord.ui.patients.form import PatientForm
    from carecoord.ui.patients.page import PatientsPage

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Navigation list on the left, the current page on the right; opens chart windows and
    referral editors when any screen asks through ``context.navigator``."""

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("mainWindow")
        self.specs = pages_for(context.actor)
        self.pages: dict[str, Page] = {}
        self.chart_windows: dict[int, QWidget] = {}
        self.referral_windows: list[QWidget] = []
        self.ask_unsaved: unsaved.Ask = unsaved.asker(self)  # Save / Discard / Cancel
        self._update_title()

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName(self.tr("Sections"))
        self.navigation.setFixedWidth(200)  # fits "Reports to review (NN)"
        for spec in self.specs:
            item = QListWidgetItem(spec.label)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        set_body(self, QHBoxLayout, self.navigation, self.stack)
        self.navigation.currentRowChanged.connect(self.show_page_at)

        self._build_actions()
        self._build_status_bar()
        from carecoord.ui.session import SessionGuard

        # Idle lock, unlock/switch user, break-glass; adds the Account menu and a banner.
        self.session = SessionGuard(context=context, window=self)
        self.session.install(self)
        navigator = context.navigator
        navigator.chart_requested.connect(self.open_chart)
        navigator.referral_requested.connect(self.open_referral)
        navigator.new_referral_requested.connect(self.new_referral)
        context.events.settings_changed.connect(self._update_title)
        context.events.referral_changed.connect(lambda _id: self.update_review_count())
        # A document filed on a chart (or reviewed) changes someone's inbox.
        context.events.patient_changed.connect(lambda _id: self.update_review_count())
        self.update_review_count()
        self._restore_layout()

    # ------------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.new_patient_action = self._action(
            self.tr("New patient…"), "newPatient", QKeySequence.StandardKey.New, self.new_patient
        )
        self.find_action = self._action(
            self.tr("Find patient…"),
            "findPatient",
            QKeySequence.StandardKey.Find,
            self.find_patient,
        )
        self.print_action = self._action(
            self.tr("Print list…"), "printList", QKeySequence.StandardKey.Print, self.print_current
        )
        self.close_action = self._action(
            self.tr("Close window"),
            "closeWindow",
            QKeySequence.StandardKey.Close,
            self.close_active,
        )
        quit_action = self._action(
            self.tr("Quit"), "quit", QKeySequence.StandardKey.Quit, self.close
        )
        # Registering patients is for roles that edit demographics (not a clinician's).
        self.new_patient_action.setVisible(
            allowed(self.context.actor.role, Action.EDIT_DEMOGRAPHICS)
        )
        # Finding a patient works from every window of the session (a chart, a referral);
        # Ctrl+W is each secondary window's own (keyboard.close_shortcut).
        self.find_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        for action in (self.new_patient_action, self.find_action, self.print_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        for index, spec in enumerate(self.specs):
            action = self._action(
                spec.label,
                f"go_{spec.key}",
                QKeySequence(f"Ctrl+{index + 1}"),
                lambda checked=False, i=index: self.navigation.setCurrentRow(i),
            )
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(
            self._action(self.tr("About CareCoord"), "about", None, self.show_about)
        )

    def _action(
        self,
        text: str,
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None,
        slot: Callable[..., object],
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # all the platform's keys (Close: Ctrl+F4 and Ctrl+W)
        elif shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        actor = self.context.actor
        self.user_label = QLabel(
            self.tr("Signed in as {name} ({role})").format(
                name=actor.display_name, role=label(actor.role).lower()
            )
        )
        self.user_label.setObjectName("signedInUser")
        db = self.context.db
        where = self.tr("this workstation") if db.dialect == "sqlite" else self.tr("shared server")
        self.database_label = QLabel(
            self.tr("Database: {url} ({where})").format(url=db.display_url(), where=where)
        )
        self.database_label.setObjectName("databaseLabel")
        bar = self.statusBar()
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)
        if self.context.demo:
            demo = QLabel(self.tr("DEMO — fictional patients"))
            demo.setObjectName("demoBadge")
            bar.addPermanentWidget(demo)

    def _update_title(self) -> None:
        clinic = self.context.settings.clinic_name or "CareCoord"
        demo = self.tr(" — DEMO") if self.context.demo else ""
        self.setWindowTitle(f"{clinic} — CareCoord{demo}")

    def update_review_count(self, count: int | None = None) -> None:
        """Show how many reports wait for this user beside "Reports to review"."""
        row = next((i for i, s in enumerate(self.specs) if s.key == "review"), None)
        if row is None:
            return
        if count is None:
            from carecoord.services.review import count_to_review

            count = count_to_review(self.context.db, self.context.actor)
        item = self.navigation.item(row)
        label = self.tr("Reports to review")
        item.setText(f"{label} ({count})" if count else label)
        item.setData(
            Qt.ItemDataRole.AccessibleTextRole,
            self.tr("Reports to review: {count} waiting").format(count=count),
        )

    # ---------------------------------------------------------------------- pages
    def page(self, key: str) -> Page:
        """The page for ``key``, built on first use (keeps start-up light)."""
        if key not in self.pages:
            spec = next(s for s in self.specs if s.key == key)
            widget = spec.load()(context=self.context)
            counted = getattr(widget, "count_changed", None)
            if counted is not None:
                counted.connect(self.update_review_count)
            self.pages[key] = widget
            self.stack.addWidget(scroll_when_cramped(widget))
        return self.pages[key]

    def show_page_at(self, row: int) -> None:
        if row < 0:
            return
        key = self.specs[row].key
        scope = new_read_scope(key)  # the page's reads are audited once per showing
        with read_scope(scope):  # including those it makes while it is built
            widget = self.page(key)
        widget.read_scope_key = scope
        self.stack.setCurrentWidget(self._holder(widget))
        self.print_action.setEnabled(hasattr(widget, "print_content"))

    def _holder(self, page: QWidget) -> QWidget:
        """The scroll area holding ``page`` in the stack."""
        holder = page.parentWidget()
        while holder is not None and holder.parentWidget() is not self.stack:
            holder = holder.parentWidget()
        return holder if holder is not None else page

    def current_page(self) -> Page | None:
        """The page shown (not the scroll area around it)."""
        row = self.navigation.currentRow()
        return self.pages.get(self.specs[row].key) if row >= 0 else None

    def show_page(self, key: str) -> Page:
        row = next(i for i, s in enumerate(self.specs) if s.key == key)
        self.navigation.setCurrentRow(row)
        return self.page(key)

    def current_key(self) -> str:
        row = self.navigation.currentRow()
        return self.specs[row].key if row >= 0 else self.specs[0].key

    # -------------------------------------------------------------------- actions
    def patients_page(self) -> PatientsPage:
        """Show the Patients page; navigation's "patients" entry loads PatientsPage."""
        return cast("PatientsPage", self.show_page("patients"))

    def new_patient(self) -> PatientForm:
        """Open the patient form (on the Patients page); a saved patient's chart opens."""
        form = self.patients_page().new_patient()
        form.accepted.connect(
            lambda: self.open_chart(form.saved_patient_id) if form.saved_patient_id else None
        )
        return form

    def find_patient(self) -> None:
        """Show the patient search with the cursor in it (from any window: this one comes
        to the front)."""
        if not self.isActiveWindow():
            self.raise_()
            self.activateWindow()
        self.patients_page().focus_search()

    def print_current(self) -> QWidget | None:
        """The current list as a landscape PDF, previewed with Print… (File › Print list)."""
        from carecoord.ui.list_printing import open_list_print

        page = self.current_page()
        return (
            None if page is None else open_list_print(self.context, page, self.current_key(), self)
        )

    def close_active(self) -> None:
        """Close the active secondary window (a chart, a referral, a preview); the main
        window itself stays. Ctrl+W anywhere in the session lands here."""
        from PySide6.QtWidgets import QApplication

        active = QApplication.activeWindow()
        if active is not None and active is not self and not self.session.is_locked:
            active.close()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About CareCoord"),
            self.tr(
                "CareCoord {version}\nCare coordination for multidisciplinary pain clinics."
            ).format(version=__version__),
        )

    # ----------------------------------------------------------- windows on demand
    def open_chart(self, patient_id: int) -> QWidget:
        """Show the patient's chart, reusing its window when it is already open."""
        window = self.chart_windows.get(patient_id)
        if window is None:
            from carecoord.ui.chart.window import ChartWindow

            window = ChartWindow(context=self.context, patient_id=patient_id)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(lambda *_: self.chart_windows.pop(patient_id, None))
            self.chart_windows[patient_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_referral(self, referral_id: int) -> QWidget:
        from carecoord.ui.referrals.editor import ReferralEditor

        editor = ReferralEditor(context=self.context, referral_id=referral_id)
        return self._show_referral_window(editor)

    def new_referral(self, patient_id: int, discipline: str) -> QWidget:
        from carecoord.ui.referrals.editor import ReferralEditor

        editor = ReferralEditor(context=self.context, patient_id=patient_id, discipline=discipline)
        return self._show_referral_window(editor)

    def _show_referral_window(self, editor: QWidget) -> QWidget:
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.referral_windows.append(editor)
        editor.destroyed.connect(
            lambda *_: (
                self.referral_windows.remove(editor) if editor in self.referral_windows else None
            )
        )
        editor.show()
        editor.raise_()
        return editor

    # ---------------------------------------------------------------- persistence
    def _restore_layout(self) -> None:
        restore_geometry(self, "main/geometry", 1280, 800, maximise=True)
        # Each user's own last section, when their role may still use it; else their home.
        key = landing_page(self.context.actor, store().value(self._page_setting()))
        self.navigation.setCurrentRow([s.key for s in self.specs].index(key))

    def _page_setting(self) -> str:
        return f"main/page/{self.context.actor.username}"

    def closeEvent(self, event: QCloseEvent) -> None:
        """Quitting asks once about unsaved work in every window of the session."""
        if not unsaved.settle(self.session.session_windows(), self.ask_unsaved):
            event.ignore()
            return
        remember_geometry(self, "main/geometry")
        store().setValue(self._page_setting(), self.current_key())
        for window in list(self.chart_windows.values()) + list(self.referral_windows):
            window.close()
        for page in self.pages.values():  # let background counts/loads finish cleanly
            page.wait_for_threads()
        super().closeEvent(event)
