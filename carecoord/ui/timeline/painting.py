"""How the timeline draws: colours from the palette and Okabe–Ito, bars, thin bars and
diamonds with their status patterns (solid, dashed outline, tint, cross-hatch with a stop
cap), and the sizes every part of the timeline shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QWidget,
)

from carecoord.ui import style
from carecoord.ui.kit.score_series import Series
from carecoord.ui.timeline.items import (
    ItemKind,
    TimelineItem,
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


def paint_antialiased(widget: QWidget, paint: Callable[[QPainter, QPalette], None]) -> None:
    """A paint event of ``widget``: ``paint`` draws, antialiased, with the widget's palette."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint(painter, widget.palette())
    painter.end()


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
