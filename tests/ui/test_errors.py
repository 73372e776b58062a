"""Unexpected errors are logged and shown while the app keeps running; domain errors shown."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from carecoord.errors import ConflictError, ValidationError
from carecoord.ui.errors import ExceptionHook, offer_reload


def close_next_message_box(button_text: str | None = None) -> list[str]:
    """Close the next modal message box (clicking ``button_text`` if given); return its text."""
    seen: list[str] = []

    def close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close)
            return
        seen.append(box.objectName() + ": " + box.text())
        if button_text is None:
            box.close()
            return
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return

    QTimer.singleShot(0, close)
    return seen


def test_unexpected_exception_is_logged_and_shown(qtbot: QtBot, tmp_path: Path) -> None:
    log_file = tmp_path / "carecoord.log"
    handler = logging.FileHandler(log_file)
    logger = logging.getLogger("carecoord")
    logger.addHandler(handler)
    parent = QWidget()
    qtbot.addWidget(parent)
    hook = ExceptionHook(str(log_file), parent=lambda: parent)
    seen = close_next_message_box()
    try:
        raise RuntimeError("boom in a slot (patient 17)")
    except RuntimeError as error:
        hook(type(error), error, error.__traceback__)
    handler.flush()
    logger.removeHandler(handler)
    assert seen and seen[0].startswith("unexpectedErrorDialog: ")
    assert "Your saved data is safe" in seen[0]
    logged = log_file.read_text()
    assert "RuntimeError: boom in a slot" in logged and "Traceback" in logged


def test_domain_errors_are_shown_plainly(qtbot: QtBot) -> None:
    hook = ExceptionHook(None, parent=lambda: None)
    seen = close_next_message_box()
    error = ValidationError("date_of_birth", "cannot be in the future")
    hook(type(error), error, None)
    assert seen == ["problemDialog: date_of_birth: cannot be in the future"]


def test_conflict_offers_reload(qtbot: QtBot) -> None:
    reloaded: list[bool] = []
    close_next_message_box("Reload")
    chose = offer_reload(
        None, ConflictError("Patient", 4, "frontdesk", None), lambda: reloaded.append(True)
    )
    assert chose and reloaded == [True]
