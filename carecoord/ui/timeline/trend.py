"""The PEG / NRS strip under the timeline's lanes, on the same time axis."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QToolTip,
    QWidget,
)

from carecoord.ui.kit.score_series import NRS_SERIES, PEG_SERIES
from carecoord.ui.timeline.canvas import TimelineCanvas, TimeStrip, paint_marker_lines
from carecoord.ui.timeline.items import (
    TrendPoint,
    nearest_point,
)
from carecoord.ui.timeline.painting import (
    LABEL_WIDTH,
    POINT_RADIUS,
    TREND_HEIGHT,
    _with_alpha,
    series_colour,
)


class TimelineTrend(TimeStrip):
    """PEG and NRS under the lanes, on their own 0–10 axis, sharing the lanes' time scale."""

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None) -> None:
        super().__init__(canvas, parent, name="timelineTrend", accessible_name="PEG and NRS trend")
        self.setFixedHeight(int(TREND_HEIGHT))
        canvas.view_changed.connect(self._changed)

    def _changed(self) -> None:
        self.setVisible(bool(self.canvas.data.trend))
        points = self.canvas.data.trend
        if points:
            last = {p.series: p for p in points}
            self.setAccessibleDescription(
                "; ".join(
                    f"{name} {len([p for p in points if p.series == name])} scores, latest "
                    f"{last[name].value:g} on {last[name].day.isoformat()}"
                    for name in ("PEG", "NRS")
                    if name in last
                )
            )
        self.update()

    def plot_rect(self) -> QRectF:
        line = self.canvas.metrics.line
        return QRectF(
            LABEL_WIDTH, line * 0.7 + 4, self.canvas.view_width, self.height() - line * 1.4 - 8
        )

    def positions(self) -> list[tuple[TrendPoint, QPointF]]:
        plot = self.plot_rect()
        canvas = self.canvas
        return [
            (p, QPointF(canvas.day_x(p.day), plot.bottom() - plot.height() * p.value / 10))
            for p in canvas.data.trend
        ]

    def point_at(self, pos: QPointF) -> TrendPoint | None:
        positions = self.positions()
        index = nearest_point([(q.x(), q.y()) for _, q in positions], pos.x(), pos.y(), 7)
        return positions[index][0] if index is not None else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = self.point_at(QPointF(event.pos()))
            if point is None:
                QToolTip.hideText()
                event.ignore()
            else:
                spec = PEG_SERIES if point.series == "PEG" else NRS_SERIES
                QToolTip.showText(
                    event.globalPos(),
                    f"{point.series} {point.value:.{spec.decimals}f} / 10 on "
                    f"{point.day.isoformat()}",
                    self,
                )
            return True
        return super().event(event)

    def _paint(self, painter: QPainter, palette: QPalette) -> None:
        canvas = self.canvas
        plot = self.plot_rect()
        text = palette.color(QPalette.ColorRole.Text)
        ink = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(QRectF(self.rect()), palette.color(QPalette.ColorRole.Base))
        painter.fillRect(
            QRectF(0, 0, LABEL_WIDTH, self.height()), palette.color(QPalette.ColorRole.Window)
        )
        metrics = QFontMetricsF(self.font())
        bold = self.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(ink)
        painter.drawText(
            QRectF(8, plot.top(), LABEL_WIDTH - 44, plot.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            "Pain trend\nPEG / NRS",
        )
        painter.setFont(self.font())
        for value in (0, 5, 10):
            y = plot.bottom() - plot.height() * value / 10
            label = str(value)
            width = metrics.horizontalAdvance(label)
            painter.setPen(ink)
            painter.drawText(QPointF(LABEL_WIDTH - width - 9, y + metrics.ascent() / 2 - 1), label)
            painter.drawLine(QPointF(LABEL_WIDTH - 5, y), QPointF(LABEL_WIDTH, y))
        painter.setPen(QPen(_with_alpha(text, 90), 1))
        painter.drawLine(QPointF(0, 0.5), QPointF(self.width(), 0.5))
        painter.drawLine(QPointF(LABEL_WIDTH - 0.5, 0), QPointF(LABEL_WIDTH - 0.5, self.height()))
        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, 0, canvas.view_width, self.height()))
        painter.setPen(QPen(_with_alpha(text, 40), 1))
        for value in (0, 5, 10):
            y = plot.bottom() - plot.height() * value / 10
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        paint_marker_lines(painter, palette, canvas, 0, self.height())
        positions = self.positions()
        for spec in (PEG_SERIES, NRS_SERIES):
            colour = series_colour(spec, palette)
            points = [q for p, q in positions if p.series == spec.name]
            if not points:
                continue
            pen = QPen(colour, 2)
            if spec.shape == "square":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if len(points) > 1:
                painter.drawPolyline(QPolygonF(points))
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 1.2))
            painter.setBrush(colour)
            low, high = LABEL_WIDTH - 8, LABEL_WIDTH + canvas.view_width + 8
            for q in points:
                if not low <= q.x() <= high:
                    continue
                if spec.shape == "square":
                    painter.drawRect(QRectF(q.x() - POINT_RADIUS, q.y() - POINT_RADIUS, 8, 8))
                else:
                    painter.drawEllipse(q, POINT_RADIUS + 0.5, POINT_RADIUS + 0.5)
        painter.restore()
