"""The time axis above the timeline's lanes: periods, tick labels, Today and Review flags."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QToolTip,
    QWidget,
)

from carecoord.ui.timeline.canvas import TimelineCanvas, TimeStrip, paint_marker_lines
from carecoord.ui.timeline.painting import (
    LABEL_WIDTH,
    _with_alpha,
)


class TimelineHeader(TimeStrip):
    """The time axis above the lanes: periods, tick labels, and the Today / Review flags."""

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None) -> None:
        super().__init__(canvas, parent, name="timelineHeader", accessible_name="Time axis")
        self.setFixedHeight(math.ceil(canvas.metrics.header))
        canvas.view_changed.connect(self.update)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            x = float(event.pos().x())
            marker = self.canvas.marker_at(x) if x >= LABEL_WIDTH else None
            today = self.canvas.data.today
            if marker is not None:
                QToolTip.showText(event.globalPos(), marker.tooltip, self)
            elif abs(self.canvas.day_x(today) - x) <= 20 and x >= LABEL_WIDTH:
                QToolTip.showText(event.globalPos(), f"Today, {today.isoformat()}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _paint(self, painter: QPainter, palette: QPalette) -> None:
        canvas, m = self.canvas, self.canvas.metrics
        view = canvas.view_width
        right = LABEL_WIDTH + view
        text = palette.color(QPalette.ColorRole.Text)
        painter.fillRect(QRectF(self.rect()), palette.color(QPalette.ColorRole.Window))
        painter.fillRect(
            QRectF(LABEL_WIDTH, 0, view, self.height()),
            palette.color(QPalette.ColorRole.AlternateBase),
        )
        rule = _with_alpha(text, 90)
        metrics = QFontMetricsF(self.font())
        bold = self.font()
        bold.setBold(True)
        bold_metrics = QFontMetricsF(bold)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(8, 0, LABEL_WIDTH - 12, self.height()),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            "Lanes",
        )
        first, last = canvas.scale.visible_range(canvas.scroll_x, view)
        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, 0, view, self.height()))
        for period in canvas.scale.periods(first, last):
            x0 = canvas.to_widget_x(period.x0)
            x1 = canvas.to_widget_x(period.x1)
            painter.setPen(QPen(rule, 1))
            painter.drawLine(QPointF(x0, 2), QPointF(x0, m.period_row))
            # Keep the label in view while the period is partly scrolled off.
            left = max(x0, LABEL_WIDTH) + 5
            room = min(x1, right) - left - 4
            if bold_metrics.horizontalAdvance(period.label) <= room:  # whole labels only
                painter.setPen(text)
                painter.drawText(QPointF(left, 3 + bold_metrics.ascent()), period.label)
        painter.setFont(self.font())
        tick_bottom = m.period_row + m.tick_row
        baseline = tick_bottom - 4 - metrics.descent()
        last_right = -1e9
        for tick in canvas.scale.ticks(first, last):
            x = canvas.to_widget_x(tick.x)
            painter.setPen(QPen(rule, 1))
            length = 6 if tick.major else 3
            painter.drawLine(QPointF(x, tick_bottom - length), QPointF(x, tick_bottom))
            if tick.major and tick.label:
                left = x + 3
                if left > last_right + 4 and left >= LABEL_WIDTH:
                    painter.setPen(text)
                    painter.drawText(QPointF(left, baseline), tick.label)
                    last_right = left + metrics.horizontalAdvance(tick.label)
        painter.setPen(QPen(rule, 1))
        painter.drawLine(QPointF(LABEL_WIDTH, tick_bottom), QPointF(right, tick_bottom))
        self._paint_flags(painter, palette, tick_bottom, metrics)
        painter.restore()
        painter.setPen(QPen(rule, 1))
        painter.drawLine(
            QPointF(0, self.height() - 0.5), QPointF(self.width(), self.height() - 0.5)
        )
        painter.drawLine(QPointF(LABEL_WIDTH - 0.5, 0), QPointF(LABEL_WIDTH - 0.5, self.height()))

    def _paint_flags(
        self, painter: QPainter, palette: QPalette, top: float, metrics: QFontMetricsF
    ) -> None:
        canvas, m = self.canvas, self.canvas.metrics
        text = palette.color(QPalette.ColorRole.Text)
        paint_marker_lines(painter, palette, canvas, top, self.height())
        flag_top = top + 2
        for marker in canvas.layout_cache.markers:
            x = canvas.to_widget_x(marker.x0)
            flag = QRectF(x, flag_top, metrics.horizontalAdvance("Review") + 8, m.line + 2)
            painter.setPen(QPen(text, 1))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRect(flag)
            painter.drawText(flag, int(Qt.AlignmentFlag.AlignCenter), "Review")
        x = canvas.day_x(canvas.data.today)
        accent = palette.color(QPalette.ColorRole.Highlight)
        width = metrics.horizontalAdvance("Today") + 10
        chip = QRectF(x - width / 2, flag_top, width, m.line + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(chip, 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), "Today")
