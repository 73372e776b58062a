"""A PostgreSQL server that cannot be reached: a dialog with the reason, Retry and Quit."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from carecoord.ui.app import Startup
from carecoord.ui.worker import wait_for_all
from tests.ui.conftest import save_screenshot, settle_app_exit


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_offers_retry_and_quit(qtbot: QtBot) -> None:
    port = closed_port()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, f"postgresql+psycopg://clinic@127.0.0.1:{port}/carecoord")
    qtbot.addWidget(startup.sign_in)
    startup.start()
    qtbot.waitUntil(lambda: startup.unreachable_dialog is not None, timeout=15_000)
    box = startup.unreachable_dialog
    assert box is not None and box.isVisible()
    assert box.text() == "The database server cannot be reached."
    reason = box.informativeText()
    assert f"127.0.0.1:{port}" in reason and "refused" in reason.lower()
    assert "Traceback" not in reason and "OperationalError" not in reason
    assert startup.db is None and not startup.sign_in.isVisible()
    save_screenshot(box, "unreachable_server")

    retry = box.button(QMessageBox.StandardButton.Retry)
    assert retry is not None
    retry.click()  # still down: the dialog comes back, the app keeps running
    qtbot.waitUntil(
        lambda: startup.unreachable_dialog is not None and startup.unreachable_dialog is not box,
        timeout=15_000,
    )
    assert startup.exit_code is None
    again = startup.unreachable_dialog
    assert again is not None
    quit_button = again.button(QMessageBox.StandardButton.Close)
    assert quit_button is not None and quit_button.text() == "Quit"
    quit_button.click()
    assert startup.unreachable_dialog is None and startup.exit_code == 2
    wait_for_all()
    settle_app_exit(app)
