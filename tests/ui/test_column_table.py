"""The kit's column-spec table model answers Qt's roles from its Column specs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableWidget
from pytestqt.modeltest import ModelTester

from carecoord.ui import style
from carecoord.ui.kit.table import Column, ColumnTableModel, SortRole, read_only_rows


@dataclass(frozen=True)
class Row:
    name: str
    count: int | None
    stale: bool = False


COLUMNS = (
    Column("Name", lambda r: r.name, tooltip=lambda r: f"{r.name}!"),
    Column(
        "Count",
        lambda r: r.count,
        display=lambda v: "—" if v is None else f"{v:,}",
        align=Qt.AlignmentFlag.AlignRight,
        sort_key=lambda r: r.count or 0,
        foreground=lambda r: "danger" if (r.count or 0) > 100 else None,
        background=lambda r: "warning" if r.stale else None,
        header_tooltip="How many",
    ),
)


def test_model_with_rows_and_empty(qtmodeltester: ModelTester, qapp: QApplication) -> None:
    model = ColumnTableModel(COLUMNS, muted=lambda r: r.stale)
    qtmodeltester.check(model)
    model.set_rows([Row("a", 1500), Row("b", None, stale=True)])
    qtmodeltester.check(model)
    index = model.index(0, 1)
    assert model.data(index) == "1,500"
    assert model.data(model.index(1, 1)) == "—"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "a!"
    assert model.data(index, SortRole) == 1500
    assert model.data(index, Qt.ItemDataRole.ForegroundRole).color() == style.qcolor("danger")
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole).color() == (
        style.qcolor("muted")
    )
    assert model.data(model.index(1, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Count"
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "How many"
    )
    model.append([Row("c", 3)])
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.row_at(2) == Row("c", 3)
    assert model.row_at(3) is None
    assert model.find(lambda r: r.name == "b") == 1
    model.set_rows([])
    qtmodeltester.check(model)
    assert model.rowCount() == 0


class CountingModel(ColumnTableModel):
    """Counts row look-ups and answers one extra role (an id)."""

    extra_roles = frozenset({int(Qt.ItemDataRole.UserRole) + 7})

    def __init__(self) -> None:
        super().__init__(COLUMNS)
        self.lookups = 0

    def row_at(self, row: int) -> Row | None:
        self.lookups += 1
        found: Row | None = super().row_at(row)
        return found

    def extra_data(self, row: Row, column: int, role: int) -> object:
        return f"id-{row.name}"


def test_unanswered_role_fetches_no_row(qapp: QApplication) -> None:
    model = CountingModel()
    model.set_rows([Row("a", 1)])
    index = model.index(0, 0)
    for role in (
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.UserRole + 3,
    ):
        assert model.data(index, role) is None
    assert model.lookups == 0
    assert model.data(index) == "a"
    assert model.data(index, Qt.ItemDataRole.UserRole + 7) == "id-a"
    assert model.lookups == 2


def test_read_only_rows_sets_up_a_table_widget_too(qapp: QApplication) -> None:
    table = read_only_rows(QTableWidget(2, 2), "things", "The things", word_wrap=False)
    assert (table.objectName(), table.accessibleName()) == ("things", "The things")
    assert table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert table.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not table.wordWrap() and table.verticalHeader().isHidden()
    assert table.tabKeyNavigation() is False
