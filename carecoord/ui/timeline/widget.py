"""The treatment-plan timeline: lanes of bars and diamonds over a zoomable time axis.

This module puts the parts together (zoom buttons, scroll bars, keyboard and wheel zoom):
the lanes are :mod:`~carecoord.ui.timeline.canvas`, the axis
:mod:`~carecoord.ui.timeline.header`, the PEG / NRS strip
:mod:`~carecoord.ui.timeline.trend`, the key :mod:`~carecoord.ui.timeline.legend`, and
the colours and shapes all of them share :mod:`~carecoord.ui.timeline.painting`. Text and
backgrounds come from the palette (light and dark themes); modality colours are
Okabe–Ito, and status is shown by pattern so nothing depends on colour alone.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
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
    QVBoxLayout,
    QWidget,
)

from carecoord.timescale import ZOOM_ORDER, TimeScale, Zoom, next_zoom
from carecoord.ui.preferences import store
from carecoord.ui.timeline.canvas import TimelineCanvas
from carecoord.ui.timeline.header import TimelineHeader
from carecoord.ui.timeline.items import (
    TimelineData,
    TimelineItem,
)
from carecoord.ui.timeline.legend import TimelineLegend
from carecoord.ui.timeline.painting import (
    LABEL_WIDTH,
    SETTINGS_ZOOM,
    modality_colour,
)
from carecoord.ui.timeline.trend import TimelineTrend


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
        self.canvas.scroll_requested.connect(self.scroll_to_x)
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
            stored = store().value(SETTINGS_ZOOM, zoom.value)
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
            store().setValue(SETTINGS_ZOOM, zoom.value)
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
