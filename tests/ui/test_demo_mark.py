"""A database the demo filled always opens as DEMO, whichever way it is opened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.services import users
from carecoord.ui.app import Startup


def _open(qtbot: QtBot, path: Path) -> Startup:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, str(path))
    qtbot.addWidget(startup.sign_in)
    startup._opened(startup._open())
    return startup


def test_a_marked_demo_database_says_demo_at_sign_in(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "anything.sqlite3"  # not the app's own demo file
    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=2)
    db.dispose()
    startup = _open(qtbot, path)
    assert startup.demo
    assert startup.sign_in.windowTitle() == "Sign in — Riverside Pain & Function Center — DEMO"
    startup.db.dispose()


def test_a_clinic_database_does_not(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    users.create_user(
        db,
        None,
        username="ckim",
        full_name="Chris Kim",
        password="long enough pw",
        role="administrator",
    )
    db.dispose()
    startup = _open(qtbot, path)
    assert not startup.demo and "DEMO" not in startup.sign_in.windowTitle()
    startup.db.dispose()
