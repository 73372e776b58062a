"""The tooltip of a drawn chart point: hovering near a point names it, elsewhere nothing.

The chart's trend chart and the plan timeline's trend strip both draw score points by
hand (no item views), so Qt's ToolTip event is answered here from the point under the
pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip, QWidget

P = TypeVar("P")


def show_point_tooltip(
    widget: QWidget,
    event: QEvent,
    point_at: Callable[[QPointF], P | None],
    text: Callable[[P], str],
) -> bool:
    """Answer a ToolTip ``event`` on ``widget`` with ``text`` of the point near it (or
    hide the tooltip); True when the event was a tooltip request and is handled."""
    if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
        return False
    point = point_at(QPointF(event.pos()))
    if point is None:
        QToolTip.hideText()
        event.ignore()
    else:
        QToolTip.showText(event.globalPos(), text(point), widget)
    return True
