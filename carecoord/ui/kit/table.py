"""One read-only table model for every list in the product: columns are :class:`Column`
specs, rows are plain objects (service views, dataclasses).

:class:`ColumnTableModel` holds its rows in memory; the paged subclasses in
:mod:`carecoord.ui.table_model` only change where ``row_at`` finds a row, so every
table answers Qt's roles the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from carecoord.ui import style
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.translation import translate

AnyIndex = QModelIndex | QPersistentModelIndex
Colour = Callable[[Any], str | None]
"""A row's colour meaning ("muted", "danger" … of :mod:`carecoord.ui.style`), or None."""
RowRole = Qt.ItemDataRole.UserRole
"""Item data role holding the row object itself (unless a subclass answers it)."""
SortRole = Qt.ItemDataRole.UserRole + 50
"""Item data role holding a cell's sort key (its display text unless the column says)."""


@dataclass(frozen=True)
class Column:
    """One column: its header and how a row shows in it.

    ``value`` reads the row; ``display`` turns that value into the cell's text (``str``
    of it, blank for None, by default). ``tooltip`` defaults to the cell's text;
    ``foreground``/``background`` name a :mod:`carecoord.ui.style` meaning; ``bold``
    says which rows' cells are bold. A header
    given with ``context`` is translated in that context when shown.
    """

    header: str
    value: Callable[[Any], Any]
    display: Callable[[Any], str] | None = None
    align: Qt.AlignmentFlag | None = None
    tooltip: Callable[[Any], str | None] | None = None
    sort_key: Callable[[Any], Any] | None = None
    foreground: Colour | None = None
    background: Colour | None = None
    bold: Callable[[Any], bool] | None = None
    context: str | None = None
    header_tooltip: str | None = None

    def text(self, row: Any) -> str:
        value = self.value(row)
        if self.display is not None:
            return self.display(value)
        return "" if value is None else str(value)

    def title(self) -> str:
        return translate(self.context, self.header) if self.context else self.header


@cache
def bold_font() -> QFont:
    """The bold font of table cells (made once, after the application exists)."""
    font = QFont()
    font.setBold(True)
    return font


def brush(meaning: str | None) -> QBrush | None:
    """The brush of a style meaning (None stays None)."""
    return QBrush(style.qcolor(meaning)) if meaning else None


class ColumnTableModel(QAbstractTableModel):
    """Rows in memory shown through ``columns``.

    ``muted(row)`` greys a whole row (resolved diagnoses, inactive accounts);
    subclasses that need more (a bold font, an id role) override :meth:`extra_data`
    and name the roles it answers in :attr:`extra_roles`.
    """

    extra_roles: frozenset[int] = frozenset()
    """The roles :meth:`extra_data` answers. Qt asks many roles of every cell (size
    hints, decoration …); a role neither here nor among the columns' answers is refused
    before the row is looked up, which a paged list would otherwise pay per role."""

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        muted: Callable[[Any], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(columns)
        self.muted = muted
        self._rows: list[Any] = []

    # ------------------------------------------------------------------ rows
    @property
    def rows(self) -> list[Any]:
        """The rows held now, in order."""
        return self._rows

    def arrange(self, rows: list[Any]) -> list[Any]:
        """The display order (as given, unless a subclass sorts)."""
        return rows

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = self.arrange(list(rows))
        self.endResetModel()

    def append(self, rows: Sequence[Any]) -> None:
        """Add rows at the end (a lazily read list's next page)."""
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def row_at(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_count(self) -> int:
        return len(self._rows)

    def find(self, predicate: Callable[[Any], bool]) -> int:
        """The first held row for which ``predicate`` is true, or -1."""
        return next((i for i, row in enumerate(self.rows) if predicate(row)), -1)

    # ------------------------------------------------------------- Qt overrides
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's default
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's default
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title()
        if role == Qt.ItemDataRole.ToolTipRole and column.header_tooltip:
            tip = column.header_tooltip
            return translate(column.context, tip) if column.context else tip
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        number = index.column()
        if not 0 <= number < len(self.columns):
            return None
        role = int(role)
        answer = _ROLE_ANSWERS.get(role)
        extra = role in self.extra_roles
        if answer is None and not extra:
            return None  # before row_at: most roles Qt asks are answered by no one
        row = self.row_at(index.row())
        if row is None:
            return None
        if extra and (found := self.extra_data(row, number, role)) is not None:
            return found
        return answer(self, self.columns[number], row) if answer is not None else None

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        """A subclass's answer for ``role`` (one of :attr:`extra_roles`) before the
        columns' (None: the columns')."""
        return None


def list_table(
    model: QAbstractTableModel,
    name: str,
    accessible: str,
    *,
    word_wrap: bool = True,
    view_class: type[QTableView] = QTableView,
) -> QTableView:
    """A read-only table of whole-row, single selection showing ``model`` (the lists of
    pages and tabs); see :func:`read_only_rows`."""
    table = view_class()
    table.setModel(model)
    return read_only_rows(table, name, accessible, word_wrap=word_wrap)


TableT = TypeVar("TableT", bound=QTableView)


def read_only_rows(table: TableT, name: str, accessible: str, *, word_wrap: bool = True) -> TableT:
    """Make ``table`` (a view or a QTableWidget) a read-only list of whole-row, single
    selection; Tab moves on to the next control, the arrows move between cells."""
    tab_leaves(table)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(word_wrap)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _foreground(model: ColumnTableModel, column: Column, row: Any) -> QBrush | None:
    if column.foreground is not None and (meaning := column.foreground(row)):
        return brush(meaning)
    return brush("muted") if model.muted is not None and model.muted(row) else None


def _background(_model: ColumnTableModel, column: Column, row: Any) -> QBrush | None:
    meaning = column.background(row) if column.background is not None else None
    return QBrush(QColor(style.bg(meaning))) if meaning else None


def _alignment(_model: ColumnTableModel, column: Column, _row: Any) -> int | None:
    return int(column.align | Qt.AlignmentFlag.AlignVCenter) if column.align is not None else None


_ROLE_ANSWERS: dict[int, Callable[[ColumnTableModel, Column, Any], Any]] = {
    int(Qt.ItemDataRole.DisplayRole): lambda _m, column, row: column.text(row),
    int(Qt.ItemDataRole.AccessibleTextRole): lambda _m, column, row: column.text(row),
    int(Qt.ItemDataRole.ToolTipRole): lambda _m, column, row: (
        (column.tooltip or column.text)(row) or None
    ),
    int(Qt.ItemDataRole.ForegroundRole): _foreground,
    int(Qt.ItemDataRole.BackgroundRole): _background,
    int(Qt.ItemDataRole.FontRole): lambda _m, column, row: (
        bold_font() if column.bold is not None and column.bold(row) else None
    ),
    int(Qt.ItemDataRole.TextAlignmentRole): _alignment,
    int(RowRole): lambda _m, _column, row: row,
    int(SortRole): lambda _m, column, row: (
        column.sort_key(row) if column.sort_key else column.text(row)
    ),
}
