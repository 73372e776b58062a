"""The Headache profile and Documents tabs: save with conflicts, attach, drop and open files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from carecoord.clinical.headache import AcuteDrugClass, RedFlag
from carecoord.clinical.vocabulary import DocumentKind, HeadacheType
from carecoord.errors import ConflictError
from carecoord.models import Document, HeadacheProfile
from carecoord.services import chart, documents, record
from carecoord.ui import forms
from carecoord.ui.chart.documents_tab import AttachDocumentDialog, DocumentsTab
from carecoord.ui.chart.headache_tab import EMPTY_TEXT, HeadacheTab
from carecoord.ui.context import AppContext
from tests.services.helpers import PDF_BYTES, new_patient
from tests.ui.conftest import save_screenshot

# ------------------------------------------------------------------------------ headache


def make_headache_tab(qtbot: QtBot, context: AppContext, patient_id: int) -> HeadacheTab:
    tab = HeadacheTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    return tab


def test_headache_profile_save_shows_likely_overuse(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    message = tab.findChild(QLabel, "headacheEmptyMessage")
    assert message is not None and message.isVisible() and message.text() == EMPTY_TEXT
    start = tab.findChild(QPushButton, "startHeadacheProfile")
    assert start is not None
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    assert tab.stack.currentWidget() is tab.form_page
    tab.type_combo.setCurrentIndex(tab.type_combo.findData(HeadacheType.MIGRAINE))
    tab.with_aura.setChecked(True)
    tab.attacks.setValue(8)
    tab.headache_days.setValue(18)
    tab.medication_days.setValue(9)
    assert tab.overuse_risk() == "none"
    tab.medication_days.setValue(15)
    assert tab.risk_label.text() == "Medication-overuse risk: likely"
    assert "ICHD-3 8.2" in tab.risk_detail.text()
    tab.triggers.setText("sleep loss, red wine")
    changed: list[int] = []
    context.events.patient_changed.connect(changed.append)
    with qtbot.waitSignal(tab.changed, timeout=2000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert changed == [patient.id]
    assert not tab.dirty and not tab.save_button.isEnabled()
    stored = chart.load_chart(context.db, context.actor, patient.id).headache
    assert stored is not None
    assert (stored.headache_type, stored.with_aura, stored.overuse_risk) == (
        HeadacheType.MIGRAINE,
        True,
        "likely",
    )
    assert (stored.acute_medication_days_per_month, stored.triggers) == (
        15,
        "sleep loss, red wine",
    )
    assert tab.risk_label.text() == "Medication-overuse risk: likely"
    tab.medication_days.setValue(11)
    assert tab.overuse_risk() == "possible"


def test_headache_validation_is_shown_beside_the_field(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    tab.start_profile()
    tab.headache_days.setValue(4)
    tab.medication_days.setValue(8)
    tab.class_days[AcuteDrugClass.TRIPTAN].setValue(9)
    with qtbot.assertNotEmitted(tab.changed):
        assert tab.save() is False
    error = tab.findChild(QLabel, "triptan_days_per_monthError")
    assert error is not None and error.isVisible()
    assert error.text().startswith("Triptans on 9 days cannot exceed the 8 acute-medication days")


def test_medication_days_above_headache_days_are_saved(qtbot: QtBot, context: AppContext) -> None:
    # ICHD-3 counts them differently; the old refusal is gone
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    tab.start_profile()
    tab.headache_days.setValue(4)
    tab.medication_days.setValue(10)
    assert tab.save() is True
    assert tab.profile is not None and tab.profile.acute_medication_days_per_month == 10


def test_class_days_and_red_flags_drive_the_panels(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    tab.start_profile()
    assert tab.flags_label.text() == "Red flags not screened yet (SNNOOP10)."
    tab.headache_days.setValue(16)
    tab.medication_days.setValue(12)
    tab.class_days[AcuteDrugClass.SIMPLE_ANALGESIC].setValue(12)
    # NSAIDs on 12 days: below their 15-day threshold
    assert tab.overuse_risk() == "none"
    tab.class_days[AcuteDrugClass.SIMPLE_ANALGESIC].setValue(-1)
    tab.class_days[AcuteDrugClass.TRIPTAN].setValue(12)
    assert tab.risk_label.text() == "Medication-overuse risk: likely"
    assert "Triptans on 12 days a month (>= 10, ICHD-3 8.2.2)." in tab.risk_detail.text()
    tab.flags_box.setChecked(True)
    assert tab.flags_label.text() == "No red flags found (SNNOOP10 screen)."
    tab.flag_boxes[RedFlag.POSITIONAL].setChecked(True)
    assert tab.flags_label.text() == (
        "Red flags: Positional headache — urgent neurology referral suggested."
    )
    assert tab.save() is True
    stored = record.get_headache_profile(context.db, context.actor, patient.id)
    assert stored is not None
    assert stored.red_flags == (RedFlag.POSITIONAL,)
    assert stored.days_by_class[AcuteDrugClass.TRIPTAN] == 12
    assert stored.days_by_class[AcuteDrugClass.SIMPLE_ANALGESIC] is None


def test_saving_over_a_newer_profile_offers_a_reload(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = new_patient(context.db, context.actor)
    first = record.HeadacheInput(HeadacheType.TENSION_TYPE, 4, 6, 2)
    record.save_headache_profile(context.db, context.actor, patient.id, first)
    tab = make_headache_tab(qtbot, context, patient.id)
    assert tab.profile is not None and tab.profile.version == 1
    # Someone else saves meanwhile.
    other = record.HeadacheInput(HeadacheType.MIGRAINE, 6, 12, 12, triggers="stress")
    record.save_headache_profile(context.db, context.actor, patient.id, other, expected_version=1)

    offered: list[ConflictError] = []

    def accept_reload(
        parent: QWidget | None, error: ConflictError, reload: Callable[[], None]
    ) -> bool:
        offered.append(error)
        reload()
        return True

    monkeypatch.setattr(forms, "offer_reload", accept_reload)
    tab.attacks.setValue(20)
    tab.headache_days.setValue(20)
    assert tab.save() is False
    assert len(offered) == 1 and "changed by drlee" in str(offered[0])
    # After the reload the form shows the other person's profile.
    assert tab.type_combo.currentData() == HeadacheType.MIGRAINE
    assert tab.triggers.text() == "stress"
    assert tab.overuse_risk() == "possible"
    assert tab.profile is not None and tab.profile.version == 2


def test_a_profile_created_elsewhere_meanwhile_is_a_conflict(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    tab.start_profile()
    record.save_headache_profile(
        context.db, context.actor, patient.id, record.HeadacheInput(HeadacheType.MIGRAINE)
    )
    offered: list[ConflictError] = []

    def keep_editing(
        parent: QWidget | None, error: ConflictError, reload: Callable[[], None]
    ) -> bool:
        offered.append(error)
        return False

    monkeypatch.setattr(forms, "offer_reload", keep_editing)
    tab.attacks.setValue(3)
    assert tab.save() is False
    assert len(offered) == 1
    # "Keep editing": the form still holds what was typed, and a refresh leaves it alone.
    tab.refresh()
    assert tab.dirty and tab.attacks.value() == 3


def test_screenshot_headache_tab(qtbot: QtBot, demo_context: AppContext) -> None:
    with demo_context.db.session() as session:
        patient_id = session.scalar(
            select(HeadacheProfile.patient_id)
            .order_by(HeadacheProfile.acute_medication_days_per_month.desc())
            .limit(1)
        )
    assert patient_id is not None
    tab = make_headache_tab(qtbot, demo_context, patient_id)
    assert tab.stack.currentWidget() is tab.form_page
    assert "Medication-overuse risk" in tab.risk_label.text()
    path = save_screenshot(tab, "chart_headache_tab")
    assert _distinct_colours(QImage(str(path))) > 20


def test_screenshot_headache_empty_state(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_headache_tab(qtbot, context, patient.id)
    tab.resize(900, 400)
    path = save_screenshot(tab, "chart_headache_empty")
    assert _distinct_colours(QImage(str(path))) > 5


# ----------------------------------------------------------------------------- documents


def make_documents_tab(qtbot: QtBot, context: AppContext, patient_id: int) -> DocumentsTab:
    tab = DocumentsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    return tab


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "Neurology report Zoë.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def capture_opener(tab: DocumentsTab) -> list[str]:
    opened: list[str] = []

    def opener(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    tab.opener = opener
    return opened


def test_attach_a_pdf_and_open_it(qtbot: QtBot, context: AppContext, pdf_file: Path) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_documents_tab(qtbot, context, patient.id)
    assert tab.empty.isVisible() and not tab.open_button.isEnabled()
    tab.pick_files = lambda parent: [str(pdf_file)]
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, AttachDocumentDialog) and dialog.isVisible()
    assert pdf_file.name in dialog.files_label.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.SPECIALIST_REPORT))
    dialog.title_edit.setText("Neurology consult")
    changed: list[int] = []
    context.events.patient_changed.connect(changed.append)
    with qtbot.waitSignal(tab.changed, timeout=2000):
        qtbot.mouseClick(
            dialog.findChild(QPushButton, "attachSave"),
            Qt.MouseButton.LeftButton,
        )
    assert changed == [patient.id]
    assert tab.model.rowCount() == 1 and not tab.empty.isVisible()
    assert tab.model.index(0, 1).data() == "Specialist report"
    assert tab.model.index(0, 2).data() == f"Neurology consult — {pdf_file.name}"
    assert tab.model.index(0, 4).data() == f"{len(PDF_BYTES)} B"
    assert tab.model.index(0, 5).data() == "drlee"

    opened = capture_opener(tab)
    tab.table.selectRow(0)
    assert tab.open_button.isEnabled()
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    assert Path(opened[0]).name == pdf_file.name
    assert Path(opened[0]).read_bytes() == PDF_BYTES


def test_drop_a_file_to_attach_it(qtbot: QtBot, context: AppContext, pdf_file: Path) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_documents_tab(qtbot, context, patient.id)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf_file)), QUrl("https://example.org/x.pdf")])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tab, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tab, drop)
    assert drop.isAccepted()
    dialog = tab.dialog
    assert dialog is not None and dialog.paths == [pdf_file]
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.IMAGING))
    with qtbot.waitSignal(tab.changed, timeout=2000):
        assert dialog.save() is True
    stored = documents.list_documents(context.db, context.actor, patient.id)
    assert [(d.kind, d.file_name, d.size_bytes) for d in stored] == [
        (DocumentKind.IMAGING, pdf_file.name, len(PDF_BYTES))
    ]
    opened = capture_opener(tab)
    path = tab.open_document(stored[0].id)
    assert path is not None and opened == [str(path)]
    assert path.read_bytes() == PDF_BYTES


def test_a_drop_without_local_files_is_refused(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_documents_tab(qtbot, context, patient.id)
    mime = QMimeData()
    mime.setText("not a file")
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tab, enter)
    assert not enter.isAccepted()


def test_a_non_pdf_renamed_pdf_is_refused_with_the_message(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient = new_patient(context.db, context.actor)
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"PK\x03\x04 this is really a zip file")
    tab = make_documents_tab(qtbot, context, patient.id)
    dialog = tab.attach_files([fake])
    assert dialog is not None
    with qtbot.assertNotEmitted(tab.changed):
        assert dialog.save() is False
    error = dialog.findChild(QLabel, "fileError")
    assert error is not None and error.isVisible()
    assert error.text() == "The file is not a valid PDF (scan.pdf)"
    assert dialog.isVisible()
    assert documents.list_documents(context.db, context.actor, patient.id) == []
    # A type the chart does not take at all names the accepted ones.
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    word = tab.attach_files([other])
    assert word is not None and word.save() is False
    label = word.findChild(QLabel, "fileError")
    assert label is not None and label.text() == (
        "Must be a PDF, PNG, JPEG or TIFF file (notes.docx)"
    )


def test_documents_model_is_a_valid_qt_model(
    qtbot: QtBot, qtmodeltester: object, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    for name in ("a.pdf", "b.pdf"):
        documents.attach_document(
            context.db,
            context.actor,
            patient.id,
            documents.DocumentUpload(name, PDF_BYTES, DocumentKind.LAB_RESULT),
        )
    tab = make_documents_tab(qtbot, context, patient.id)
    assert tab.model.rowCount() == 2
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]  # pytest-qt fixture


def test_screenshot_documents_tab(qtbot: QtBot, demo_context: AppContext) -> None:
    with demo_context.db.session() as session:
        patient_id = session.scalar(
            select(Document.patient_id)
            .group_by(Document.patient_id)
            .order_by(func.count().desc(), Document.patient_id)
            .limit(1)
        )
    assert patient_id is not None
    tab = make_documents_tab(qtbot, demo_context, patient_id)
    assert tab.model.rowCount() >= 1
    tab.table.selectRow(0)
    path = save_screenshot(tab, "chart_documents_tab")
    assert _distinct_colours(QImage(str(path))) > 10


def _distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 200)
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(image.height())}
    )


def test_the_chart_window_hosts_these_tabs(qtbot: QtBot, context: AppContext) -> None:
    from carecoord.ui.chart.assessments_tab import AssessmentsTab
    from carecoord.ui.chart.window import ChartWindow

    patient = new_patient(context.db, context.actor)
    window = ChartWindow(context=context, patient_id=patient.id)
    qtbot.addWidget(window)
    assert isinstance(window.tab("documents"), DocumentsTab)
    assert isinstance(window.tab("assessments"), AssessmentsTab)
    headache = window.tab("headache")
    assert isinstance(headache, HeadacheTab)
    window.show_tab("headache")
    headache.start_profile()
    headache.headache_days.setValue(20)
    headache.medication_days.setValue(16)
    with qtbot.waitSignal(headache.changed, timeout=2000):
        assert headache.save()
    qtbot.wait(20)  # the window coalesces the reload on a zero-time timer
    assert window.chart.headache is not None
    assert window.chart.headache.overuse_risk == "likely"
