"""File › Print list (Ctrl+P): the current list as a landscape PDF in a preview window.

A page that can be printed offers ``print_content()`` (a
:class:`~carecoord.letters.list_pdf.ListContent`: its view, filters, columns and rows); this
module adds the clinic header and the date, renders the PDF with ReportLab and shows it in
the shared :class:`~carecoord.ui.pdf_preview.PdfPreview`, whose Print… paints those very
pages on the printer, so paper and "Save as PDF…" always match.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from carecoord.letters.list_pdf import ListContent, PrintedList, render_list
from carecoord.services.export import record_printed_list
from carecoord.ui.context import AppContext
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.screen_fit import fit_to_screen
from carecoord.ui.translation import translate


class Printable(Protocol):
    def print_content(self) -> ListContent: ...


def printed_list(
    context: AppContext, content: ListContent, now: datetime | None = None
) -> PrintedList:
    """``content`` with the clinic's letterhead, the time printed and the wording in the
    reader's language (the clinic's own name and address are printed as typed)."""
    settings = context.settings
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    return PrintedList(
        content=content,
        clinic_name=settings.clinic_name or "CareCoord",
        clinic_address=settings.address,
        printed=translate("ListPrinting", "Printed {when} by {user}").format(
            when=when, user=context.actor.display_name
        ),
        filters_label=translate("ListPrinting", "Filters"),
        no_filters=translate("ListPrinting", "none"),
        empty=translate("ListPrinting", "No rows in this view."),
        page_format=translate("ListPrinting", "Page {page} of {total}"),
        paper_size=settings.paper_size,
    )


class ListPrintDialog(QDialog):
    """The printed list previewed: Print… and Save as PDF… both use the same PDF bytes;
    either is recorded in the audit trail (a printed list shows patient data)."""

    def __init__(
        self, *, context: AppContext, printed: PrintedList, key: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("listPrintDialog")
        self.context = context
        self.key = key
        self.pdf = render_list(printed)
        self.setWindowTitle(
            translate("ListPrinting", "Print list — {view}").format(view=printed.content.view)
        )
        stamp = datetime.now().strftime("%Y-%m-%d")
        self.preview = PdfPreview(
            pdf=self.pdf,
            title=printed.content.view,
            suggested_name=f"{key}-list-{stamp}.pdf",
            after_print=lambda _pages: self._record("printed"),
            after_save=lambda _path: self._record("saved as PDF"),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        fit_to_screen(self, 1100, 760)

    def _record(self, how: str) -> None:
        """The audit trail stays in English whatever the screen's language."""
        record_printed_list(self.context.db, self.context.actor, f"{self.key} list {how}")


def open_list_print(
    context: AppContext, page: QWidget, key: str, parent: QWidget | None = None
) -> ListPrintDialog | None:
    """Show the current list of ``page`` ready to print; None when the page has no list."""
    content_of = getattr(page, "print_content", None)
    if not callable(content_of):
        return None
    content: ListContent = content_of()
    dialog = ListPrintDialog(
        context=context, printed=printed_list(context, content), key=key, parent=parent
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    return dialog
