"""A layout that wraps its items onto the next line (Qt's "flow layout" example).

Filter rows and button rows use it so that a narrow screen gets two short rows instead of
one row wider than the window (which would force the window off the screen's edge).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items laid out left to right (or right-aligned), wrapping when the row is full."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        spacing: int = 6,
        align_right: bool = False,
        last_to_the_right: bool = False,
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._align_right = align_right
        self._last_to_the_right = last_to_the_right  # like a stretch before the last item
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # ------------------------------------------------------------ QLayout's API
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        """One row of everything (what the layout would like)."""
        width = sum(i.sizeHint().width() for i in self._visible()) + self._spacing * max(
            len(self._visible()) - 1, 0
        )
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """As narrow as the widest single item: the rest wraps."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # ---------------------------------------------------------------- placement
    def _visible(self) -> list[QLayoutItem]:
        shown = []
        for item in self._items:
            widget = item.widget()
            if widget is None or not widget.isHidden():
                shown.append(item)
        return shown

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items in ``rect`` (when ``apply``); return the height they need."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._visible():
            size = item.sizeHint().boundedTo(QSize(area.width(), 10_000))
            gap = self._spacing
            if rows[-1] and x + gap + size.width() > area.width():
                rows.append([])
                x = 0
            x += (gap if rows[-1] else 0) + size.width()
            rows[-1].append((item, size))
        y = area.y()
        for row in rows:
            if not row:
                continue
            row_height = max(size.height() for _, size in row)
            used = sum(size.width() for _, size in row) + self._spacing * (len(row) - 1)
            x = area.x() + (area.width() - used if self._align_right else 0)
            for item, size in row:
                if self._last_to_the_right and item is self._visible()[-1]:
                    x = max(x, area.x() + area.width() - size.width())
                if apply:
                    top = y + (row_height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), size))
                x += size.width() + self._spacing
            y += row_height + self._spacing
        return y - self._spacing - area.y() + margins.top() + margins.bottom()
