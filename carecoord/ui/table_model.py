"""A read-only table model over a short list of plain rows (a chart's documents, scores…).

Long lists page through the services instead (see the patient and worklist models).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """Rows held in memory, one column per entry of ``HEADERS``; subclasses add ``data``."""

    HEADERS: tuple[str, ...] = ()
    ViewRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def arrange(self, rows: list[Any]) -> list[Any]:
        """The display order (as given, unless a subclass sorts)."""
        return rows

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = self.arrange(list(rows))
        self.endResetModel()

    def row_of(self, index: Index) -> Any | None:
        """The plain row behind ``index``, or None for an invalid index."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's default
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


class PagedTableModel(QAbstractTableModel):
    """Rows read from a service one page at a time as the view scrolls (lists that can
    hold thousands: the worklist, the audit trail). Subclasses supply ``fetch_page``,
    ``columnCount``, ``headerData`` and ``data``."""

    PAGE_SIZE = 100

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.exhausted = True

    def fetch_page(self, offset: int) -> list[Any] | None:
        """Rows ``offset`` … ``offset + PAGE_SIZE``; None when the service refused."""
        raise NotImplementedError

    def restart(self) -> None:
        """Forget the loaded rows and read the first page again."""
        self.beginResetModel()
        self.rows = []
        page = self.fetch_page(0)
        self.rows = page or []
        self.exhausted = page is None or len(page) < self.PAGE_SIZE
        self.endResetModel()

    def row_at(self, row: int) -> Any | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008  # Qt's default
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008  # Qt's default
        if parent.isValid() or self.exhausted:
            return
        page = self.fetch_page(len(self.rows))
        # Decided before inserting, so views listening to rowsInserted see the final state.
        self.exhausted = not page or len(page) < self.PAGE_SIZE
        if not page:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()
