"""Document review on screen (docs/clinical-reference.md §12): the filing dialog names a
reviewer, the clipboard pastes an image or a PDF, and the inbox records a review."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from carecoord.clinical.vocabulary import DataCategory, DocumentKind, UserRole
from carecoord.models import ReviewItem, User
from carecoord.services import documents, review, team
from carecoord.services.actor import Actor
from carecoord.services.documents import DocumentUpload
from carecoord.services.review import ReviewKind
from carecoord.ui.chart.documents_tab import DocumentsTab
from carecoord.ui.context import AppContext
from carecoord.ui.review.page import ReviewPage
from tests.conftest import make_actor
from tests.services.helpers import PDF_BYTES, new_member, new_patient
from tests.ui.conftest import save_screenshot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _linked(context: AppContext, actor: Actor, member_id: int) -> AppContext:
    """``actor`` linked to their directory entry (as the users dialog does), in a context."""
    with context.db.session(write=True) as session:
        session.execute(
            update(User).where(User.id == actor.user_id).values(team_member_id=member_id)
        )
        session.commit()
    return AppContext(
        db=context.db, actor=replace(actor, team_member_id=member_id), settings=context.settings
    )


def _team(context: AppContext, password_hash: str) -> tuple[int, AppContext, AppContext]:
    """A patient whose team is Dr Lee (coordinating) and Jo Park (therapist, a clinician)."""
    db, owner = context.db, context.actor
    patient = new_patient(db, owner).id
    lee = new_member(db, owner, "pain_medicine", "Lee", "Avery")
    park = new_member(db, owner, "physical_therapy", "Park", "Jo")
    team.assign_member(db, owner, patient, lee.id, "coordinating_physician")
    team.assign_member(db, owner, patient, park.id, "therapist")
    therapist = make_actor(db, password_hash, "therapist", UserRole.CLINICIAN, "Jo Park")
    return patient, _linked(context, owner, lee.id), _linked(context, therapist, park.id)


def _tab(qtbot: QtBot, context: AppContext, patient_id: int) -> DocumentsTab:
    tab = DocumentsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    return tab


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "MRI lumbar spine.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def _items(combo: object) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_filing_names_a_reviewer_from_the_team(
    qtbot: QtBot,
    context: AppContext,
    desk_context: AppContext,
    password_hash: str,
    pdf_file: Path,
) -> None:
    patient, _doctor, therapist = _team(context, password_hash)
    tab = _tab(qtbot, desk_context, patient)
    dialog = tab.attach_files([pdf_file])
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.IMAGING))
    assert _items(dialog.reviewer) == [
        "Avery Lee, MD — coordinating physician (default)",
        "Jo Park, MD — therapist",
    ]
    assert dialog.reviewer.currentIndex() == 0 and dialog.reviewer.isEnabled()
    # Substance-use records: a clinician may not read them, so only Dr Lee is offered.
    dialog.category.setCurrentIndex(dialog.category.findData(DataCategory.SUBSTANCE_USE))
    assert _items(dialog.reviewer) == ["Avery Lee, MD — coordinating physician (default)"]
    dialog.category.setCurrentIndex(0)
    # A copy of a letter the clinic sent is outgoing: nobody reviews it.
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.LETTER_SENT))
    assert _items(dialog.reviewer) == ["Not reviewed: a copy of a letter the clinic sent"]
    assert not dialog.reviewer.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.IMAGING))
    dialog.reviewer.setCurrentIndex(1)
    dialog.title_edit.setText("MRI lumbar spine")
    dialog.resize(dialog.sizeHint())
    save_screenshot(dialog, "attach_document_reviewer")
    with qtbot.waitSignal(tab.changed, timeout=2000):
        assert dialog.save() is True
    [item] = review.reports_to_review(context.db, therapist.actor)
    assert (item.kind, item.title) == (ReviewKind.IMAGING, "MRI lumbar spine")
    assert tab.model.index(0, 6).data() == "To review · Jo Park, MD"
    save_screenshot(tab, "documents_tab_review")


def test_paste_an_image_or_a_pdf_from_the_clipboard(
    qtbot: QtBot, context: AppContext, pdf_file: Path
) -> None:
    patient = new_patient(context.db, context.actor).id
    tab = _tab(qtbot, context, patient)
    clipboard = QGuiApplication.clipboard()

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    clipboard.setImage(image)
    dialog = tab.paste_from_clipboard()
    assert dialog is not None and dialog.paths == []
    [pasted] = dialog.files
    assert re.fullmatch(r"clipboard-\d{8}-\d{6}\.png", pasted.name)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.IMAGING))
    with qtbot.waitSignal(tab.changed, timeout=2000):
        assert dialog.save() is True

    pdf = QMimeData()
    pdf.setData("application/pdf", QByteArray(PDF_BYTES))
    clipboard.setMimeData(pdf)
    dialog = tab.paste_from_clipboard()
    assert dialog is not None
    assert re.fullmatch(r"clipboard-\d{8}-\d{6}\.pdf", dialog.files[0].name)
    with qtbot.waitSignal(tab.changed, timeout=2000):
        assert dialog.save() is True

    stored = documents.list_documents(context.db, context.actor, patient)
    assert sorted((d.kind, d.media_type) for d in stored) == [
        (DocumentKind.IMAGING, "image/png"),
        (DocumentKind.SPECIALIST_REPORT, "application/pdf"),
    ]
    png = next(d for d in stored if d.media_type == "image/png")
    _view, content = documents.get_document_content(context.db, context.actor, png.id)
    assert content.startswith(PNG_SIGNATURE)
    assert QImage.fromData(content).size().toTuple() == (64, 48)
    pdf_doc = next(d for d in stored if d.media_type == "application/pdf")
    assert documents.get_document_content(context.db, context.actor, pdf_doc.id)[1] == PDF_BYTES

    copied = QMimeData()  # a PDF file copied in the file manager: its URL
    copied.setUrls([QUrl.fromLocalFile(str(pdf_file))])
    clipboard.setMimeData(copied)
    dialog = tab.paste_from_clipboard()
    assert dialog is not None and dialog.paths == [pdf_file]
    dialog.reject()

    clipboard.setText("just some text")
    assert tab.paste_from_clipboard() is None
    assert tab.drop_hint.text() == "The clipboard holds no image or PDF to attach."


def test_the_inbox_records_a_documents_review(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    patient, doctor, _therapist = _team(context, password_hash)
    filed = documents.attach_document(
        context.db,
        context.actor,
        patient,
        DocumentUpload("liver.pdf", PDF_BYTES, "lab_result", title="Liver panel"),
    )
    page = ReviewPage(context=doctor)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    assert page.table.rowCount() == 1
    cells = [page.table.item(0, c) for c in (2, 3)]
    assert [c.text() if c else None for c in cells] == ["Lab result · Liver panel", ""]
    assert page.acknowledge_button.text() == "Record review"
    assert not page.acknowledge_button.isEnabled()  # read it first
    assert page.relevant.isVisibleTo(page) and not page.follow_up.isVisibleTo(page)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert page.acknowledge_button.isEnabled()
    assert page.pdf.title == "Liver panel"  # what printing and "Save as PDF" call it

    qtbot.mouseClick(page.acknowledge_button, Qt.MouseButton.LeftButton)  # no answer yet
    error = page.findChild(QLabel, "clinically_relevantError")
    assert error is not None and error.isVisible()
    assert error.text() == "Is required: answer yes or no"
    assert page.table.rowCount() == 1

    page.relevant_yes.setChecked(True)
    page.note.setPlainText("ALT 62 U/L; repeat in 4 weeks")
    save_screenshot(page, "document_review_inbox")
    qtbot.mouseClick(page.acknowledge_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 0
    assert page.findChild(QLabel, "reviewEmpty").isVisible()  # type: ignore[union-attr]
    with context.db.session() as session:
        row = session.scalar(select(ReviewItem).where(ReviewItem.document_id == filed.id))
        assert row is not None
        assert (row.acknowledged_by, row.clinically_relevant, row.note) == (
            "drlee",
            True,
            "ALT 62 U/L; repeat in 4 weeks",
        )


def test_filing_on_the_chart_updates_the_sidebar_count(
    qtbot: QtBot, context: AppContext, password_hash: str, pdf_file: Path
) -> None:
    from carecoord.ui.main_window import MainWindow

    patient, doctor, _therapist = _team(context, password_hash)
    window = MainWindow(context=doctor)
    qtbot.addWidget(window)
    window.show()

    def titles() -> list[str]:
        return [window.navigation.item(i).text() for i in range(window.navigation.count())]

    assert "Reports to review" in titles()
    tab = _tab(qtbot, doctor, patient)  # the same session's chart: same events
    dialog = tab.attach_files([pdf_file])
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.IMAGING))
    with qtbot.waitSignal(tab.changed, timeout=2000):
        assert dialog.save() is True
    assert "Reports to review (1)" in titles()
    inbox = window.show_page("review")
    assert isinstance(inbox, ReviewPage) and inbox.table.rowCount() == 1
    # Filed while the inbox is not shown: it reads again when it comes back.
    window.show_page("patients")
    documents.attach_document(
        doctor.db,
        doctor.actor,
        patient,
        DocumentUpload("labs.pdf", PDF_BYTES, "lab_result"),
    )
    assert window.show_page("review") is inbox and inbox.table.rowCount() == 2
