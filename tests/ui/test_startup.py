"""Start-up screens: sign-in, first-run welcome (set up or demo), the main window shell."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services import users
from carecoord.services.settings import get_settings
from carecoord.ui.context import AppContext
from carecoord.ui.sign_in import SignInDialog
from carecoord.ui.welcome import DEMO, SET_UP, WelcomeDialog
from tests.ui.conftest import save_screenshot
from tests.ui.test_settings_page import write_png

W = TypeVar("W", bound=QWidget)


def child(parent: QWidget, kind: type[W], name: str) -> W:
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def test_sign_in_accepts_a_real_account_and_refuses_a_wrong_password(
    qtbot: QtBot, ui_db: Database
) -> None:
    users.create_user(
        ui_db,
        None,
        username="admin",
        full_name="Pat Admin",
        password="long enough pw",
        role=UserRole.ADMINISTRATOR,
    )
    dialog = SignInDialog(
        authenticate=lambda u, p: users.authenticate(ui_db, u, p),
        clinic_name="Riverside Pain & Function Center",
    )
    qtbot.addWidget(dialog)
    child(dialog, QLineEdit, "username").setText("admin")
    child(dialog, QLineEdit, "password").setText("wrong password")
    dialog.try_sign_in()
    assert dialog.actor is None
    assert dialog.error.isVisibleTo(dialog) and "do not match" in dialog.error.text()
    assert child(dialog, QLineEdit, "password").text() == ""
    child(dialog, QLineEdit, "password").setText("long enough pw")
    dialog.try_sign_in()
    assert dialog.actor is not None and dialog.actor.role == UserRole.ADMINISTRATOR
    save_screenshot(dialog, "sign_in")


def test_sign_in_waits_for_the_database(qtbot: QtBot) -> None:
    dialog = SignInDialog(authenticate=lambda u, p: None)
    qtbot.addWidget(dialog)
    dialog.set_waiting(True)
    assert not child(dialog, QPushButton, "signInButton").isEnabled()
    dialog.set_waiting(False)
    assert child(dialog, QPushButton, "signInButton").isEnabled()


def test_set_up_my_clinic_saves_settings_and_the_first_administrator(
    qtbot: QtBot, ui_db: Database, tmp_path: Path
) -> None:
    dialog = WelcomeDialog(db=ui_db)
    qtbot.addWidget(dialog)
    child(dialog, QPushButton, "setUpClinic").click()
    dialog.clinic_name.setText("Riverside Pain & Function Center")
    dialog.phone.setText("555-0100")
    logo = write_png(tmp_path / "logo.png")
    assert dialog.logo_field.set_file(tmp_path / "logo.png")
    dialog.admin_username.setText("pat")
    dialog.admin_name.setText("Pat Admin")
    dialog.admin_password.setText("long enough pw")
    dialog.admin_repeat.setText("different pw!")
    dialog.save_clinic()
    assert dialog.choice is None
    assert dialog.errors.labels["password_repeat"].text() == "The two passwords differ"
    assert not users.has_users(ui_db)
    save_screenshot(dialog, "welcome_set_up_error")
    dialog.admin_repeat.setText("long enough pw")
    dialog.save_clinic()
    assert dialog.choice == SET_UP
    assert dialog.admin is not None and dialog.admin.role == UserRole.ADMINISTRATOR
    assert get_settings(ui_db).clinic_name == "Riverside Pain & Function Center"
    assert get_settings(ui_db).logo_png == logo


def test_explore_demo_choice(qtbot: QtBot, ui_db: Database) -> None:
    dialog = WelcomeDialog(db=ui_db)
    qtbot.addWidget(dialog)
    save_screenshot(dialog, "welcome")
    child(dialog, QPushButton, "exploreDemo").click()
    assert dialog.choice == DEMO


def test_main_window_shell(qtbot: QtBot, context: AppContext) -> None:
    from carecoord.ui.main_window import MainWindow

    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Riverside Pain & Function Center — CareCoord"
    assert "Dr" in window.user_label.text() or "Drlee" in window.user_label.text()
    assert "(physician)" in window.user_label.text()
    assert "this workstation" in window.database_label.text()
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    # Settings are the administrator's (tests/ui/test_role_home.py lists every role's).
    assert titles == [
        "Dashboard",
        "Patients",
        "Referrals",
        "Intake",
        "Reports to review",
        "My patients",
        "Team",
    ]


def test_demo_window_is_labelled(qtbot: QtBot, context: AppContext) -> None:
    from PySide6.QtWidgets import QLabel

    from carecoord.ui.main_window import MainWindow

    context.demo = True
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    assert window.windowTitle().endswith("— DEMO")
    assert child(window, QLabel, "demoBadge") is not None
