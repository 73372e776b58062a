"""The dashboard's figure tiles and the flow that wraps them."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.style import fg, scheme


class Tile(QFrame):
    """A number with a caption; its accent colour says whether it needs attention."""

    def __init__(self, name: str, caption: str, *, accent: str | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        accent = accent or fg("info")
        colours = scheme()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {colours.base}; border: 1px solid "
            f"{colours.panel_border}; border-left: 4px solid {accent}; border-radius: 6px; }}"
        )
        column = self.column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(2)
        self.value = QLabel("–")
        self.value.setObjectName(f"{name}Value")
        self.value.setStyleSheet(f"font-size: 22px; font-weight: 600; color: {accent};")
        self.caption = QLabel(caption)
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {fg('muted')};")
        column.addWidget(self.value)
        column.addWidget(self.caption)
        self.setAccessibleName(caption)

    def set_value(self, text: str, accent: str | None = None) -> None:
        self.value.setText(text)
        if accent is not None:
            self.value.setStyleSheet(f"font-size: 22px; font-weight: 600; color: {accent};")
        self.setAccessibleDescription(text)


TILE_WIDTH = 168  # six to a row on a laptop, three on a 960-px window


def tile_flow(tiles: Iterable[Tile]) -> FlowLayout:
    """Tiles of one width, wrapping onto further rows when the page is narrow."""
    flow = FlowLayout(spacing=8)
    for tile in tiles:
        tile.setFixedWidth(TILE_WIDTH)
        tile.setMinimumHeight(84)
        flow.addWidget(tile)
    return flow
