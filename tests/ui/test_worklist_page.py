"""The front desk's referral worklist: views with counts, filters, actions, drops and export."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
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
from carecoord.services.team import MemberView
from carecoord.services.worklist import WorklistView
from carecoord.ui.context import AppContext
from carecoord.ui.kit.referral_prompts import SendDetails
from carecoord.ui.referrals.editor import ReferralEditor
from carecoord.ui.referrals.worklist_model import PAGE_SIZE, ReferralIdRole, WorklistModel
from carecoord.ui.referrals.worklist_page import VIEW_ORDER, ReferralsPage
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral
from tests.ui.conftest import save_screenshot

V = WorklistView
S = ReferralState
# PySide marks the Qt 6 drag event constructors deprecated although Qt offers no other.
DRAG_EVENTS = pytest.mark.filterwarnings("ignore:Function.*QDrag.*deprecated:DeprecationWarning")


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    """Remembered layouts go to a fresh folder: QSettings("CareCoord", "CareCoord") uses the
    native format, whose path the shared conftest does not redirect."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


def make_page(qtbot: QtBot, context: AppContext, view: WorklistView) -> ReferralsPage:
    page = ReferralsPage(context=context)
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    page.select_view(view)
    settle(qtbot, page)
    return page


def settle(qtbot: QtBot, page: ReferralsPage) -> None:
    """Let the background counts finish (and deliver) before looking at them."""
    page.wait_for_threads()
    qtbot.waitUntil(lambda: bool(page.counts), timeout=3000)
    QApplication.processEvents()


def send(context: AppContext, view: ReferralView, days_ago: int = 0) -> ReferralView:
    return referrals.transition(
        context.db,
        context.actor,
        view.id,
        "sent",
        sent_via="fax",
        on=date.today() - timedelta(days=days_ago),
        expected_version=view.version,
    )


def seen(context: AppContext, view: ReferralView) -> ReferralView:
    view = send(context, view)
    view = referrals.transition(
        context.db,
        context.actor,
        view.id,
        "accepted",
        on=date.today(),
        expected_version=view.version,
    )
    view = referrals.transition(
        context.db,
        context.actor,
        view.id,
        "scheduled",
        appointment_date=date.today(),
        expected_version=view.version,
    )
    return referrals.transition(
        context.db, context.actor, view.id, "seen", on=date.today(), expected_version=view.version
    )


def clinic(context: AppContext) -> tuple[int, MemberView, MemberView]:
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    psych = new_member(context.db, context.actor, "psychiatry", "Okafor", "Ada")
    return patient.id, rehab, psych


def drag_and_drop(page: ReferralsPage, row: int, path: Path) -> tuple[bool, bool]:
    """Drag a local file over a row of the table and drop it; (entered, dropped) accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = page.table.visualRect(page.model.index(row, 0)).center()
    viewport = page.table.viewport()
    common = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(point, *common)
    QApplication.sendEvent(viewport, enter)
    if not enter.isAccepted():
        return False, False
    QApplication.sendEvent(viewport, QDragMoveEvent(point, *common))
    drop = QDropEvent(QPointF(point), *common)
    QApplication.sendEvent(viewport, drop)
    return True, drop.isAccepted()


def view_labels(page: ReferralsPage) -> dict[WorklistView, str]:
    return {view: page.views.item(row).text() for row, view in enumerate(VIEW_ORDER)}


def test_counts_on_each_view_and_filters(qtbot: QtBot, context: AppContext) -> None:
    patient_id, rehab, psych = clinic(context)
    late = send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    send(context, new_referral(context.db, context.actor, patient_id, psych), 40)
    new_referral(context.db, context.actor, patient_id, rehab)
    urgent = new_referral(
        context.db, context.actor, patient_id, psych, priority="urgent", priority_reason="Mood"
    )

    page = make_page(qtbot, context, V.OVERDUE)
    labels = view_labels(page)
    assert labels[V.OVERDUE] == "Overdue (2)"
    assert labels[V.TO_SEND] == "To send (2)"
    assert labels[V.AWAITING_ACCEPTANCE] == "Awaiting acceptance (2)"
    assert labels[V.CLOSED] == "Closed (0)"
    assert page.views.item(0).font().bold()  # overdue stands out (not by colour alone)
    assert page.model.rowCount() == 2
    assert page.status.text() == "Showing 2 of 2"

    # Overdue rows: tinted, and marked in text so the mark does not rely on colour.
    index = page.model.index(0, 9)
    assert index.data().startswith("⚠ ") and index.data().endswith(" d")
    assert page.model.index(0, 0).data() == "⚠ Ñúñez, Zoë"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None

    page.discipline_filter.setCurrentIndex(
        page.discipline_filter.findData(Discipline.PHYSICAL_REHABILITATION)
    )
    settle(qtbot, page)
    assert [r.id for r in page.model.rows] == [late.id]
    assert view_labels(page)[V.OVERDUE] == "Overdue (1)"
    recipients = [page.recipient_filter.itemText(i) for i in range(page.recipient_filter.count())]
    assert recipients == ["Any recipient", "Lena Berg, MD"]

    page.clear_filters()
    page.select_view(V.TO_SEND)
    page.priority_filter.setCurrentIndex(page.priority_filter.findData(Priority.URGENT))
    settle(qtbot, page)
    assert [r.id for r in page.model.rows] == [urgent.id]
    assert page.model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert page.from_label.text() == "Created from:"

    page.clear_filters()
    page.select_view(V.AWAITING_ACCEPTANCE)
    page.recipient_filter.setCurrentIndex(page.recipient_filter.findData(rehab.id))
    settle(qtbot, page)
    assert [r.id for r in page.model.rows] == [late.id]

    # A clashing date range is explained beside the filters; nothing is queried.
    page.from_filter.setDate(QDate.currentDate())
    page.to_filter.setDate(QDate.currentDate().addDays(-3))
    assert page.filters() is None
    assert page.filter_error.isVisible()
    page.to_filter.setDate(QDate.currentDate())
    assert page.filters() is not None and not page.filter_error.isVisible()
    settle(qtbot, page)


def test_sent_from_and_to_filters_accept_typing(qtbot: QtBot, context: AppContext) -> None:
    """A typed date filters at once; the clear button makes the filter "not set" again."""
    patient_id, rehab, _ = clinic(context)
    old = send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    new = send(context, new_referral(context.db, context.actor, patient_id, rehab), 2)
    page = make_page(qtbot, context, V.AWAITING_ACCEPTANCE)
    assert sorted(r.id for r in page.model.rows) == sorted([old.id, new.id])
    since = (date.today() - timedelta(days=10)).isoformat()
    page.from_filter.edit.setFocus()
    qtbot.keyClicks(page.from_filter.edit, since)
    qtbot.keyClick(page.from_filter.edit, Qt.Key.Key_Return)
    assert page.from_filter.value() == date.today() - timedelta(days=10)
    filters = page.filters()
    assert filters is not None and filters.date_from == date.today() - timedelta(days=10)
    qtbot.waitUntil(lambda: [r.id for r in page.model.rows] == [new.id], timeout=3000)
    page.to_filter.edit.setFocus()
    qtbot.keyClicks(page.to_filter.edit, "2000-01-01")
    qtbot.keyClick(page.to_filter.edit, Qt.Key.Key_Return)
    assert page.filters() is None
    assert page.filter_error.text() == "The end date is before the start date."
    qtbot.mouseClick(page.to_filter.clear_button, Qt.MouseButton.LeftButton)
    assert page.to_filter.value() is None
    assert page.filters() is not None
    settle(qtbot, page)


def test_open_with_double_click_and_enter(qtbot: QtBot, context: AppContext) -> None:
    patient_id, rehab, _ = clinic(context)
    late = send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    page = make_page(qtbot, context, V.OVERDUE)
    table = page.table
    rect = table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(context.navigator.referral_requested, timeout=1000) as opened:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [late.id]
    table.setCurrentIndex(page.model.index(0, 2))
    with qtbot.waitSignal(context.navigator.referral_requested, timeout=1000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [late.id]


def test_mark_sent_in_the_to_send_view(qtbot: QtBot, context: AppContext) -> None:
    patient_id, rehab, psych = clinic(context)
    first = new_referral(context.db, context.actor, patient_id, rehab)
    second = new_referral(context.db, context.actor, patient_id, psych)
    page = make_page(qtbot, context, V.TO_SEND)
    editor = ReferralEditor(context=context, referral_id=first.id)  # open at the same time
    qtbot.addWidget(editor)
    assert page.send_button.isVisible() and not page.attach_button.isVisible()
    page.table.selectAll()
    asked: list[bool] = []

    def how() -> SendDetails:
        asked.append(True)
        return SendDetails(DeliveryMethod.EMAIL, date.today())

    page.ask_send = how
    with qtbot.waitSignal(context.events.referral_changed, timeout=1000):
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert asked == [True]  # asked once for the whole selection
    for referral in (first, second):
        view = referrals.get_referral(context.db, context.actor, referral.id)
        assert view.state == S.SENT and view.sent_via == SendMethod.EMAIL
    settle(qtbot, page)
    assert page.model.rowCount() == 0
    assert view_labels(page)[V.AWAITING_ACCEPTANCE] == "Awaiting acceptance (2)"
    assert "Marked 2 referrals sent by e-mail" in page.message.text()
    assert editor.view is not None and editor.view.state == S.SENT  # it followed the change


@DRAG_EVENTS
def test_drop_a_report_on_a_row_closes_the_loop(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient_id, rehab, psych = clinic(context)
    first = seen(context, new_referral(context.db, context.actor, patient_id, rehab))
    other = seen(context, new_referral(context.db, context.actor, patient_id, psych))
    page = make_page(qtbot, context, V.AWAITING_REPORT)
    assert page.attach_button.isVisible() and not page.send_button.isVisible()
    assert page.model.rowCount() == 2
    row = page.model.row_of(first.id)
    report = tmp_path / "berg-report.pdf"
    report.write_bytes(PDF_BYTES)
    confirmed: list[tuple[str, str]] = []

    def confirm(what: str, name: str) -> bool:
        confirmed.append((what, name))
        return True

    page.confirm_attach = confirm

    with qtbot.waitSignal(context.events.referral_changed, timeout=1000) as changed:
        assert drag_and_drop(page, row, report) == (True, True)
    assert changed.args == [first.id]
    assert confirmed == [("Ñúñez, Zoë (Physical rehabilitation (PM&R))", "berg-report.pdf")]
    closed = referrals.get_referral(context.db, context.actor, first.id)
    assert closed.state == S.REPORT_RECEIVED
    assert any(e.reason == "report filed" for e in closed.events)
    settle(qtbot, page)
    assert [r.id for r in page.model.rows] == [other.id]
    assert view_labels(page)[V.CLOSED] == "Closed (1)"

    # The file picker does the same for the selected row.
    page.table.selectRow(0)
    page.choose_report_file = lambda: str(report)
    with qtbot.waitSignal(context.events.referral_changed, timeout=1000):
        qtbot.mouseClick(page.attach_button, Qt.MouseButton.LeftButton)
    assert referrals.get_referral(context.db, context.actor, other.id).state == S.REPORT_RECEIVED
    settle(qtbot, page)


@DRAG_EVENTS
def test_drops_are_refused_where_they_would_not_close_a_loop(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient_id, rehab, psych = clinic(context)
    late = send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    waiting = seen(context, new_referral(context.db, context.actor, patient_id, psych))
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF_BYTES)
    page = make_page(qtbot, context, V.OVERDUE)
    assert drag_and_drop(page, 0, report) == (False, False)  # only in Awaiting report
    assert referrals.get_referral(context.db, context.actor, late.id).state == S.SENT

    page.select_view(V.AWAITING_REPORT)
    settle(qtbot, page)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a report")
    assert drag_and_drop(page, 0, notes) == (False, False)  # only PDF or image files
    page.confirm_attach = lambda what, name: False  # the person says no
    assert drag_and_drop(page, 0, report) == (True, True)
    assert referrals.get_referral(context.db, context.actor, waiting.id).state == S.SEEN


def test_export_csv_of_the_current_view(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    patient_id, rehab, _psych = clinic(context)
    late = send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    page = make_page(qtbot, context, V.OVERDUE)
    target = tmp_path / "overdue.csv"
    suggested: list[str] = []

    def choose(name: str) -> str:
        suggested.append(name)
        return str(target)

    page.choose_export_path = choose
    with qtbot.waitSignal(page.exported, timeout=5000) as done:
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert done.args == [str(target)]
    assert suggested == [f"referrals-overdue-{date.today().isoformat()}.csv"]
    assert target.read_bytes()[:3] == b"\xef\xbb\xbf"  # the BOM: Excel reads it as UTF-8
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["referral_id"]) for r in rows] == [late.id]
    assert rows[0]["patient"] == "Ñúñez, Zoë"
    assert rows[0]["sent_on"] == (date.today() - timedelta(days=40)).isoformat()
    assert page.export_button.isEnabled()
    settle(qtbot, page)


def test_worklist_model_pages_and_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, context: AppContext
) -> None:
    patient_id, rehab, _ = clinic(context)
    for _ in range(PAGE_SIZE + 30):
        send(context, new_referral(context.db, context.actor, patient_id, rehab), 40)
    model = WorklistModel(context=context)
    model.set_query(V.OVERDUE)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(model.index(-1, -1))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == PAGE_SIZE + 30
    assert len({model.index(r, 0).data(ReferralIdRole) for r in range(model.rowCount())}) == (
        PAGE_SIZE + 30
    )
    assert model.headerData(9, Qt.Orientation.Horizontal) == "Days overdue"


def test_screenshot_worklist_on_the_demo_clinic(qtbot: QtBot, demo_context: AppContext) -> None:
    page = make_page(qtbot, demo_context, V.OVERDUE)
    assert page.counts[V.OVERDUE] > 0
    assert page.model.rowCount() == min(page.counts[V.OVERDUE], PAGE_SIZE)
    path = save_screenshot(page, "referrals_worklist_overdue")
    image = QImage(str(path))
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 30
    page.select_view(V.AWAITING_REPORT)
    settle(qtbot, page)
    save_screenshot(page, "referrals_worklist_awaiting_report")
