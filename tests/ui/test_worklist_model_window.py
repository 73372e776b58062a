"""The worklist model in a real table: keyset pages read as the table scrolls, pages far
from what is shown released, and read again (the same rows) when scrolled back to."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from carecoord.services.worklist import WorklistView, worklist
from carecoord.ui.context import AppContext
from carecoord.ui.referrals.worklist_model import ReferralIdRole, WorklistModel
from tests.services.helpers import new_member, new_patient, new_referral

DRAFTS = 11  # with pages of 2: five full pages and a short one


def scroll_to_end(qtbot: QtBot, table: QTableView, model: WorklistModel) -> None:
    """Scroll as a person would until the table has asked for every page."""
    for _ in range(50):
        if not model.canFetchMore(model.index(-1, -1)):
            return
        table.scrollToBottom()
        QApplication.processEvents()
        if model.canFetchMore(model.index(-1, -1)):
            # A short viewport may already show the last row: Qt then fetches only on
            # the next scroll, as here.
            model.fetchMore(model.index(-1, -1))
        qtbot.wait(5)
    raise AssertionError("the table never reached the end")


def test_scrolled_worklist_releases_far_pages_and_reads_them_again(
    qtbot: QtBot, qtmodeltester: object, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    for number in range(DRAFTS):
        extra = {"priority": "urgent", "priority_reason": "Falls"} if number % 4 == 0 else {}
        new_referral(context.db, context.actor, patient.id, rehab, **extra)
    expected = [r.id for r in worklist(context.db, context.actor, WorklistView.TO_SEND)]
    assert len(expected) == DRAFTS

    model = WorklistModel(context=context, page_size=2, keep_pages=2)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(600, 90)  # a couple of rows visible
    table.show()
    model.set_query(WorklistView.TO_SEND)
    qtmodeltester.check(model)  # type: ignore[attr-defined]

    scroll_to_end(qtbot, table, model)
    assert model.rowCount() == DRAFTS
    assert len(model.pages) <= 2 and model.loaded_rows() <= 4
    assert 0 not in model.pages  # the first page was released on the way down

    table.scrollToTop()
    QApplication.processEvents()
    first = table.model().index(0, 0)
    assert first.data(ReferralIdRole) == expected[0]
    assert 0 in model.pages and len(model.pages) <= 2

    # Every row, read back through the model (re-reading released pages), in order.
    shown = [model.index(row, 0).data(ReferralIdRole) for row in range(model.rowCount())]
    assert shown == expected
    assert len(model.pages) <= 2
