"""The chart's Documents tab: reports, imaging and labs on file; attach, drop, paste, open.

Every incoming document is filed with a named reviewer (docs/clinical-reference.md §12).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QDate,
    QIODevice,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QHideEvent,
    QImage,
    QImageWriter,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DataCategory, DocumentKind
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import documents, review
from carecoord.services.documents import DocumentUpload, DocumentView, media_type_for
from carecoord.services.permissions import Action, allowed
from carecoord.ui.category_field import category_combo, chosen, may_file
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, combo, date_edit, date_of, line_edit, text_of
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint, scheme
from carecoord.ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
Opener = Callable[[QUrl], bool]
FilePicker = Callable[[QWidget], list[str]]
FILE_FILTER = "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"
SETTINGS_KEY = "chart/documents/columns"
FILE_FIELDS = ("file_name", "content", "media_type")


def drop_style() -> str:
    """The outline shown while a file is dragged over the tab (in the palette's colour)."""
    return (
        f"QWidget#documentsTab {{ border: 2px dashed {scheme().drop_active}; border-radius: 6px; }}"
    )


PDF_MIME = "application/pdf"

_open_dir: tempfile.TemporaryDirectory[str] | None = None


@dataclass(frozen=True)
class Incoming:
    """One file to attach: a file on disk, or bytes pasted from the clipboard."""

    name: str
    path: Path | None = None
    content: bytes | None = None

    def read(self) -> bytes:
        """The bytes (OSError when a file on disk cannot be read)."""
        if self.content is not None:
            return self.content
        assert self.path is not None
        return self.path.read_bytes()

    @property
    def size(self) -> str:
        if self.content is not None:
            return human_size(len(self.content))
        assert self.path is not None
        return _size_of(self.path)


def clipboard_files(data: QMimeData | None, now: datetime | None = None) -> list[Incoming]:
    """What the clipboard holds that a chart accepts: copied PDF or image files (their
    URLs), PDF data, or an image (saved as PNG). Empty when it holds none of these."""
    if data is None:
        return []
    stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
    files = [
        Path(url.toLocalFile())
        for url in data.urls()
        if url.isLocalFile() and media_type_for(url.toLocalFile())
    ]
    if files:
        return [Incoming(p.name, path=p) for p in files if p.is_file()]
    if data.hasFormat(PDF_MIME):
        return [Incoming(f"clipboard-{stamp}.pdf", content=bytes(data.data(PDF_MIME).data()))]
    if data.hasImage():
        image = data.imageData()
        if isinstance(image, QImage) and not image.isNull():
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            QImageWriter(buffer, QByteArray(b"png")).write(image)
            return [Incoming(f"clipboard-{stamp}.png", content=bytes(buffer.data().data()))]
    return []


def _temp_dir() -> Path:
    """One private folder per run for documents handed to the viewer; removed at exit."""
    global _open_dir
    if _open_dir is None:
        _open_dir = tempfile.TemporaryDirectory(prefix="carecoord-open-")
    return Path(_open_dir.name)


def human_size(size: int) -> str:
    """Bytes as "812 B", "12.3 KB", "4.1 MB"."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pick_files(parent: QWidget) -> list[str]:
    """The system file picker, limited to the types a chart accepts."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Attach documents", "", FILE_FILTER)
    return list(names)


class DocumentTableModel(RowsTableModel):
    """A chart's documents, newest first."""

    HEADERS = ("Received", "Kind", "Title / file", "Referral", "Size", "Filed by", "Review")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            title = f"{row.title} — {row.file_name}" if row.title else row.file_name
            return (
                row.received_on.isoformat(),
                row.kind.label,
                title,
                f"#{row.referral_id}" if row.referral_id else "",
                human_size(row.size_bytes),
                row.filed_by,
                row.review,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{row.file_name} ({row.media_type}, {human_size(row.size_bytes)})\n"
                f"Filed by {row.filed_by} on {row.filed_at:%Y-%m-%d}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ViewRole:
            return row
        return None


class AttachDocumentDialog(QDialog):
    """Kind, title and received date for one or more files, then file them on the chart.

    Every file is checked before any is stored, so a wrong file attaches nothing.

    Signals:
        attached(list): the stored :class:`DocumentView` objects.
    """

    attached = Signal(list)

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        paths: list[Path] | None = None,
        pasted: list[Incoming] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.paths = list(paths or [])
        self.files = [Incoming(p.name, path=p) for p in self.paths] + list(pasted or [])
        self.show_problem = show_problem
        self.setObjectName("attachDocumentDialog")
        self.setWindowTitle("Attach documents" if len(self.files) > 1 else "Attach document")
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        listing = "\n".join(f"{f.name}  ({f.size})" for f in self.files)
        self.files_label = QLabel(listing)
        self.files_label.setObjectName("attachFiles")
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.add_row(form, "File(s):", "file", self.files_label, aliases=FILE_FIELDS)
        self.kind = combo([(k.label, k) for k in DocumentKind], DocumentKind.SPECIALIST_REPORT)
        self.kind.setObjectName("documentKind")
        self.errors.add_row(form, "Kind:", "kind", self.kind)
        self.title_edit = line_edit(placeholder="optional, e.g. Neurology consult report")
        self.title_edit.setObjectName("documentTitle")
        if len(self.files) > 1:
            self.title_edit.setEnabled(False)
            self.title_edit.setPlaceholderText("each file is listed under its file name")
        self.errors.add_row(form, "Title:", "title", self.title_edit)
        self.received = date_edit()
        self.received.setMaximumDate(QDate.currentDate())
        self.received.setObjectName("documentReceived")
        self.errors.add_row(form, "Received on:", "received_on", self.received)
        self.category = category_combo(may_file(context.actor), automatic="general")
        self.errors.add_row(form, "Who may read:", "category", self.category)
        self.reviewer = QComboBox()
        self.reviewer.setObjectName("documentReviewer")
        self.reviewer.setToolTip(
            "Who reads it and records whether it is clinically relevant; by default the "
            "coordinating physician"
        )
        self.errors.add_row(form, "Reviewer:", "reviewer", self.reviewer)
        self.kind.currentIndexChanged.connect(lambda *_: self.fill_reviewers())
        self.category.currentIndexChanged.connect(lambda *_: self.fill_reviewers())
        self.fill_reviewers()
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Attach")
        save.setObjectName("attachSave")
        save.setAccessibleName("Attach")
        save.setProperty("role", "primary")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("attachCancel")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        fit_dialog(self)

    def fill_reviewers(self) -> None:
        """The care team's physicians and clinicians who may read a document of the chosen
        category, the coordinating physician first; none for a copy of a letter sent."""
        keep = self.reviewer.currentData()
        self.reviewer.clear()
        if self.kind.currentData() == DocumentKind.LETTER_SENT:
            self.reviewer.addItem("Not reviewed: a copy of a letter the clinic sent", None)
            self.reviewer.setEnabled(False)
            return
        try:
            choices = review.reviewer_choices(
                self.context.db, self.context.actor, self.patient_id, chosen(self.category)
            )
        except CareCoordError:
            choices = []
        if not any(c.default for c in choices):
            self.reviewer.addItem("Unassigned: any physician may review it", None)
        for choice in choices:
            suffix = " (default)" if choice.default else ""
            self.reviewer.addItem(
                f"{choice.name} — {choice.team_role.label.lower()}{suffix}", choice.member_id
            )
        self.reviewer.setEnabled(True)
        if keep is not None and self.reviewer.findData(keep) >= 0:
            self.reviewer.setCurrentIndex(self.reviewer.findData(keep))

    def _uploads(self) -> list[DocumentUpload] | None:
        """Read and check every file; None (with the message shown) when one is refused."""
        uploads = []
        for incoming in self.files:
            try:
                content = incoming.read()
            except OSError as error:
                self.errors.show(
                    ValidationError("file", f"cannot be read: {error.strerror} ({incoming.name})")
                )
                return None
            upload = DocumentUpload(
                file_name=incoming.name,
                content=content,
                kind=self.kind.currentData(),
                title=text_of(self.title_edit) if len(self.files) == 1 else None,
                received_on=date_of(self.received),
                category=chosen(self.category),
            )
            try:
                documents.validate_upload(upload)
            except ValidationError as error:
                self._show(error, incoming.name)
                return None
            uploads.append(upload)
        return uploads

    def _show(self, error: ValidationError, file_name: str) -> None:
        if error.field in FILE_FIELDS:
            message = error.message[:1].upper() + error.message[1:]
            error = ValidationError(error.field, f"{message} ({file_name})")
        if not self.errors.show(error):
            self.show_problem(self, error)

    def save(self) -> bool:
        """File every document; False (message beside the field) when one is refused."""
        self.errors.clear()
        uploads = self._uploads()
        if uploads is None:
            return False
        stored: list[DocumentView] = []
        for upload in uploads:
            try:
                stored.append(
                    documents.attach_document(
                        self.context.db,
                        self.context.actor,
                        self.patient_id,
                        upload,
                        reviewer_member_id=self.reviewer.currentData(),
                    )
                )
            except ValidationError as error:
                self._show(error, upload.file_name)
                break
            except CareCoordError as error:
                self.show_problem(self, error)
                break
        if stored:
            self.attached.emit(stored)
        if len(stored) == len(uploads):
            self.accept()
            return True
        return False


def _size_of(path: Path) -> str:
    try:
        return human_size(path.stat().st_size)
    except OSError:
        return "unreadable"


class DocumentsTab(QWidget):
    """Documents filed on a chart: attach with a picker, by dropping files or by pasting an
    image or PDF from the clipboard; open them.

    ``opener`` (hands a file URL to the system viewer), ``pick_files`` (the file
    picker) and ``show_problem`` are attributes so tests can replace them.

    Signals:
        changed(): documents were attached.
    """

    changed = Signal()

    def __init__(
        self, *, context: AppContext, patient_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.opener: Opener = QDesktopServices.openUrl
        self.pick_files: FilePicker = pick_files
        self.show_problem = show_problem
        self.dialog: AttachDocumentDialog | None = None
        role = context.actor.role
        self.can_attach = allowed(role, Action.EDIT_CLINICAL, DataCategory.GENERAL) or allowed(
            role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL
        )
        self.setObjectName("documentsTab")
        self.setAccessibleName("Documents")
        self.setAcceptDrops(self.can_attach)
        self._build()
        self.refresh()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        if self.can_attach:
            self.attach_button = QPushButton("Attach…")
            self.attach_button.setObjectName("attachDocument")
            self.attach_button.setAccessibleName("Attach documents")
            self.attach_button.setToolTip("Attach PDF, PNG, JPEG or TIFF files to this chart")
            self.attach_button.clicked.connect(self.choose_files)
            bar.addWidget(self.attach_button)
            self.paste_button = QPushButton("Paste")
            self.paste_button.setObjectName("pasteDocument")
            self.paste_button.setAccessibleName("Attach from the clipboard")
            self.paste_button.setToolTip(
                "Attach an image or PDF copied to the clipboard "
                f"({QKeySequence(QKeySequence.StandardKey.Paste).toString()})"
            )
            self.paste_button.clicked.connect(self.paste_from_clipboard)
            bar.addWidget(self.paste_button)
            paste = QShortcut(QKeySequence.StandardKey.Paste, self)
            paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            paste.activated.connect(self.paste_from_clipboard)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openDocument")
        self.open_button.setAccessibleName("Open the selected document")
        self.open_button.setToolTip(
            f"Open in the system viewer ({QKeySequence(QKeySequence.StandardKey.Open).toString()})"
        )
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        bar.addWidget(self.open_button)
        shortcut = QShortcut(QKeySequence.StandardKey.Open, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.open_selected)
        bar.addSpacing(12)
        self.drop_hint = hint(
            "or drop PDF, PNG, JPEG or TIFF files here, or paste an image or PDF"
            if self.can_attach
            else ""
        )
        self.drop_hint.setObjectName("dropHint")
        bar.addWidget(self.drop_hint, 1)
        outer.addLayout(bar)

        self.model = DocumentTableModel(self)
        self.table = QTableView()
        tab_leaves(self.table)  # Tab moves on; arrows move between cells
        self.table.setObjectName("documentsTable")
        self.table.setAccessibleName("Documents on this chart")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((100, 120, 300, 70, 70, 90)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        state = QSettings("CareCoord", "CareCoord").value(SETTINGS_KEY)
        if isinstance(state, QByteArray):
            self.table.horizontalHeader().restoreState(state)
        outer.addWidget(self.table, 1)
        self.empty = hint(
            "No documents on this chart yet. Attach specialist reports, imaging or lab "
            "results with Attach…, or drop the files here."
            if self.can_attach
            else "No documents on this chart yet."
        )
        self.empty.setObjectName("documentsEmpty")
        outer.addWidget(self.empty)

    # ------------------------------------------------------------------- data
    def refresh(self) -> None:
        """Reload the chart's documents from the service."""
        try:
            rows = documents.list_documents(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            self.show_problem(self, error)
            return
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self._selection_changed()

    def selected(self) -> DocumentView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        view = self.model.data(rows[0], DocumentTableModel.ViewRole)
        return view if isinstance(view, DocumentView) else None

    def _selection_changed(self, *_: object) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    # ----------------------------------------------------------------- attach
    def choose_files(self) -> AttachDocumentDialog | None:
        """Ask for files with the picker, then for their details."""
        names = self.pick_files(self)
        if not names:
            return None
        return self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: list[Path]) -> AttachDocumentDialog | None:
        """Open the details form for ``paths`` (window-modal, not blocking) and return it."""
        files = [p for p in paths if p.is_file()]
        if not files:
            return None
        return self._open_dialog(paths=files)

    def paste_from_clipboard(self) -> AttachDocumentDialog | None:
        """Attach what the clipboard holds: an image (stored as PNG) or a PDF."""
        incoming = clipboard_files(QGuiApplication.clipboard().mimeData())
        if not incoming:
            self.drop_hint.setText("The clipboard holds no image or PDF to attach.")
            return None
        pasted = [i for i in incoming if i.path is None]
        return self._open_dialog(paths=[i.path for i in incoming if i.path], pasted=pasted)

    def _open_dialog(
        self, *, paths: list[Path], pasted: list[Incoming] | None = None
    ) -> AttachDocumentDialog | None:
        if not self.can_attach:
            return None
        dialog = AttachDocumentDialog(
            context=self.context,
            patient_id=self.patient_id,
            paths=paths,
            pasted=pasted,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.attached.connect(self._attached)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _attached(self, _views: list[DocumentView]) -> None:
        self.refresh()
        self.changed.emit()
        self.context.events.patient_changed.emit(self.patient_id)

    @staticmethod
    def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        data = event.mimeData()
        if data is None or not data.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.can_attach and self._local_files(event):
            event.acceptProposedAction()
            self.setStyleSheet(drop_style())
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.setStyleSheet("")
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.setStyleSheet("")
        files = self._local_files(event)
        if not files or not self.can_attach:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_files(files)

    # ------------------------------------------------------------------- open
    def open_selected(self) -> Path | None:
        """Hand the selected document to the system viewer; returns the file written."""
        view = self.selected()
        if view is None:
            return None
        return self.open_document(view.id)

    def open_document(self, document_id: int) -> Path | None:
        """Write the document to a private temporary file and open it in the system viewer."""
        try:
            view, content = documents.get_document_content(
                self.context.db, self.context.actor, document_id
            )
        except CareCoordError as error:
            self.show_problem(self, error)
            return None
        folder = _temp_dir() / str(view.id)
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / view.file_name
        if path.exists():
            path.chmod(0o600)
        path.write_bytes(content)
        path.chmod(0o400)  # a viewer's edits must not look like they change the chart
        if not self.opener(QUrl.fromLocalFile(os.fspath(path))):
            self.show_problem(
                self,
                CareCoordError(
                    f"No program on this computer opens {view.media_type} files. "
                    f"The document was saved to {path}."
                ),
            )
        return path

    def hideEvent(self, event: QHideEvent) -> None:
        QSettings("CareCoord", "CareCoord").setValue(
            SETTINGS_KEY, self.table.horizontalHeader().saveState()
        )
        super().hideEvent(event)


__all__ = [
    "AttachDocumentDialog",
    "DocumentTableModel",
    "DocumentsTab",
    "Incoming",
    "clipboard_files",
    "human_size",
]
