"""Small record tables and buttons shared by the chart tabs: a table view for a
:class:`~carecoord.ui.kit.table.ColumnTableModel`, an empty-state hint, the selected row,
an action button, a yes/no question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from carecoord.ui import style
from carecoord.ui.kit.table import ColumnTableModel, list_table


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """A yes/no question (the default of the tabs' injectable ``confirm``)."""
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


# --------------------------------------------------------------------- shared widgets
class RecordsTable(QTableView):
    """A records table that asks for about four rows, not Qt's default 192 px: pages in a
    scroll area are laid out at their preferred height, and three default tables plus
    wrapped warnings would push the tab's buttons below a laptop screen. Spare room
    still goes to the tables (their layout stretches them)."""

    PREFERRED_HEIGHT = 140

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), self.PREFERRED_HEIGHT))


def records_table(model: ColumnTableModel, name: str, accessible: str) -> QTableView:
    table = list_table(model, name, accessible, word_wrap=False, view_class=RecordsTable)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setHighlightSections(False)
    return table


def empty_hint(model: ColumnTableModel, text: str, name: str) -> QLabel:
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
    assert isinstance(model, ColumnTableModel)
    return model.row_at(index.row())


def action_button(
    text: str,
    name: str,
    slot: Callable[[], object],
    *,
    accessible: str | None = None,
    tooltip: str | None = None,
    primary: bool = False,
) -> QPushButton:
    """A push button named ``name`` that runs ``slot()`` (without Qt's ``checked``).

    Its accessible name is ``accessible``, else its label without the "…" that marks a
    button opening a dialog; ``primary`` gives it the style sheet's primary role.
    """
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible or text.rstrip("…"))
    if tooltip:
        button.setToolTip(tooltip)
    if primary:
        button.setProperty("role", "primary")
    button.clicked.connect(lambda: slot())
    return button
