"""A small PEG / NRS trend chart painted with QPainter (no QtCharts dependency)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from carecoord.ui.kit.point_tooltip import show_point_tooltip
from carecoord.ui.kit.score_series import NRS_SERIES, PEG_SERIES, Series

EMPTY_TEXT = "No PEG or NRS scores yet"
SCALE_MAX = 10.0
HIT_RADIUS = 8.0
POINT_RADIUS = 4.5


@dataclass(frozen=True)
class ChartPoint:
    """One plotted score."""

    series: str
    taken_on: date
    value: float


class TrendChart(QWidget):
    """PEG mean and NRS over time on a 0–10 axis, with a date axis, legend and tooltips.

    Text and grid colours come from the widget palette so the chart reads in light and
    dark themes; series colours switch to the lighter Okabe–Ito tones on dark palettes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendChart")
        self.setAccessibleName("PEG and NRS trend chart")
        self.setMinimumSize(360, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._series: dict[str, list[ChartPoint]] = {PEG_SERIES.name: [], NRS_SERIES.name: []}
        self._update_description()

    # ------------------------------------------------------------------ data
    def set_scores(self, peg: list[tuple[date, float]], nrs: list[tuple[date, float]]) -> None:
        """Replace both series; each list is (date taken, score 0–10)."""
        self._series = {
            PEG_SERIES.name: [ChartPoint("PEG", d, float(v)) for d, v in sorted(peg)],
            NRS_SERIES.name: [ChartPoint("NRS", d, float(v)) for d, v in sorted(nrs)],
        }
        self._update_description()
        self.update()

    def points(self, series: str | None = None) -> list[ChartPoint]:
        """The plotted points, of one series or of both."""
        if series is not None:
            return list(self._series.get(series, []))
        return [p for values in self._series.values() for p in values]

    def is_empty(self) -> bool:
        return not self.points()

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def _update_description(self) -> None:
        if self.is_empty():
            self.setAccessibleDescription(EMPTY_TEXT)
            return
        parts = []
        for spec in (PEG_SERIES, NRS_SERIES):
            values = self._series[spec.name]
            if values:
                first, last = values[0], values[-1]
                parts.append(
                    f"{spec.name}: {len(values)} scores, {_fmt(first.value, spec)} on "
                    f"{first.taken_on} to {_fmt(last.value, spec)} on {last.taken_on}"
                )
        self.setAccessibleDescription("; ".join(parts))

    # ---------------------------------------------------------------- geometry
    def _date_range(self) -> tuple[date, date]:
        days = [p.taken_on for p in self.points()]
        start, end = min(days), max(days)
        if start == end:  # a single day still needs a visible span
            return start - timedelta(days=7), end + timedelta(days=7)
        pad = max(1, (end - start).days // 25)
        return start - timedelta(days=pad), end + timedelta(days=pad)

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("10") + 34
        top = metrics.height() * 2 + 8  # room for the legend
        bottom = metrics.height() + 14
        right = metrics.horizontalAdvance("2026-12-31") / 2 + 6  # the last date label fits
        return QRectF(
            left, top, max(10.0, self.width() - left - right), self.height() - top - bottom
        )

    def _position(self, point: ChartPoint, plot: QRectF, span: tuple[date, date]) -> QPointF:
        start, end = span
        total = max(1, (end - start).days)
        x = plot.left() + plot.width() * (point.taken_on - start).days / total
        y = plot.bottom() - plot.height() * point.value / SCALE_MAX
        return QPointF(x, y)

    def point_at(self, pos: QPointF) -> ChartPoint | None:
        """The point nearest ``pos`` within a few pixels (for tooltips)."""
        if self.is_empty():
            return None
        plot, span = self._plot_rect(), self._date_range()
        best: tuple[float, ChartPoint] | None = None
        for point in self.points():
            where = self._position(point, plot, span)
            distance = ((where.x() - pos.x()) ** 2 + (where.y() - pos.y()) ** 2) ** 0.5
            if distance <= HIT_RADIUS and (best is None or distance < best[0]):
                best = (distance, point)
        return best[1] if best else None

    def position_of(self, point: ChartPoint) -> QPointF:
        """Where ``point`` is drawn, in widget coordinates."""
        return self._position(point, self._plot_rect(), self._date_range())

    @staticmethod
    def tooltip_for(point: ChartPoint) -> str:
        spec = PEG_SERIES if point.series == "PEG" else NRS_SERIES
        return f"{point.series} {_fmt(point.value, spec)} / 10 on {point.taken_on.isoformat()}"

    def event(self, event: QEvent) -> bool:
        if show_point_tooltip(self, event, self.point_at, self.tooltip_for):
            return True
        return super().event(event)

    # ---------------------------------------------------------------- painting
    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def _colour(self, spec: Series) -> QColor:
        return QColor(spec.dark if self._dark() else spec.light)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        if self.is_empty():
            muted = palette.color(QPalette.ColorRole.PlaceholderText)
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            painter.end()
            return
        plot, span = self._plot_rect(), self._date_range()
        self._paint_axes(painter, plot, span, text)
        for spec in (PEG_SERIES, NRS_SERIES):
            self._paint_series(painter, spec, plot, span)
        self._paint_legend(painter, text)
        painter.end()

    def _paint_axes(
        self, painter: QPainter, plot: QRectF, span: tuple[date, date], text: QColor
    ) -> None:
        metrics = QFontMetrics(self.font())
        grid = QColor(text)
        grid.setAlpha(40)
        painter.setPen(QPen(grid, 1))
        for value in range(0, 11, 2):
            y = plot.bottom() - plot.height() * value / SCALE_MAX
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        for value in range(0, 11, 2):
            y = plot.bottom() - plot.height() * value / SCALE_MAX
            label = str(value)
            width = metrics.horizontalAdvance(label)
            painter.drawText(QPointF(plot.left() - width - 6, y + metrics.ascent() / 2 - 1), label)
        painter.save()
        painter.translate(metrics.height() * 0.5 + 2, plot.center().y())
        painter.rotate(-90)
        title = "Score (0–10)"
        painter.drawText(QPointF(-metrics.horizontalAdvance(title) / 2, metrics.ascent()), title)
        painter.restore()
        axis = QColor(text)
        axis.setAlpha(140)
        painter.setPen(QPen(axis, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(text)
        start, end = span
        total = max(1, (end - start).days)
        label_width = metrics.horizontalAdvance("2024-12-31") + 16
        ticks = max(2, min(6, int(plot.width() // label_width)))
        for i in range(ticks):
            day = _tick_day(start, end, i, ticks)
            x = plot.left() + plot.width() * (day - start).days / total
            painter.setPen(QPen(axis, 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.setPen(text)
            label = day.isoformat()
            width = metrics.horizontalAdvance(label)
            left = min(max(x - width / 2, 0.0), self.width() - width - 2.0)
            painter.drawText(QPointF(left, plot.bottom() + 6 + metrics.ascent()), label)

    def _paint_series(
        self, painter: QPainter, spec: Series, plot: QRectF, span: tuple[date, date]
    ) -> None:
        values = self._series[spec.name]
        if not values:
            return
        colour = self._colour(spec)
        positions = [self._position(p, plot, span) for p in values]
        pen = QPen(colour, 2)
        if spec.shape == "square":
            pen.setStyle(Qt.PenStyle.DashLine)  # line style differs too, for greyscale prints
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(positions) > 1:
            painter.drawPolyline(QPolygonF(positions))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
        painter.setBrush(colour)
        for where in positions:
            _marker(painter, spec.shape, where, POINT_RADIUS)

    def _paint_legend(self, painter: QPainter, text: QColor) -> None:
        metrics = QFontMetrics(self.font())
        y = metrics.height() * 0.5 + 4
        x = float(self._plot_rect().left())
        for spec, label in ((PEG_SERIES, "PEG (mean of 3 items)"), (NRS_SERIES, "NRS pain")):
            colour = self._colour(spec)
            pen = QPen(colour, 2)
            if spec.shape == "square":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            center_y = y + metrics.height() / 2
            painter.drawLine(QPointF(x, center_y), QPointF(x + 26, center_y))
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
            painter.setBrush(colour)
            _marker(painter, spec.shape, QPointF(x + 13, center_y), POINT_RADIUS)
            painter.setPen(text)
            painter.drawText(QPointF(x + 32, y + metrics.ascent()), label)
            x += 32 + metrics.horizontalAdvance(label) + 24


def _marker(painter: QPainter, shape: str, where: QPointF, radius: float) -> None:
    if shape == "square":
        painter.drawRect(QRectF(where.x() - radius, where.y() - radius, radius * 2, radius * 2))
    else:
        path = QPainterPath()
        path.addEllipse(where, radius + 0.5, radius + 0.5)
        painter.drawPath(path)


def _tick_day(start: date, end: date, index: int, count: int) -> date:
    return start + timedelta(days=round((end - start).days * index / (count - 1)))


def _fmt(value: float, spec: Series) -> str:
    return f"{value:.{spec.decimals}f}"
