"""A read-only table model over a short list of plain rows (a chart's documents, scores…).

Long lists page through the services instead (see the patient and worklist models).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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
