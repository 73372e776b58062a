"""Start-up order: sign-in is usable before the day's backup; the backup runs after
sign-in on a worker thread and never delays the main window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services import users
from carecoord.ui.app import Startup
from carecoord.ui.worker import wait_for_all


def test_daily_backup_runs_after_sign_in_off_the_gui_thread(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    monkeypatch.setattr("carecoord.services.backup.default_backup_folder", lambda: folder)
    users.create_user(
        sqlite_db,
        None,
        username="admin",
        full_name="Pat Admin",
        password="long enough pw",
        role=UserRole.ADMINISTRATOR,
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, sqlite_db.url)
    qtbot.addWidget(startup.sign_in)
    startup.start()
    button = startup.sign_in.findChild(QPushButton, "signInButton")
    assert button is not None
    # Sign-in is usable after the quick look; the full open finishes behind it.
    qtbot.waitUntil(lambda: button.isEnabled() and startup.db is not None, timeout=10_000)
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing copied before sign-in

    startup.sign_in.actor = users.authenticate(startup.db, "admin", "long enough pw")
    startup.sign_in.accept()
    assert startup.main_window is not None and startup.main_window.isVisible()
    assert startup.backup_started and not startup.backup_finished  # the window did not wait
    qtbot.waitUntil(lambda: startup.backup_finished, timeout=10_000)
    names = sorted(p.name for p in folder.iterdir())
    backups = [n for n in names if n.endswith(".sqlite3")]
    assert backups == [f"carecoord-{date.today().isoformat()}.sqlite3"]
    assert all(n.endswith(".audit-checkpoint.json") for n in names if n not in backups)
    startup.main_window.close()
    wait_for_all()
    startup.db.dispose()
