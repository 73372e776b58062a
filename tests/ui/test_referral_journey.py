"""A referral's real journey through the real windows: booked, missed (no-show), rebooked,
moved, seen, report filed by the front desk, then read and acknowledged by the
coordinating physician in "Reports to review"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import ReferralState, UserRole
from carecoord.services import referrals, review
from carecoord.services.referrals import ReferralView
from carecoord.services.worklist import WorklistView
from carecoord.ui.context import AppContext
from carecoord.ui.dashboard import DashboardPage
from carecoord.ui.kit.referral_actions import Answer
from carecoord.ui.kit.referral_report import ReportDialog
from carecoord.ui.main_window import MainWindow
from carecoord.ui.referrals.editor import ReferralEditor
from carecoord.ui.referrals.worklist_page import ReferralsPage
from carecoord.ui.review.page import ReviewPage
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral
from tests.ui.conftest import _context, save_screenshot

S = ReferralState
TODAY = date.today()


def click(qtbot: QtBot, editor: ReferralEditor, key: str) -> None:
    QApplication.processEvents()
    buttons = [b for b in editor.findChildren(QPushButton, f"action_{key}") if not b.isHidden()]
    assert len(buttons) == 1, key
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def test_no_show_reschedule_seen_report_acknowledge(
    qtbot: QtBot, context: AppContext, password_hash: str, tmp_path: Path
) -> None:
    db = context.db
    me = new_member(db, context.actor, "pain_medicine", "Lee", "Avery")
    context.actor = replace(context.actor, team_member_id=me.id)
    desk = _context(db, password_hash, UserRole.FRONT_DESK, "frontdesk")
    patient = new_patient(db, context.actor)
    neuro = new_member(db, context.actor, "neurology_headache", "Stone", "Maya")
    r = new_referral(db, context.actor, patient.id, neuro)
    r = referrals.perform(
        db,
        context.actor,
        r.id,
        "send",
        sent_via="fax",
        on=TODAY - timedelta(days=10),
        expected_version=r.version,
    )

    # The front desk works the referral in its editor window.
    editor = ReferralEditor(context=desk, referral_id=r.id)
    qtbot.addWidget(editor)
    editor.confirm_discard = lambda: True
    editor.show()
    editor.prompts.ask_date = lambda title, prompt: TODAY - timedelta(days=5)
    click(qtbot, editor, "schedule")
    assert editor.view is not None and editor.view.state == S.SCHEDULED

    answers: list[Answer] = []
    editor.prompts.ask_action = lambda key, view: answers.pop(0)
    answers.append(Answer(reason="Patient forgot; called to rebook"))
    click(qtbot, editor, "no_show")
    assert editor.view.state == S.ACCEPTED and editor.view.no_show_count == 1
    assert "no-shows: 1" in editor.status.state_line.text()

    editor.prompts.ask_date = lambda title, prompt: TODAY - timedelta(days=3)
    click(qtbot, editor, "schedule")
    answers.append(
        Answer(appointment_date=TODAY - timedelta(days=2), reason="Specialist's clinic moved it")
    )
    click(qtbot, editor, "reschedule")
    assert editor.view.appointment_date == TODAY - timedelta(days=2)

    # "Seen" asks for the day; a day before the booked one needs the confirm box.
    answers.append(Answer(on=TODAY - timedelta(days=3)))
    problems: list[str] = []

    def read_and_close_the_refusal() -> None:
        box = QApplication.activeModalWidget()
        if box is None:  # the click has not opened it yet
            QTimer.singleShot(10, read_and_close_the_refusal)
            return
        assert isinstance(box, QMessageBox) and box.objectName() == "problemDialog"
        problems.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close_the_refusal)
    click(qtbot, editor, "seen")
    assert editor.view.state == S.SCHEDULED
    assert problems and "before the booked appointment" in problems[0]
    answers.append(Answer(on=TODAY - timedelta(days=2)))
    click(qtbot, editor, "seen")
    assert editor.view.state == S.SEEN and editor.view.seen_on == TODAY - timedelta(days=2)

    report = tmp_path / "stone-neurology.pdf"
    report.write_bytes(PDF_BYTES)

    def file_report(view: ReferralView) -> bool:
        dialog = ReportDialog(context=desk, referral=view, parent=editor)
        qtbot.addWidget(dialog)
        dialog.choose_file = lambda: str(report)
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(dialog.recorded, timeout=3000):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result_view is not None

    editor.prompts.run_report_dialog = file_report
    click(qtbot, editor, "file_report")
    assert editor.view.state == S.REPORT_RECEIVED
    history = [
        editor.history.tree.topLevelItem(i).text(3)
        for i in range(editor.history.tree.topLevelItemCount())
    ]
    assert "no-show 1: Patient forgot; called to rebook" in history
    assert "report filed" in history

    # The worklist and the dashboard show the report waiting for the physician.
    page = ReferralsPage(context=desk)
    qtbot.addWidget(page)
    page.select_view(WorklistView.CLOSED)
    qtbot.waitUntil(lambda: page.counts.get(WorklistView.CLOSED) == 1, timeout=3000)
    board = DashboardPage(context=desk)
    qtbot.addWidget(board)
    qtbot.waitUntil(lambda: board.unacknowledged_tile.value.text() == "1", timeout=5000)
    board.wait_for_threads()
    page.wait_for_threads()

    # The coordinating physician: the sidebar counts it; read it, acknowledge it.
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "Reports to review (1)" in titles
    inbox = window.show_page("review")
    assert isinstance(inbox, ReviewPage)
    assert inbox.table.rowCount() == 1
    assert inbox.table.item(0, 0).text() == f"{patient.family_name}, {patient.given_name}"
    assert not inbox.acknowledge_button.isEnabled()  # read it first
    qtbot.mouseClick(inbox.open_button, Qt.MouseButton.LeftButton)
    assert inbox.viewer.currentWidget() is inbox.pdf
    assert inbox.acknowledge_button.isEnabled()
    inbox.note.setPlainText("Start the preventive the neurologist suggests")
    inbox.follow_up.setCurrentIndex(inbox.follow_up.findData("change_plan"))
    window.resize(1280, 800)
    save_screenshot(window, "reports_to_review")
    qtbot.mouseClick(inbox.acknowledge_button, Qt.MouseButton.LeftButton)
    assert inbox.table.rowCount() == 0
    assert review.count_to_review(db, context.actor) == 0
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "Reports to review" in titles
    assert inbox.findChild(QLabel, "reviewEmpty").isVisible()
    window.close()
