"""The referral editor and the chart's Referrals tab, driven through real widgets."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import (
    DeliveryMethod,
    Discipline,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.services import referrals
from carecoord.services.referrals import ReferralView
from carecoord.services.worklist import WorklistView, worklist
from carecoord.ui.chart.referrals_tab import ReferralsTab
from carecoord.ui.context import AppContext
from carecoord.ui.kit.referral_actions import Answer, ReferralActions
from carecoord.ui.kit.referral_prompts import ReasonDialog, SendDetails, SendDialog
from carecoord.ui.kit.referral_report import ReportDialog
from carecoord.ui.referrals.editor import RESTRICTED_TEXT, ReferralEditor
from carecoord.ui.referrals.worklist_page import ReferralsPage
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral
from tests.ui.conftest import save_screenshot

S = ReferralState
V = WorklistView


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    """Remembered layouts go to a fresh folder: QSettings("CareCoord", "CareCoord") uses the
    native format, whose path the shared conftest does not redirect."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


def make_editor(qtbot: QtBot, context: AppContext, **kwargs: object) -> ReferralEditor:
    editor = ReferralEditor(context=context, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.confirm_discard = lambda: True  # closing at teardown never waits for a person
    editor.show()
    return editor


def shown_transitions(editor: ReferralEditor) -> set[str]:
    QApplication.processEvents()  # Qt shows widgets added to a visible layout on the next loop
    return {
        b.objectName()
        for b in editor.findChildren(QPushButton)
        if b.objectName().startswith("action_") and not b.isHidden()
    }


KEY_OF_STATE = {
    S.SENT: "send",
    S.ACCEPTED: "accept",
    S.SCHEDULED: "schedule",
    S.SEEN: "seen",
    S.REPORT_RECEIVED: "file_report",
    S.DECLINED: "decline",
    S.CANCELLED: "cancel",
    S.ON_HOLD: "hold",
}


def click(qtbot: QtBot, editor: ReferralEditor, state: ReferralState) -> None:
    QApplication.processEvents()
    name = f"action_{KEY_OF_STATE[state]}"
    buttons = [b for b in editor.findChildren(QPushButton, name) if not b.isHidden()]
    assert len(buttons) == 1, state
    button = buttons[0]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_new_referral_filters_recipients_by_discipline(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor, insurance_payer="Acme Health")
    rehab = new_member(
        context.db, context.actor, "physical_rehabilitation", "Berg", "Lena", organisation="Rehab"
    )
    new_member(context.db, context.actor, "psychiatry", "Okafor", "Ada")
    editor = make_editor(qtbot, context, patient_id=patient.id)
    assert editor.findChildren(QPushButton, "action_send") == []
    assert editor.authorization.payer_edit.text() == "Acme Health"  # from the patient's insurance

    editor.request.discipline_combo.setCurrentIndex(
        editor.request.discipline_combo.findData(Discipline.PHYSICAL_REHABILITATION)
    )
    names = [
        editor.request.recipient_combo.itemText(i)
        for i in range(editor.request.recipient_combo.count())
    ]
    assert names == ["Not chosen yet", "Lena Berg, MD — Rehab"]
    editor.request.recipient_combo.setCurrentIndex(
        editor.request.recipient_combo.findData(rehab.id)
    )
    editor.request.reason_edit.setPlainText("Deconditioning after two years of low back pain")
    editor.request.question_edit.setPlainText("Which graded activity programme suits her?")

    with (
        qtbot.waitSignal(context.events.referral_changed, timeout=2000),
        qtbot.waitSignal(context.events.patient_changed, timeout=2000),
    ):
        qtbot.mouseClick(editor.save_bar.save_button, Qt.MouseButton.LeftButton)

    assert editor.view is not None
    view = referrals.get_referral(context.db, context.actor, editor.view.id)
    assert view.state == S.DRAFT
    assert view.recipient_member_id == rehab.id
    assert view.authorization.payer == "Acme Health"
    assert shown_transitions(editor) == {"action_send", "action_cancel"}
    assert not editor.is_dirty()


def test_urgent_without_a_reason_is_explained_beside_the_field(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    editor = make_editor(qtbot, context, patient_id=patient.id, discipline="psychiatry")
    assert editor.request.discipline_combo.currentData() == Discipline.PSYCHIATRY
    assert not editor.request.priority_reason_edit.isEnabled()
    editor.request.priority_combo.setCurrentIndex(
        editor.request.priority_combo.findData(Priority.URGENT)
    )
    assert editor.request.priority_reason_edit.isEnabled()
    editor.request.reason_edit.setPlainText("Low mood, poor sleep")

    qtbot.mouseClick(editor.save_bar.save_button, Qt.MouseButton.LeftButton)

    error = editor.findChild(QLabel, "priority_reasonError")
    assert error is not None and error.isVisible()
    assert error.text() == "Say why this referral is Urgent"
    assert editor.view is None
    assert referrals.list_for_patient(context.db, context.actor, patient.id) == []

    editor.request.priority_reason_edit.setText("Thoughts of self-harm on PHQ-9 item 9")
    qtbot.mouseClick(editor.save_bar.save_button, Qt.MouseButton.LeftButton)
    assert not error.isVisible()
    assert editor.view is not None and editor.view.priority_reason is not None


def test_walk_to_report_received_leaves_overdue_and_closes(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    draft = new_referral(context.db, context.actor, patient.id, rehab)
    late = referrals.transition(
        context.db,
        context.actor,
        new_referral(context.db, context.actor, patient.id, rehab).id,
        "sent",
        sent_via="fax",
        on=date.today() - timedelta(days=40),
        expected_version=1,
    )
    page = ReferralsPage(context=context)
    qtbot.addWidget(page)
    page.select_view(V.OVERDUE)
    qtbot.waitUntil(lambda: page.counts.get(V.OVERDUE) == 1, timeout=3000)
    assert [r.id for r in page.model.rows] == [late.id]

    # The draft: send it through the editor with an injected send method.
    editor = make_editor(qtbot, context, referral_id=draft.id)
    assert editor.view is not None
    assert shown_transitions(editor) == {"action_send", "action_cancel"}
    editor.prompts.ask_send = lambda: SendDetails(DeliveryMethod.PORTAL, date.today())
    click(qtbot, editor, S.SENT)
    assert editor.view.state == S.SENT and editor.view.sent_via == SendMethod.PORTAL
    assert shown_transitions(editor) == {
        "action_accept",
        "action_cancel",
        "action_decline",
        "action_hold",
        "action_schedule",
        "action_undo",
    }

    # The overdue one: accepted -> scheduled -> seen -> report received.
    editor = make_editor(qtbot, context, referral_id=late.id)
    assert editor.view is not None and editor.view.overdue
    assert editor.findChild(QLabel, "overdueChip") is not None
    assert shown_transitions(editor) == {
        "action_accept",
        "action_cancel",
        "action_decline",
        "action_hold",
        "action_schedule",
        "action_undo",
    }
    # Accepted and Seen ask for their date (the shared action dialog, answered here).
    editor.prompts.ask_action = lambda key, view: Answer(on=date.today())
    click(qtbot, editor, S.ACCEPTED)
    assert editor.view.state == S.ACCEPTED
    assert shown_transitions(editor) == {
        "action_cancel",
        "action_decline",
        "action_hold",
        "action_schedule",
        "action_undo",
    }

    asked: list[str] = []

    def appointment(title: str, prompt: str) -> date:
        asked.append(prompt)
        return date.today()

    editor.prompts.ask_date = appointment
    click(qtbot, editor, S.SCHEDULED)
    assert asked == ["Appointment date:"]
    assert editor.view.state == S.SCHEDULED and editor.view.appointment_date == date.today()
    assert shown_transitions(editor) == {
        "action_cancel",
        "action_file_report",
        "action_hold",
        "action_no_show",
        "action_reschedule",
        "action_seen",
        "action_undo",
    }
    click(qtbot, editor, S.SEEN)
    assert editor.view.state == S.SEEN
    assert shown_transitions(editor) == {"action_file_report", "action_undo"}

    report = tmp_path / "berg-report.pdf"
    report.write_bytes(PDF_BYTES)

    def file_report(view: ReferralView) -> bool:
        dialog = ReportDialog(context=context, referral=view, parent=editor)
        qtbot.addWidget(dialog)
        dialog.choose_file = lambda: str(report)
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        assert dialog.file_edit.text() == str(report)
        with qtbot.waitSignal(dialog.recorded, timeout=2000):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result_view is not None

    editor.prompts.run_report_dialog = file_report
    click(qtbot, editor, S.REPORT_RECEIVED)
    assert editor.view.state == S.REPORT_RECEIVED
    assert editor.view.report_received_on == date.today()
    assert shown_transitions(editor) == {"action_undo"}  # the filing, within 24 hours
    assert not editor.save_bar.save_button.isVisible()  # closed: nothing left to edit

    # The worklist heard the changes: no longer overdue, now closed.
    qtbot.waitUntil(
        lambda: page.counts.get(V.OVERDUE) == 0 and page.counts.get(V.CLOSED) == 1, timeout=3000
    )
    assert page.model.rows == []
    page.select_view(V.CLOSED)
    assert [r.id for r in page.model.rows] == [late.id]
    page.wait_for_threads()


def test_report_dialog_needs_a_file_or_a_reason(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    view = new_referral(context.db, context.actor, patient.id, rehab)
    for target, extra in (("sent", {"sent_via": "fax"}), ("accepted", {"on": date.today()})):
        view = referrals.transition(
            context.db, context.actor, view.id, target, expected_version=view.version, **extra
        )
    view = referrals.transition(
        context.db,
        context.actor,
        view.id,
        "scheduled",
        appointment_date=date.today(),
        expected_version=view.version,
    )
    dialog = ReportDialog(context=context, referral=view)
    qtbot.addWidget(dialog)
    save_screenshot(dialog, "report_dialog")
    dialog.save()
    error = dialog.findChild(QLabel, "reportError")
    assert error is not None and not error.isHidden()
    assert "choose the report file" in error.text().lower()

    not_a_pdf = tmp_path / "report.pdf"
    not_a_pdf.write_bytes(b"hello")
    dialog.set_file(str(not_a_pdf))
    dialog.save()
    assert "not a valid pdf" in error.text().lower()

    dialog.no_report.setChecked(True)
    assert dialog.reason_edit.isEnabled() and not dialog.file_edit.isEnabled()
    dialog.reason_edit.setPlainText("The specialist reports by phone only")
    with qtbot.waitSignal(dialog.recorded, timeout=2000):
        dialog.save()
    assert dialog.result_view is not None
    # A scheduled referral is marked seen by the report, then closed.
    assert dialog.result_view.state == S.REPORT_RECEIVED
    assert dialog.result_view.no_report_reason == "The specialist reports by phone only"


def test_decline_asks_for_a_reason_and_history_shows_who_when_why(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    psych = new_member(context.db, context.actor, "psychiatry")
    view = new_referral(context.db, context.actor, patient.id, psych)
    view = referrals.transition(
        context.db, context.actor, view.id, "sent", sent_via="fax", expected_version=view.version
    )
    editor = make_editor(qtbot, context, referral_id=view.id)
    prompts: list[tuple[str, str]] = []
    answers: list[str | None] = [None, "Not taking new patients until March"]

    def ask(title: str, prompt: str) -> str | None:
        prompts.append((title, prompt))
        return answers.pop(0)

    editor.prompts.ask_reason = ask
    click(qtbot, editor, S.DECLINED)  # the person cancels the prompt: nothing changes
    assert editor.view is not None and editor.view.state == S.SENT
    click(qtbot, editor, S.DECLINED)
    assert prompts == [("Referral declined", "Why did the specialist decline?")] * 2
    assert editor.view.state == S.DECLINED
    assert shown_transitions(editor) == {"action_undo"}

    history = editor.history.tree
    rows = [
        [history.topLevelItem(i).text(c) for c in range(4)]
        for i in range(history.topLevelItemCount())
    ]
    assert editor.tabs.tabText(2) == f"History ({len(rows)})"
    newest = rows[0]
    assert newest[1] == "drlee"
    assert newest[2] == "Sent → Declined"
    assert newest[3] == "Not taking new patients until March"
    assert len(newest[0]) == len("2026-01-31 09:15") and newest[0][:4].isdigit()
    assert [r[2] for r in rows[1:]] == ["Draft → Sent", "Created (Draft)"]
    assert rows[1][3] == "sent by fax"


def test_reason_and_send_prompts_refuse_blank_answers(qtbot: QtBot) -> None:
    reason = ReasonDialog("Cancel referral", "Why?")
    qtbot.addWidget(reason)
    assert not reason.ok_button.isEnabled()
    reason.text.setPlainText("   ")
    assert not reason.ok_button.isEnabled()
    reason.text.setPlainText("Patient moved away")
    assert reason.ok_button.isEnabled() and reason.answer() == "Patient moved away"

    send = SendDialog()
    qtbot.addWidget(send)
    assert not send.ok_button.isEnabled()
    send.method.setCurrentIndex(send.method.findData(SendMethod.FAX))
    assert send.ok_button.isEnabled()
    assert send.answer() == SendDetails(DeliveryMethod.FAX, date.today())


def test_front_desk_sees_logistics_only_on_a_psychiatric_referral(
    qtbot: QtBot, context: AppContext, desk_context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    psych = new_member(context.db, context.actor, "psychiatry")
    view = new_referral(context.db, context.actor, patient.id, psych)
    editor = make_editor(qtbot, desk_context, referral_id=view.id)

    notice = editor.findChild(QLabel, "restrictedNotice")
    assert notice is not None and notice.isVisible() and notice.text() == RESTRICTED_TEXT
    assert not editor.request.clinical_box.isVisible()
    assert editor.request.reason_edit.toPlainText() == ""
    texts = " ".join(w.text() for w in editor.findChildren(QLabel))
    assert "low back pain" not in texts.lower()
    assert (
        not editor.request.discipline_combo.isEnabled()
        and not editor.request.recipient_combo.isEnabled()
    )
    editor.resize(1000, 600)
    save_screenshot(editor, "referral_editor_restricted")
    # Logistics stay possible: the workflow and the authorisation.
    assert shown_transitions(editor) == {"action_send", "action_cancel"}
    assert editor.authorization.outcome_combo.isEnabled()
    assert editor.save_bar.save_button.isVisible()
    editor.authorization.outcome_combo.setCurrentIndex(
        editor.authorization.outcome_combo.findData("approved")
    )
    editor.authorization.number_edit.setText("PA-77")
    editor.authorization.visits_edit.setValue(6)
    assert editor.save()
    assert editor.view is not None and editor.view.authorization.number == "PA-77"
    assert editor.view.reason == "restricted"
    stored = referrals.get_referral(context.db, context.actor, view.id)
    assert stored.reason == view.reason  # the clinical request was not touched
    editor.prompts.ask_send = lambda: SendDetails(DeliveryMethod.FAX, date.today())
    click(qtbot, editor, S.SENT)
    assert editor.view.state == S.SENT


def test_a_conflict_offers_to_reload(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    view = new_referral(context.db, context.actor, patient.id, rehab)
    editor = make_editor(qtbot, context, referral_id=view.id)
    # Someone else edits the referral after the editor read it.
    referrals.update_authorization(
        context.db,
        context.actor,
        view.id,
        referrals.AuthorizationInput(outcome="pending", payer="Acme Health"),
        expected_version=view.version,
    )
    editor.request.reason_edit.setPlainText("Changed here too")
    seen: list[str] = []

    def press_reload() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.objectName())
        reload = next(b for b in box.buttons() if b.text() == "Reload")
        reload.click()

    QTimer.singleShot(0, press_reload)
    assert not editor.save()
    assert seen == ["conflictDialog"]
    assert editor.view is not None and editor.view.authorization.payer == "Acme Health"
    assert editor.request.reason_edit.toPlainText() == view.reason  # reloaded


def test_referrals_tab_lists_and_asks_to_open(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    first = new_referral(context.db, context.actor, patient.id, rehab)
    late = new_referral(
        context.db, context.actor, patient.id, rehab, priority="urgent", priority_reason="Falls"
    )
    referrals.transition(
        context.db,
        context.actor,
        late.id,
        "sent",
        sent_via="fax",
        on=date.today() - timedelta(days=10),
        expected_version=late.version,
    )
    tab = ReferralsTab(context=context, patient_id=patient.id)
    qtbot.addWidget(tab)
    tab.show()
    table = tab.table

    def cell(row: int, column: int) -> QTableWidgetItem:
        item = table.item(row, column)
        assert item is not None
        return item

    assert table.rowCount() == 2
    assert cell(0, 3).text() == "Sent" and cell(0, 6).text().startswith("⚠ ")
    assert cell(0, 0).font().bold()
    assert cell(1, 3).text() == "Draft" and cell(1, 6).text() == ""
    assert "1 overdue" in tab.summary.text()

    with qtbot.waitSignal(context.navigator.new_referral_requested, timeout=1000) as new:
        qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert new.args == [patient.id, ""]
    table.selectRow(1)
    with qtbot.waitSignal(context.navigator.referral_requested, timeout=1000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [first.id]

    referrals.transition(
        context.db, context.actor, first.id, "cancelled", reason="Duplicate", expected_version=1
    )
    tab.refresh()
    assert cell(1, 3).text() == "Cancelled"


def test_screenshot_editor_on_a_demo_referral(qtbot: QtBot, demo_context: AppContext) -> None:
    context = demo_context
    rows = worklist(context.db, context.actor, V.AWAITING_REPORT, limit=50)
    rows += worklist(context.db, context.actor, V.OVERDUE, limit=50)
    views = [referrals.get_referral(context.db, context.actor, r.id) for r in rows]
    view = max(views, key=lambda v: (v.authorization.outcome != "not_required", len(v.events)))
    editor = make_editor(qtbot, context, referral_id=view.id)
    editor.resize(1000, 700)
    editor.tabs.setCurrentIndex(0)
    assert shown_transitions(editor) == {f"action_{k}" for k in ReferralActions.keys_for(view)}
    path = save_screenshot(editor, "referral_editor")
    image = QImage(str(path))
    assert distinct_colours(image) > 30
    editor.tabs.setCurrentIndex(1)
    save_screenshot(editor, "referral_editor_authorisation")
    editor.tabs.setCurrentIndex(2)
    assert editor.history.tree.topLevelItemCount() == len(view.events) > 1
    save_screenshot(editor, "referral_editor_history")


def test_screenshot_chart_referrals_tab(qtbot: QtBot, demo_context: AppContext) -> None:
    context = demo_context
    rows = worklist(context.db, context.actor, V.OVERDUE, limit=20)
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.patient_id] = len(
            referrals.list_for_patient(context.db, context.actor, row.patient_id)
        )
    patient_id = max(counts, key=lambda p: counts[p])
    tab = ReferralsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1000, 420)
    tab.show()
    assert tab.table.rowCount() == counts[patient_id] >= 1
    path = save_screenshot(tab, "chart_referrals_tab")
    assert distinct_colours(QImage(str(path))) > 10
    assert isinstance(tab, QWidget)


def test_entered_in_error_asks_why_and_leaves_only_the_history(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    member = new_member(context.db, context.actor, "neurosurgery")
    view = new_referral(context.db, context.actor, patient.id, member)
    editor = make_editor(qtbot, context, referral_id=view.id)
    button = editor.findChild(QPushButton, "markEnteredInError")
    assert button is not None and not button.isHidden()
    prompts: list[str] = []
    answers: list[str | None] = [None, "Duplicate of the neurosurgery referral above"]

    def ask(title: str, prompt: str) -> str | None:
        prompts.append(title)
        return answers.pop(0)

    editor.prompts.ask_reason = ask
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # cancelled: nothing changes
    assert editor.view is not None and not editor.view.entered_in_error
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert prompts == ["Referral entered in error"] * 2
    assert editor.view.entered_in_error
    QApplication.processEvents()
    assert shown_transitions(editor) == set()
    assert button.isHidden()
    assert editor.findChild(QLabel, "enteredInErrorChip") is not None
    assert "entered in error" in editor.status.state_line.text()
    assert editor.history.tree.topLevelItem(0).text(2) == "Entered in error"
    assert (
        editor.history.tree.topLevelItem(0).text(3)
        == "Duplicate of the neurosurgery referral above"
    )
    assert not editor.save_bar.save_button.isVisible()
    editor.tabs.setCurrentIndex(2)
    save_screenshot(editor, "referral_entered_in_error")


def test_every_bad_field_is_shown_beside_it_and_each_clears_when_fixed(
    qtbot: QtBot, context: AppContext
) -> None:
    """Urgent without a reason, a blank reason and a recipient deactivated while the form
    was open: one save shows all three, and editing each field clears its own error."""
    from carecoord.services import team

    patient = new_patient(context.db, context.actor)
    psych = new_member(context.db, context.actor, "psychiatry", "Okafor", "Ada")
    editor = make_editor(qtbot, context, patient_id=patient.id, discipline="psychiatry")
    editor.request.recipient_combo.setCurrentIndex(
        editor.request.recipient_combo.findData(psych.id)
    )
    editor.request.priority_combo.setCurrentIndex(
        editor.request.priority_combo.findData(Priority.URGENT)
    )
    team.set_member_active(
        context.db, context.actor, psych.id, False, expected_version=psych.version
    )

    qtbot.mouseClick(editor.save_bar.save_button, Qt.MouseButton.LeftButton)

    def error_label(field: str) -> QLabel:
        found = editor.findChild(QLabel, f"{field}Error")
        assert found is not None, field
        return found

    labels = {field: error_label(field) for field in ("priority_reason", "reason", "recipient")}
    assert all(label.isVisible() for label in labels.values())
    assert labels["priority_reason"].text() == "Say why this referral is Urgent"
    assert labels["reason"].text()
    assert labels["recipient"].text() == "Ada Okafor, MD is no longer active"
    assert editor.view is None
    assert referrals.list_for_patient(context.db, context.actor, patient.id) == []

    editor.request.reason_edit.setPlainText("Low mood, poor sleep")
    assert not labels["reason"].isVisible()
    assert labels["priority_reason"].isVisible() and labels["recipient"].isVisible()
    editor.request.priority_reason_edit.setText("Thoughts of self-harm on PHQ-9 item 9")
    assert not labels["priority_reason"].isVisible() and labels["recipient"].isVisible()
    editor.request.recipient_combo.setCurrentIndex(editor.request.recipient_combo.findData(None))
    assert not labels["recipient"].isVisible()
    qtbot.mouseClick(editor.save_bar.save_button, Qt.MouseButton.LeftButton)
    assert editor.view is not None and editor.view.recipient_member_id is None


def test_a_blank_reason_alone_is_shown_beside_its_field_not_in_a_box(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason for referral is a field of the form: refused on its own it shows beside
    it (it used to go to a box, as if it named a prompt's input)."""
    from carecoord.ui import forms

    boxes: list[str] = []
    monkeypatch.setattr(
        forms, "show_problem", lambda _p, error, *_a, **_k: boxes.append(str(error))
    )
    patient = new_patient(context.db, context.actor)
    editor = make_editor(qtbot, context, patient_id=patient.id, discipline="psychiatry")
    editor.request.reason_edit.setPlainText("   ")
    assert not editor.save()
    error = editor.findChild(QLabel, "reasonError")
    assert error is not None and error.isVisible() and error.text()
    assert boxes == [] and editor.view is None
