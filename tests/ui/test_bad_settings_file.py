"""A broken settings file stops the app with one message naming the file, key and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from carecoord.config import ENV_MACHINE_CONFIG
from carecoord.ui.app import Startup
from carecoord.ui.worker import wait_for_all
from tests.ui.conftest import save_screenshot, settle_app_exit


def test_a_bad_machine_file_is_a_message_then_exit_2(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine = tmp_path / "carecoord.toml"
    machine.write_text('[database]\nurl = "postgresql://ws:s3cret@db.example/carecoord"\n')
    monkeypatch.setenv(ENV_MACHINE_CONFIG, str(machine))
    monkeypatch.delenv("CARECOORD_DATABASE_URL", raising=False)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, None)
    qtbot.addWidget(startup.sign_in)
    startup.start()
    qtbot.waitUntil(lambda: startup.error_dialog is not None, timeout=15_000)
    box = startup.error_dialog
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "CareCoord cannot open its database"
    assert box.text().startswith(f"{machine}: database.url holds a password; ")
    assert "PGPASSFILE" in box.text() and "s3cret" not in box.text()
    assert startup.db is None and not startup.sign_in.isVisible()
    save_screenshot(box, "bad_settings_file")
    button = box.button(QMessageBox.StandardButton.Ok)
    assert button is not None
    button.click()
    assert startup.error_dialog is None and startup.exit_code == 2
    wait_for_all()
    settle_app_exit(app)
