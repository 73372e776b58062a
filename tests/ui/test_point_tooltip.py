"""The kit's drawn-point tooltip answers ToolTip events from the point under the pointer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip, QWidget
from pytestqt.qtbot import QtBot

from carecoord.ui.kit.point_tooltip import show_point_tooltip


def test_tooltip_names_the_point_near_the_pointer_and_nothing_elsewhere(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    asked: list[QPointF] = []

    def point_at(pos: QPointF) -> str | None:
        asked.append(pos)
        return "PEG" if pos.x() < 10 else None

    near = QHelpEvent(QEvent.Type.ToolTip, QPoint(3, 4), widget.mapToGlobal(QPoint(3, 4)))
    assert show_point_tooltip(widget, near, point_at, lambda p: f"{p} 4 / 10")
    assert asked == [QPointF(3, 4)] and QToolTip.text() == "PEG 4 / 10"
    far = QHelpEvent(QEvent.Type.ToolTip, QPoint(50, 4), widget.mapToGlobal(QPoint(50, 4)))
    assert show_point_tooltip(widget, far, point_at, str)
    assert not far.isAccepted()
    assert not show_point_tooltip(widget, QEvent(QEvent.Type.Enter), point_at, str)
    assert len(asked) == 2
