"""The dashboard offers CMS50's own calendar period beside the rolling 12 months.

See docs/clinical-reference.md §2.4.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from carecoord.services.dashboard import dashboard
from carecoord.ui.context import AppContext
from carecoord.ui.dashboard import DashboardPage, closure_text


@pytest.fixture(autouse=True)
def fresh_layout() -> None:
    QSettings("CareCoord", "CareCoord").remove("dashboard")


def test_the_period_selector_says_which_view_is_shown(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    page = DashboardPage(context=demo_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass
    board = dashboard(demo_context.db, demo_context.actor)
    rolling, calendar = board.loop_closure, board.loop_closure_calendar
    year = board.on.year
    assert page.closure_period.currentText() == "Rolling 12 months"
    assert page.closure_tile.value.text() == closure_text(rolling)
    assert "shown: rolling 12 months" in page.closure_tile.caption.text()
    assert page.closure_other.text() == f"Beside it: {closure_text(calendar)}"
    assert f"CMS50 period: calendar year {year}" in page.closure_other.text()

    page.closure_period.setCurrentIndex(1)
    assert page.closure_tile.value.text() == closure_text(calendar)
    assert f"shown: CMS50 period: calendar year {year}" in page.closure_tile.caption.text()
    assert f"referrals sent {year}-01-01 to {year}-10-31" in page.closure_tile.caption.text()
    assert page.closure_other.text() == f"Beside it: {closure_text(rolling)}"
    open_loops = calendar.denominator - calendar.numerator
    assert page.loops_tile.value.text() == f"{open_loops:,}"
    page.resize(1280, 800)
    page.show()
    # remembered for the next start
    again = DashboardPage(context=demo_context)
    qtbot.addWidget(again)
    assert again.closure_period.currentText() == "CMS50 period (calendar year)"
    page.closure_period.setCurrentIndex(0)
