""" "Explore with demo data" is remembered: later starts go straight to the demo clinic,
until "Set up my clinic instead…" asks again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.config import demo_database_path
from carecoord.ui.app import Startup, remember_choice, remembered_choice
from carecoord.ui.welcome import DEMO, WelcomeDialog
from carecoord.ui.worker import wait_for_all
from tests.ui.conftest import save_screenshot


def _startup(qtbot: QtBot, database: Path) -> Startup:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, str(database))
    qtbot.addWidget(startup.sign_in)
    return startup


def _answer_welcome(button_name: str | None, seen: list[str]) -> None:
    """Once the welcome dialog is up (modal), click one of its choices or close it."""

    def act() -> None:
        dialog = next(  # the one on screen: an earlier one may linger, hidden
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, WelcomeDialog) and w.isVisible()
            ),
            None,
        )
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        seen.append("welcome")
        if button_name is None:
            dialog.reject()
            return
        button = dialog.findChild(QPushButton, button_name)
        assert button is not None
        button.click()

    QTimer.singleShot(20, act)


def test_the_demo_choice_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    remember_choice(None)
    clinic = tmp_path / "clinic.sqlite3"  # stays empty: the demo has its own file
    seen: list[str] = []

    first = _startup(qtbot, clinic)
    _answer_welcome("exploreDemo", seen)
    first._opened(first._open())
    qtbot.waitUntil(lambda: first.sign_in.isVisible(), timeout=60_000)
    assert seen == ["welcome"] and first.demo and remembered_choice() == DEMO
    assert str(demo_database_path()) in first.db.url
    first.db.dispose()
    first.sign_in.close()

    second = _startup(qtbot, clinic)
    second._opened(second._open())  # the welcome dialog is not shown again
    qtbot.waitUntil(lambda: second.sign_in.isVisible(), timeout=60_000)
    assert seen == ["welcome"] and second.demo
    assert "DEMO" in second.sign_in.windowTitle()
    instead = second.sign_in.findChild(QPushButton, "setUpInstead")
    assert instead is not None and instead.isVisible()
    save_screenshot(second.sign_in, "sign_in_remembered_demo")

    _answer_welcome(None, seen)  # "Set up my clinic instead…": asked again
    instead.click()
    qtbot.waitUntil(lambda: seen == ["welcome", "welcome"], timeout=15_000)
    assert remembered_choice() is None and not second.demo
    wait_for_all()
    if second.db is not None:
        second.db.dispose()
