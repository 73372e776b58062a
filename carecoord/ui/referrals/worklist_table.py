"""The worklist's table view: Enter opens a row, a report file dropped on a row files it."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QTableView,
    QWidget,
)

from carecoord.ui.kit.referral_report import report_path_from


class WorklistTable(QTableView):
    """The worklist's table: Enter opens a row; report files can be dropped on a row.

    Signals:
        open_requested(int): the referral id of the row to open.
        file_dropped(int, str): a report file (path) was dropped on a row (row number).
    """

    open_requested = Signal(int)
    file_dropped = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accept_reports = False
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.doubleClicked.connect(self._open_index)

    def _open_index(self, index: QModelIndex) -> None:
        referral_id = index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole + 1)
        if isinstance(referral_id, int):
            self.open_requested.emit(referral_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _accept_drop(self, event: QDragMoveEvent | QDropEvent) -> tuple[int, str] | None:
        """The row under a report file being dragged (selected, the drag accepted) and the
        file's path; None, the drag refused, where no report can drop."""
        path = report_path_from(event.mimeData()) if self.accept_reports else None
        index = self.indexAt(event.position().toPoint())
        if path is None or not index.isValid():
            event.ignore()
            return None
        self.selectRow(index.row())
        event.acceptProposedAction()
        return index.row(), path

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.accept_reports and report_path_from(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_drop(event)

    def dropEvent(self, event: QDropEvent) -> None:
        target = self._accept_drop(event)
        if target is not None:
            self.file_dropped.emit(*target)
