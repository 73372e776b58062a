"""The body diagram widget: front and back outlines painted from the shipped vector map, with
pain marks placed by mouse (click, or press and drag to mark an area)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from carecoord.clinical.pain_map import (
    KIND_STYLES,
    BodyMap,
    BodyView,
    PainKind,
    PainMark,
    body_map,
    symbol,
)
from carecoord.ui.style import qcolor, scheme

GAP = 36.0  # diagram units between the views
TOP = 24.0  # room for the view titles
HIGHLIGHT_ALPHA = 110  # the hovered region: the warning colour, see-through
STROKE_SPACING = 9.0  # diagram units between marks laid while dragging
REMOVE_RADIUS = 8.0


def paint_symbol(painter: QPainter, kind: PainKind, centre: QPointF, scale: float) -> None:
    """Ransford's symbol for ``kind`` in its colour (the same strokes the PDF prints)."""
    pen = QPen(QColor(KIND_STYLES[kind].colour))
    pen.setWidthF(max(1.4, 0.28 * scale))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for s in symbol(kind):
        if s.ring:
            painter.drawEllipse(
                QPointF(centre.x() + s.x1 * scale, centre.y() + s.y1 * scale),
                s.x2 * scale,
                s.x2 * scale,
            )
        else:
            painter.drawLine(
                QPointF(centre.x() + s.x1 * scale, centre.y() + s.y1 * scale),
                QPointF(centre.x() + s.x2 * scale, centre.y() + s.y2 * scale),
            )


def kind_icon(kind: PainKind, size: int = 22) -> QIcon:
    """The legend's swatch for ``kind``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_symbol(painter, kind, QPointF(size / 2, size / 2), size / 9)
    painter.end()
    return QIcon(pixmap)


class BodyDiagram(QWidget):
    """Front and back views side by side; in edit mode a left click (or a drag) marks the
    chosen kind of pain, a right click removes the nearest mark.

    Signals:
        marks_changed(): a mark was added or removed by the mouse.
        refused(str): a click fell outside the body outline (the message says so).
    """

    marks_changed = Signal()
    refused = Signal(str)

    def __init__(self, *, editable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyDiagram")
        self.setAccessibleName("Body diagram")
        self.diagram: BodyMap = body_map()
        self.editable = editable
        self.kind = PainKind.ACHING
        self.marks: list[PainMark] = []
        self._last: tuple[BodyView, float, float] | None = None
        self._paths = {view: self._region_paths(view) for view in BodyView}
        self._outlines = {view: self.diagram.outline(view) for view in BodyView}
        self.setMinimumSize(260, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if editable:
            self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:
        return QSize(360, 380)  # grows with the room the tab gives it

    # ---------------------------------------------------------------- geometry
    def _region_paths(self, view: BodyView) -> list[QPainterPath]:
        paths = []
        for region in self.diagram.of(view):
            path = QPainterPath()
            path.addPolygon(QPolygonF([QPointF(x, y) for x, y in region.points]))
            path.closeSubpath()
            paths.append(path)
        return paths

    def _scene(self) -> tuple[float, float, float]:
        """(scale, x offset, y offset) mapping diagram units to widget pixels."""
        width = 2 * self.diagram.width + GAP
        height = self.diagram.height + TOP
        scale = min(self.width() / width, self.height() / height)
        return scale, (self.width() - width * scale) / 2, (self.height() - height * scale) / 2

    def view_origin(self, view: BodyView) -> float:
        """The view's left edge in scene units."""
        return 0.0 if view is BodyView.FRONT else self.diagram.width + GAP

    def to_widget(self, view: BodyView, x: float, y: float) -> QPointF:
        """Where diagram point (x, y) of ``view`` is on the widget (tests click there)."""
        scale, dx, dy = self._scene()
        return QPointF(dx + (self.view_origin(view) + x) * scale, dy + (TOP + y) * scale)

    def to_diagram(self, point: QPointF) -> tuple[BodyView, float, float] | None:
        """The view and diagram coordinates under a widget point (None between the views)."""
        scale, dx, dy = self._scene()
        sx, y = (point.x() - dx) / scale, (point.y() - dy) / scale - TOP
        for view in BodyView:
            x = sx - self.view_origin(view)
            if 0 <= x <= self.diagram.width and 0 <= y <= self.diagram.height:
                return view, round(x, 1), round(y, 1)
        return None

    # ------------------------------------------------------------------- marks
    def set_marks(self, marks: list[PainMark] | tuple[PainMark, ...]) -> None:
        self.marks = list(marks)
        self.update()

    def add_mark(self, view: BodyView, x: float, y: float) -> bool:
        """Mark the current kind at (x, y) of ``view`` when it lies on the body."""
        region = self.diagram.region_at(view, x, y)
        if region is None:
            self.refused.emit("Outside the body outline: mark only on the body.")
            return False
        self.marks.append(PainMark(view, x, y, self.kind, region.key))
        self._last = (view, x, y)
        self.update()
        self.marks_changed.emit()
        return True

    def remove_near(self, view: BodyView, x: float, y: float) -> bool:
        near = [
            (math.hypot(m.x - x, m.y - y), i) for i, m in enumerate(self.marks) if m.view is view
        ]
        distance, index = min(near, default=(math.inf, -1))
        if distance > REMOVE_RADIUS:
            return False
        del self.marks[index]
        self.update()
        self.marks_changed.emit()
        return True

    # ------------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        spot = self.to_diagram(event.position()) if self.editable else None
        if spot is None:
            super().mousePressEvent(event)
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.remove_near(*spot)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._last = None
            self.add_mark(*spot)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Dragging with the left button lays a mark every few units: an area of pain."""
        if not (self.editable and event.buttons() & Qt.MouseButton.LeftButton):
            super().mouseMoveEvent(event)
            return
        spot = self.to_diagram(event.position())
        if spot is None:
            return
        view, x, y = spot
        last = self._last
        if (
            last is not None
            and last[0] is view
            and math.hypot(x - last[1], y - last[2]) < (STROKE_SPACING)
        ):
            return
        if self.diagram.region_at(view, x, y) is not None:  # a drag may brush past the edge
            self.add_mark(view, x, y)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._last = None
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------ paint
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale, dx, dy = self._scene()
        marked = {m.region for m in self.marks}
        for view in BodyView:
            painter.save()
            painter.translate(dx + self.view_origin(view) * scale, dy + TOP * scale)
            painter.scale(scale, scale)
            fill, line, outline_colour = (QColor(c) for c in scheme().body)
            highlight = QColor(scheme().region_marked)
            highlight.setAlpha(HIGHLIGHT_ALPHA)
            region_pen = QPen(line)
            region_pen.setCosmetic(True)
            region_pen.setWidthF(0.8)
            painter.setPen(region_pen)
            for region, path in zip(self.diagram.of(view), self._paths[view], strict=True):
                painter.setBrush(fill)
                painter.drawPath(path)
                if region.key in marked:
                    painter.fillPath(path, highlight)
            outline = QPen(outline_colour)
            outline.setCosmetic(True)
            outline.setWidthF(1.8)
            painter.setPen(outline)
            for (x1, y1), (x2, y2) in self._outlines[view]:
                painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))
            painter.restore()
            self._labels(painter, view, scale, dx, dy)
        for mark in self.marks:
            paint_symbol(painter, mark.kind, self.to_widget(mark.view, mark.x, mark.y), scale * 1.3)
        painter.end()

    def _labels(
        self, painter: QPainter, view: BodyView, scale: float, dx: float, dy: float
    ) -> None:
        painter.setPen(self.palette().color(self.foregroundRole()))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        left = dx + self.view_origin(view) * scale
        painter.drawText(
            QRectF(left, dy, self.diagram.width * scale, TOP * scale),
            Qt.AlignmentFlag.AlignCenter,
            view.label,
        )
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(qcolor("muted"))
        sides = ("R", "L") if view is BodyView.FRONT else ("L", "R")
        for x, side in zip((12.0, self.diagram.width - 12.0), sides, strict=True):
            centre = self.to_widget(view, x, 250)
            painter.drawText(
                QRectF(centre.x() - 10, centre.y() - 10, 20, 20), Qt.AlignmentFlag.AlignCenter, side
            )


__all__ = ["BodyDiagram", "kind_icon", "paint_symbol"]
