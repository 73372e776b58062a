"""At 960×540 the dashboard and the reports-to-review page reflow (tiles and rows wrap)
instead of scrolling sideways (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


@pytest.mark.parametrize("key", ["dashboard", "review"])
def test_page_fits_960_wide_without_a_sideways_scroll(
    qtbot: QtBot, demo_context: AppContext, key: str
) -> None:
    window = MainWindow(context=demo_context)
    qtbot.addWidget(window)
    window.show()
    window.showNormal()
    window.resize(960, 540)
    page = window.show_page(key)
    wait = getattr(page, "wait_for_threads", None)
    if callable(wait):
        wait()
    qtbot.wait(100)
    QApplication.processEvents()
    assert window.width() <= 960
    holder = page.parentWidget()
    while holder is not None and not isinstance(holder, QScrollArea):
        holder = holder.parentWidget()
    assert isinstance(holder, QScrollArea)
    assert holder.horizontalScrollBar().maximum() == 0, page.minimumSizeHint()
    assert page.width() <= holder.viewport().width()
    save_screenshot(window, f"reflow_{key}_960x540")
