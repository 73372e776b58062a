"""The timeline's lanes: bars and diamonds over the time axis, painted from pure data
(:mod:`carecoord.ui.timeline.items`) through a pure date → pixel scale
(:mod:`carecoord.timescale`). Only what is in view is painted, so a thousand activities
still paint in a few milliseconds.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QToolTip,
    QWidget,
)

from carecoord.timescale import TimeScale, Zoom
from carecoord.ui.timeline.items import (
    ItemKind,
    Layout,
    Placed,
    Shape,
    TimelineData,
    TimelineItem,
    assign_rows,
    hit_test,
    layout_items,
)
from carecoord.ui.timeline.painting import (
    EMPTY_TEXT,
    LABEL_WIDTH,
    _diamond,
    _metrics_for,
    _with_alpha,
    modality_colour,
    paint_antialiased,
    paint_bar,
    paint_diamond,
    paint_thin_bar,
)


class TimelineCanvas(QWidget):
    """The lanes: labels on the left, bars and diamonds to the right. It owns the data,
    the scale and the horizontal scroll position that the header and the trend follow.

    Signals:
        item_activated(object): a :class:`TimelineItem` was clicked (or Enter pressed on it).
        hovered(object): the item under the mouse changed (None when none).
        view_changed(): data, zoom or scroll changed (the header and trend repaint).
        scroll_requested(float): the keyboard moved to an item out of view; the timeline
            that owns the scroll bar scrolls to this x (the canvas does not know it).
    """

    item_activated = Signal(object)
    hovered = Signal(object)
    view_changed = Signal()
    scroll_requested = Signal(float)

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
            self.scroll_requested.emit(placed.x0 - self.view_width / 3)

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


class TimeStrip(QWidget):
    """A band along the lanes' time scale (the axis above them, the trend below): it
    follows ``canvas`` and paints itself antialiased with the palette, in :meth:`_paint`."""

    def __init__(
        self, canvas: TimelineCanvas, parent: QWidget | None, *, name: str, accessible_name: str
    ) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_antialiased(self, self._paint)

    def _paint(self, painter: QPainter, palette: QPalette) -> None:
        raise NotImplementedError
