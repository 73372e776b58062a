"""The plan's timeline drawn as vector graphics: lanes per modality and referral
discipline, bars and diamonds, review and today markers, and the PEG/NRS trend on its own
0–10 axis, on the same :class:`~carecoord.timescale.TimeScale` as the timeline widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from carecoord.dates import long_date
from carecoord.letters.layout import (
    FONT,
    FONT_BOLD,
    INK,
    RULE,
)
from carecoord.letters.plan_data import PlanActivityLine, PlanPdfData, PlanReferralLine
from carecoord.timescale import TimeScale, Zoom, pack_rows

OPEN_PLANNED_DAYS = 28
"""How long an open-ended planned activity is drawn (days; the widget draws it so too)."""

# Okabe–Ito, in Modality order (black for the seventh: yellow does not show on paper).
MODALITY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
REFERRAL_INK = colors.HexColor("#333333")
TODAY_INK = colors.HexColor("#A4161A")
REVIEW_INK = colors.HexColor("#5F3A8A")
PEG_INK = colors.HexColor("#0072B2")
NRS_INK = colors.HexColor("#D55E00")
LANE_FILL = colors.HexColor("#F3F6F9")
GRID = colors.HexColor("#D5DCE4")

# Tick labels need this much room (points) before a zoom level's ticks are used on paper.
TICK_ROOM = ((Zoom.WEEKS, 3.6), (Zoom.MONTHS, 1.8), (Zoom.QUARTERS, 0.6), (Zoom.YEAR, 0.0))


def _activity_span(a: PlanActivityLine, today: date) -> tuple[date, date, bool]:
    """(start, end, open-ended) as drawn; the same rule as the timeline widget."""
    if a.procedure or a.end_on == a.start_on:
        return a.start_on, a.start_on, False
    if a.end_on is not None:
        return a.start_on, a.end_on, False
    if a.status_key in ("active", "planned"):
        return a.start_on, max(today, a.start_on + timedelta(days=OPEN_PLANNED_DAYS)), True
    return a.start_on, a.start_on, False


def _tick_zoom(points_per_day: float) -> Zoom:
    for zoom, room in TICK_ROOM:
        if points_per_day >= room:
            return zoom
    return Zoom.YEAR


def _tint(hex_colour: str, amount: float) -> colors.Color:
    """``hex_colour`` mixed with white (0 = unchanged, 1 = white)."""
    base = colors.HexColor(hex_colour)
    return colors.Color(
        base.red + (1 - base.red) * amount,
        base.green + (1 - base.green) * amount,
        base.blue + (1 - base.blue) * amount,
    )


def _ink_on(hex_colour: str) -> colors.Color:
    """Black or white, whichever reads on ``hex_colour``."""
    c = colors.HexColor(hex_colour)
    luminance = 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue
    return colors.black if luminance > 0.45 else colors.white


def _elide(value: str, font: str, size: float, width: float) -> str:
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value + "…" if value else ""


def _diamond(cx: float, cy: float, half: float, **style: object) -> Polygon:
    return Polygon([cx, cy + half, cx + half, cy, cx, cy - half, cx - half, cy], **style)


@dataclass
class _Row:
    kind: str  # "activity" or "referral"
    start: date
    end: date
    activity: PlanActivityLine | None = None
    referral: PlanReferralLine | None = None
    open_ended: bool = False


class TimelineDrawing:
    """Builds the timeline :class:`Drawing` for a page ``width`` points wide."""

    LABEL_WIDTH = 118.0
    ROW = 12.0
    LANE_PAD = 2.0
    HEADER = 26.0
    TREND = 64.0
    LEGEND = 30.0

    def __init__(self, data: PlanPdfData, width: float) -> None:
        self.data = data
        self.width = width
        self.plot_width = width - self.LABEL_WIDTH - 6
        today = data.printed_on
        self.lanes: list[tuple[str, list[_Row]]] = []
        by_modality: dict[tuple[int, str], list[_Row]] = {}
        for a in data.activities:
            start, end, open_ended = _activity_span(a, today)
            by_modality.setdefault((a.modality_index, a.modality), []).append(
                _Row("activity", start, end, activity=a, open_ended=open_ended)
            )
        for key in sorted(by_modality):
            self.lanes.append((key[1], by_modality[key]))
        by_discipline: dict[str, list[_Row]] = {}
        for r in data.referrals:
            end = r.report_on or r.closed_on or today
            by_discipline.setdefault(r.discipline, []).append(
                _Row("referral", r.sent_on, max(end, r.sent_on), referral=r)
            )
        for discipline in sorted(by_discipline):
            self.lanes.append((f"Referral · {discipline}", by_discipline[discipline]))
        days = [today, data.started_on]
        if data.review_on:
            days.append(data.review_on)
        days += [g.review_on for g in data.goals if g.review_on]
        for _, rows in self.lanes:
            days += [d for row in rows for d in (row.start, row.end)]
        days += [p.day for p in data.scores]
        coarse = TimeScale.around(days, today=today, padding_days=14)
        points = self.plot_width / coarse.days
        self.scale = coarse.with_zoom(_tick_zoom(points)).with_pixels_per_day(points)
        self.rows: list[list[int]] = [
            pack_rows([(r.start, r.end) for r in rows]) for _, rows in self.lanes
        ]

    @property
    def lanes_height(self) -> float:
        return sum((max(rows, default=0) + 1) * self.ROW + 2 * self.LANE_PAD for rows in self.rows)

    def drawing(self) -> Drawing:
        has_trend = bool(self.data.scores)
        height = self.HEADER + self.lanes_height + (self.TREND if has_trend else 0) + self.LEGEND
        d = Drawing(self.width, height)
        self.top = height  # drawing coordinates grow upwards; y() turns "down from top" into them
        self.group = Group()
        self._axis()
        y = self.HEADER
        for (label, rows), packed in zip(self.lanes, self.rows, strict=True):
            lane_height = (max(packed, default=0) + 1) * self.ROW + 2 * self.LANE_PAD
            self._lane(label, rows, packed, y, lane_height)
            y += lane_height
        lanes_bottom = y
        if not self.lanes:
            self._text("No activities or referrals yet", self.LABEL_WIDTH + 4, y + 10, 7, INK)
        markers_bottom = lanes_bottom
        if has_trend:
            self._trend(lanes_bottom + 8, self.TREND - 14)
            y += self.TREND
            markers_bottom = lanes_bottom + self.TREND - 6
        self._markers(self.HEADER - 8, markers_bottom)
        self._legend(y + 6)
        d.add(self.group)
        return d

    # ------------------------------------------------------------------ helpers
    def y(self, down: float) -> float:
        return self.top - down

    def x(self, day: date) -> float:
        return self.LABEL_WIDTH + 6 + self.scale.x_of(day)

    def _text(
        self,
        value: str,
        x: float,
        down: float,
        size: float,
        ink: colors.Color,
        *,
        anchor: str = "start",
        bold: bool = False,
    ) -> None:
        self.group.add(
            String(
                x,
                self.y(down),
                value,
                fontName=FONT_BOLD if bold else FONT,
                fontSize=size,
                fillColor=ink,
                textAnchor=anchor,
            )
        )

    # ------------------------------------------------------------------ parts
    def _axis(self) -> None:
        left, right = self.LABEL_WIDTH + 6, self.LABEL_WIDTH + 6 + self.plot_width
        for period in self.scale.periods():
            x0 = max(left, left + period.x0)
            x1 = min(right, left + period.x1)
            if x1 - x0 < 4:
                continue
            self.group.add(Line(x0, self.y(1), x0, self.y(11), strokeColor=RULE, strokeWidth=0.5))
            label = _elide(period.label, FONT_BOLD, 6.5, x1 - x0 - 4)
            if len(label) > 3:  # a sliver of a period at either end stays unlabelled
                self._text(label, x0 + 2, 8.5, 6.5, INK, bold=True)
        last_label_end = -1e9
        for tick in self.scale.ticks():
            x = left + tick.x
            length = 4 if tick.major else 2
            self.group.add(
                Line(x, self.y(self.HEADER - length), x, self.y(self.HEADER), strokeColor=RULE)
            )
            if tick.major and tick.label:
                width = stringWidth(tick.label, FONT, 5.8)
                if x - width / 2 > last_label_end + 2 and x + width / 2 <= right:
                    self._text(tick.label, x, self.HEADER - 6, 5.8, INK, anchor="middle")
                    last_label_end = x + width / 2
        self.group.add(
            Line(left, self.y(self.HEADER), right, self.y(self.HEADER), strokeColor=RULE)
        )

    def _lane(
        self, label: str, rows: list[_Row], packed: list[int], top: float, height: float
    ) -> None:
        left = self.LABEL_WIDTH + 6
        self.group.add(
            Rect(
                0,
                self.y(top + height) + 0.5,
                self.width,
                height - 1,
                fillColor=LANE_FILL,
                strokeColor=None,
            )
        )
        self._text(_elide(label, FONT, 7, self.LABEL_WIDTH - 4), 2, top + 9.5, 7, INK)
        for row, index in zip(rows, packed, strict=True):
            row_top = top + self.LANE_PAD + index * self.ROW
            if row.activity is not None:
                self._activity(row, row_top)
            elif row.referral is not None:
                self._referral(row.referral, row, row_top)
        self.group.add(
            Line(left, self.y(top + height), self.width, self.y(top + height), strokeColor=GRID)
        )

    def _activity(self, row: _Row, row_top: float) -> None:
        a = row.activity
        assert a is not None
        hex_colour = MODALITY_COLOURS[a.modality_index % len(MODALITY_COLOURS)]
        ink = colors.HexColor(hex_colour)
        mid = row_top + self.ROW / 2
        if a.procedure or a.end_on == a.start_on:
            cx = self.x(row.start) + self.scale.pixels_per_day / 2
            filled = a.status_key in ("done", "active")
            self.group.add(
                _diamond(
                    cx,
                    self.y(mid),
                    4.5,
                    fillColor=ink if filled else colors.white,
                    strokeColor=ink,
                    strokeWidth=1,
                )
            )
            # The label goes right of the diamond, or left of it near the page edge.
            right_room = self.width - cx - 8
            if right_room >= min(stringWidth(a.description, FONT, 5.8), 90):
                label = _elide(a.description, FONT, 5.8, min(140, right_room))
                self._text(label, cx + 7, mid + 2, 5.8, INK)
            else:
                left_room = cx - self.LABEL_WIDTH - 14
                label = _elide(a.description, FONT, 5.8, min(140, left_room))
                self._text(label, cx - 7, mid + 2, 5.8, INK, anchor="end")
            return
        x0 = self.x(row.start)
        x1 = max(self.x(row.end) + self.scale.pixels_per_day, x0 + 3)
        bar_top, bar_height = row_top + 1.5, self.ROW - 3
        style: dict[str, object] = {"strokeColor": ink, "strokeWidth": 0.8}
        label_ink: colors.Color = INK
        if a.status_key == "active":
            style["fillColor"] = ink
            label_ink = _ink_on(hex_colour)
        elif a.status_key == "done":
            style["fillColor"] = _tint(hex_colour, 0.55)
        elif a.status_key == "stopped":
            style["fillColor"] = _tint(hex_colour, 0.8)
        else:  # planned: an outline only, dashed
            style["fillColor"] = colors.white
            style["strokeDashArray"] = [2, 1.5]
        self.group.add(Rect(x0, self.y(bar_top + bar_height), x1 - x0, bar_height, **style))
        if a.status_key == "stopped":
            self.group.add(
                Line(
                    x0,
                    self.y(bar_top + bar_height),
                    x1,
                    self.y(bar_top),
                    strokeColor=ink,
                    strokeWidth=0.8,
                )
            )
            self._stop_cap(x1, bar_top, bar_height, ink)
        if row.open_ended:
            tip = [x1, self.y(mid - 3), x1 + 4, self.y(mid), x1, self.y(mid + 3)]
            self.group.add(Polygon(tip, fillColor=ink, strokeColor=None))
        label = _elide(a.description, FONT, 5.8, x1 - x0 - 4)
        if label == a.description or len(label) >= 8:
            self._text(label, x0 + 2, bar_top + bar_height - 2.3, 5.8, label_ink)

    def _stop_cap(self, x: float, top: float, height: float, ink: colors.Color) -> None:
        self.group.add(
            Line(x, self.y(top - 1), x, self.y(top + height + 1), strokeColor=ink, strokeWidth=2)
        )

    def _referral(self, r: PlanReferralLine, row: _Row, row_top: float) -> None:
        mid = row_top + self.ROW / 2
        x0 = self.x(row.start) + self.scale.pixels_per_day / 2
        x1 = self.x(row.end) + self.scale.pixels_per_day / 2
        closed = r.report_on is not None or r.closed_on is not None
        self.group.add(
            Line(
                x0,
                self.y(mid),
                x1,
                self.y(mid),
                strokeColor=REFERRAL_INK,
                strokeWidth=1.6,
                strokeDashArray=None if closed else [2, 1.5],
            )
        )
        events = [("sent", r.sent_on), ("appointment", r.appointment_on), ("report", r.report_on)]
        for kind, day in events:
            if day is None:
                continue
            cx = self.x(day) + self.scale.pixels_per_day / 2
            self._event_diamond(kind, cx, mid)

    def _event_diamond(self, kind: str, cx: float, mid: float) -> None:
        fill = colors.white if kind == "sent" else REFERRAL_INK
        self.group.add(
            _diamond(cx, self.y(mid), 4, fillColor=fill, strokeColor=REFERRAL_INK, strokeWidth=0.9)
        )
        if kind == "report":
            self.group.add(Circle(cx, self.y(mid), 1.3, fillColor=colors.white, strokeColor=None))

    def _markers(self, top: float, bottom: float) -> None:
        reviews: set[date] = set()
        if self.data.review_on:
            reviews.add(self.data.review_on)
        reviews |= {g.review_on for g in self.data.goals if g.review_on}
        for day in sorted(reviews):
            x = self.x(day) + self.scale.pixels_per_day / 2
            self.group.add(
                Line(
                    x,
                    self.y(top),
                    x,
                    self.y(bottom),
                    strokeColor=REVIEW_INK,
                    strokeWidth=0.9,
                    strokeDashArray=[3, 2],
                )
            )
        today = self.data.printed_on
        x = self.x(today) + self.scale.pixels_per_day / 2
        self.group.add(
            Line(x, self.y(top), x, self.y(bottom), strokeColor=TODAY_INK, strokeWidth=1.1)
        )

    def _trend(self, top: float, height: float) -> None:
        left = self.LABEL_WIDTH + 6
        right = left + self.plot_width
        bottom = top + height
        self._text("Pain trend (0–10)", 2, top + height / 2 + 2, 7, INK, bold=True)
        for value in (0, 5, 10):
            y = bottom - height * value / 10
            self.group.add(
                Line(left, self.y(y), right, self.y(y), strokeColor=GRID, strokeWidth=0.5)
            )
            self._text(str(value), left - 3, y + 2, 6, INK, anchor="end")
        for series, ink, square in (("PEG", PEG_INK, False), ("NRS", NRS_INK, True)):
            points = [p for p in self.data.scores if p.series == series]
            if not points:
                continue
            xy = [
                (
                    self.x(p.day) + self.scale.pixels_per_day / 2,
                    self.y(bottom - height * p.value / 10),
                )
                for p in sorted(points, key=lambda p: p.day)
            ]
            if len(xy) > 1:
                self.group.add(
                    PolyLine(
                        [c for pair in xy for c in pair],
                        strokeColor=ink,
                        strokeWidth=1.1,
                        strokeDashArray=[3, 1.5] if square else None,
                    )
                )
            for px, py in xy:
                if square:
                    self.group.add(
                        Rect(px - 1.8, py - 1.8, 3.6, 3.6, fillColor=ink, strokeColor=colors.white)
                    )
                else:
                    self.group.add(Circle(px, py, 2, fillColor=ink, strokeColor=colors.white))

    def _legend(self, top: float) -> None:
        x = 2.0
        line_one = top + 6
        line_two = top + 18
        for key, title in (
            ("active", "active"),
            ("planned", "planned"),
            ("done", "done"),
            ("stopped", "stopped"),
        ):
            self._legend_bar(key, x, line_one)
            x += 20
            self._text(title, x, line_one + 2.5, 6.5, INK)
            x += stringWidth(title, FONT, 6.5) + 10
        x += 4
        for kind, title in (("procedure", "procedure"), ("sent", "referral sent")):
            if kind == "procedure":
                self.group.add(
                    _diamond(
                        x + 4,
                        self.y(line_one),
                        4,
                        fillColor=colors.HexColor(MODALITY_COLOURS[0]),
                        strokeColor=None,
                    )
                )
            else:
                self._event_diamond(kind, x + 4, line_one)
            x += 11
            self._text(title, x, line_one + 2.5, 6.5, INK)
            x += stringWidth(title, FONT, 6.5) + 10
        x = 2.0
        for kind, title in (("appointment", "appointment / seen"), ("report", "report received")):
            self._event_diamond(kind, x + 4, line_two)
            x += 11
            self._text(title, x, line_two + 2.5, 6.5, INK)
            x += stringWidth(title, FONT, 6.5) + 10
        self.group.add(
            Line(
                x,
                self.y(line_two - 4),
                x,
                self.y(line_two + 4),
                strokeColor=REVIEW_INK,
                strokeDashArray=[3, 2],
            )
        )
        self._text("review", x + 4, line_two + 2.5, 6.5, INK)
        x += 4 + stringWidth("review", FONT, 6.5) + 10
        self.group.add(
            Line(
                x,
                self.y(line_two - 4),
                x,
                self.y(line_two + 4),
                strokeColor=TODAY_INK,
                strokeWidth=1.1,
            )
        )
        self._text(f"today ({long_date(self.data.printed_on)})", x + 4, line_two + 2.5, 6.5, INK)
        x += 4 + stringWidth(f"today ({long_date(self.data.printed_on)})", FONT, 6.5) + 10
        if self.data.scores:
            self.group.add(Circle(x + 3, self.y(line_two), 2, fillColor=PEG_INK, strokeColor=None))
            self._text("PEG", x + 8, line_two + 2.5, 6.5, INK)
            x += 8 + stringWidth("PEG", FONT, 6.5) + 10
            self.group.add(
                Rect(x + 1.2, self.y(line_two) - 1.8, 3.6, 3.6, fillColor=NRS_INK, strokeColor=None)
            )
            self._text("NRS pain", x + 8, line_two + 2.5, 6.5, INK)

    def _legend_bar(self, key: str, x: float, mid: float) -> None:
        hex_colour = MODALITY_COLOURS[0]
        ink = colors.HexColor(hex_colour)
        style: dict[str, object] = {"strokeColor": ink, "strokeWidth": 0.8}
        if key == "active":
            style["fillColor"] = ink
        elif key == "done":
            style["fillColor"] = _tint(hex_colour, 0.55)
        elif key == "stopped":
            style["fillColor"] = _tint(hex_colour, 0.8)
        else:
            style["fillColor"] = colors.white
            style["strokeDashArray"] = [2, 1.5]
        self.group.add(Rect(x, self.y(mid + 3.5), 16, 7, **style))
        if key == "stopped":
            self.group.add(
                Line(
                    x,
                    self.y(mid + 3.5),
                    x + 16,
                    self.y(mid - 3.5),
                    strokeColor=ink,
                    strokeWidth=0.8,
                )
            )
            self._stop_cap(x + 16, mid - 3.5, 7, ink)
