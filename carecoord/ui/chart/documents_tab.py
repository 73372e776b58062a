"""The chart's Documents tab: reports, imaging and labs on file; attach, drop, paste, open.

Every incoming document is filed with a named reviewer (docs/clinical-reference.md §12).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DataCategory
from carecoord.errors import CareCoordError
from carecoord.services import documents
from carecoord.services.documents import DocumentView
from carecoord.services.permissions import Action, allowed
from carecoord.ui.chart.document_attach import AttachDocumentDialog
from carecoord.ui.chart.document_files import (
    DocumentTableModel,
    Incoming,
    clipboard_files,
    human_size,
    pick_files,
)
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.table import list_table
from carecoord.ui.preferences import remember_columns
from carecoord.ui.style import hint, scheme

Index = QModelIndex | QPersistentModelIndex
Opener = Callable[[QUrl], bool]
FilePicker = Callable[[QWidget], list[str]]
SETTINGS_KEY = "chart/documents/columns"


def drop_style() -> str:
    """The outline shown while a file is dragged over the tab (in the palette's colour)."""
    return (
        f"QWidget#documentsTab {{ border: 2px dashed {scheme().drop_active}; border-radius: 6px; }}"
    )


_open_dir: tempfile.TemporaryDirectory[str] | None = None


def _temp_dir() -> Path:
    """One private folder per run for documents handed to the viewer; removed at exit."""
    global _open_dir
    if _open_dir is None:
        _open_dir = tempfile.TemporaryDirectory(prefix="carecoord-open-")
    return Path(_open_dir.name)


class DocumentsTab(ChartTab):
    """Documents filed on a chart: attach with a picker, by dropping files or by pasting an
    image or PDF from the clipboard; open them.

    ``opener`` (hands a file URL to the system viewer), ``pick_files`` (the file
    picker) and ``show_problem`` are attributes so tests can replace them.

    Signals:
        changed(): documents were attached.
    """

    OBJECT_NAME = "documentsTab"
    ACCESSIBLE_NAME = "Documents"

    def setup(self) -> None:
        self.opener: Opener = QDesktopServices.openUrl
        self.pick_files: FilePicker = pick_files
        self.dialog: AttachDocumentDialog | None = None
        role = self.context.actor.role
        self.can_attach = allowed(role, Action.EDIT_CLINICAL, DataCategory.GENERAL) or allowed(
            role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL
        )
        self.setAcceptDrops(self.can_attach)
        self._build()
        self.refresh()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        if self.can_attach:
            self.attach_button = action_button(
                "Attach…",
                "attachDocument",
                self.choose_files,
                accessible="Attach documents",
                tooltip="Attach PDF, PNG, JPEG or TIFF files to this chart",
            )
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
        self.table = list_table(
            self.model, "documentsTable", "Documents on this chart", word_wrap=False
        )
        remember_columns(self.table, SETTINGS_KEY, (100, 120, 300, 70, 70, 90))
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
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
        rows = self.read(
            lambda: documents.list_documents(self.context.db, self.context.actor, self.patient_id)
        )
        if rows is None:
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
        self.saved()

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
            self.problem(error)
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


__all__ = [
    "AttachDocumentDialog",
    "DocumentTableModel",
    "DocumentsTab",
    "Incoming",
    "clipboard_files",
    "human_size",
]
