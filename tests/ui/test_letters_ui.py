"""Letters in the desktop app: the contents checklist, the PDF preview, printing, saving,
marking sent, and batches of the "to send" pile — real widgets over a real database."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState, SendMethod
from carecoord.models import ReferralEvent
from carecoord.services import assessments, documents, letters, record, referrals
from carecoord.services.letters import Section
from carecoord.services.worklist import WorklistView, worklist
from carecoord.ui.chart.referrals_tab import ReferralsTab
from carecoord.ui.context import AppContext
from carecoord.ui.letters.batch import BatchLettersDialog, BatchMode, BatchResult
from carecoord.ui.letters.choices_dialog import LetterChoicesDialog
from carecoord.ui.letters.preview import LetterPreviewWindow
from carecoord.ui.pdf_preview import PdfPreview, load_pdf, render_page, write_atomically
from carecoord.ui.referrals.editor import ReferralEditor
from carecoord.ui.referrals.worklist_page import ReferralsPage
from carecoord.ui.style import fg
from tests.letters.samples import small_pdf
from tests.services.helpers import new_member, new_patient, new_referral
from tests.ui.conftest import ARTIFACTS, save_screenshot

S = ReferralState


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    """Remembered geometry and folders go to a fresh folder for each test."""
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


@dataclass(frozen=True)
class Chart:
    patient_id: int
    oxycodone: int
    peg: int
    phq9: int
    document: int


def make_chart(context: AppContext) -> Chart:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    pid = patient.id
    record.add_diagnosis(db, actor, pid, "M54.50")
    record.add_diagnosis(db, actor, pid, "F32.A")
    med = record.MedicationInput
    oxy = record.add_medication(db, actor, pid, med("oxycodone", 10, "mg", "bid"))
    record.add_medication(db, actor, pid, med("sertraline", 50, "mg", "daily"))
    peg = assessments.record_assessment(
        db, actor, pid, "peg", {"pain": 7, "enjoyment": 6, "activity": 8}
    )
    phq9 = assessments.record_assessment(
        db, actor, pid, "phq9", {"items": [2, 2, 2, 1, 1, 1, 1, 1, 0]}
    )
    doc = documents.attach_document(
        db, actor, pid, documents.DocumentUpload("mri.pdf", small_pdf(1), "imaging", title="MRI")
    )
    return Chart(pid, oxy.id, peg.id, phq9.id, doc.id)


def referral_to(context: AppContext, chart: Chart, discipline: str, **extra: object) -> int:
    member = new_member(context.db, context.actor, discipline, "Wróbel", "Łukasz")
    return new_referral(context.db, context.actor, chart.patient_id, member, **extra).id


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def history(context: AppContext, referral_id: int) -> list[str]:
    with context.db.session() as session:
        return [
            e.reason or ""
            for e in session.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral_id, ReferralEvent.kind == "letter")
                .order_by(ReferralEvent.id)
            )
        ]


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(150)  # keeps the test's PDF small; the code caps at 600 dpi anyway
    return printer


def distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 120)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def first_draft(context: AppContext) -> int:
    """A typical draft of the demo clinic: not sensitive, to a rehabilitation discipline."""
    rows = worklist(context.db, context.actor, WorklistView.TO_SEND, limit=500)
    for row in rows:
        view = referrals.get_referral(context.db, context.actor, row.id)
        if not view.sensitive and "rehabilitation" in view.discipline.label.lower():
            return row.id
    return rows[0].id


# --------------------------------------------------------------------- choices dialog
def test_choices_preselect_by_discipline(qtbot: QtBot, context: AppContext) -> None:
    chart = make_chart(context)
    psychiatry = referral_to(context, chart, "psychiatry")
    rehab = referral_to(context, chart, "physical_rehabilitation")

    dialog = LetterChoicesDialog(context=context, referral_id=psychiatry)
    qtbot.addWidget(dialog)
    assert dialog.item_check(Section.SCORES, chart.phq9).isChecked()
    assert dialog.item_check(Section.SCORES, chart.peg).isChecked()
    assert dialog.findChild(QPushButton, "selectAll_scores") is not None
    assert dialog.findChild(QLabel, f"item_scores_{chart.phq9}Badge") is not None  # psychiatric

    dialog = LetterChoicesDialog(context=context, referral_id=rehab)
    qtbot.addWidget(dialog)
    assert dialog.item_check(Section.SCORES, chart.peg).isChecked()
    assert not dialog.item_check(Section.SCORES, chart.phq9).isChecked()
    options = dialog.options()
    assert chart.peg in options.assessment_ids and chart.phq9 not in options.assessment_ids


def test_unticked_item_is_left_out_of_the_letter(qtbot: QtBot, context: AppContext) -> None:
    chart = make_chart(context)
    rehab = referral_to(context, chart, "physical_rehabilitation")
    dialog = LetterChoicesDialog(context=context, referral_id=rehab)
    qtbot.addWidget(dialog)
    dialog.show()
    before = pdf_text(letters.generate_letter(context.db, context.actor, rehab, dialog.options()))
    assert "oxycodone" in before and "PEG" in before

    oxycodone = dialog.item_check(Section.MEDICATIONS, chart.oxycodone)
    qtbot.mouseClick(oxycodone, Qt.MouseButton.LeftButton, pos=oxycodone.rect().center())
    qtbot.mouseClick(dialog.findChild(QPushButton, "selectNone_scores"), Qt.MouseButton.LeftButton)
    options = dialog.options()
    assert chart.oxycodone not in options.medication_ids and not options.assessment_ids
    after = pdf_text(letters.generate_letter(context.db, context.actor, rehab, options))
    assert "oxycodone" not in after and "M54.50" in after
    assert "PEG 6.7" not in after


def test_sensitive_psychiatry_referral_keeps_what_the_psychiatrist_needs(
    qtbot: QtBot, context: AppContext
) -> None:
    chart = make_chart(context)
    referral = referral_to(context, chart, "psychiatry", sensitive=True)
    dialog = LetterChoicesDialog(context=context, referral_id=referral)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(QLabel, "sensitiveNote").isVisible()  # type: ignore[union-attr]
    options = dialog.options()
    assert {Section.DIAGNOSES, Section.MEDICATIONS, Section.ALLERGIES} <= options.sections
    assert chart.oxycodone in options.medication_ids and chart.phq9 in options.assessment_ids
    assert not dialog.packet
    # The packet's documents follow the packet checkbox.
    packet = dialog.packet_check
    assert packet.isEnabled()
    packet.setChecked(True)
    document = dialog.findChild(QCheckBox, f"document_{chart.document}")
    assert document is not None
    document.setChecked(True)
    assert dialog.packet and dialog.options().document_ids == {chart.document}
    save_screenshot(dialog, "letter_choices_sensitive")


def test_choices_dialog_screenshot(qtbot: QtBot, demo_context: AppContext) -> None:
    referral_id = first_draft(demo_context)
    dialog = LetterChoicesDialog(context=demo_context, referral_id=referral_id)
    qtbot.addWidget(dialog)
    dialog.resize(760, 820)
    dialog.show()
    path = save_screenshot(dialog, "letter_choices")
    image = QImage(str(path))
    assert distinct_colours(image) > 20
    assert dialog.preview_button.text() == "Preview letter"


# --------------------------------------------------------------------- PDF preview
def test_preview_loads_zooms_pages_prints_and_saves(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    referral_id = first_draft(demo_context)
    window = LetterPreviewWindow(context=demo_context, referral_id=referral_id)
    qtbot.addWidget(window)
    window.show()
    preview = window.preview
    pdf = preview.pdf_bytes()
    assert preview.page_count() == pdf_pages(pdf) >= 1
    assert history(demo_context, referral_id)[-1] == "letter generated"

    preview.zoom_in()
    first = preview.zoom_factor()
    preview.zoom_in()
    assert preview.zoom_factor() > first
    assert preview.zoom_label.text() == f"{preview.zoom_factor():.0%}"
    preview.zoom_out()
    assert preview.zoom_factor() == pytest.approx(first)
    preview.fit_width()
    assert not preview.fit_button.isEnabled() and preview.zoom_label.text().endswith("%")
    if preview.page_count() > 1:
        qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
        assert preview.current_page() == 2
        assert preview.page_label.text() == f"Page 2 of {preview.page_count()}"
        preview.previous_page()
    assert preview.current_page() == 1
    assert not preview.previous_button.isEnabled()

    printed_file = tmp_path / "printed.pdf"
    preview.run_print_dialog = lambda: pdf_printer(printed_file)
    with qtbot.waitSignal(preview.printed) as printed:
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == [preview.page_count()]
    assert len(PdfReader(printed_file).pages) == preview.page_count()
    assert history(demo_context, referral_id)[-1] == "letter printed"

    target = tmp_path / "letter"
    preview.choose_save_path = lambda suggested: str(target)
    assert preview.suggested_name == letters.letter_file_name(referral_id)
    saved = preview.save_as()
    assert saved == str(target) + ".pdf"
    assert Path(saved).read_bytes() == pdf
    assert len(PdfReader(saved).pages) == preview.page_count()
    assert history(demo_context, referral_id)[-1] == "letter saved as letter.pdf"
    assert not list(tmp_path.glob("*.part"))

    window.resize(940, 900)
    preview.go_to_page(1)
    # QPdfView renders pages on a worker thread: wait until the letter is on screen.
    qtbot.waitUntil(lambda: distinct_colours(preview.view.grab().toImage()) > 30, timeout=10_000)
    path = save_screenshot(window, "letter_preview")
    assert distinct_colours(QImage(str(path))) > 30


def test_mark_as_sent_moves_a_draft(qtbot: QtBot, demo_context: AppContext) -> None:
    referral_id = first_draft(demo_context)
    window = LetterPreviewWindow(context=demo_context, referral_id=referral_id)
    qtbot.addWidget(window)
    window.show()
    assert window.send_button.isVisible()
    window.ask_send = lambda: None
    assert not window.mark_as_sent()
    from datetime import date

    window.ask_send = lambda: (DeliveryMethod.FAX, date.today())
    with qtbot.waitSignal(demo_context.events.referral_changed):
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    view = referrals.get_referral(demo_context.db, demo_context.actor, referral_id)
    assert view.state == S.SENT and view.sent_via == SendMethod.FAX
    assert not window.send_button.isVisible()
    # The very PDF on screen is kept, and the history links to it.
    [copy] = letters.sent_letters(demo_context.db, demo_context.actor, referral_id)
    assert copy.method == DeliveryMethod.FAX
    assert (
        letters.sent_letter_copy(
            demo_context.db, demo_context.actor, copy.document_id, stamped=False
        )
        == window.preview.pdf_bytes()
    )
    assert any(e.document_id == copy.document_id for e in view.events)


def test_change_contents_regenerates(qtbot: QtBot, context: AppContext) -> None:
    chart = make_chart(context)
    rehab = referral_to(context, chart, "physical_rehabilitation")
    window = LetterPreviewWindow(context=context, referral_id=rehab)
    qtbot.addWidget(window)
    assert "oxycodone" in pdf_text(window.preview.pdf_bytes())
    defaults = letters.default_options(context.db, context.actor, rehab).defaults
    without = defaults.__class__(
        sections=defaults.sections,
        diagnosis_ids=defaults.diagnosis_ids,
        medication_ids=defaults.medication_ids - {chart.oxycodone},
        assessment_ids=defaults.assessment_ids,
    )
    window.choose_contents = lambda: (without, True)
    window.options = None
    assert window.change_contents()
    window.choose_contents = lambda: None
    assert not window.change_contents()
    # Without a ticked document no packet is built, whatever was asked.
    assert "oxycodone" not in pdf_text(window.preview.pdf_bytes())


def test_packet_preview_appends_documents(qtbot: QtBot, context: AppContext) -> None:
    chart = make_chart(context)
    rehab = referral_to(context, chart, "physical_rehabilitation")
    defaults = letters.default_options(context.db, context.actor, rehab).defaults
    options = defaults.__class__(
        sections=defaults.sections,
        diagnosis_ids=defaults.diagnosis_ids,
        medication_ids=defaults.medication_ids,
        assessment_ids=defaults.assessment_ids,
        document_ids={chart.document},
    )
    plain = LetterPreviewWindow(context=context, referral_id=rehab, options=options)
    packet = LetterPreviewWindow(context=context, referral_id=rehab, options=options, packet=True)
    qtbot.addWidget(plain)
    qtbot.addWidget(packet)
    assert packet.preview.page_count() == plain.preview.page_count() + 1
    assert packet.preview.suggested_name.endswith("packet.pdf")
    assert "packet with 1 document" in history(context, rehab)[-1]


def test_pdf_preview_is_generic(qtbot: QtBot, tmp_path: Path) -> None:
    """The widget knows nothing of letters: bytes in, extra buttons, callbacks out."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(3):
        canvas.drawString(100, 700, f"Plan page {number + 1}")
        canvas.showPage()
    canvas.save()
    extra = QPushButton("Sign…")
    extra.setObjectName("signPlan")
    saved: list[str] = []
    printed: list[int] = []
    errors: list[str] = []
    preview = PdfPreview(
        pdf=buffer.getvalue(),
        title="Treatment plan",
        suggested_name="plan.pdf",
        extra_buttons=(extra,),
        after_print=printed.append,
        after_save=saved.append,
    )
    qtbot.addWidget(preview)
    preview.resize(800, 600)
    preview.show()
    assert preview.findChild(QPushButton, "signPlan") is extra
    assert preview.page_count() == 3 and preview.page_label.text() == "Page 1 of 3"
    preview.go_to_page(99)
    assert preview.current_page() == 3 and not preview.next_button.isEnabled()

    # A page range chosen in the print dialog is respected.
    printer = pdf_printer(tmp_path / "two.pdf")
    printer.setFromTo(2, 3)
    preview.run_print_dialog = lambda: printer
    assert preview.print_pdf() == 2 and printed == [2]
    assert len(PdfReader(tmp_path / "two.pdf").pages) == 2
    preview.run_print_dialog = lambda: None
    assert preview.print_pdf() == 0 and printed == [2]

    # An unwritable place is reported, and nothing is left behind.
    preview.show_error = lambda heading, text: errors.append(heading)
    preview.choose_save_path = lambda name: str(tmp_path / "missing" / "plan.pdf")
    assert preview.save_as() is None and errors == ["Not saved"] and not saved
    preview.choose_save_path = lambda name: None
    assert preview.save_as() is None

    preview.set_pdf(b"")
    assert preview.page_count() == 0 and not preview.print_button.isEnabled()
    assert preview.page_label.text() == "No pages"


def test_write_atomically_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]


def test_letter_page_renders_to_png(qtbot: QtBot, demo_context: AppContext) -> None:
    pdf = letters.generate_letter(demo_context.db, demo_context.actor, first_draft(demo_context))
    document = QPdfDocument()
    buffer = load_pdf(document, pdf)
    assert buffer.isOpen() and document.pageCount() == pdf_pages(pdf)
    image = render_page(document, 0, 110)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(ARTIFACTS / "letter_page1.png"))
    assert image.width() == round(document.pagePointSize(0).width() * 110 / 72)
    assert distinct_colours(image) > 20


# --------------------------------------------------------------------- batch
def to_send(context: AppContext) -> list[int]:
    return [r.id for r in worklist(context.db, context.actor, WorklistView.TO_SEND, limit=500)]


def run_batch(qtbot: QtBot, dialog: BatchLettersDialog) -> BatchResult:
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as finished:
        assert dialog.start()
    result = finished.args[0]
    assert isinstance(result, BatchResult)
    return result


def test_batch_per_file_and_combined(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    ids = to_send(demo_context)
    assert len(ids) >= 3
    dialog = BatchLettersDialog(context=demo_context, referral_ids=ids)
    qtbot.addWidget(dialog)
    dialog.show()

    folder = tmp_path / "letters"
    folder.mkdir()
    dialog.output.set_mode(BatchMode.PER_FILE)
    dialog.output.choose_folder = lambda start: str(folder)
    dialog.output.browse()
    result = run_batch(qtbot, dialog)
    assert not result.cancelled and result.letters == len(ids) and not result.skipped
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == sorted(letters.letter_file_name(i) for i in ids)
    pages = sum(len(PdfReader(f).pages) for f in files)
    assert f"{len(ids)} letters saved in {folder}" in dialog.result_label.text()
    assert not dialog.print_button.isVisible()

    combined = tmp_path / "pile.pdf"
    dialog.output.set_mode(BatchMode.COMBINED)
    dialog.output.choose_file = lambda start: str(tmp_path / "pile")
    dialog.output.browse()
    assert dialog.output.path_edit.text() == str(combined)
    result = run_batch(qtbot, dialog)
    assert result.files == (str(combined),)
    assert len(PdfReader(combined).pages) >= pages
    assert dialog.result_label.text() == f"{len(ids)} letters saved to {combined}."
    assert fg("ok") in dialog.result_label.styleSheet()
    assert "letter generated (batch)" in history(demo_context, ids[0])
    assert dialog.print_button.isVisible()
    path = save_screenshot(dialog, "letter_batch")
    assert distinct_colours(QImage(str(path))) > 10

    # Print all: the combined PDF in the preview; each letter recorded as printed.
    window = dialog.preview_and_print()
    assert window is not None
    qtbot.addWidget(window)
    assert window.preview.page_count() == len(PdfReader(combined).pages)
    window.preview.run_print_dialog = lambda: pdf_printer(tmp_path / "printed.pdf")
    assert window.preview.print_pdf() == window.preview.page_count()
    assert history(demo_context, ids[-1])[-1] == "letter printed (batch)"


def test_batch_cancel_after_first_letter_writes_nothing(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    ids = to_send(demo_context)
    dialog = BatchLettersDialog(context=demo_context, referral_ids=ids)
    qtbot.addWidget(dialog)
    out = tmp_path / "out"
    out.mkdir()
    dialog.output.set_mode(BatchMode.COMBINED)
    dialog.output.path_edit.setText(str(out / "pile.pdf"))
    real = dialog.generate_one
    calls: list[int] = []

    def generate_then_cancel(referral_id: int) -> bytes:
        calls.append(referral_id)
        pdf = real(referral_id)
        dialog.cancel_requested.set()  # as if Cancel was pressed during the first letter
        return pdf

    dialog.generate_one = generate_then_cancel
    result = run_batch(qtbot, dialog)
    assert result.cancelled and calls == ids[:1]
    assert list(out.iterdir()) == []
    assert dialog.result_label.text() == "Cancelled: no file was written."


def test_batch_checks_the_output_and_skips_what_may_not_be_printed(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    from carecoord.clinical.vocabulary import UserRole
    from carecoord.models import User
    from carecoord.services.users import actor_of

    dialog = BatchLettersDialog(context=demo_context, referral_ids=[1])
    qtbot.addWidget(dialog)
    dialog.output.set_mode(BatchMode.PER_FILE)
    dialog.output.path_edit.setText(str(tmp_path / "nowhere"))
    assert not dialog.start()
    assert "does not exist" in dialog.output.path_error.text()
    dialog.output.path_edit.setText("")
    assert not dialog.start() and dialog.output.path_error.text() == "Choose a folder."

    with demo_context.db.session() as session:
        desk = actor_of(session.scalars(select(User).where(User.role == UserRole.FRONT_DESK)).one())
    desk_context = AppContext(db=demo_context.db, actor=desk, settings=demo_context.settings)
    ids = to_send(desk_context)
    printable = set(letters.referrals_in_state(desk_context.db, desk, S.DRAFT))
    assert printable and set(ids) - printable  # the pile holds psychiatric referrals too
    dialog = BatchLettersDialog(context=desk_context, referral_ids=ids)
    qtbot.addWidget(dialog)
    dialog.output.set_mode(BatchMode.PER_FILE)
    dialog.output.path_edit.setText(str(tmp_path))
    result = run_batch(qtbot, dialog)
    assert set(result.referral_ids) == printable
    assert {rid for rid, _why in result.skipped} == set(ids) - printable
    text = dialog.result_label.text()
    assert "Skipped" in text
    # Named as people know them: patient and reference number, never "referral 17".
    first = referrals.get_referral(demo_context.db, demo_context.actor, result.skipped[0][0])
    assert f"{first.patient_name}, ref. {first.reference}" in text
    assert "referral " + str(result.skipped[0][0]) + ":" not in text
    assert fg("danger") not in dialog.result_label.styleSheet()  # letters were saved: not red


# --------------------------------------------------------------------- entry points
def test_letter_button_follows_print_permission(
    qtbot: QtBot, context: AppContext, desk_context: AppContext
) -> None:
    chart = make_chart(context)
    psychiatry = referral_to(context, chart, "psychiatry")
    general = referral_to(context, chart, "physical_rehabilitation")
    for ctx, referral_id, enabled in (
        (context, psychiatry, True),
        (context, general, True),
        (desk_context, psychiatry, False),
        (desk_context, general, True),
    ):
        editor = ReferralEditor(context=ctx, referral_id=referral_id)
        qtbot.addWidget(editor)
        editor.confirm_discard = lambda: True
        button = editor.findChild(QPushButton, "openLetter")
        assert button is not None and button.isEnabled() is enabled, (ctx.actor.role, referral_id)
    new = ReferralEditor(context=context, patient_id=chart.patient_id)
    qtbot.addWidget(new)
    new.confirm_discard = lambda: True
    assert not new.letter_tools.letter_button.isEnabled()

    tab = ReferralsTab(context=desk_context, patient_id=chart.patient_id)
    qtbot.addWidget(tab)
    row = next(i for i, v in enumerate(tab.referrals) if v.id == psychiatry)
    tab.table.selectRow(row)
    assert not tab.letter_button.isEnabled()
    tab.table.selectRow(1 - row)
    assert tab.letter_button.isEnabled()


def test_worklist_letters_button_opens_batch_for_selection(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    page = ReferralsPage(context=demo_context)
    qtbot.addWidget(page)
    page.select_view(WorklistView.TO_SEND)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    assert not page.letters_button.isEnabled()
    page.table.selectAll()
    assert page.letters_button.isEnabled()
    dialog = page.batch_letters()
    assert dialog is not None
    assert list(dialog.referral_ids) == [r.id for r in page.model.rows]
    dialog.close()
    QApplication.processEvents()
    page.wait_for_threads()


def test_batch_marks_every_letter_sent_and_keeps_each_copy(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    sendable = [  # a payer's denial stops sending (appeal or cancel): not for this test
        referral_id
        for referral_id in to_send(demo_context)
        if referrals.get_referral(
            demo_context.db, demo_context.actor, referral_id
        ).authorization.outcome
        != "denied"
    ]
    ids = sendable[:3]
    dialog = BatchLettersDialog(context=demo_context, referral_ids=ids)
    qtbot.addWidget(dialog)
    dialog.output.set_mode(BatchMode.PER_FILE)
    dialog.output.path_edit.setText(str(tmp_path))
    result = run_batch(qtbot, dialog)
    assert dialog.send_button.isVisibleTo(dialog)
    from datetime import date

    dialog.ask_send = lambda: (DeliveryMethod.HAND, date.today())
    assert dialog.mark_all_sent() == len(result.referral_ids)
    for referral_id in result.referral_ids:
        view = referrals.get_referral(demo_context.db, demo_context.actor, referral_id)
        assert view.state == S.SENT and view.sent_via == SendMethod.PRINT  # by hand: printed
        [copy] = letters.sent_letters(demo_context.db, demo_context.actor, referral_id)
        assert copy.method == DeliveryMethod.HAND
        stored = letters.sent_letter_copy(
            demo_context.db, demo_context.actor, copy.document_id, stamped=False
        )
        written = (tmp_path / letters.letter_file_name(referral_id)).read_bytes()
        assert stored == written
