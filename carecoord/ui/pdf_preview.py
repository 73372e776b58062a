"""A reusable PDF viewer with zoom, page navigation, printing and Save as PDF.

Bytes in, pages on screen: referral letters, batches of letters and treatment plans all
show their PDF through :class:`PdfPreview`, so every document prints the same way.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.preferences import ask_save_file
from carecoord.ui.style import PAPER, scheme

ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0
# Rendering a Letter page at 1200 dpi takes half a gigabyte; above this the page is
# rendered here and scaled by the printer, which no eye can tell apart on paper.
MAX_RENDER_DPI = 600
BAND_ROWS = 1024  # pages are rendered in horizontal bands to bound memory
POINTS_PER_INCH = 72.0


class PrintCancelled(Exception):
    """The person cancelled printing before every page was sent."""


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either complete or untouched.

    The bytes go to a temporary file in the same folder, are flushed to disk and then
    renamed over the target, so a crash or a full disk never leaves half a PDF behind.

    Raises:
        OSError: The folder is not writable or the disk is full.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def load_pdf(document: QPdfDocument, pdf: bytes) -> QBuffer:
    """Load ``pdf`` into ``document`` from memory; keep the returned buffer alive as long
    as the document shows it (QtPdf reads from it lazily)."""
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def render_page(document: QPdfDocument, page: int, dpi: float) -> QImage:
    """One page as an image at ``dpi`` on white (for thumbnails, screenshots and tests)."""
    size = document.pagePointSize(page)
    pixels = QSize(
        max(1, round(size.width() * dpi / POINTS_PER_INCH)),
        max(1, round(size.height() * dpi / POINTS_PER_INCH)),
    )
    return on_white(document.render(page, pixels, QPdfDocumentRenderOptions()))


def on_white(image: QImage) -> QImage:
    """QtPdf renders onto a transparent image; paper is white."""
    out = QImage(image.size(), QImage.Format.Format_RGB32)
    out.fill(QColor(PAPER))
    painter = QPainter(out)
    painter.drawImage(0, 0, image)
    painter.end()
    return out


def print_document(
    document: QPdfDocument,
    printer: QPrinter,
    *,
    pages: Sequence[int] | None = None,
    on_page: Callable[[int, int], bool] | None = None,
) -> int:
    """Paint ``document``'s pages onto ``printer``, each fitted to the printable area.

    Pages are rendered at the printer's resolution (capped at ``MAX_RENDER_DPI``) in bands,
    centred in the page rect the printer reports, never enlarged past their real size.

    Args:
        pages: Zero-based page numbers to print; all pages when None.
        on_page: Called before each page with (pages done, pages in all); returning False
            cancels (the printer job is aborted).

    Returns:
        The number of pages printed.

    Raises:
        PrintCancelled: ``on_page`` returned False.
        OSError: The printer (or output file) could not be opened.
    """
    wanted = list(range(document.pageCount())) if pages is None else list(pages)
    if not wanted:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be opened.")
    try:
        resolution = float(printer.resolution())
        render_dpi = min(resolution, MAX_RENDER_DPI)
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        for done, page in enumerate(wanted):
            if on_page is not None and not on_page(done, len(wanted)):
                printer.abort()
                raise PrintCancelled
            if done:
                printer.newPage()
            _paint_page(painter, document, page, area, resolution, render_dpi)
    finally:
        if painter.isActive():
            painter.end()
    return len(wanted)


def _paint_page(
    painter: QPainter,
    document: QPdfDocument,
    page: int,
    area: QRectF,
    resolution: float,
    render_dpi: float,
) -> None:
    points = document.pagePointSize(page)
    natural_w = points.width() * resolution / POINTS_PER_INCH
    natural_h = points.height() * resolution / POINTS_PER_INCH
    scale = min(area.width() / natural_w, area.height() / natural_h, 1.0)
    target_w, target_h = natural_w * scale, natural_h * scale
    # The painter's origin is the printable area's top-left corner.
    left = (area.width() - target_w) / 2
    top = (area.height() - target_h) / 2
    image_scale = render_dpi / resolution
    full = QSize(max(1, round(target_w * image_scale)), max(1, round(target_h * image_scale)))
    to_device = target_h / full.height()
    for band_top in range(0, full.height(), BAND_ROWS):
        rows = min(BAND_ROWS, full.height() - band_top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(QRect(0, band_top, full.width(), rows))
        band = on_white(document.render(page, QSize(full.width(), rows), options))
        painter.drawImage(
            QRectF(left, top + band_top * to_device, target_w, rows * to_device), band
        )


class PdfPreview(QWidget):
    """Shows a PDF with zoom, page navigation, Print… and Save as PDF…

    Callers add their own buttons (``extra_buttons``) and hear about a finished print or
    save through the callbacks or the signals. ``choose_save_path`` and
    ``run_print_dialog`` are attributes so tests (and scripts) answer them without a modal.

    Signals:
        printed(int): pages sent to the printer.
        saved(str): the PDF file written.
        page_changed(int, int): the current page (1-based) and the page count.
    """

    printed = Signal(int)
    saved = Signal(str)
    page_changed = Signal(int, int)

    def __init__(
        self,
        *,
        pdf: bytes = b"",
        title: str = "Document",
        suggested_name: str = "document.pdf",
        extra_buttons: Sequence[QAbstractButton] = (),
        after_print: Callable[[int], None] | None = None,
        after_save: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.title = title
        self.suggested_name = suggested_name
        self.after_print = after_print
        self.after_save = after_save
        self.choose_save_path: Callable[[str], str | None] = self._choose_save_path
        self.run_print_dialog: Callable[[], QPrinter | None] = self._run_print_dialog
        self.show_error: Callable[[str, str], None] = self._show_error
        self._pdf = b""
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.document.setObjectName("pdfDocument")
        self._build(extra_buttons)
        self.set_pdf(pdf)

    # ------------------------------------------------------------------ layout
    def _button(self, text: str, name: str, accessible: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    @staticmethod
    def _readout(name: str, width: int) -> QLabel:
        """A centred label between the buttons saying where the preview is (page, zoom)."""
        label = QLabel()
        label.setObjectName(name)
        label.setMinimumWidth(width)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _shortcut(self, keys: QKeySequence, slot: Callable[[], object], name: str) -> None:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)

    def _build(self, extra_buttons: Sequence[QAbstractButton]) -> None:
        key = QKeySequence.StandardKey
        self.previous_button = self._button(
            "◀ Previous", "previousPage", "Previous page", "Previous page (Page Up)"
        )
        self.previous_button.clicked.connect(self.previous_page)
        self.page_label = self._readout("pageLabel", 90)
        self.next_button = self._button("Next ▶", "nextPage", "Next page", "Next page (Page Down)")
        self.next_button.clicked.connect(self.next_page)
        self.zoom_out_button = self._button("−", "zoomOut", "Zoom out", "Zoom out (Ctrl+−)")
        self.zoom_out_button.setFixedWidth(34)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_label = self._readout("zoomLabel", 70)
        self.zoom_in_button = self._button("+", "zoomIn", "Zoom in", "Zoom in (Ctrl++)")
        self.zoom_in_button.setFixedWidth(34)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_button = self._button("Fit width", "fitWidth", "Fit page width", "Fit width")
        self.fit_button.clicked.connect(self.fit_width)
        self.save_button = self._button(
            "Save as PDF…", "savePdf", "Save as PDF", "Save a copy as a PDF file (Ctrl+S)"
        )
        self.save_button.clicked.connect(self.save_as)
        self.print_button = self._button("Print…", "printPdf", "Print", "Print (Ctrl+P)")
        self.print_button.setProperty("role", "primary")
        self.print_button.clicked.connect(self.print_pdf)
        self._shortcut(QKeySequence(key.ZoomIn), self.zoom_in, "zoomInAction")
        self._shortcut(QKeySequence(key.ZoomOut), self.zoom_out, "zoomOutAction")
        self._shortcut(QKeySequence(key.MoveToPreviousPage), self.previous_page, "previousAction")
        self._shortcut(QKeySequence(key.MoveToNextPage), self.next_page, "nextAction")
        self._shortcut(QKeySequence(key.Print), self.print_pdf, "printAction")
        self._shortcut(QKeySequence(key.Save), self.save_as, "saveAction")

        # Two groups: on one row when there is room, on two on a small screen.
        pages = QWidget()
        pages_row = QHBoxLayout(pages)
        pages_row.setContentsMargins(0, 0, 0, 0)
        pages_row.setSpacing(4)
        for widget in (self.previous_button, self.page_label, self.next_button):
            pages_row.addWidget(widget)
        pages_row.addSpacing(16)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            pages_row.addWidget(widget)
        pages_row.addWidget(self.fit_button)
        outputs = QWidget()
        outputs_row = QHBoxLayout(outputs)
        outputs_row.setContentsMargins(0, 0, 0, 0)
        outputs_row.setSpacing(4)
        self.extra_buttons = list(extra_buttons)
        for button in self.extra_buttons:
            outputs_row.addWidget(button)
        outputs_row.addSpacing(8)
        outputs_row.addWidget(self.save_button)
        outputs_row.addWidget(self.print_button)
        bar = QWidget()
        bar.setObjectName("previewToolbar")
        flow = FlowLayout(bar, spacing=8, last_to_the_right=True)
        flow.addWidget(pages)
        flow.addWidget(outputs)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName(self.title)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet(f"QPdfView {{ background: {scheme().page_surround}; }}")
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.pageNavigator().currentPageChanged.connect(self._update_pages)
        self.view.zoomFactorChanged.connect(self._update_zoom)
        self.view.zoomModeChanged.connect(self._update_zoom)
        self.view.viewport().installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.view, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # "Fit width" changes the zoom whenever the view's width changes.
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._update_zoom()
        return super().eventFilter(watched, event)

    def _show_error(self, heading: str, text: str) -> None:
        QMessageBox.warning(self, heading, text)

    # ------------------------------------------------------------------ document
    def set_pdf(self, pdf: bytes) -> None:
        """Show another PDF (the old one is closed); an empty value clears the view."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._pdf = bytes(pdf)
        if self._pdf:
            self._buffer = load_pdf(self.document, self._pdf)
        ready = self.page_count() > 0
        for button in (self.print_button, self.save_button):
            button.setEnabled(ready)
        self._update_pages()
        self._update_zoom()

    def pdf_bytes(self) -> bytes:
        return self._pdf

    def page_count(self) -> int:
        if self.document.status() != QPdfDocument.Status.Ready:
            return 0
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page in view, 1-based (0 when nothing is loaded)."""
        if not self.page_count():
            return 0
        return self.view.pageNavigator().currentPage() + 1

    def go_to_page(self, number: int) -> None:
        """Scroll to page ``number`` (1-based, clamped to the document)."""
        count = self.page_count()
        if not count:
            return
        page = min(max(number, 1), count) - 1
        self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._update_pages()

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def zoom_factor(self) -> float:
        return float(self.view.zoomFactor())

    def zoom_in(self) -> None:
        self._set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self._effective_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom()

    def _effective_zoom(self) -> float:
        """The zoom on screen, also while "fit width" chooses it."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or not self.page_count():
            return self.zoom_factor()
        points = self.document.pagePointSize(max(self.current_page() - 1, 0)).width()
        pixels = points * self.logicalDpiX() / POINTS_PER_INCH
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        return max(MIN_ZOOM, room / pixels) if pixels > 0 else 1.0

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, MIN_ZOOM), MAX_ZOOM))
        self._update_zoom()

    def _update_pages(self, _page: int = 0) -> None:
        count, current = self.page_count(), self.current_page()
        self.page_label.setText(f"Page {current} of {count}" if count else "No pages")
        self.page_label.setAccessibleName(self.page_label.text())
        self.previous_button.setEnabled(current > 1)
        self.next_button.setEnabled(0 < current < count)
        self.page_changed.emit(current, count)

    def _update_zoom(self, *_args: object) -> None:
        custom = self.view.zoomMode() == QPdfView.ZoomMode.Custom
        zoom = self.zoom_factor() if custom else self._effective_zoom()
        self.zoom_label.setText(f"{zoom:.0%}")
        self.zoom_label.setToolTip("" if custom else "Fitted to the window's width")
        self.zoom_label.setAccessibleName(f"Zoom {self.zoom_label.text()}")
        self.fit_button.setEnabled(custom)
        self.zoom_in_button.setEnabled(zoom < MAX_ZOOM - 1e-6)
        self.zoom_out_button.setEnabled(zoom > MIN_ZOOM + 1e-6)

    # ------------------------------------------------------------------ printing
    def new_printer(self) -> QPrinter:
        """A printer set up for this document: its name, and landscape when the pages are
        wider than tall (a landscape list would otherwise shrink onto a portrait sheet)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        if self.page_count():
            size = self.document.pagePointSize(0)
            if size.width() > size.height():
                printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def _run_print_dialog(self) -> QPrinter | None:
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.setWindowTitle(f"Print {self.title}")
        dialog.setMinMax(1, max(self.page_count(), 1))
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None

    def print_pdf(self) -> int:
        """Ask for a printer and print; returns the pages printed (0 when cancelled)."""
        if not self.page_count():
            return 0
        printer = self.run_print_dialog()
        if printer is None:
            return 0
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print on an already configured ``printer`` (its page range respected)."""
        count = self.page_count()
        pages = list(range(count))
        first, last = printer.fromPage(), printer.toPage()
        if first > 0 and last >= first:
            pages = [p for p in pages if first - 1 <= p <= last - 1]
        progress = QProgressDialog("Printing…", "Cancel", 0, len(pages), self)
        progress.setObjectName("printProgress")
        progress.setWindowTitle(f"Print {self.title}")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(800)
        progress.setAutoClose(False)

        def on_page(done: int, total: int) -> bool:
            progress.setLabelText(f"Printing page {done + 1} of {total}…")
            progress.setValue(done)
            QApplication.processEvents()
            return not progress.wasCanceled()

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            printed = print_document(self.document, printer, pages=pages, on_page=on_page)
        except PrintCancelled:
            return 0
        except OSError as error:
            self.show_error("Not printed", str(error))
            return 0
        finally:
            QApplication.restoreOverrideCursor()
            progress.reset()
            progress.deleteLater()
        self.printed.emit(printed)
        if self.after_print is not None:
            self.after_print(printed)
        return printed

    # ------------------------------------------------------------------ saving
    def _choose_save_path(self, suggested: str) -> str | None:
        return ask_save_file(
            self,
            "pdfPreview/saveFolder",
            f"Save {self.title} as PDF",
            suggested,
            "PDF files (*.pdf)",
        )

    def save_as(self) -> str | None:
        """Ask where, then write the PDF atomically; returns the path written."""
        if not self._pdf:
            return None
        path = self.choose_save_path(self.suggested_name)
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            write_atomically(path, self._pdf)
        except OSError as error:
            self.show_error("Not saved", f"The PDF could not be written to {path}: {error}")
            return None
        self.saved.emit(path)
        if self.after_save is not None:
            self.after_save(path)
        return path
