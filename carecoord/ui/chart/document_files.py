"""Files on their way to a chart: picked, dropped or pasted; their sizes; the documents
table's columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMimeData,
    Qt,
)
from PySide6.QtGui import (
    QImage,
    QImageWriter,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QWidget,
)

from carecoord.services.documents import DocumentView, media_type_for
from carecoord.ui.kit.table import Column, ColumnTableModel, RowRole
from carecoord.ui.preferences import last_folder, remember_folder

FOLDER_KEY = "chart/documentsFolder"  # where documents were last attached from
FILE_FILTER = "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"
FILE_FIELDS = ("file_name", "content", "media_type")
PDF_MIME = "application/pdf"


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
        return size_of(self.path)


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


def human_size(size: int) -> str:
    """Bytes as "812 B", "12.3 KB", "4.1 MB"."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pick_files(parent: QWidget) -> list[str]:
    """The system file picker, limited to the types a chart accepts."""
    names, _ = QFileDialog.getOpenFileNames(
        parent, "Attach documents", last_folder(FOLDER_KEY), FILE_FILTER
    )
    if names:
        remember_folder(FOLDER_KEY, names[0])
    return list(names)


def size_of(path: Path) -> str:
    try:
        return human_size(path.stat().st_size)
    except OSError:
        return "unreadable"


def _document_tip(row: DocumentView) -> str:
    return (
        f"{row.file_name} ({row.media_type}, {human_size(row.size_bytes)})\n"
        f"Filed by {row.filed_by} on {row.filed_at:%Y-%m-%d}"
    )


def _document_column(header: str, text: Callable[[DocumentView], str], **options: Any) -> Column:
    return Column(header, text, tooltip=_document_tip, **options)


DOCUMENT_COLUMNS = (
    _document_column("Received", lambda r: r.received_on.isoformat()),
    _document_column("Kind", lambda r: r.kind.label),
    _document_column(
        "Title / file", lambda r: f"{r.title} — {r.file_name}" if r.title else r.file_name
    ),
    _document_column("Referral", lambda r: f"#{r.referral_id}" if r.referral_id else ""),
    _document_column("Size", lambda r: human_size(r.size_bytes), align=Qt.AlignmentFlag.AlignRight),
    _document_column("Filed by", lambda r: r.filed_by),
    _document_column("Review", lambda r: r.review),
)


class DocumentTableModel(ColumnTableModel):
    """A chart's documents, newest first."""

    ViewRole = RowRole

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DOCUMENT_COLUMNS, parent=parent)
