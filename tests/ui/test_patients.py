"""The Patients page, its lazy search model, the patient form and discharge."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.services import patients
from carecoord.services.patients import PatientInput
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.patients.form import DischargeDialog, PatientForm
from carecoord.ui.patients.model import PAGE_SIZE, PatientSearchModel
from carecoord.ui.patients.page import PatientsPage
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    """Remembered layouts go to a temporary place, never the developer's own settings."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def make_page(qtbot: QtBot, context: AppContext) -> PatientsPage:
    page = PatientsPage(context=context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    return page


def fill(qtbot: QtBot, form: PatientForm, **values: str) -> None:
    for name, text in values.items():
        edit = getattr(form, name)
        assert isinstance(edit, QLineEdit)
        edit.clear()
        if text.isascii():
            qtbot.keyClicks(edit, text)
        else:  # QTest types ASCII only; paste the rest as an input method would
            edit.insert(text)


def distinct_colours(path: Path) -> int:
    image = QImage(str(path))
    assert not image.isNull()
    seen = set()
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            seen.add(image.pixel(x, y))
    return len(seen)


# ------------------------------------------------------------------------ the form
def test_create_patient_through_form_then_find_it(qtbot: QtBot, context: AppContext) -> None:
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    changed: list[int] = []
    context.events.patient_changed.connect(changed.append)
    fill(qtbot, form, family="Ñúñez", given="Zoë", born="05/12/1980", phone="555-0142")
    form.sex.setCurrentIndex(form.sex.findData("female"))
    assert "blank" in form.mrn.placeholderText()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert form.result() == QDialog.DialogCode.Accepted
    assert form.saved_patient_id is not None
    assert changed == [form.saved_patient_id]
    saved = patients.get_patient(context.db, context.actor, form.saved_patient_id)
    assert (saved.family_name, saved.date_of_birth) == ("Ñúñez", date(1980, 5, 12))
    assert saved.mrn.startswith("CC")

    page = make_page(qtbot, context)
    qtbot.keyClicks(page.search, "nunez zo")
    qtbot.waitUntil(lambda: not page.debounce.isActive())
    assert page.model.rowCount() == 1
    assert page.model.rows[0].id == form.saved_patient_id
    assert "1 active patient" in page.result_hint.text()
    # the date of birth finds the patient too, in either format
    page.search.setText("1980-05-12")
    page.run_search()
    assert [p.id for p in page.model.rows] == [form.saved_patient_id]


def test_future_date_of_birth_is_shown_under_the_field(qtbot: QtBot, context: AppContext) -> None:
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    form.show()
    future = (date.today() + timedelta(days=3)).isoformat()
    fill(qtbot, form, family="Okafor", given="Ada", born=future)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    error = form.findChild(QLabel, "date_of_birthError")
    assert error is not None and error.isVisible()
    assert "future" in error.text()
    assert form.result() != QDialog.DialogCode.Accepted and form.isVisible()
    assert form.saved_patient_id is None
    assert patients.count_patients(context.db, context.actor) == 0
    path = save_screenshot(form, "patient_form_validation")
    assert distinct_colours(path) > 20


def test_duplicate_warning_go_back_then_save_anyway(qtbot: QtBot, context: AppContext) -> None:
    new_patient(context.db, context.actor, "Ñúñez", "Zoë", date(1980, 5, 12))
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    asked: list[list[Any]] = []
    answers = [False, True]

    def confirm(matches: list[Any]) -> bool:
        asked.append(matches)
        return answers.pop(0)

    form.confirm_duplicate = confirm
    fill(qtbot, form, family="Nunez", given="Zoe", born="1980-05-12")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and asked[0][0].family_name == "Ñúñez"
    assert patients.count_patients(context.db, context.actor) == 1  # "Go back": nothing saved
    assert form.result() != QDialog.DialogCode.Accepted

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # "Save anyway"
    assert len(asked) == 2
    assert form.result() == QDialog.DialogCode.Accepted
    assert patients.count_patients(context.db, context.actor) == 2


def test_edit_patient_and_conflict_offers_reload(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = new_patient(context.db, context.actor)
    form = PatientForm(context=context, patient_id=patient.id)
    qtbot.addWidget(form)
    assert form.family.text() == "Ñúñez" and form.born.text() == "1980-05-12"
    # someone else saves first
    patients.update_patient(
        context.db,
        context.actor,
        patient.id,
        PatientInput("Ñúñez", "Zoë", date(1980, 5, 12), "female", phone="555-0199"),
        expected_version=patient.version,
    )
    offered: list[str] = []

    def offer(parent: object, error: Exception, reload: Any) -> bool:
        offered.append(str(error))
        reload()
        return True

    monkeypatch.setattr("carecoord.ui.forms.offer_reload", offer)
    fill(qtbot, form, language="Spanish")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert offered and "changed by" in offered[0]
    assert form.phone.text() == "555-0199"  # reloaded
    fill(qtbot, form, language="Spanish")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Accepted
    saved = patients.get_patient(context.db, context.actor, patient.id)
    assert saved.preferred_language == "Spanish" and saved.phone == "555-0199"


# ------------------------------------------------------------------- search model
def family_name(i: int) -> str:
    """Fam-aa, Fam-ab, ...: letters only, so the search reads them as names, not MRNs."""
    return "Fam" + chr(97 + i // 26 % 26) + chr(97 + i % 26)


def many_patients(context: AppContext, count: int) -> None:
    for i in range(count):
        patients.create_patient(
            context.db,
            context.actor,
            PatientInput(family_name(i), "Given", date(1950, 1, 1) + timedelta(days=i), "other"),
        )


def test_model_passes_qtmodeltester(qtmodeltester: Any, context: AppContext) -> None:
    many_patients(context, 70)
    model = PatientSearchModel(context=context)
    model.set_query("")
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    qtmodeltester.check(model)
    model.fetchMore()
    assert model.rowCount() == 70 and not model.canFetchMore()
    qtmodeltester.check(model)
    model.set_query("famab")
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "Famab, Given"
    assert model.data(model.index(0, 2)) == "1950-01-02"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "MRN"


def test_debounced_search_and_fetch_more(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_patients(context, 260)
    page = make_page(qtbot, context)
    assert page.model.rowCount() == PAGE_SIZE
    assert "50+" in page.result_hint.text()

    calls: list[str] = []
    real = patients.search_page

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(patients, "search_page", counting)
    qtbot.keyClicks(page.search, "fam giv")
    assert calls == []  # nothing while typing
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=2000)
    qtbot.wait(200)
    assert calls == ["fam giv"]  # one query for seven keystrokes
    assert page.model.rowCount() == PAGE_SIZE

    # scrolling to the end fetches the rest, a page at a time
    while page.model.canFetchMore():
        page.table.scrollToBottom()
        qtbot.wait(10)
        page.model.fetchMore()
    assert page.model.rowCount() == 260
    assert len(calls) == 6  # five more pages of at most 50, never the whole table at once
    assert "260 active patients" in page.result_hint.text()


def test_enter_opens_chart_and_discharge_readmit(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    page = make_page(qtbot, context)
    page.table.setFocus()
    page.table.selectRow(0)
    with qtbot.waitSignal(context.navigator.chart_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [patient.id]

    assert page.discharge_button.text() == "Discharge…"
    dialog = page.discharge_or_readmit()
    assert isinstance(dialog, DischargeDialog)
    confirm = dialog.findChild(QPushButton, "confirmDischarge")
    assert confirm is not None
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)  # no reason yet
    reason_error = dialog.findChild(QLabel, "discharge_reasonError")
    assert reason_error is not None and "required" in reason_error.text()
    qtbot.keyClicks(dialog.reason.edit, "Goals met; back to primary care")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert page.model.rowCount() == 0  # active patients only
    assert "Show discharged" in page.result_hint.text()

    page.show_discharged.setChecked(True)
    assert page.model.rows[0].status == PatientStatus.DISCHARGED
    page.table.selectRow(0)
    assert page.discharge_button.text() == "Readmit…"
    page.confirm_readmit = lambda _parent, _patient: True
    qtbot.mouseClick(page.discharge_button, Qt.MouseButton.LeftButton)
    assert page.model.rows[0].status == PatientStatus.ACTIVE
    assert page.selected_patient() is not None  # selection kept across the refresh


def test_front_desk_registers_and_focus_search(qtbot: QtBot, desk_context: AppContext) -> None:
    page = make_page(qtbot, desk_context)
    assert page.new_button.isVisible()
    form = page.new_patient()
    fill(qtbot, form, family="Łukasz", given="Nowak", born="1975-02-03")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.selected_patient() is not None
    page.focus_search()
    assert page.focusWidget() is page.search


def test_patients_page_screenshot(qtbot: QtBot, demo_context: AppContext) -> None:
    page = make_page(qtbot, demo_context)
    page.resize(1100, 650)
    page.table.selectRow(2)
    path = save_screenshot(page, "patients_page")
    assert page.model.rowCount() == PAGE_SIZE
    assert distinct_colours(path) > 30
    form = PatientForm(context=demo_context, patient_id=page.model.rows[2].id)
    qtbot.addWidget(form)
    form.show()
    save_screenshot(form, "patient_form_edit")


def test_typing_a_search_audits_once_per_session_when_leaving_the_list(
    qtbot: QtBot, context: AppContext
) -> None:
    from sqlalchemy import select

    from carecoord.models import AuditEvent

    def details() -> list[str]:
        with context.db.session() as session:
            return list(
                session.scalars(
                    select(AuditEvent.detail)
                    .where(AuditEvent.action == "search")
                    .order_by(AuditEvent.id)
                )
            )

    new_patient(context.db, context.actor, family="Okafor", given="Ada")
    page = make_page(qtbot, context)
    before = details()
    for text in ("O", "Ok", "Oka", "Okaf"):
        page.search.setText(text)
        page.run_search()
    assert page.model.rowCount() == 1
    assert details() == before  # no audit commit per keystroke
    page.hide()  # another page or the window closing ends the search session
    added = details()[len(before) :]
    assert len(added) == 1 and added[0].startswith("search session: ")
    assert "name " in added[0]
    page.show()
    page.search.setText("Okafo")
    page.run_search()
    with qtbot.waitSignal(context.navigator.chart_requested, timeout=1000):
        page._search_return()  # one match: Enter opens the chart, the search is on record
    assert len(details()) == len(before) + 2


def test_model_releases_pages_far_off_screen_and_reads_them_again(
    qtmodeltester: Any, context: AppContext
) -> None:
    many_patients(context, 260)
    model = PatientSearchModel(context=context)
    model.KEEP_PAGES = 2
    model.set_query("")
    first = model.patient_at(0)
    assert first is not None
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 260
    assert sorted(model.pages) == [4, 5]  # only the pages near the end stay in memory
    assert model.loaded_rows() == 60
    again = model.patient_at(0)  # scrolled back to the top: page 0 is read again
    assert again is not None and again.id == first.id
    assert model.data(model.index(0, 0)) == first.display_name
    assert len(model.pages) == 2 and 0 in model.pages
    assert model.data(model.index(259, 1)) is not None
    qtmodeltester.check(model)


def test_every_bad_field_is_shown_at_once_and_goes_when_fixed(
    qtbot: QtBot, context: AppContext
) -> None:
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    form.show()
    fill(qtbot, form, family="Okafor", given="", born="02/30/1980", email="ada.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    shown = {
        name: label.text()
        for name in ("family_name", "given_name", "date_of_birth", "email")
        if (label := form.findChild(QLabel, f"{name}Error")) is not None and label.isVisible()
    }
    assert shown == {
        "given_name": "Is required",
        "date_of_birth": "Must be a real date, typed as YYYY-MM-DD or MM/DD/YYYY",
        "email": "Is not an e-mail address",
    }
    email_error = form.findChild(QLabel, "emailError")
    given_error = form.findChild(QLabel, "given_nameError")
    assert email_error is not None and given_error is not None
    form.email.selectAll()  # retyped over the old text: every keystroke is re-checked
    qtbot.keyClicks(form.email, "ada@")  # still wrong: the message stays
    assert email_error.isVisible() and email_error.text() == "Is not an e-mail address"
    fill(qtbot, form, email="ada@example.org")  # fixed: its message goes, the others stay
    assert not email_error.isVisible()
    assert given_error.isVisible() and given_error.text() == "Is required"
    fill(qtbot, form, given="Ada", born="02/28/1980")
    assert not given_error.isVisible()
    assert patients.count_patients(context.db, context.actor) == 0
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Accepted
    saved = patients.get_patient(context.db, context.actor, form.saved_patient_id or 0)
    assert (saved.given_name, saved.date_of_birth, saved.email) == (
        "Ada",
        date(1980, 2, 28),
        "ada@example.org",
    )


def test_a_10000_character_reason_is_cut_at_the_maximum_without_a_box(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor, "Okafor", "Ada", date(1975, 4, 2))
    dialog = DischargeDialog(chart=ChartScope(context, patient.id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reason.counter.text() == "0 / 400"
    dialog.reason.edit.insertPlainText("x" * 10_000)  # a paste
    assert len(dialog.reason.toPlainText()) == 400
    assert dialog.reason.counter.text() == "400 / 400"
    qtbot.keyClicks(dialog.reason.edit, "more")
    assert dialog.reason.toPlainText() == "x" * 400
    assert QApplication.activeModalWidget() in (None, dialog)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    detail = patients.get_patient(context.db, context.actor, patient.id)
    assert detail.status == PatientStatus.DISCHARGED


def test_duplicate_dialog_opens_the_existing_chart(qtbot: QtBot, context: AppContext) -> None:
    existing = new_patient(context.db, context.actor, "Ñúñez", "Zoë", date(1980, 5, 12))
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    form.show()
    fill(qtbot, form, family="Nunez", given="Zoe", born="05/12/1980")
    clicked: list[str] = []

    def press_open() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.objectName() == "duplicateDialog"
        button = box.findChild(QPushButton, "openExistingChart")
        assert button is not None
        clicked.append(button.text())
        button.click()

    QTimer.singleShot(100, press_open)
    with qtbot.waitSignal(context.navigator.chart_requested, timeout=3000) as opened:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert clicked == ["Open the existing chart"]
    assert opened.args == [existing.id]
    assert form.result() == QDialog.DialogCode.Rejected
    assert patients.count_patients(context.db, context.actor) == 1
