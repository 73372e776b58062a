"""Each role lands on what it works on and is offered only the sections it may use
(signed in as the demo clinic's four accounts, on real main windows)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.preferences import store
from tests.ui.conftest import save_screenshot
from tests.ui.test_session import as_user

EXPECTED = {
    "frontdesk": ("referrals", ["Dashboard", "Patients", "Referrals", "Intake", "Team"]),
    "drlee": (
        "dashboard",
        [
            "Dashboard",
            "Patients",
            "Referrals",
            "Intake",
            "Reports to review",
            "My patients",
            "Team",
        ],
    ),
    "therapist": (
        "my_patients",
        ["Patients", "Intake", "Reports to review", "My patients", "Team"],
    ),
    "admin": ("settings", ["Patients", "Team", "Settings", "Audit trail"]),
}
REFUSALS = ("may not", "not allowed", "not available for your role")


def open_main_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context=context)
    qtbot.addWidget(window, before_close_func=lambda w: w.session.stop())
    window.show()
    qtbot.waitExposed(window)
    window.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is 800×800
    window.resize(1366, 768)
    return window


def shown_texts(window: MainWindow) -> str:
    from PySide6.QtWidgets import QLabel

    page = window.current_page()
    assert page is not None
    return " ".join(label.text() for label in page.findChildren(QLabel) if label.isVisible())


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_lands_on_its_work_and_sees_only_its_sections(
    qtbot: QtBot, demo_context: AppContext, username: str
) -> None:
    store().remove(f"main/page/{username}")
    home, offered = EXPECTED[username]
    window = open_main_window(qtbot, as_user(demo_context, username))
    titles = [
        window.navigation.item(row).text().split(" (")[0]
        for row in range(window.navigation.count())
    ]
    assert titles == offered
    assert window.current_key() == home
    go_menu = [
        action.text()
        for action in window.findChildren(QAction)
        if action.objectName().startswith("go_")
    ]
    assert go_menu == offered  # Ctrl+1… reach exactly the offered sections
    page = window.current_page()
    wait = getattr(page, "wait_for_threads", None)
    if callable(wait):
        wait()
    qtbot.wait(100)
    assert not any(refusal in shown_texts(window).lower() for refusal in REFUSALS)
    save_screenshot(window, f"role_home_{username}_1366x768")
    window.close()


def test_a_remembered_section_the_role_cannot_use_gives_way_to_its_home(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    settings = store()
    settings.setValue("main/page/therapist", "referrals")  # not a clinician's section
    settings.setValue("main/page/frontdesk", "team")  # theirs: kept
    therapist = open_main_window(qtbot, as_user(demo_context, "therapist"))
    assert therapist.current_key() == "my_patients"
    therapist.close()
    desk = open_main_window(qtbot, as_user(demo_context, "frontdesk"))
    assert desk.current_key() == "team"
    desk.show_page("patients")
    desk.close()
    # Each user's last section is their own: the next person is not sent to it.
    assert settings.value("main/page/frontdesk") == "patients"
    settings.remove("main/page/drlee")
    doctor = open_main_window(qtbot, as_user(demo_context, "drlee"))
    assert doctor.current_key() == "dashboard"
