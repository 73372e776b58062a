"""Table models that read long lists from a service a page at a time.

Both are :class:`~carecoord.ui.kit.table.ColumnTableModel` s: the columns answer Qt's
roles; only where a row comes from differs. Short lists use ``ColumnTableModel`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject

from carecoord.ui.kit.table import AnyIndex, Column, ColumnTableModel

Index = AnyIndex


class PagedTableModel(ColumnTableModel):
    """Rows read from a service one page at a time as the view scrolls, by OFFSET, every
    row kept (the audit trail; the patient list and the worklist use
    :class:`KeysetTableModel`). Subclasses supply ``fetch_page``."""

    PAGE_SIZE = 100

    def __init__(self, columns: Sequence[Column] = (), parent: QObject | None = None) -> None:
        super().__init__(columns, parent=parent)
        self.exhausted = True

    def fetch_page(self, offset: int) -> list[Any] | None:
        """Rows ``offset`` … ``offset + PAGE_SIZE``; None when the service refused."""
        raise NotImplementedError

    def restart(self) -> None:
        """Forget the loaded rows and read the first page again."""
        self.beginResetModel()
        self._rows = []
        page = self.fetch_page(0)
        self._rows = page or []
        self.exhausted = page is None or len(page) < self.PAGE_SIZE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008  # Qt's default
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008  # Qt's default
        if parent.isValid() or self.exhausted:
            return
        page = self.fetch_page(len(self._rows))
        # Decided before inserting, so views listening to rowsInserted see the final state.
        self.exhausted = not page or len(page) < self.PAGE_SIZE
        self.append(page or [])


class KeysetTableModel(ColumnTableModel):
    """A long list read a page at a time with keyset cursors, holding only the pages near
    what the view last asked for.

    ``fetch_after(cursor)`` returns one page and the cursor of the page after it; the
    model keeps every page's starting cursor (a few bytes each), so a page released to
    save memory is read again, at the same cost as any other page, when scrolled back to.
    Scrolling a 100,000-row list to the end thus costs one index range scan per page and
    keeps at most ``KEEP_PAGES`` pages of rows in memory.
    """

    PAGE_SIZE = 100
    KEEP_PAGES = 12

    def __init__(self, columns: Sequence[Column] = (), parent: QObject | None = None) -> None:
        super().__init__(columns, parent=parent)
        self.pages: dict[int, list[Any]] = {}
        self.starts: list[Any] = []  # starts[i]: the cursor page i is read after
        self.next_cursor: Any = None
        self.count = 0
        self.exhausted = True

    def fetch_after(self, cursor: Any) -> tuple[list[Any], Any] | None:
        """One page after ``cursor`` (None: from the start) and the next page's cursor
        (None when this was the last); None when the service refused."""
        raise NotImplementedError

    def restart(self) -> None:
        """Forget every page and read the first again."""
        self.beginResetModel()
        self.pages, self.starts, self.count, self.next_cursor = {}, [], 0, None
        self.exhausted = True
        fetched = self.fetch_after(None)
        if fetched is not None:
            rows, self.next_cursor = fetched
            self.starts.append(None)
            self.pages[0] = rows
            self.count = len(rows)
            self.exhausted = self.next_cursor is None
        self.endResetModel()

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Show a fixed list instead of a query's pages (nothing more to fetch)."""
        held = list(rows)
        self.beginResetModel()
        size = self.PAGE_SIZE
        self.pages = {i // size: held[i : i + size] for i in range(0, len(held), size)}
        self.starts = [None] * len(self.pages)
        self.count, self.next_cursor, self.exhausted = len(held), None, True
        self.endResetModel()

    @property
    def rows(self) -> list[Any]:
        """The rows held now, in order (the loaded pages; for tests and small lists)."""
        return [row for index in sorted(self.pages) for row in self.pages[index]]

    def row_count(self) -> int:
        return self.count

    def row_at(self, row: int) -> Any | None:
        if not 0 <= row < self.count:
            return None
        index, within = divmod(row, self.PAGE_SIZE)
        page = self.pages.get(index)
        if page is None:  # released earlier: read it again from its cursor
            fetched = self.fetch_after(self.starts[index])
            page = fetched[0] if fetched is not None else []
            self.pages[index] = page
            self._release_far_from(index)
        return page[within] if within < len(page) else None

    def held_row(self, predicate: Any) -> int:
        """The row number of the first held row for which ``predicate`` is true, or -1
        (rows of released pages are not read again)."""
        for index in sorted(self.pages):
            for within, row in enumerate(self.pages[index]):
                if predicate(row):
                    return index * self.PAGE_SIZE + within
        return -1

    def loaded_rows(self) -> int:
        return sum(len(page) for page in self.pages.values())

    def _release_far_from(self, index: int) -> None:
        while len(self.pages) > self.KEEP_PAGES:
            farthest = max(self.pages, key=lambda i: abs(i - index))
            del self.pages[farthest]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008  # Qt's default
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008  # Qt's default
        if parent.isValid() or self.exhausted:
            return
        cursor = self.next_cursor
        fetched = self.fetch_after(cursor)
        rows, following = fetched if fetched is not None else ([], None)
        # Decided before inserting, so views listening to rowsInserted see the final state.
        self.exhausted = following is None or not rows
        self.next_cursor = following
        if not rows:
            return
        index = len(self.starts)
        self.starts.append(cursor)
        self.beginInsertRows(QModelIndex(), self.count, self.count + len(rows) - 1)
        self.pages[index] = rows
        self.count += len(rows)
        self.endInsertRows()
        self._release_far_from(index)
