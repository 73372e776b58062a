"""How a main window (the application's, a chart's) lays out its body."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QMainWindow, QVBoxLayout, QWidget


def set_body(
    window: QMainWindow,
    layout_type: type[QHBoxLayout] | type[QVBoxLayout],
    fixed: QWidget,
    main: QWidget,
) -> QBoxLayout:
    """Make ``fixed`` then ``main`` (which takes the spare room) the window's central
    widget, edge to edge: both parts draw their own borders, so no margin or gap."""
    central = QWidget()
    layout = layout_type(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(fixed)
    layout.addWidget(main, 1)
    window.setCentralWidget(central)
    return layout
