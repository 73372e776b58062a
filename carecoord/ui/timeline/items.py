"""What the timeline shows, built from service views (pure: no Qt), and hit-testing.

A plan's activities go into one lane per modality, the patient's referrals into one lane
per discipline; a date range is a bar, a single day a diamond (a procedure, a referral
sent, an appointment, a report received). Review dates are vertical markers and PEG / NRS
scores the trend under the lanes. Rows inside a lane are packed by date only, so zooming
moves items sideways but never reshuffles them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AssessmentKind,
    Modality,
    ReferralState,
)
from carecoord.services.assessments import AssessmentView
from carecoord.services.plans import ActivityView, PlanView
from carecoord.services.referrals import ReferralView
from carecoord.timescale import TimeScale, pack_rows

OPEN_PLANNED_DAYS = 28  # how long an open-ended planned activity is drawn
MIN_BAR_PIXELS = 4.0
DIAMOND_SLOP = 2.0
MARKER_SLOP = 4.0


class ItemKind(StrEnum):
    ACTIVITY = "activity"
    PROCEDURE = "procedure"
    REFERRAL = "referral"  # the thin bar from sending to closing the loop
    REFERRAL_SENT = "referral_sent"
    APPOINTMENT = "appointment"
    REPORT = "report"
    REVIEW = "review"


class Shape(StrEnum):
    BAR = "bar"
    THIN_BAR = "thin_bar"
    DIAMOND = "diamond"
    MARKER = "marker"  # a vertical line across the lanes


EVENT_TITLES = {
    ItemKind.PROCEDURE: "Procedure",
    ItemKind.REFERRAL_SENT: "Referral sent",
    ItemKind.APPOINTMENT: "Appointment",
    ItemKind.REPORT: "Report received",
    ItemKind.REVIEW: "Review",
}


@dataclass(frozen=True, slots=True)
class Lane:
    """A row band with a label: one modality of the plan or one referral discipline."""

    key: str
    label: str
    group: str  # "activity" or "referral"
    colour_index: int  # modality position; referral lanes use -1 (the palette's text)


@dataclass(frozen=True, slots=True, eq=False)
class TimelineItem:
    """One drawn thing. ``source`` is the view its editor opens (activity, referral, plan)."""

    key: str
    kind: ItemKind
    lane: str | None
    start: date
    end: date  # inclusive; equal to start for one-day events
    label: str
    tooltip: str
    shape: Shape
    status: str = ""
    open_ended: bool = False
    colour_index: int = -1
    source: object = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    series: str  # "PEG" or "NRS"
    day: date
    value: float
    assessment_id: int


@dataclass(frozen=True)
class TimelineData:
    lanes: tuple[Lane, ...] = ()
    items: tuple[TimelineItem, ...] = ()
    markers: tuple[TimelineItem, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    today: date = field(default_factory=date.today)

    def dates(self) -> list[date]:
        """Every date shown, for fitting a scale around them."""
        out: list[date] = [self.today]
        for item in (*self.items, *self.markers):
            out += (item.start, item.end)
        out += [p.day for p in self.trend]
        return out

    def is_empty(self) -> bool:
        return not (self.items or self.markers or self.trend)


# --------------------------------------------------------------------------- building
def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else "—"


def _duration(start: date, end: date) -> str:
    days = (end - start).days + 1
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 90:
        return f"{round(days / 7)} weeks"
    return f"{round(days / 30.44)} months"


def activity_item(activity: ActivityView, today: date) -> TimelineItem:
    """A bar for a date range; a diamond for a procedure or any one-day activity."""
    modality = activity.modality
    start, end = activity.start_on, activity.end_on
    open_ended = False
    one_day = end == start or (end is None and modality is Modality.INTERVENTIONAL)
    if end is None and not one_day:
        if activity.status in (ActivityStatus.ACTIVE, ActivityStatus.PLANNED):
            open_ended = True
            end = max(today, start + timedelta(days=OPEN_PLANNED_DAYS))
        else:
            end = start
    end = end or start
    kind = (
        ItemKind.PROCEDURE if one_day and modality is Modality.INTERVENTIONAL else ItemKind.ACTIVITY
    )
    lines = [modality.label, activity.description]
    lines.append(f"Responsible: {activity.responsible_name or 'not assigned'}")
    if one_day:
        lines.append(f"On {_iso(start)}")
    elif open_ended:
        lines.append(f"From {_iso(start)}, no end date yet")
    else:
        lines.append(f"{_iso(start)} → {_iso(end)} ({_duration(start, end)})")
    if activity.sessions_planned is not None:
        lines.append(f"Sessions: {activity.sessions_done} of {activity.sessions_planned} done")
    elif activity.sessions_done:
        lines.append(f"Sessions done: {activity.sessions_done}")
    status = activity.status.label
    if activity.status is ActivityStatus.STOPPED and activity.stop_reason:
        status += f" — {activity.stop_reason}"
    lines.append(f"Status: {status}")
    return TimelineItem(
        key=f"activity:{activity.id}",
        kind=kind,
        lane=f"modality:{modality.value}",
        start=start,
        end=end,
        label=activity.description,
        tooltip="\n".join(lines),
        shape=Shape.DIAMOND if one_day else Shape.BAR,
        status=activity.status.value,
        open_ended=open_ended,
        colour_index=list(Modality).index(modality),
        source=activity,
    )


def referral_items(referral: ReferralView, today: date) -> list[TimelineItem]:
    """The referral's loop as a thin bar, with diamonds for sent, appointment and report."""
    if referral.sent_on is None:
        return []  # a draft has not started anything on the calendar yet
    lane = f"referral:{referral.discipline.value}"
    who = referral.recipient_name or f"{referral.discipline.label} service"
    head = f"Referral to {who} ({referral.discipline.label})"
    state = f"State: {referral.state.label}"
    closed = referral.report_received_on or referral.closed_on
    span_end = closed or today
    summary = [
        head,
        f"Sent {_iso(referral.sent_on)}",
        f"Appointment {_iso(referral.appointment_date)}"
        + (f", seen {_iso(referral.seen_on)}" if referral.seen_on else ""),
        f"Report received {_iso(referral.report_received_on)}"
        if referral.report_received_on
        else f"Report due {_iso(referral.report_due)}"
        if referral.report_due
        else "No report yet",
        state + (" — overdue" if referral.overdue else ""),
    ]
    items = [
        TimelineItem(
            key=f"referral:{referral.id}",
            kind=ItemKind.REFERRAL,
            lane=lane,
            start=referral.sent_on,
            end=max(span_end, referral.sent_on),
            label=who,
            tooltip="\n".join(summary),
            shape=Shape.THIN_BAR,
            status=referral.state.value,
            open_ended=closed is None,
            source=referral,
        )
    ]
    events: list[tuple[ItemKind, date | None]] = [
        (ItemKind.REFERRAL_SENT, referral.sent_on),
        (ItemKind.APPOINTMENT, referral.seen_on or referral.appointment_date),
        (ItemKind.REPORT, referral.report_received_on),
    ]
    for kind, day in events:
        if day is None:
            continue
        title = EVENT_TITLES[kind]
        if kind is ItemKind.APPOINTMENT and referral.seen_on:
            title = "Seen"
        elif kind is ItemKind.APPOINTMENT and referral.state is ReferralState.SCHEDULED:
            title = "Appointment booked"
        items.append(
            TimelineItem(
                key=f"referral:{referral.id}:{kind.value}",
                kind=kind,
                lane=lane,
                start=day,
                end=day,
                label=title,
                tooltip=f"{title} {_iso(day)}\n" + "\n".join(summary),
                shape=Shape.DIAMOND,
                status=referral.state.value,
                source=referral,
            )
        )
    return items


def review_markers(plan: PlanView | None) -> list[TimelineItem]:
    """One marker per review date (the plan's and its goals'), same-day reviews merged."""
    if plan is None:
        return []
    reasons: dict[date, list[str]] = {}
    if plan.review_on is not None:
        reasons.setdefault(plan.review_on, []).append(f"Plan review: {plan.title}")
    for goal in plan.goals:
        if goal.review_on is not None:
            reasons.setdefault(goal.review_on, []).append(
                f"Goal review ({goal.axis.label.lower()}): {goal.description}"
            )
    return [
        TimelineItem(
            key=f"review:{day.isoformat()}",
            kind=ItemKind.REVIEW,
            lane=None,
            start=day,
            end=day,
            label="Review",
            tooltip=f"Review {day.isoformat()}\n" + "\n".join(lines),
            shape=Shape.MARKER,
            source=plan,
        )
        for day, lines in sorted(reasons.items())
    ]


def trend_points(assessments: Iterable[AssessmentView]) -> list[TrendPoint]:
    series = {AssessmentKind.PEG: "PEG", AssessmentKind.NRS: "NRS"}
    return sorted(
        (
            TrendPoint(series[a.kind], a.taken_on, float(a.total), a.id)
            for a in assessments
            if a.kind in series
        ),
        key=lambda p: (p.series, p.day, p.assessment_id),
    )


def build_timeline(
    plan: PlanView | None,
    referrals: Sequence[ReferralView] = (),
    assessments: Sequence[AssessmentView] = (),
    *,
    today: date | None = None,
) -> TimelineData:
    """Lanes, items, review markers and the PEG/NRS trend for one plan and its patient.

    Lanes come in a fixed order: the plan's modalities in domain order, then the referral
    disciplines alphabetically; a lane exists only when something is in it.
    """
    day = today or date.today()
    items: list[TimelineItem] = []
    if plan is not None:
        items += [activity_item(a, day) for a in plan.activities]
    for referral in referrals:
        items += referral_items(referral, day)
    modalities = {a.modality for a in plan.activities} if plan is not None else set()
    lanes = [
        Lane(f"modality:{m.value}", m.label, "activity", index)
        for index, m in enumerate(Modality)
        if m in modalities
    ]
    disciplines = sorted(
        {r.discipline for r in referrals if r.sent_on is not None}, key=lambda d: d.label
    )
    lanes += [
        Lane(f"referral:{d.value}", f"Referral · {d.label}", "referral", -1) for d in disciplines
    ]
    return TimelineData(
        tuple(lanes),
        tuple(items),
        tuple(review_markers(plan)),
        tuple(trend_points(assessments)),
        day,
    )


# --------------------------------------------------------------------------- layout
@dataclass(frozen=True, slots=True)
class Placed:
    """An item's box in content coordinates (x from the scale, y from its lane row)."""

    item: TimelineItem
    x0: float
    x1: float
    y0: float
    y1: float

    def contains(self, x: float, y: float, slop: float = 0.0) -> bool:
        return self.x0 - slop <= x <= self.x1 + slop and self.y0 - slop <= y <= self.y1 + slop


@dataclass(frozen=True, slots=True)
class LaneBox:
    lane: Lane
    y0: float
    y1: float
    rows: int


@dataclass(frozen=True)
class Layout:
    lanes: tuple[LaneBox, ...]
    placed: tuple[Placed, ...]
    markers: tuple[Placed, ...]
    top: float
    bottom: float  # below the last lane


def assign_rows(items: Sequence[TimelineItem]) -> dict[str, int]:
    """Row within its lane for every lane item: the first row whose last item ended before.

    A referral's diamonds share the row of its thin bar, so a loop reads as one line.
    """
    by_lane: dict[str, list[TimelineItem]] = {}
    for item in items:
        if item.lane is not None and item.kind in _ROW_OWNERS:
            by_lane.setdefault(item.lane, []).append(item)
    rows: dict[str, int] = {}
    for members in by_lane.values():
        packed = pack_rows([(i.start, i.end) for i in members])
        rows.update((i.key, row) for i, row in zip(members, packed, strict=True))
    for item in items:
        if item.key not in rows and item.lane is not None:
            owner = item.key.rsplit(":", 1)[0]
            rows[item.key] = rows.get(owner, 0)
    return rows


_ROW_OWNERS = frozenset({ItemKind.ACTIVITY, ItemKind.PROCEDURE, ItemKind.REFERRAL})


def layout_items(
    data: TimelineData,
    scale: TimeScale,
    rows: dict[str, int],
    *,
    top: float,
    row_height: float,
    lane_padding: float,
) -> Layout:
    """Place every item: lanes stacked from ``top``, ``row_height`` per packed row."""
    counts: dict[str, int] = {}
    for item in data.items:
        if item.lane is not None:
            counts[item.lane] = max(counts.get(item.lane, 0), rows.get(item.key, 0) + 1)
    boxes: list[LaneBox] = []
    row_top: dict[str, float] = {}
    y = top
    for lane in data.lanes:
        n = max(1, counts.get(lane.key, 1))
        height = n * row_height + 2 * lane_padding
        boxes.append(LaneBox(lane, y, y + height, n))
        row_top[lane.key] = y + lane_padding
        y += height
    placed: list[Placed] = []
    ppd = scale.pixels_per_day
    origin = scale.origin
    for item in data.items:
        if item.lane not in row_top:
            continue
        y0 = row_top[item.lane] + rows.get(item.key, 0) * row_height
        if item.shape is Shape.DIAMOND:
            centre = ((item.start - origin).days + 0.5) * ppd
            half = row_height / 2 - 2
            placed.append(Placed(item, centre - half, centre + half, y0 + 2, y0 + row_height - 2))
            continue
        x0 = (item.start - origin).days * ppd
        x1 = max((item.end - origin).days * ppd + ppd, x0 + MIN_BAR_PIXELS)
        if item.shape is Shape.THIN_BAR:
            mid = y0 + row_height / 2
            placed.append(Placed(item, x0, x1, mid - 2, mid + 2))
        else:
            placed.append(Placed(item, x0, x1, y0 + 3, y0 + row_height - 3))
    markers = [
        Placed(m, scale.x_center(m.start), scale.x_center(m.start), top, y) for m in data.markers
    ]
    return Layout(tuple(boxes), tuple(placed), tuple(markers), top, y)


HIT_PRIORITY = {Shape.DIAMOND: 0, Shape.BAR: 1, Shape.THIN_BAR: 2, Shape.MARKER: 3}


def hit_test(
    layout: Layout, x: float, y: float, *, bottom: float | None = None
) -> TimelineItem | None:
    """The item under (x, y): diamonds win over bars, bars over thin bars, those over markers.

    Review markers are hit within a few pixels of their line anywhere from the lanes' top
    to ``bottom`` (default: the last lane's bottom).
    """
    best: tuple[int, float, TimelineItem] | None = None
    for placed in layout.placed:
        slop = DIAMOND_SLOP if placed.item.shape is Shape.DIAMOND else 1.0
        if not placed.contains(x, y, slop):
            continue
        centre = (placed.x0 + placed.x1) / 2
        rank = (HIT_PRIORITY[placed.item.shape], abs(centre - x), placed.item)
        if best is None or rank[:2] < best[:2]:
            best = rank
    if best is not None:
        return best[2]
    lowest = layout.bottom if bottom is None else bottom
    nearest: tuple[float, TimelineItem] | None = None
    for marker in layout.markers:
        distance = abs(marker.x0 - x)
        near = distance <= MARKER_SLOP and layout.top - 20 <= y <= lowest
        if near and (nearest is None or distance < nearest[0]):
            nearest = (distance, marker.item)
    return nearest[1] if nearest else None


def nearest_point(
    positions: Sequence[tuple[float, float]], x: float, y: float, radius: float
) -> int | None:
    """Index of the position nearest (x, y) within ``radius`` pixels, or None."""
    best: tuple[float, int] | None = None
    limit = radius * radius
    for index, (px, py) in enumerate(positions):
        distance = (px - x) ** 2 + (py - y) ** 2
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, index)
    return best[1] if best else None


__all__ = [
    "HIT_PRIORITY",
    "ItemKind",
    "Lane",
    "LaneBox",
    "Layout",
    "Placed",
    "Shape",
    "TimelineData",
    "TimelineItem",
    "TrendPoint",
    "activity_item",
    "assign_rows",
    "build_timeline",
    "hit_test",
    "layout_items",
    "nearest_point",
    "referral_items",
    "review_markers",
    "trend_points",
]
