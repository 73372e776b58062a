"""The dashboard page on the demo clinic: figures match the services; rows open things."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import ReferralState
from carecoord.services.dashboard import Dashboard, dashboard
from carecoord.services.worklist import WorklistView, worklist_counts
from carecoord.ui.context import AppContext
from carecoord.ui.dashboard import DashboardPage, closure_text
from carecoord.ui.kit.table import ColumnTableModel
from carecoord.ui.preferences import store
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def fresh_layout() -> None:
    """Start from the default layout, whatever an earlier run remembered."""
    settings = store()
    for group in ("dashboard",):
        settings.remove(group)


def open_page(qtbot: QtBot, context: AppContext) -> DashboardPage:
    page = DashboardPage(context=context)
    qtbot.addWidget(page)
    # The first load started in the constructor; the signal cannot have fired yet because
    # its result is delivered through this thread's event loop.
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass
    return page


def double_click(qtbot: QtBot, view: QTableView, row: int) -> None:
    """A real double click: Qt's item views act on it only after the press that precedes it."""
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_figures_match_the_services(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    board = page.board
    assert isinstance(board, Dashboard)
    counts = worklist_counts(demo_context.db, demo_context.actor)
    assert board.overdue_count == counts[WorklistView.OVERDUE]
    assert page.overdue_tile.value.text() == f"{counts[WorklistView.OVERDUE]:,}"
    assert page.state_tiles[ReferralState.SEEN].value.text() == (
        f"{counts[WorklistView.AWAITING_REPORT]:,}"
    )
    again = dashboard(demo_context.db, demo_context.actor)
    loop = again.loop_closure
    assert (board.loop_closure.numerator, board.loop_closure.denominator) == (
        loop.numerator,
        loop.denominator,
    )
    assert loop.denominator > 0
    assert page.closure_tile.value.text() == closure_text(loop)
    assert f"of {loop.denominator} patients, last 12 months" in page.closure_tile.value.text()
    assert page.gaps_tile.value.text() == f"{again.team_gap_count:,}"
    overdue_model = page.overdue_view.model()
    assert isinstance(overdue_model, ColumnTableModel)
    assert overdue_model.rowCount() == len(board.overdue) > 0
    assert page.tabs.tabText(0).startswith("Overdue referrals (")


def test_double_click_opens_referral_or_chart(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    page.show()
    assert page.board is not None
    page.tabs.setCurrentWidget(page.overdue_view)
    first_overdue = page.board.overdue[0]
    with qtbot.waitSignal(demo_context.navigator.referral_requested) as blocker:
        double_click(qtbot, page.overdue_view, 0)
    assert blocker.args == [first_overdue.id]

    page.tabs.setCurrentWidget(page.gaps_view)
    assert page.board.team_gaps, "the demo clinic has patients with care-team gaps"
    with qtbot.waitSignal(demo_context.navigator.chart_requested) as blocker:
        double_click(qtbot, page.gaps_view, 0)
    assert blocker.args == [page.board.team_gaps[0].patient_id]

    page.tabs.setCurrentWidget(page.loops_view)
    if page.board.loop_closure.open_loops:
        with qtbot.waitSignal(demo_context.navigator.referral_requested) as blocker:
            double_click(qtbot, page.loops_view, 0)
        assert blocker.args == [page.board.loop_closure.open_loops[0].referral_id]


def test_models_are_valid(qtbot: QtBot, qtmodeltester: object, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    for view in (page.overdue_view, page.loops_view, page.gaps_view, page.decisions_view):
        qtmodeltester.check(view.model())  # type: ignore[attr-defined]
        model = view.model()
        assert isinstance(model, ColumnTableModel) and model.rowCount() > 0
        model.set_rows([])
        qtmodeltester.check(model)  # type: ignore[attr-defined]
        assert model.rowCount(QModelIndex()) == 0


def test_refreshes_when_a_referral_changes(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        demo_context.events.referral_changed.emit(1)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClick(page, Qt.Key.Key_F5)


def test_clinician_sees_why_there_is_no_dashboard(
    qtbot: QtBot, demo_context: AppContext, password_hash: str
) -> None:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    demo_context.actor = make_actor(
        demo_context.db, password_hash, "jpark2", UserRole.CLINICIAN, "Jo Park"
    )
    page = DashboardPage(context=demo_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.failed, timeout=10_000):
        pass
    message = page.findChild(QLabel, "dashboardMessage")
    assert message is not None and "referral logistics" in message.text()


def test_screenshot(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    page.resize(1280, 860)
    page.show()
    qtbot.waitExposed(page)
    path = save_screenshot(page, "dashboard")
    image = page.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20
    assert path.exists()
