"""Small record tables and buttons shared by the chart tabs: a read-only table model
over plain rows, its table view, an empty-state hint, the selected row, an action button,
a yes/no question."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from carecoord.ui import style

AnyIndex = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], str]]


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """A yes/no question (the default of the tabs' injectable ``confirm``)."""
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


# --------------------------------------------------------------------- shared widgets
class RecordsModel(QAbstractTableModel):
    """A read-only table over a short list of plain records (a chart's lists are short).

    ``muted(row)`` greys a row (resolved diagnoses, stopped medications, past members).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        muted: Callable[[Any], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.muted = muted
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        item = self.rows[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self.columns[index.column()][1](item)
        if role == Qt.ItemDataRole.ForegroundRole and self.muted is not None and self.muted(item):
            return QBrush(style.qcolor("muted"))
        return None


class RecordsTable(QTableView):
    """A records table that asks for about four rows, not Qt's default 192 px: pages in a
    scroll area are laid out at their preferred height, and three default tables plus
    wrapped warnings would push the tab's buttons below a laptop screen. Spare room
    still goes to the tables (their layout stretches them)."""

    PREFERRED_HEIGHT = 140

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), self.PREFERRED_HEIGHT))


def records_table(model: RecordsModel, name: str, accessible: str) -> QTableView:
    table = RecordsTable()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def empty_hint(model: RecordsModel, text: str, name: str) -> QLabel:
    """A line shown only while ``model`` is empty, so an empty table reads as "none"."""
    label = style.hint(text)
    label.setObjectName(name)

    def update() -> None:
        label.setVisible(model.rowCount() == 0)

    model.modelReset.connect(update)
    if model.rowCount():  # shown now, before it has a parent, it would flash up as a window
        label.hide()
    return label


def selected_row(table: QTableView) -> Any:
    model = table.model()
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().hasSelection():
        return None
    assert isinstance(model, RecordsModel)
    return model.row_at(index.row())


def action_button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.clicked.connect(lambda: slot())
    return button
