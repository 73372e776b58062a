"""File › Print list on the demo clinic: the PDF read back, and the printer path printing
the same landscape pages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import Discipline
from carecoord.models import AuditEvent
from carecoord.services.worklist import WorklistView
from carecoord.ui.context import AppContext
from carecoord.ui.list_printing import ListPrintDialog
from carecoord.ui.main_window import MainWindow
from tests.ui.conftest import ARTIFACTS

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _assert_printed_list(pdf: bytes, context: AppContext, view: str, filters: str) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    texts = _texts(pdf)
    total = len(texts)
    first = texts[0]
    settings = context.settings
    assert settings.clinic_name and settings.clinic_name in first
    assert settings.address.splitlines()[0] in first
    assert view in first
    assert f"Filters: {filters}" in first
    assert "Printed " in first and context.actor.display_name in first
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
    return texts


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    return window


def _print(window: MainWindow) -> ListPrintDialog:
    dialog = window.print_current()
    assert isinstance(dialog, ListPrintDialog)
    window.destroyed.connect(dialog.close)
    return dialog


def test_patient_list_prints_every_patient_landscape_with_header_and_pages(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    window = _window(qtbot, demo_context)
    page = window.show_page("patients")
    page.show_discharged.setChecked(True)  # type: ignore[attr-defined]
    assert window.print_action.isEnabled()
    dialog = _print(window)
    qtbot.addWidget(dialog)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "print_list_patients.pdf"  # looked at by people
    target.write_bytes(dialog.pdf)
    texts = _assert_printed_list(
        target.read_bytes(), demo_context, "Patients", "Discharged patients shown"
    )
    assert len(texts) >= 2  # 60 patients do not fit one page
    content = page.print_content()  # type: ignore[attr-defined]
    assert len(content.rows) == page.model.rowCount() >= 60  # type: ignore[attr-defined]
    words = set("\n".join(texts).split())
    dates = {d for row in content.rows for cell in row for d in ISO_DATE.findall(cell)}
    assert len(dates) >= 50
    assert dates <= words  # every date of birth whole: never "2026-1 0-05"
    mrns = {row[1] for row in content.rows}
    assert mrns <= words
    for row in content.rows:  # names wrap between words only, never inside one
        assert set(row[0].split()) <= words


def test_worklist_prints_its_view_and_filters_and_the_printer_gets_the_same_pages(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    window = _window(qtbot, demo_context)
    page = window.show_page("referrals")
    page.select_view(WorklistView.AWAITING_REPORT)  # type: ignore[attr-defined]
    box = page.discipline_filter  # type: ignore[attr-defined]
    box.setCurrentIndex(box.findData(Discipline.PHYSICAL_REHABILITATION))
    page.wait_for_threads()
    dialog = _print(window)
    qtbot.addWidget(dialog)
    view = f"Referrals — {WorklistView.AWAITING_REPORT.label}"
    filters = f"Discipline: {Discipline.PHYSICAL_REHABILITATION.label}"
    (ARTIFACTS / "print_list_referrals.pdf").write_bytes(dialog.pdf)
    texts = _assert_printed_list(dialog.pdf, demo_context, view, filters)
    content = page.print_content()  # type: ignore[attr-defined]
    assert content.rows
    words = set("\n".join(texts).split())
    dates = {d for row in content.rows for cell in row for d in ISO_DATE.findall(cell)}
    assert dates and dates <= words

    # The print dialog's path: the very same pages, on a landscape sheet.
    out = tmp_path / "printer.pdf"
    preview = dialog.preview

    def printer() -> QPrinter:
        chosen = preview.new_printer()
        chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        chosen.setOutputFileName(str(out))
        return chosen

    preview.run_print_dialog = printer
    assert preview.print_pdf() == len(texts)
    printed = PdfReader(str(out))
    assert len(printed.pages) == len(texts)
    box_ = printed.pages[0].mediabox
    assert float(box_.width) > float(box_.height)
    with demo_context.db.session() as session:
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "print")
        ).all()
    assert any(d and "referrals list printed" in d for d in details)


def test_print_is_offered_only_where_there_is_a_list(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = _window(qtbot, demo_context)
    window.show_page("dashboard")
    assert not window.print_action.isEnabled()
    assert window.print_current() is None
    window.show_page("patients")
    assert window.print_action.isEnabled()


def test_a_printed_patient_list_stops_at_the_print_limit_and_says_so(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    """A whole 100,000-patient clinic is never read and set on the GUI thread."""
    window = _window(qtbot, demo_context)
    page = window.show_page("patients")
    page.show_discharged.setChecked(True)  # type: ignore[attr-defined]
    page.print_limit = 7  # type: ignore[attr-defined]
    content = page.print_content()  # type: ignore[attr-defined]
    assert len(content.rows) == 7
    assert content.filters[-1] == "First 7 rows only: narrow the search to print the others"
    page.print_limit = 10_000  # type: ignore[attr-defined]  # the whole demo clinic fits
    content = page.print_content()  # type: ignore[attr-defined]
    assert len(content.rows) >= 60
    assert not any(f.startswith("First ") for f in content.filters)
