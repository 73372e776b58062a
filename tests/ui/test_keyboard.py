"""The keyboard, driven with real key events: Tab never gets stuck, no window flashes up
and steals the focus, typing after Ctrl+F arrives whole, and the documented shortcuts
(Ctrl+W, the lock, Ctrl+F) work from the chart and referral windows too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from carecoord.services import patients, referrals
from carecoord.services.worklist import WorklistView
from carecoord.ui.app import Startup
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.referrals.worklist_page import ReferralsPage
from carecoord.ui.worker import wait_for_all
from tests.ui.test_session import as_user

CTRL = Qt.KeyboardModifier.ControlModifier
ROLES = ("drlee", "frontdesk", "therapist", "admin")


class WindowFlashes(QObject):
    """Records every widget shown as a window of its own that is not a real window."""

    def __init__(self, allowed: tuple[type, ...] = ()) -> None:
        super().__init__()
        self.allowed = allowed
        self.flashed: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not isinstance(watched, self.allowed)
            and watched.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
        ):
            self.flashed.append(f"{type(watched).__name__} {watched.objectName()}")
        return False


def active_main_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context=context)
    qtbot.addWidget(window, before_close_func=lambda w: w.session.stop())
    window.show()
    activate(qtbot, window)
    return window


def activate(qtbot: QtBot, window: QWidget) -> None:
    with qtbot.waitActive(window):
        window.activateWindow()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard focus went nowhere"
    return widget


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key pressed as a person's key arrives: through the window that has the focus
    (a key sent to a widget directly would get there even with no window focused)."""
    window = QGuiApplication.focusWindow()
    assert window is not None, "no window has the keyboard focus: the key is lost"
    qtbot.keyClick(window, key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    for letter in text:
        press(qtbot, Qt.Key(ord(letter.upper())))


def patient_with_a_referral(context: AppContext) -> tuple[int, int]:
    for patient in patients.search_patients(context.db, context.actor, ""):
        found = referrals.list_for_patient(context.db, context.actor, patient.id)
        if found:
            return patient.id, found[0].id
    raise AssertionError("the demo clinic has referrals")


# ------------------------------------------------------------------------ Tab
def test_tab_moves_out_of_the_worklist_date_filter_in_reading_order(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = active_main_window(qtbot, as_user(demo_context, "frontdesk"))
    page = window.show_page("referrals")
    assert isinstance(page, ReferralsPage)
    row = [page.views.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.views.count())]
    page.views.setCurrentRow(row.index(WorklistView.TO_SEND.value))
    assert page.from_label.text() == "Created from:"
    assert page.from_filter.value() is None  # "not set"
    page.from_filter.setFocus(Qt.FocusReason.TabFocusReason)
    names = []
    for _ in range(9):
        press(qtbot, Qt.Key.Key_Tab)
        widget = focused()
        owner = widget.parentWidget()
        names.append(
            widget.objectName()
            if owner is None or owner.objectName() not in ("filterFrom", "filterTo")
            else f"{owner.objectName()}.{widget.objectName()}"
        )
    assert names == [
        "filterFrom.dateCalendar",
        "filterFrom.dateClear",
        "filterTo.dateText",
        "filterTo.dateCalendar",
        "filterTo.dateClear",
        "clearFilters",
        "worklistTable",
        "refreshWorklist",  # the row buttons are disabled with nothing selected
        "exportCsv",
    ]
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.navigation  # round the window and back


@pytest.mark.parametrize("username", ROLES)
def test_tab_goes_round_every_section_and_comes_back(
    qtbot: QtBot, demo_context: AppContext, username: str
) -> None:
    window = active_main_window(qtbot, as_user(demo_context, username))
    for spec in window.specs:
        page = window.show_page(spec.key)
        window.navigation.setFocus(Qt.FocusReason.TabFocusReason)
        visited: list[QWidget] = []
        for _ in range(80):
            press(qtbot, Qt.Key.Key_Tab)
            if focused() is window.navigation:
                break
            visited.append(focused())
        else:
            raise AssertionError(f"{spec.title}: Tab stayed in {visited[-1].objectName()}")
        assert len(visited) >= 2, spec.title
        assert all(page.isAncestorOf(w) for w in visited), spec.title
        assert len(set(visited)) == len(visited), f"{spec.title}: a widget came twice"


def test_no_widget_flashes_up_as_a_window_while_screens_build(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    """A parentless widget shown for a moment is a window of its own: it took the keyboard
    focus from the main window ("tester" typed after Ctrl+F became "ester")."""
    from carecoord.ui.referrals.editor import ReferralEditor

    spy = WindowFlashes(allowed=(MainWindow, ChartWindow, ReferralEditor))
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(spy)
    try:
        for username in ROLES:
            context = as_user(demo_context, username)
            window = active_main_window(qtbot, context)
            for spec in window.specs:
                window.show_page(spec.key)
            patient_id, referral_id = patient_with_a_referral(demo_context)
            chart = window.open_chart(patient_id)
            assert isinstance(chart, ChartWindow)
            for index in range(chart.tabs.count()):
                chart.tabs.setCurrentIndex(index)
            if username != "admin":  # no clinical content for an administrator
                window.open_referral(referral_id)
            window.session.stop()
            window.close()
    finally:
        app.removeEventFilter(spy)
    assert spy.flashed == []


# -------------------------------------------------------------- after sign-in
def test_typing_right_after_sign_in_and_ctrl_f_arrives_whole(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, target)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, f"sqlite:///{target}")
    qtbot.addWidget(startup.sign_in)
    startup.start()
    qtbot.waitUntil(startup.sign_in.ok_button.isEnabled, timeout=10_000)
    activate(qtbot, startup.sign_in)
    type_text(qtbot, "drlee")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "demo")
    press(qtbot, Qt.Key.Key_Return)
    window = startup.main_window
    assert isinstance(window, MainWindow)
    try:
        qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
        press(qtbot, Qt.Key.Key_F, CTRL)
        type_text(qtbot, "tester")
        search = window.findChild(QLineEdit, "patientSearch")
        assert search is not None and search.text() == "tester"
        assert QGuiApplication.focusWindow() is window.windowHandle()
    finally:
        window.session.stop()
        window.close()
        wait_for_all()
        assert startup.db is not None
        startup.db.dispose()


# ------------------------------------------------------- shortcuts everywhere
def test_ctrl_w_closes_a_referral_window_and_a_chart_window(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = active_main_window(qtbot, demo_context)
    patient_id, referral_id = patient_with_a_referral(demo_context)
    chart = window.open_chart(patient_id)
    editor = window.open_referral(referral_id)
    activate(qtbot, editor)
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: not window.referral_windows)
    activate(qtbot, chart)
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: not window.chart_windows)
    assert window.isVisible()


def test_lock_and_find_shortcuts_work_from_a_chart_window(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = active_main_window(qtbot, demo_context)
    patient_id = patients.search_patients(demo_context.db, demo_context.actor, "")[0].id
    chart = window.open_chart(patient_id)
    activate(qtbot, chart)
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert window.current_key() == "patients"
    search = window.findChild(QLineEdit, "patientSearch")
    assert window.focusWidget() is search
    activate(qtbot, chart)
    press(qtbot, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.is_locked
    assert window.session.try_unlock("demo")


def tab_round(qtbot: QtBot, start: QWidget, limit: int = 150) -> list[QWidget]:
    """Press Tab from ``start`` until the focus comes back to it; the widgets passed."""
    passed: list[QWidget] = []
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        if focused() is start:
            return passed
        passed.append(focused())
    raise AssertionError(f"Tab never came back; it stayed in {focused().objectName()}")


def test_tab_goes_round_every_chart_tab_the_referral_and_the_patient_form(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = active_main_window(qtbot, demo_context)
    patient_id, referral_id = patient_with_a_referral(demo_context)
    chart = window.open_chart(patient_id)
    assert isinstance(chart, ChartWindow)
    activate(qtbot, chart)
    for index in range(chart.tabs.count()):
        chart.tabs.setCurrentIndex(index)
        bar = chart.tabs.tabBar()
        bar.setFocus(Qt.FocusReason.TabFocusReason)
        assert len(tab_round(qtbot, bar)) >= 2, chart.tabs.tabText(index)
    editor = window.open_referral(referral_id)
    activate(qtbot, editor)
    passed = [w.objectName() for w in tab_round(qtbot, focused())]
    assert {"reason", "clinicalQuestion", "saveReferral"} <= set(passed)
    form = chart.edit_demographics()
    activate(qtbot, form)
    passed = [w.objectName() for w in tab_round(qtbot, focused())]
    assert passed[-2:] == ["savePatient", "cancelPatient"]
