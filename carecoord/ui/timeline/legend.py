"""The timeline's legend: what the shapes, patterns and lines mean."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from carecoord.ui.kit.score_series import NRS_SERIES, PEG_SERIES
from carecoord.ui.timeline.items import (
    ItemKind,
    Shape,
    TimelineItem,
)
from carecoord.ui.timeline.painting import (
    STATUS_LEGEND,
    _with_alpha,
    modality_colour,
    paint_antialiased,
    paint_bar,
    paint_diamond,
    series_colour,
)


class TimelineLegend(QWidget):
    """What the shapes, patterns and lines mean; wraps onto more lines when narrow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineLegend")
        self.setAccessibleName("Timeline legend")
        self.with_trend = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._describe()

    def set_trend(self, shown: bool) -> None:
        if shown != self.with_trend:
            self.with_trend = shown
            self._describe()
            self.updateGeometry()
            self.update()

    def _describe(self) -> None:
        self.setAccessibleDescription(", ".join(label for _, label in self._legend_entries()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return math.ceil(self._legend_height(float(width)))

    def sizeHint(self) -> QSize:
        return QSize(900, self.heightForWidth(max(self.width(), 900)))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.heightForWidth(max(self.width(), 200)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.heightForWidth(self.width())
        if height != self.height():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_antialiased(self, self._paint_legend)

    def _legend_entries(self) -> list[tuple[str, str]]:
        entries = [(f"status:{key}", label) for key, label in STATUS_LEGEND]
        entries += [
            ("procedure", "Procedure (one day)"),
            ("sent", "Referral sent"),
            ("appointment", "Appointment / seen"),
            ("report", "Report received"),
            ("review", "Review date"),
            ("today", "Today"),
        ]
        if self.with_trend:
            entries += [("peg", "PEG (mean of 3)"), ("nrs", "NRS pain")]
        return entries

    def _legend_positions(self, width: float) -> list[tuple[str, str, QPointF]]:
        metrics = QFontMetricsF(self.font())
        x, y = 8.0, 0.0
        out = []
        for key, label in self._legend_entries():
            span = 30 + metrics.horizontalAdvance(label) + 18
            if x + span > width - 8 and x > 8:
                x, y = 8.0, y + metrics.height() + 8
            out.append((key, label, QPointF(x, y)))
            x += span
        return out

    def _legend_height(self, width: float) -> float:
        positions = self._legend_positions(width)
        line = QFontMetricsF(self.font()).height()
        return (positions[-1][2].y() if positions else 0) + line + 8

    def _paint_legend(self, painter: QPainter, palette: QPalette) -> None:
        top = 0.0
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        metrics = QFontMetricsF(self.font())
        first = modality_colour(0, palette)
        neutral = palette.color(QPalette.ColorRole.Text)
        for key, label, at in self._legend_positions(self.width()):
            y = top + 4 + at.y()
            mid = y + metrics.height() / 2
            swatch = QRectF(at.x(), mid - 6, 24, 12)
            if key.startswith("status:"):
                fake = TimelineItem(
                    key,
                    ItemKind.ACTIVITY,
                    None,
                    date.min,
                    date.min,
                    "",
                    "",
                    Shape.BAR,
                    status=key[7:],
                )
                paint_bar(painter, swatch, first, fake, metrics, text)
            elif key in ("procedure", "sent", "appointment", "report"):
                kind = {
                    "procedure": ItemKind.PROCEDURE,
                    "sent": ItemKind.REFERRAL_SENT,
                    "appointment": ItemKind.APPOINTMENT,
                    "report": ItemKind.REPORT,
                }[key]
                colour = first if key == "procedure" else neutral
                fake = TimelineItem(
                    key, kind, None, date.min, date.min, "", "", Shape.DIAMOND, status="done"
                )
                paint_diamond(painter, QRectF(at.x() + 5, mid - 7, 14, 14), colour, fake, base)
            elif key == "review":
                painter.setPen(QPen(_with_alpha(text, 200), 1.4, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(at.x() + 12, mid - 8), QPointF(at.x() + 12, mid + 8))
            elif key == "today":
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2.2))
                painter.drawLine(QPointF(at.x() + 12, mid - 8), QPointF(at.x() + 12, mid + 8))
            else:
                spec = PEG_SERIES if key == "peg" else NRS_SERIES
                colour = series_colour(spec, palette)
                pen = QPen(colour, 2)
                if spec.shape == "square":
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawLine(QPointF(at.x(), mid), QPointF(at.x() + 24, mid))
                painter.setPen(QPen(base, 1.2))
                painter.setBrush(colour)
                if spec.shape == "square":
                    painter.drawRect(QRectF(at.x() + 8, mid - 4, 8, 8))
                else:
                    painter.drawEllipse(QPointF(at.x() + 12, mid), 4.5, 4.5)
            painter.setPen(text)
            painter.drawText(QPointF(at.x() + 30, y + metrics.ascent()), label)
