"""One rule for remembered column layouts: defaults the first time, the user's widths after."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from carecoord.ui.preferences import remember_columns, store

KEY = "test/columns"
DEFAULTS = (120, 80, 200)


def _table(qtbot: QtBot) -> QTableView:
    model = QStandardItemModel(2, len(DEFAULTS))
    model.setHorizontalHeaderLabels(["Name", "Due", "Note"])
    table = QTableView()
    table.setModel(model)
    model.setParent(table)
    qtbot.addWidget(table)
    return table


def _widths(table: QTableView) -> list[int]:
    return [table.columnWidth(column) for column in range(len(DEFAULTS))]


def test_defaults_first_then_the_resized_layout_in_a_new_view(qtbot: QtBot) -> None:
    store().remove(KEY)
    first = _table(qtbot)
    remember_columns(first, KEY, DEFAULTS)
    assert _widths(first) == list(DEFAULTS)
    assert store().value(KEY) is None  # applying the defaults saves nothing

    first.horizontalHeader().resizeSection(1, 150)  # as a drag of the column edge does
    assert isinstance(store().value(KEY), QByteArray)

    again = _table(qtbot)
    remember_columns(again, KEY, DEFAULTS)
    assert _widths(again) == [120, 150, 200]


def test_a_moved_column_is_remembered(qtbot: QtBot) -> None:
    store().remove(KEY)
    first = _table(qtbot)
    remember_columns(first, KEY, DEFAULTS)
    first.horizontalHeader().moveSection(2, 0)

    again = _table(qtbot)
    remember_columns(again, KEY, DEFAULTS)
    assert again.horizontalHeader().logicalIndex(0) == 2


def test_without_defaults_and_nothing_saved_the_widths_stay_as_they_were(qtbot: QtBot) -> None:
    store().remove(KEY)
    table = _table(qtbot)
    table.setColumnWidth(0, 66)
    remember_columns(table, KEY)
    assert table.columnWidth(0) == 66


def test_an_unreadable_saved_layout_falls_back_to_the_defaults(qtbot: QtBot) -> None:
    store().setValue(KEY, QByteArray(b"not a header state"))
    table = _table(qtbot)
    remember_columns(table, KEY, DEFAULTS)
    assert _widths(table) == list(DEFAULTS)
