"""Date ↔ position mapping shared by the timeline widget and the plan PDF (pure: no Qt,
no database; an import contract keeps it so, and both the UI and the PDF code use it).

A scale maps whole days to x from an origin at a zoom level's pixels per day, answers the
reverse question (which day is under x), and names the tick marks and the periods (months,
quarters, years) to print along the time axis at that zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Zoom(StrEnum):
    """How much time a screen shows: about five weeks, five months, five quarters, 3 years."""

    WEEKS = "weeks"
    MONTHS = "months"
    QUARTERS = "quarters"
    YEAR = "year"

    @property
    def label(self) -> str:
        return self.value.capitalize()


PIXELS_PER_DAY: dict[Zoom, float] = {
    Zoom.WEEKS: 24.0,
    Zoom.MONTHS: 6.0,
    Zoom.QUARTERS: 2.0,
    Zoom.YEAR: 0.6,
}
ZOOM_ORDER = (Zoom.WEEKS, Zoom.MONTHS, Zoom.QUARTERS, Zoom.YEAR)


@dataclass(frozen=True, slots=True)
class Tick:
    """A mark on the time axis; major ticks carry a label and a grid line."""

    day: date
    x: float
    label: str
    major: bool


@dataclass(frozen=True, slots=True)
class Period:
    """A labelled stretch of the axis above the ticks (a month, quarter or year)."""

    start: date
    end: date  # exclusive: the first day of the next period
    x0: float
    x1: float
    label: str


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class TimeScale:
    """Whole days from ``origin`` to ``end`` (inclusive) laid out at ``zoom``.

    ``x_of(origin)`` is 0 and each day is ``pixels_per_day`` wide; a day's x is its left
    edge, so a bar from ``start`` to ``end`` covers ``x_of(start)`` to ``x_of(end + 1 day)``.
    """

    origin: date
    end: date
    zoom: Zoom = Zoom.MONTHS
    pixels_per_day: float = 0.0  # 0: the zoom level's standard value

    def __post_init__(self) -> None:
        if self.end < self.origin:
            raise ValueError(f"the scale ends ({self.end}) before it starts ({self.origin})")
        if self.pixels_per_day <= 0:
            object.__setattr__(self, "pixels_per_day", PIXELS_PER_DAY[Zoom(self.zoom)])

    # ------------------------------------------------------------------ building
    @classmethod
    def around(
        cls,
        days: list[date] | tuple[date, ...],
        *,
        zoom: Zoom = Zoom.MONTHS,
        today: date | None = None,
        padding_days: int = 14,
    ) -> TimeScale:
        """A scale covering ``days`` (and ``today``) with some room either side."""
        known = [d for d in days if d is not None]
        if today is not None:
            known.append(today)
        if not known:
            raise ValueError("a scale needs at least one date")
        first, last = min(known), max(known)
        start = _month_start(first - timedelta(days=padding_days))
        end = last + timedelta(days=padding_days)
        return cls(start, end, zoom)

    def with_zoom(self, zoom: Zoom) -> TimeScale:
        """The same dates at another zoom level."""
        return replace(self, zoom=zoom, pixels_per_day=PIXELS_PER_DAY[zoom])

    def with_pixels_per_day(self, pixels: float) -> TimeScale:
        """The same dates at any density (the PDF fits its page width)."""
        if pixels <= 0:
            raise ValueError("pixels per day must be positive")
        return replace(self, pixels_per_day=pixels)

    def fitted(self, width: float, zoom: Zoom | None = None) -> TimeScale:
        """The same dates squeezed or stretched to exactly ``width`` pixels."""
        scale = self.with_zoom(zoom) if zoom is not None else self
        return scale.with_pixels_per_day(width / self.days)

    # ------------------------------------------------------------------ mapping
    @property
    def days(self) -> int:
        """How many days the scale covers (origin and end included)."""
        return (self.end - self.origin).days + 1

    @property
    def width(self) -> float:
        return self.days * self.pixels_per_day

    def x_of(self, day: date) -> float:
        """The left edge of ``day`` (days outside the scale map outside 0..width)."""
        return (day - self.origin).days * self.pixels_per_day

    def x_center(self, day: date) -> float:
        """The middle of ``day``: where a one-day marker is drawn."""
        return self.x_of(day) + self.pixels_per_day / 2

    def date_at(self, x: float) -> date:
        """The day under ``x`` (clamped to the scale)."""
        index = math.floor(x / self.pixels_per_day + 1e-9)
        index = min(max(index, 0), self.days - 1)
        return self.origin + timedelta(days=index)

    def visible_range(self, scroll_x: float, viewport_width: float) -> tuple[date, date]:
        """First and last day (inclusive) seen in a viewport scrolled to ``scroll_x``."""
        return self.date_at(scroll_x), self.date_at(scroll_x + max(0.0, viewport_width) - 1e-6)

    def scroll_for(self, day: date, viewport_x: float) -> float:
        """The scroll offset that puts ``day``'s left edge at ``viewport_x`` in the viewport.

        Used to keep the day under the mouse (or the centre) in place when zooming.
        """
        return self.x_of(day) - viewport_x

    # ------------------------------------------------------------------ axis
    def ticks(self, first: date | None = None, last: date | None = None) -> list[Tick]:
        """The tick marks between ``first`` and ``last`` (default: the whole scale).

        Weeks: a tick a day, Mondays major ("Mon 3"). Months: Mondays, labelled with the day
        of the month ("3"). Quarters: Mondays minor, month starts major ("Mar"). Year: month
        starts minor, quarter starts major ("Q2").
        """
        first = max(first or self.origin, self.origin)
        last = min(last or self.end, self.end)
        if last < first:
            return []
        out: list[Tick] = []
        zoom = Zoom(self.zoom)
        if zoom is Zoom.WEEKS:
            day = first
            while day <= last:
                major = day.weekday() == 0
                label = f"{WEEKDAY_ABBREVIATIONS[0]} {day.day}" if major else ""
                out.append(Tick(day, self.x_of(day), label, major))
                day += timedelta(days=1)
            return out
        if zoom in (Zoom.MONTHS, Zoom.QUARTERS):
            day = first + timedelta(days=(7 - first.weekday()) % 7)
            mondays = []
            while day <= last:
                mondays.append(day)
                day += timedelta(days=7)
            if zoom is Zoom.MONTHS:
                return [Tick(d, self.x_of(d), str(d.day), True) for d in mondays]
            starts = self._month_starts(first, last)
            majors = set(starts)
            out = [Tick(d, self.x_of(d), MONTH_ABBREVIATIONS[d.month - 1], True) for d in starts]
            out += [Tick(d, self.x_of(d), "", False) for d in mondays if d not in majors]
            return sorted(out, key=lambda t: t.day)
        starts = self._month_starts(first, last)
        return [
            Tick(
                d,
                self.x_of(d),
                f"Q{_quarter(d)}" if d.month in (1, 4, 7, 10) else "",
                d.month in (1, 4, 7, 10),
            )
            for d in starts
        ]

    def periods(self, first: date | None = None, last: date | None = None) -> list[Period]:
        """The labelled periods above the ticks: months (weeks and months zoom), quarters
        (quarters zoom) or years (year zoom), clipped to ``first``..``last``."""
        first = max(first or self.origin, self.origin)
        last = min(last or self.end, self.end)
        if last < first:
            return []
        zoom = Zoom(self.zoom)
        out: list[Period] = []
        if zoom in (Zoom.WEEKS, Zoom.MONTHS):
            start = _month_start(first)
            while start <= last:
                following = _add_months(start, 1)
                label = f"{MONTH_NAMES[start.month - 1]} {start.year}"
                out.append(self._period(start, following, label))
                start = following
        elif zoom is Zoom.QUARTERS:
            start = _quarter_start(first)
            while start <= last:
                following = _add_months(start, 3)
                out.append(self._period(start, following, f"Q{_quarter(start)} {start.year}"))
                start = following
        else:
            start = date(first.year, 1, 1)
            while start <= last:
                following = date(start.year + 1, 1, 1)
                out.append(self._period(start, following, str(start.year)))
                start = following
        return out

    def _period(self, start: date, following: date, label: str) -> Period:
        return Period(start, following, self.x_of(start), self.x_of(following), label)

    @staticmethod
    def _month_starts(first: date, last: date) -> list[date]:
        day = first if first.day == 1 else _add_months(first, 1)
        out = []
        while day <= last:
            out.append(day)
            day = _add_months(day, 1)
        return out


def pack_rows(spans: Sequence[tuple[date, date]]) -> list[int]:
    """A row for each (start, end) span, inclusive dates: the first row free before it starts.

    Rows depend on dates only, so zooming never reshuffles them; returned in input order.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i))
    rows = [0] * len(spans)
    ends: list[date] = []
    for index in order:
        start, end = spans[index]
        for row, last in enumerate(ends):
            if last < start:
                ends[row] = max(end, start)
                rows[index] = row
                break
        else:
            ends.append(max(end, start))
            rows[index] = len(ends) - 1
    return rows


def next_zoom(zoom: Zoom, steps: int) -> Zoom:
    """The zoom ``steps`` levels coarser (positive) or finer (negative), clamped."""
    index = ZOOM_ORDER.index(Zoom(zoom)) + steps
    return ZOOM_ORDER[min(max(index, 0), len(ZOOM_ORDER) - 1)]


__all__ = [
    "PIXELS_PER_DAY",
    "ZOOM_ORDER",
    "Period",
    "Tick",
    "TimeScale",
    "Zoom",
    "next_zoom",
    "pack_rows",
]
