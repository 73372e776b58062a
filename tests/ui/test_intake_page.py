"""The Intake page and entry form with real widgets on a real database: errors beside the
fields, tabs with counts, the steps each role is offered, accepting with the look-alike
question, declining with the reply letter, and a FHIR file dropped on the page."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from carecoord.clinical.intake_workflow import IntakeState
from carecoord.clinical.vocabulary import UserRole
from carecoord.services import intake
from carecoord.services.intake_lists import IntakeList
from carecoord.services.patients import PatientSummary
from carecoord.ui.context import AppContext
from carecoord.ui.intake.dialogs import Acceptance, LinkAnswer
from carecoord.ui.intake.form import IntakeForm
from carecoord.ui.intake.page import IntakePage
from carecoord.ui.main_window import MainWindow
from tests.conftest import make_actor
from tests.exchange.test_fhir_import import primary_care_bundle
from tests.services.helpers import new_member, new_patient
from tests.ui.conftest import save_screenshot


def entered(context: AppContext, given: str = "Bea", codes: tuple[str, ...] = ("G89.4",)) -> int:
    data = intake.IntakeInput(
        referrer_name="Dr Mara Quinlan",
        referrer_practice="Elm Street Family Practice",
        referrer_fax="555-0199",
        family_name="Okafor",
        given_name=given,
        date_of_birth=date(1971, 3, 4),
        reason="Chronic low back pain for 2 years despite physiotherapy",
        diagnosis_codes=codes,
        requested_priority="urgent",
    )
    return intake.create_intake(context.db, context.actor, data).id


def page_for(qtbot: QtBot, context: AppContext) -> IntakePage:
    page = IntakePage(context=context)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    problems: list[str] = []
    page.report_problem = lambda error: problems.append(str(error))
    page.problems = problems  # type: ignore[attr-defined]
    return page


def visible_steps(page: IntakePage) -> set[str]:
    return {key for key, button in page.action_buttons.items() if button.isVisible()}


def test_the_form_shows_every_error_beside_its_field_and_saves(
    qtbot: QtBot, desk_context: AppContext
) -> None:
    form = IntakeForm(context=desk_context)
    qtbot.addWidget(form)
    form.show()
    form.codes.setText("M54")
    form.save()
    for field in ("referrer_name", "family_name", "given_name", "date_of_birth", "reason"):
        label = form.findChild(QLabel, f"{field}Error")
        assert label is not None and label.isVisible(), field
    codes_error = form.findChild(QLabel, "diagnosis_codesError")
    assert codes_error is not None and "category" in codes_error.text()
    assert form.saved is None
    form.resize(form.sizeHint())
    save_screenshot(form, "intake_form_errors")
    form.referrer_name.setText("Dr Mara Quinlan")
    form.family.setText("Okafor")
    form.given.setText("Bea")
    form.born.set_value(date(1971, 3, 4))
    form.reason.setPlainText("Chronic low back pain")
    form.codes.setText("m5450; g89.4")
    form.save()
    assert form.saved is not None and form.saved.diagnosis_codes == ("M54.50", "G89.4")


def test_tabs_count_and_the_front_desk_is_not_offered_triage(
    qtbot: QtBot, desk_context: AppContext
) -> None:
    first = entered(desk_context)
    entered(desk_context, "Cleo")
    page = page_for(qtbot, desk_context)
    assert page.tabs.tabText(0) == "Awaiting triage (2)"
    assert page.model.rowCount() == 2
    assert page.select(first)
    assert visible_steps(page) == {"withdraw"}  # accept / decline / more info: physicians
    assert page.triage_hint.isVisible()
    assert "Dr Mara Quinlan" in page.detail.text()
    save_screenshot(page, "intake_page_desk")


def test_a_physician_accepts_linking_the_look_alike_only_after_confirming(
    qtbot: QtBot, context: AppContext
) -> None:
    existing = new_patient(context.db, context.actor, "Okafor", "Bea", date(1971, 3, 4))
    member = new_member(context.db, context.actor, "pain_medicine", "Lee", "Avery")
    item_id = entered(context)
    page = page_for(qtbot, context)
    assert page.select(item_id)
    assert {"accept", "decline", "request_info", "withdraw"} == visible_steps(page)
    save_screenshot(page, "intake_page_physician")
    asked: list[list[PatientSummary]] = []
    page.ask_acceptance = lambda item: Acceptance(item.requested_priority, member.id)

    def cancel(matches: list[PatientSummary]) -> LinkAnswer:
        asked.append(matches)
        return "cancel"

    page.ask_link = cancel
    page.perform("accept")
    assert [m.id for m in asked[0]] == [existing.id]
    assert intake.get_intake(context.db, context.actor, item_id).state is IntakeState.RECEIVED
    page.ask_link = lambda matches: "link"
    page.perform("accept")
    accepted = intake.get_intake(context.db, context.actor, item_id)
    assert accepted.state is IntakeState.ACCEPTED and accepted.patient_id == existing.id
    assert page.tabs.tabText(2) == "Accepted (1)"
    assert "accepted" in page.message.text()


def test_declining_keeps_a_reply_letter_that_can_be_saved(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    item_id = entered(context)
    page = page_for(qtbot, context)
    page.select(item_id)
    page.ask_reason = lambda title, prompt: "Acute weakness: please refer to spine surgery today"
    page.perform("decline")
    assert page.problems == []  # type: ignore[attr-defined]
    assert "reply letter to the referrer is kept" in page.message.text()
    page.tabs.setCurrentIndex(page.views.index(IntakeList.CLOSED))
    assert page.select(item_id)
    assert "reply" in visible_steps(page)
    target = tmp_path / "reply.pdf"
    page.choose_pdf_path = lambda suggested: str(target)
    page.perform("reply")
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "please refer to spine surgery today" in text and "Dr Mara Quinlan" in text


def _drop(page: IntakePage, path: Path) -> tuple[bool, bool]:
    """A real drag-enter and drop of ``path`` (a file URL) onto the page."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(page, enter)
    drop = QDropEvent(
        QPointF(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(page, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropping_a_fhir_file_imports_it_and_a_bad_one_is_explained(
    qtbot: QtBot, desk_context: AppContext, tmp_path: Path
) -> None:
    page = page_for(qtbot, desk_context)
    good = tmp_path / "from-elm-street.json"
    good.write_text(json.dumps(primary_care_bundle()), encoding="utf-8")
    assert _drop(page, good) == (True, True)
    assert page.tabs.tabText(0) == "Awaiting triage (1)"
    assert page.model.rows[0].patient_name == "Haddad, Noor"
    assert "Imported from from-elm-street.json" in page.message.text()
    save_screenshot(page, "intake_page_imported")
    _drop(page, good)
    assert "was imported before" in page.message.text()
    bad = tmp_path / "notes.json"
    bad.write_text('{"resourceType": "Patient"}', encoding="utf-8")
    _drop(page, bad)
    assert page.message.text() == (
        "notes.json holds a FHIR Patient, not a Bundle of a referral. Nothing was imported."
    )
    assert page.model.rowCount() == 1
    text_file = tmp_path / "notes.txt"
    text_file.write_text("x", encoding="utf-8")
    assert _drop(page, text_file)[0] is False  # only .json files are taken


def test_the_section_is_offered_to_clinical_roles_not_administrators(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "Intake" in titles
    admin = make_actor(context.db, password_hash, "boss", UserRole.ADMINISTRATOR, "Pat Admin")
    other = MainWindow(context=AppContext(db=context.db, actor=admin, settings=context.settings))
    qtbot.addWidget(other)
    assert "Intake" not in [
        other.navigation.item(i).text() for i in range(other.navigation.count())
    ]
    page = window.show_page("intake")
    assert isinstance(page, IntakePage)


def test_the_dashboard_shows_the_intake_panel(
    qtbot: QtBot, desk_context: AppContext, password_hash: str
) -> None:
    from carecoord.ui.dashboard import DashboardPage

    entered(desk_context)
    page = DashboardPage(context=desk_context)
    qtbot.addWidget(page)
    page.resize(1280, 900)
    page.show()
    page.wait_for_threads()
    assert page.intake_triage_tile.value.text() == "1"
    assert page.intake_overdue_tile.value.text() == "0"
    qtbot.waitUntil(lambda: page.board is not None, timeout=5000)
    save_screenshot(page, "dashboard_intake_panel")
    entered(desk_context, "Cleo")
    page.hide()
    page.show()  # back on the dashboard: the panel counts again
    assert page.intake_triage_tile.value.text() == "2"
    admin = make_actor(desk_context.db, password_hash, "boss", UserRole.ADMINISTRATOR, "Pat")
    other = DashboardPage(
        context=AppContext(db=desk_context.db, actor=admin, settings=desk_context.settings)
    )
    qtbot.addWidget(other)
    other.show()
    other.wait_for_threads()
    assert not other.intake_row.isVisible()  # administrators see no intake


def test_the_front_desk_waitlists_books_and_records_the_visit(
    qtbot: QtBot, desk_context: AppContext, password_hash: str
) -> None:
    item_id = entered(desk_context)
    doctor = make_actor(desk_context.db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Lee")
    member = new_member(desk_context.db, doctor, "pain_medicine", "Lee", "Avery")
    intake.accept_intake(
        desk_context.db, doctor, item_id, priority="routine", coordinating_member_id=member.id
    )
    page = page_for(qtbot, desk_context)
    page.tabs.setCurrentIndex(page.views.index(IntakeList.ACCEPTED))
    assert page.select(item_id)
    assert visible_steps(page) == {"waitlist", "book", "withdraw", "chart"}
    page.perform("waitlist")
    assert page.tabs.tabText(page.views.index(IntakeList.WAITLISTED)) == "Waitlisted (1)"
    page.tabs.setCurrentIndex(page.views.index(IntakeList.WAITLISTED))
    assert page.select(item_id)
    page.ask_date = lambda title, prompt: date.today()
    page.perform("book")
    page.tabs.setCurrentIndex(page.views.index(IntakeList.BOOKED))
    assert page.select(item_id) and visible_steps(page) == {"seen", "withdraw", "chart"}
    page.perform("seen")
    assert intake.get_intake(desk_context.db, doctor, item_id).state is IntakeState.SEEN
    assert page.problems == []  # type: ignore[attr-defined]
