"""Keyboard use: tab order set from a list, tables and date-time pickers that let Tab move on.

Qt's default tab order is the order widgets were created in, which stops matching the
screen as soon as a page builds a row out of order. Pages and forms call
:func:`tab_order` with their widgets as a person reads them. Two Qt defaults trapped Tab
for good: tables move between cells with it (:func:`tab_leaves`), and a date-time picker
showing its "not set" text steps through sections it does not show (:class:`DateTimeEdit`).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDateTimeEdit, QWidget


def tab_order(owner: QWidget, *widgets: QWidget | None) -> list[QWidget]:
    """Chain Tab through ``widgets`` in this order (None entries are skipped: a widget a
    role does not get), now and each time ``owner`` is shown: moving a page into its
    window (a scroll area, the main window's stack) rebuilds Qt's chain in creation order.
    Returns the chain."""
    chain = [widget for widget in widgets if widget is not None]
    _chain(chain)
    owner.installEventFilter(_ReapplyOnShow(owner, chain))
    return chain


def _chain(chain: list[QWidget]) -> None:
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)


class _ReapplyOnShow(QObject):
    def __init__(self, owner: QWidget, chain: list[QWidget]) -> None:
        super().__init__(owner)
        self.chain = chain

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            _chain(self.chain)
        return False


def tab_leaves(*views: QAbstractItemView) -> None:
    """Tab leaves these tables and lists for the next field (arrows move inside)."""
    for view in views:
        view.setTabKeyNavigation(False)


class DateTimeEdit(QDateTimeEdit):
    """A date-time picker that Tab leaves (sections are reached with the arrow keys and
    the mouse; with "not set" shown, Qt's Tab stepped through them without end)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # Qt's name
        return QWidget.focusNextPrevChild(self, next)


def close_shortcut(window: QWidget) -> QAction:
    """Ctrl+W (the platform's Close key) closes ``window``, as it closes a chart; a window
    with unsaved work asks first in its own close handling."""
    action = QAction("Close window", window)
    action.setObjectName("closeWindowShortcut")
    # Every binding: the first alone is Ctrl+F4 (Ctrl+W is the second).
    action.setShortcuts(QKeySequence.StandardKey.Close)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(window.close)
    window.addAction(action)
    return action
