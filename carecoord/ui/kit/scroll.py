"""A borderless scroll area around a long form or column, so it scrolls inside its
tab or dialog instead of stretching the window."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def borderless_scroll(widget: QWidget, name: str = "") -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it to the area's width."""
    scroll = QScrollArea()
    if name:
        scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll
