"""The treatment-plan timeline: lanes of bars and diamonds over a zoomable time axis.

Painted with QPainter from pure data (:mod:`carecoord.ui.timeline.items`) through a pure
date → pixel scale (:mod:`carecoord.timescale`). Only what is in view is painted,
so a thousand activities still paint in a few milliseconds. Text and backgrounds come
from the palette (light and dark themes); modality colours are Okabe–Ito, and status is
shown by pattern (solid, dashed outline, tint, cross-hatch with a stop cap) so nothing
depends on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSettings, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from carecoord.timescale import ZOOM_ORDER, TimeScale, Zoom, next_zoom
from carecoord.ui import style
from carecoord.ui.kit.score_series import NRS_SERIES, PEG_SERIES, Series
from carecoord.ui.timeline.items import (
    ItemKind,
    Layout,
    Placed,
    Shape,
    TimelineData,
    TimelineItem,
    TrendPoint,
    assign_rows,
    hit_test,
    layout_items,
    nearest_point,
)

LIGHT_COLOURS = style.LIGHT.chart_lines
DARK_COLOURS = style.DARK.chart_lines
EMPTY_TEXT = "Nothing on the timeline yet: add activities to the plan, or send a referral."
SETTINGS_ZOOM = "timeline/zoom"
TREND_HEIGHT = 92.0
LABEL_WIDTH = 230.0
POINT_RADIUS = 4.0
STATUS_LEGEND = (
    ("active", "Active"),
    ("planned", "Planned"),
    ("done", "Done"),
    ("stopped", "Stopped"),
)


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def modality_colour(index: int, palette: QPalette) -> QColor:
    """The Okabe–Ito colour of a modality lane (-1: the palette's text, for referrals)."""
    if index < 0:
        return palette.color(QPalette.ColorRole.Text)
    colours = DARK_COLOURS if _dark(palette) else LIGHT_COLOURS
    return QColor(colours[index % len(colours)])


def series_colour(spec: Series, palette: QPalette) -> QColor:
    return QColor(spec.dark if _dark(palette) else spec.light)


def _ink_on(colour: QColor) -> QColor:
    luminance = 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
    return QColor(Qt.GlobalColor.black) if luminance > 0.45 else QColor(Qt.GlobalColor.white)


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    out = QColor(colour)
    out.setAlpha(alpha)
    return out


def _diamond(centre: QPointF, half: float) -> QPolygonF:
    x, y = centre.x(), centre.y()
    return QPolygonF(
        [QPointF(x, y - half), QPointF(x + half, y), QPointF(x, y + half), QPointF(x - half, y)]
    )


def paint_bar(
    painter: QPainter,
    rect: QRectF,
    colour: QColor,
    item: TimelineItem,
    metrics: QFontMetricsF,
    text: QColor,
    clip_left: float = 0.0,
) -> None:
    """A date-range bar; its status is drawn as a pattern, not only a colour."""
    status = item.status
    label_ink = text
    if status == "active":
        painter.setPen(QPen(colour.darker(130), 1))
        painter.setBrush(colour)
        label_ink = _ink_on(colour)
    elif status == "done":
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(_with_alpha(colour, 105))
    elif status == "stopped":
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(_with_alpha(colour, 45))
    else:  # planned: a dashed outline around a faint fill
        pen = QPen(colour, 1.6, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(_with_alpha(colour, 35))
    painter.drawRoundedRect(rect, 2.5, 2.5)
    if status == "stopped":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour, Qt.BrushStyle.DiagCrossPattern))
        painter.drawRect(rect)
        painter.setPen(QPen(colour, 3))
        painter.drawLine(
            QPointF(rect.right(), rect.top() - 2), QPointF(rect.right(), rect.bottom() + 2)
        )
    if item.open_ended:
        mid = rect.center().y()
        tip = QPolygonF(
            [
                QPointF(rect.right(), mid - 5),
                QPointF(rect.right() + 6, mid),
                QPointF(rect.right(), mid + 5),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(tip)
    visible = QRectF(rect)
    visible.setLeft(max(rect.left(), clip_left))
    room = visible.width() - 10
    if room >= 28:
        label = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, room)
        if label == item.label or len(label) >= 8:  # no "Pa…" stubs: the tooltip has it
            painter.setPen(label_ink)
            painter.drawText(
                visible.adjusted(5, 0, -5, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                label,
            )


def paint_thin_bar(painter: QPainter, rect: QRectF, colour: QColor, item: TimelineItem) -> None:
    """A referral's loop: solid once the report is back, dashed while still open."""
    pen = QPen(_with_alpha(colour, 170), rect.height())
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if item.open_ended:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    mid = rect.center().y()
    painter.drawLine(QPointF(rect.left(), mid), QPointF(rect.right(), mid))


def paint_diamond(
    painter: QPainter, rect: QRectF, colour: QColor, item: TimelineItem, base: QColor
) -> None:
    """A one-day event: hollow when sent or planned, a hole when a report came back."""
    half = min(rect.width(), rect.height()) / 2
    centre = rect.center()
    hollow = item.kind is ItemKind.REFERRAL_SENT or (
        item.kind in (ItemKind.PROCEDURE, ItemKind.ACTIVITY) and item.status == "planned"
    )
    painter.setPen(QPen(colour, 1.6))
    painter.setBrush(base if hollow else colour)
    painter.drawPolygon(_diamond(centre, half))
    if item.kind is ItemKind.REPORT:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(base)
        painter.drawEllipse(centre, half / 3, half / 3)
    elif item.status == "stopped":
        painter.setPen(QPen(base, 1.6))
        painter.drawLine(
            QPointF(centre.x() - half / 2.5, centre.y() - half / 2.5),
            QPointF(centre.x() + half / 2.5, centre.y() + half / 2.5),
        )


@dataclass(frozen=True)
class _Metrics:
    """Sizes that follow the font, so large system fonts still fit."""

    line: float
    period_row: float
    tick_row: float
    marker_row: float  # the "Today" and "Review" flags sit here, clear of the labels
    row: float
    lane_pad: float

    @property
    def header(self) -> float:
        return self.period_row + self.tick_row + self.marker_row


def _metrics_for(widget: QWidget) -> _Metrics:
    line = QFontMetricsF(widget.font()).height()
    return _Metrics(
        line=line,
        period_row=line + 4,
        tick_row=line + 4,
        marker_row=line + 4,
        row=max(22.0, line + 8),
        lane_pad=2.0,
    )


class TimelineCanvas(QWidget):
    """The lanes: labels on the left, bars and diamonds to the right. It owns the data,
    the scale and the horizontal scroll position that the header and the trend follow.

    Signals:
        item_activated(object): a :class:`TimelineItem` was clicked (or Enter pressed on it).
        hovered(object): the item under the mouse changed (None when none).
        view_changed(): data, zoom or scroll changed (the header and trend repaint).
    """

    item_activated = Signal(object)
    hovered = Signal(object)
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineCanvas")
        self.setAccessibleName("Treatment timeline lanes")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.data = TimelineData()
        self.zoom = Zoom.MONTHS
        self.scale = TimeScale(date.today(), date.today(), self.zoom)
        self.rows: dict[str, int] = {}
        self.metrics = _metrics_for(self)
        self.layout_cache: Layout = layout_items(
            self.data, self.scale, {}, top=0, row_height=1, lane_padding=0
        )
        self.scroll_x = 0.0
        self.hover: TimelineItem | None = None
        self.selected: TimelineItem | None = None
        self._press: QPointF | None = None
        self._relayout()

    # ------------------------------------------------------------------ geometry
    @property
    def view_width(self) -> float:
        """Width of the time area (right of the lane labels)."""
        return max(1.0, self.width() - LABEL_WIDTH)

    def content_height(self) -> float:
        if not self.data.lanes:
            return self.metrics.row * 2 + 8
        return self.layout_cache.bottom + 1

    def sizeHint(self) -> QSize:
        return QSize(900, int(self.content_height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(int(LABEL_WIDTH) + 200, int(min(self.content_height(), 120)))

    def _relayout(self) -> None:
        """Place items for the current scale; called on new data and on zoom."""
        m = self.metrics
        self.layout_cache = layout_items(
            self.data, self.scale, self.rows, top=0, row_height=m.row, lane_padding=m.lane_pad
        )
        self.setMinimumHeight(math.ceil(self.content_height()))
        self.updateGeometry()

    def _fit_scale(self, zoom: Zoom) -> TimeScale:
        base = TimeScale.around(self.data.dates(), zoom=zoom, today=self.data.today)
        room_days = math.ceil(self.view_width / base.pixels_per_day)
        if base.days < room_days:  # fill the view rather than leave blank space on the right
            base = TimeScale(base.origin, base.origin + timedelta(days=room_days), zoom)
        return base

    # ------------------------------------------------------------------ data
    def set_data(self, data: TimelineData) -> None:
        self.data = data
        self.rows = assign_rows(data.items)
        self.scale = self._fit_scale(self.zoom)
        self.hover = None
        if self.selected is not None:
            keys = {i.key: i for i in data.items}
            self.selected = keys.get(self.selected.key)
        self._relayout()
        self._describe()
        self.update()
        self.view_changed.emit()

    def set_zoom(self, zoom: Zoom) -> None:
        self.zoom = Zoom(zoom)
        self.scale = self._fit_scale(self.zoom)
        self._relayout()
        self.update()
        self.view_changed.emit()

    def set_scroll(self, x: float) -> None:
        limit = max(0.0, self.scale.width - self.view_width)
        value = min(max(0.0, x), limit)
        if value != self.scroll_x:
            self.scroll_x = value
            self.update()
            self.view_changed.emit()

    def _describe(self) -> None:
        activities = sum(
            1 for i in self.data.items if i.kind in (ItemKind.ACTIVITY, ItemKind.PROCEDURE)
        )
        referrals = sum(1 for i in self.data.items if i.kind is ItemKind.REFERRAL)
        self.setAccessibleDescription(
            f"{activities} plan activities and {referrals} referrals in "
            f"{len(self.data.lanes)} lanes; {len(self.data.markers)} review dates; "
            f"{len(self.data.trend)} PEG or NRS scores"
        )

    # ------------------------------------------------------------------ queries
    def to_widget_x(self, content_x: float) -> float:
        return LABEL_WIDTH + content_x - self.scroll_x

    def day_x(self, day: date) -> float:
        """The middle of ``day`` in widget coordinates (markers, trend points)."""
        return self.to_widget_x(self.scale.x_center(day))

    def placed(self, key: str) -> Placed | None:
        for p in (*self.layout_cache.placed, *self.layout_cache.markers):
            if p.item.key == key:
                return p
        return None

    def item_rect(self, key: str) -> QRectF | None:
        """Where the item ``key`` is drawn, in this widget's coordinates."""
        p = self.placed(key)
        if p is None:
            return None
        if p.item.shape is Shape.MARKER:
            return QRectF(self.to_widget_x(p.x0) - 1, p.y0, 2, max(p.y1 - p.y0, 1))
        return QRectF(self.to_widget_x(p.x0), p.y0, p.x1 - p.x0, p.y1 - p.y0)

    def item_at(self, pos: QPointF) -> TimelineItem | None:
        if pos.x() < LABEL_WIDTH:
            return None
        return hit_test(self.layout_cache, pos.x() - LABEL_WIDTH + self.scroll_x, pos.y())

    def lane_label_at(self, pos: QPointF) -> str | None:
        """The full lane name under the label column (labels are elided when long)."""
        if pos.x() >= LABEL_WIDTH:
            return None
        for box in self.layout_cache.lanes:
            if box.y0 <= pos.y() < box.y1:
                return box.lane.label
        return None

    def marker_at(self, x: float) -> TimelineItem | None:
        """The review marker within a few pixels of widget x (header flags, trend lines)."""
        best: tuple[float, TimelineItem] | None = None
        for marker in self.layout_cache.markers:
            distance = abs(self.to_widget_x(marker.x0) - x)
            if distance <= 5 and (best is None or distance < best[0]):
                best = (distance, marker.item)
        return best[1] if best else None

    # ------------------------------------------------------------------ events
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = QPointF(event.pos())
            item = self.item_at(pos)
            text = item.tooltip if item is not None else self.lane_label_at(pos)
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is not self.hover:
            self.hover = item
            self.setCursor(
                Qt.CursorShape.PointingHandCursor
                if item is not None
                else Qt.CursorShape.ArrowCursor
            )
            self.hovered.emit(item)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self.hover is not None:
            self.hover = None
            self.hovered.emit(None)
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        if event.button() == Qt.MouseButton.LeftButton and press is not None:
            moved = (event.position() - press).manhattanLength()
            item = self.item_at(event.position()) if moved < 6 else None
            if item is not None:
                self.activate(item)
        super().mouseReleaseEvent(event)

    def activate(self, item: TimelineItem) -> None:
        """Select ``item`` and announce it (the plan tab opens its editor)."""
        self.selected = item
        self.update()
        self.item_activated.emit(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up / Down walk through the items in time order, Enter opens the chosen one."""
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            selectable = sorted(
                (p for p in self.layout_cache.placed if p.item.shape is not Shape.THIN_BAR),
                key=lambda p: (p.x0, p.y0),
            )
            if selectable:
                keys = [p.item.key for p in selectable]
                chosen = self.selected
                current = keys.index(chosen.key) if chosen and chosen.key in keys else -1
                step = 1 if key == Qt.Key.Key_Down else -1
                index = min(max(current + step, 0), len(selectable) - 1)
                self.selected = selectable[index].item
                self._reveal(selectable[index])
                self.setAccessibleDescription(self.selected.tooltip)
                self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.activate(self.selected)
            return
        super().keyPressEvent(event)

    def _reveal(self, placed: Placed) -> None:
        if placed.x0 < self.scroll_x or placed.x1 > self.scroll_x + self.view_width:
            timeline = self.parent_timeline()
            if timeline is not None:
                timeline.scroll_to_x(placed.x0 - self.view_width / 3)

    def parent_timeline(self) -> TimelineWidget | None:
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, TimelineWidget):
            widget = widget.parentWidget()
        return widget

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        scale = self._fit_scale(self.zoom)
        if scale.end != self.scale.end:
            self.scale = scale
            self._relayout()
        self.view_changed.emit()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        self._paint(event)

    def _paint(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        clip = QRectF(event.rect())
        painter.fillRect(clip, palette.color(QPalette.ColorRole.Base))
        first, last = self.scale.visible_range(self.scroll_x, self.view_width)
        painter.save()
        painter.setClipRect(QRectF(LABEL_WIDTH, 0, self.view_width, self.height()))
        self._paint_lanes(painter, palette)
        self._paint_grid(painter, palette, first, last)
        self._paint_items(painter, palette, clip)
        paint_marker_lines(painter, palette, self, 0, self.height())
        painter.restore()
        self._paint_labels(painter, palette)
        if not self.data.lanes:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            body = QRectF(LABEL_WIDTH, 0, self.view_width, self.height())
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
        if self.hasFocus():
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    def _paint_lanes(self, painter: QPainter, palette: QPalette) -> None:
        stripe = palette.color(QPalette.ColorRole.AlternateBase)
        rule = _with_alpha(palette.color(QPalette.ColorRole.Text), 40)
        for index, box in enumerate(self.layout_cache.lanes):
            if index % 2 == 1:
                painter.fillRect(QRectF(0, box.y0, self.width(), box.y1 - box.y0), stripe)
            painter.setPen(QPen(rule, 1))
            painter.drawLine(QPointF(0, box.y1), QPointF(self.width(), box.y1))

    def _paint_grid(self, painter: QPainter, palette: QPalette, first: date, last: date) -> None:
        painter.setPen(QPen(_with_alpha(palette.color(QPalette.ColorRole.Text), 28), 1))
        bottom = float(self.height())
        for tick in self.scale.ticks(first, last):
            if tick.major:
                x = self.to_widget_x(tick.x)
                painter.drawLine(QPointF(x, 0), QPointF(x, bottom))

    def _paint_items(self, painter: QPainter, palette: QPalette, clip: QRectF) -> None:
        left = self.scroll_x - 8
        right = self.scroll_x + self.view_width + 8
        top, bottom = clip.top() - 4, clip.bottom() + 4
        metrics = QFontMetricsF(self.font())
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        order = {Shape.THIN_BAR: 0, Shape.BAR: 1, Shape.DIAMOND: 2}
        visible = [
            p
            for p in self.layout_cache.placed
            if p.x1 >= left and p.x0 <= right and p.y1 >= top and p.y0 <= bottom
        ]
        visible.sort(key=lambda p: order.get(p.item.shape, 3))
        shift = LABEL_WIDTH - self.scroll_x
        selected = self.selected.key if self.selected is not None else None
        for p in visible:
            item = p.item
            rect = QRectF(p.x0 + shift, p.y0, p.x1 - p.x0, p.y1 - p.y0)
            colour = modality_colour(item.colour_index, palette)
            if item.shape is Shape.THIN_BAR:
                paint_thin_bar(painter, rect, colour, item)
            elif item.shape is Shape.BAR:
                paint_bar(painter, rect, colour, item, metrics, text, LABEL_WIDTH)
            else:
                paint_diamond(painter, rect, colour, item, base)
            if item is self.hover or item.key == selected:
                painter.setPen(QPen(highlight, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 3, 3)

    def _paint_labels(self, painter: QPainter, palette: QPalette) -> None:
        """The fixed left column of lane names (a swatch or diamond says what kind)."""
        m = self.metrics
        window = palette.color(QPalette.ColorRole.Window)
        ink = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(QRectF(0, 0, LABEL_WIDTH, self.height()), window)
        metrics = QFontMetricsF(self.font())
        for box in self.layout_cache.lanes:
            lane = box.lane
            swatch = QRectF(8, box.y0 + m.lane_pad + (m.row - 10) / 2, 10, 10)
            if lane.group == "activity":
                colour = modality_colour(lane.colour_index, palette)
                painter.setPen(QPen(colour.darker(120), 1))
                painter.setBrush(colour)
                painter.drawRect(swatch)
            else:
                painter.setPen(QPen(ink, 1.2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPolygon(_diamond(swatch.center(), 5.5))
            label = metrics.elidedText(lane.label, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 34)
            painter.setPen(ink)
            painter.drawText(
                QRectF(24, box.y0 + m.lane_pad, LABEL_WIDTH - 30, m.row),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                label,
            )
        rule = _with_alpha(palette.color(QPalette.ColorRole.Text), 90)
        painter.setPen(QPen(rule, 1))
        painter.drawLine(QPointF(LABEL_WIDTH - 0.5, 0), QPointF(LABEL_WIDTH - 0.5, self.height()))


def paint_marker_lines(
    painter: QPainter, palette: QPalette, canvas: TimelineCanvas, top: float, bottom: float
) -> None:
    """Review dates (dashed) and today (solid, the highlight colour) from top to bottom."""
    text = palette.color(QPalette.ColorRole.Text)
    right = LABEL_WIDTH + canvas.view_width
    pen = QPen(_with_alpha(text, 200), 1.4, Qt.PenStyle.DashLine)
    for marker in canvas.layout_cache.markers:
        x = canvas.to_widget_x(marker.x0)
        if LABEL_WIDTH - 2 <= x <= right + 2:
            painter.setPen(pen)
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))
    x = canvas.day_x(canvas.data.today)
    if LABEL_WIDTH - 2 <= x <= right + 2:
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2.2))
        painter.drawLine(QPointF(x, top), QPointF(x, bottom))


class TimelineHeader(QWidget):
    """The time axis above the lanes: periods, tick labels, and the Today / Review flags."""

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.setObjectName("timelineHeader")
        self.setAccessibleName("Time axis")
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

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint(painter, self.palette())
        painter.end()

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


class TimelineTrend(QWidget):
    """PEG and NRS under the lanes, on their own 0–10 axis, sharing the lanes' time scale."""

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.setObjectName("timelineTrend")
        self.setAccessibleName("PEG and NRS trend")
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

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint(painter, self.palette())
        painter.end()

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
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_legend(painter, self.palette())
        painter.end()

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


class TimelineWidget(QWidget):
    """Zoom buttons, the painted timeline (scrolling up/down when tall) and a horizontal
    scroll bar. Ctrl + mouse wheel (or Ctrl + / Ctrl −) zooms around the mouse; the wheel
    with Shift, or a horizontal wheel, scrolls through time.

    Signals:
        item_activated(object): a :class:`~carecoord.ui.timeline.items.TimelineItem` was
            clicked; its ``source`` is the view to open (activity, referral or plan).
        zoom_changed(str): the zoom level's value (weeks, months, quarters, year).
    """

    item_activated = Signal(object)
    zoom_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, remember_zoom: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Treatment plan timeline")
        self.remember_zoom = remember_zoom
        self.canvas = TimelineCanvas()
        self.canvas.item_activated.connect(self.item_activated)
        self.canvas.installEventFilter(self)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Zoom:"))
        self.zoom_buttons: dict[Zoom, QPushButton] = {}
        self.zoom_group = QButtonGroup(self)
        self.zoom_group.setExclusive(True)
        for zoom in ZOOM_ORDER:
            button = QPushButton(zoom.label)
            button.setCheckable(True)
            button.setObjectName(f"zoom{zoom.label}")
            button.setAccessibleName(f"Zoom to {zoom.label.lower()}")
            button.setToolTip(
                f"Show about five {zoom.value}"
                if zoom is not Zoom.YEAR
                else "Show about three years"
            )
            button.clicked.connect(lambda _=False, z=zoom: self.set_zoom(z))
            self.zoom_group.addButton(button)
            self.zoom_buttons[zoom] = button
            bar.addWidget(button)
        bar.addSpacing(12)
        self.today_button = QPushButton("Today")
        self.today_button.setObjectName("timelineToday")
        self.today_button.setAccessibleName("Scroll the timeline to today")
        self.today_button.setToolTip("Scroll to today (Home)")
        self.today_button.clicked.connect(self.scroll_to_today)
        bar.addWidget(self.today_button)
        bar.addStretch(1)
        tip = QLabel("Ctrl + wheel zooms · Shift + wheel scrolls · click an item to open it")
        tip.setObjectName("timelineHelp")
        tip.setStyleSheet("font-size: 11px;")  # palette colours: readable on dark themes too
        bar.addWidget(tip)

        # Header and trend stay put; only the lanes scroll up and down when there are many.
        self.header = TimelineHeader(self.canvas)
        self.trend = TimelineTrend(self.canvas)
        self.trend.hide()
        self.area = QScrollArea()
        self.area.setObjectName("timelineArea")
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setWidget(self.canvas)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.setObjectName("timelineScroll")
        self.scrollbar.setAccessibleName("Scroll through time")
        self.scrollbar.valueChanged.connect(lambda value: self.canvas.set_scroll(float(value)))
        for part in (self.header, self.trend):
            part.installEventFilter(self)

        panel = QFrame()
        panel.setObjectName("timelinePanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(panel)
        # The panel is never taller than its parts: spare room goes below the legend.
        column.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMaximumSize)
        column.setContentsMargins(1, 1, 1, 1)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.area, 1)
        column.addWidget(self.trend)
        column.addWidget(self.scrollbar)
        self.canvas.view_changed.connect(self._fit_area)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(panel, 1)
        self.legend = TimelineLegend()
        layout.addWidget(self.legend)
        layout.addStretch(0)  # takes what is left once the lanes all show

        for name, keys, slot in (
            ("timelineZoomIn", QKeySequence.StandardKey.ZoomIn, lambda: self.step_zoom(-1)),
            ("timelineZoomOut", QKeySequence.StandardKey.ZoomOut, lambda: self.step_zoom(1)),
        ):
            action = QAction(self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        zoom = Zoom.QUARTERS  # a plan runs for months: start with the overview
        if remember_zoom:
            stored = QSettings("CareCoord", "CareCoord").value(SETTINGS_ZOOM, zoom.value)
            if isinstance(stored, str) and stored in set(Zoom):
                zoom = Zoom(stored)
        self.canvas.zoom = zoom
        self.zoom_buttons[zoom].setChecked(True)

    # ------------------------------------------------------------------ API
    @property
    def zoom(self) -> Zoom:
        return self.canvas.zoom

    @property
    def scale(self) -> TimeScale:
        return self.canvas.scale

    def set_data(self, data: TimelineData) -> None:
        """Show new content; the view stays on today when it was there."""
        first_time = self.canvas.data.is_empty() and not self.canvas.data.lanes
        self.canvas.set_data(data)
        self.legend.set_trend(bool(data.trend))
        self._sync_scrollbar()
        if first_time or self.scrollbar.value() == 0:
            self.scroll_to_today()

    def items(self) -> tuple[TimelineItem, ...]:
        return self.canvas.data.items

    def item_rect(self, key: str) -> QRectF | None:
        """Where ``key`` is drawn, in the canvas's coordinates (see :attr:`canvas`)."""
        return self.canvas.item_rect(key)

    def set_zoom(self, zoom: Zoom, anchor_x: float | None = None) -> None:
        """Change the zoom level, keeping the day at ``anchor_x`` (view x; default: the
        middle) where it was."""
        zoom = Zoom(zoom)
        view = self.canvas.view_width
        at = view / 2 if anchor_x is None else min(max(anchor_x, 0.0), view)
        day = self.canvas.scale.date_at(self.canvas.scroll_x + at)
        self.canvas.set_zoom(zoom)
        self.zoom_buttons[zoom].setChecked(True)
        self._sync_scrollbar()
        self.scroll_to_x(self.canvas.scale.scroll_for(day, at))
        if self.remember_zoom:
            QSettings("CareCoord", "CareCoord").setValue(SETTINGS_ZOOM, zoom.value)
        self.zoom_changed.emit(zoom.value)

    def step_zoom(self, steps: int, anchor_x: float | None = None) -> None:
        """Coarser (positive) or finer (negative) by ``steps`` levels."""
        target = next_zoom(self.zoom, steps)
        if target is not self.zoom:
            self.set_zoom(target, anchor_x)

    def scroll_to_x(self, x: float) -> None:
        self.scrollbar.setValue(round(x))
        self.canvas.set_scroll(float(self.scrollbar.value()))

    def scroll_to_today(self) -> None:
        """Today a third of the way in: the recent past and the planned future both show."""
        self.scroll_to_x(
            self.canvas.scale.x_of(self.canvas.data.today) - self.canvas.view_width / 3
        )

    # ------------------------------------------------------------------ events
    def _fit_area(self) -> None:
        """No taller than the lanes: the trend sits right under the last lane."""
        height = math.ceil(self.canvas.content_height()) + 2 * self.area.frameWidth()
        if self.area.maximumHeight() != height:
            self.area.setMaximumHeight(height)

    def _sync_scrollbar(self) -> None:
        view = int(self.canvas.view_width)
        self.scrollbar.setRange(0, max(0, math.ceil(self.canvas.scale.width) - view))
        self.scrollbar.setPageStep(max(1, view))
        self.scrollbar.setSingleStep(max(1, int(self.canvas.scale.pixels_per_day * 7)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sync_scrollbar()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.canvas, self.header, self.trend):
            if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
                return self._wheel(event)
            if event.type() == QEvent.Type.Resize and watched is self.canvas:
                self._sync_scrollbar()
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._key(event)
        return super().eventFilter(watched, event)

    def _wheel(self, event: QWheelEvent) -> bool:
        delta = event.angleDelta()
        modifiers = event.modifiers()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            if delta.y():
                anchor = event.position().x() - LABEL_WIDTH
                self.step_zoom(-1 if delta.y() > 0 else 1, anchor if anchor >= 0 else None)
            event.accept()
            return True
        horizontal = delta.x() or (
            delta.y() if modifiers & Qt.KeyboardModifier.ShiftModifier else 0
        )
        if horizontal:
            self.scroll_to_x(self.scrollbar.value() - horizontal)
            event.accept()
            return True
        return False  # plain wheel: the scroll area scrolls the lanes up and down

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Home:
            self.scroll_to_today()
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = self.scrollbar.singleStep() * (1 if key == Qt.Key.Key_Right else -1)
            self.scroll_to_x(self.scrollbar.value() + step)
            return True
        return False


__all__ = [
    "TimelineCanvas",
    "TimelineHeader",
    "TimelineLegend",
    "TimelineTrend",
    "TimelineWidget",
    "modality_colour",
]
