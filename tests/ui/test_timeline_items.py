"""Timeline items from plan, referral and assessment views; layout and hit-testing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AssessmentKind,
    DataCategory,
    Discipline,
    Expectation,
    GoalAxis,
    Modality,
    PlanStatus,
    Priority,
    ReferralState,
)
from carecoord.services.assessments import AssessmentView
from carecoord.services.plans import ActivityView, GoalView, PlanView
from carecoord.services.referrals import AuthorizationInput, ReferralView
from carecoord.timescale import TimeScale, Zoom
from carecoord.ui.timeline.items import (
    ItemKind,
    Shape,
    TimelineData,
    assign_rows,
    build_timeline,
    hit_test,
    layout_items,
    nearest_point,
)

TODAY = date(2025, 6, 1)


def activity(
    id_: int,
    modality: Modality,
    start: date,
    end: date | None,
    status: ActivityStatus = ActivityStatus.ACTIVE,
    **extra: Any,
) -> ActivityView:
    values: dict[str, Any] = {
        "id": id_,
        "plan_id": 1,
        "modality": modality,
        "description": f"Activity {id_}",
        "responsible_member_id": None,
        "responsible_name": "Ada Okafor, PT",
        "start_on": start,
        "end_on": end,
        "sessions_planned": 10,
        "sessions_done": 4,
        "status": status,
        "stop_reason": None,
        "version": 1,
    }
    values.update(extra)
    return ActivityView(**values)


def plan(*activities: ActivityView, review: date | None = date(2025, 7, 1)) -> PlanView:
    goals = (
        GoalView(1, GoalAxis.PAIN, "Less pain", "peg", 7.0, 4.9, review, 1),
        GoalView(2, GoalAxis.FUNCTION, "Walk daily", "peg", 7.0, 4.9, date(2025, 8, 1), 1),
    )
    return PlanView(
        1, 10, "Plan", PlanStatus.ACTIVE, date(2025, 1, 1), review, None, goals, activities, 1
    )


def referral(id_: int, discipline: Discipline, **dates: Any) -> ReferralView:
    values: dict[str, Any] = {
        "id": id_,
        "patient_id": 10,
        "patient_name": "Ñúñez, Zoë",
        "patient_mrn": "MRN1",
        "patient_date_of_birth": date(1980, 5, 12),
        "discipline": discipline,
        "recipient_member_id": None,
        "recipient_name": "Dr Ada Okafor",
        "referring_member_id": None,
        "referring_name": None,
        "priority": Priority.ROUTINE,
        "priority_reason": None,
        "expectation": Expectation.ADVICE,
        "reason": "Assess",
        "clinical_question": None,
        "patient_told": None,
        "treatments_tried": None,
        "sensitive": False,
        "category": DataCategory.GENERAL,
        "restricted": False,
        "state": ReferralState.SENT,
        "held_from": None,
        "legal_next": (),
        "sent_on": None,
        "sent_via": None,
        "appointment_due": None,
        "appointment_date": None,
        "seen_on": None,
        "report_due": None,
        "report_received_on": None,
        "no_report_reason": None,
        "due_on": None,
        "closed_on": None,
        "overdue": False,
        "authorization": AuthorizationInput(),
        "authorization_expiring": False,
        "authorization_decision_overdue": False,
        "version": 1,
        "updated_by": None,
        "updated_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    values.update(dates)
    return ReferralView(**values)


def score(id_: int, kind: AssessmentKind, day: date, total: float) -> AssessmentView:
    return AssessmentView(id_, 10, kind, day, {}, total, "", False, "drlee")


def test_activities_become_bars_and_procedures_diamonds() -> None:
    data = build_timeline(
        plan(
            activity(1, Modality.PHYSICAL_THERAPY, date(2025, 2, 1), date(2025, 4, 30)),
            activity(2, Modality.INTERVENTIONAL, date(2025, 3, 10), None, ActivityStatus.DONE),
            activity(3, Modality.PSYCHOLOGICAL, date(2025, 5, 1), None),
            activity(
                4,
                Modality.PHYSICAL_THERAPY,
                date(2025, 3, 1),
                date(2025, 3, 20),
                ActivityStatus.STOPPED,
                stop_reason="Flare-up",
            ),
        ),
        today=TODAY,
    )
    by_key = {i.key: i for i in data.items}
    bar = by_key["activity:1"]
    assert (bar.shape, bar.kind, bar.lane) == (
        Shape.BAR,
        ItemKind.ACTIVITY,
        "modality:physical_therapy",
    )
    assert "Sessions: 4 of 10 done" in bar.tooltip and "Ada Okafor" in bar.tooltip
    procedure = by_key["activity:2"]
    assert (procedure.shape, procedure.kind) == (Shape.DIAMOND, ItemKind.PROCEDURE)
    assert procedure.start == procedure.end == date(2025, 3, 10)
    open_ended = by_key["activity:3"]
    assert open_ended.open_ended and open_ended.end == date(2025, 6, 1)  # runs to today
    assert "Stopped — Flare-up" in by_key["activity:4"].tooltip
    # One lane per modality, in domain order; only modalities that are used.
    assert [lane.key for lane in data.lanes] == [
        "modality:interventional",
        "modality:physical_therapy",
        "modality:psychological",
    ]
    assert by_key["activity:1"].colour_index == list(Modality).index(Modality.PHYSICAL_THERAPY)


def test_referrals_become_a_loop_with_diamonds_per_event() -> None:
    data = build_timeline(
        None,
        [
            referral(
                7,
                Discipline.PSYCHIATRY,
                sent_on=date(2025, 3, 1),
                appointment_date=date(2025, 3, 20),
                seen_on=date(2025, 3, 20),
                report_received_on=date(2025, 4, 2),
                state=ReferralState.REPORT_RECEIVED,
            ),
            referral(8, Discipline.NEUROLOGY_HEADACHE, sent_on=date(2025, 5, 1)),
            referral(9, Discipline.PSYCHOLOGY),  # a draft: not on the calendar
        ],
        today=TODAY,
    )
    kinds = sorted((i.key, i.kind.value) for i in data.items)
    assert kinds == [
        ("referral:7", "referral"),
        ("referral:7:appointment", "appointment"),
        ("referral:7:referral_sent", "referral_sent"),
        ("referral:7:report", "report"),
        ("referral:8", "referral"),
        ("referral:8:referral_sent", "referral_sent"),
    ]
    loop = next(i for i in data.items if i.key == "referral:7")
    assert (loop.start, loop.end, loop.open_ended) == (date(2025, 3, 1), date(2025, 4, 2), False)
    pending = next(i for i in data.items if i.key == "referral:8")
    assert pending.open_ended and pending.end == TODAY
    assert [lane.label for lane in data.lanes] == [
        "Referral · Neurology / headache medicine",
        "Referral · Psychiatry",
    ]
    seen = next(i for i in data.items if i.kind is ItemKind.APPOINTMENT)
    assert seen.label == "Seen" and "Report received 2025-04-02" in seen.tooltip


def test_review_dates_are_markers_and_scores_the_trend() -> None:
    data = build_timeline(
        plan(review=date(2025, 7, 1)),
        (),
        [
            score(1, AssessmentKind.PEG, date(2025, 1, 5), 7.0),
            score(2, AssessmentKind.NRS, date(2025, 1, 5), 6),
            score(3, AssessmentKind.PHQ9, date(2025, 1, 5), 12),
            score(4, AssessmentKind.PEG, date(2025, 4, 5), 4.0),
        ],
        today=TODAY,
    )
    assert [m.start for m in data.markers] == [date(2025, 7, 1), date(2025, 8, 1)]
    merged = data.markers[0]
    assert "Plan review" in merged.tooltip and "Goal review (pain)" in merged.tooltip
    assert [(p.series, p.value) for p in data.trend] == [("NRS", 6), ("PEG", 7.0), ("PEG", 4.0)]
    assert min(data.dates()) == date(2025, 1, 5) and max(data.dates()) == date(2025, 8, 1)
    assert TimelineData().is_empty() and not data.is_empty()


def test_rows_pack_overlaps_and_survive_zoom() -> None:
    data = build_timeline(
        plan(
            activity(1, Modality.MEDICATION, date(2025, 1, 1), date(2025, 3, 1)),
            activity(2, Modality.MEDICATION, date(2025, 2, 1), date(2025, 4, 1)),
            activity(3, Modality.MEDICATION, date(2025, 3, 15), date(2025, 5, 1)),
        ),
        today=TODAY,
    )
    rows = assign_rows(data.items)
    assert [rows[f"activity:{n}"] for n in (1, 2, 3)] == [0, 1, 0]
    scale = TimeScale(date(2025, 1, 1), date(2025, 12, 31), Zoom.MONTHS)
    months = layout_items(data, scale, rows, top=40, row_height=20, lane_padding=3)
    assert len(months.lanes) == 1 and months.lanes[0].rows == 2
    assert months.lanes[0].y0 == 40 and months.lanes[0].y1 == 40 + 2 * 20 + 6
    weeks = layout_items(
        data, scale.with_zoom(Zoom.WEEKS), rows, top=40, row_height=20, lane_padding=3
    )
    for a, b in zip(months.placed, weeks.placed, strict=True):
        assert (a.y0, a.y1) == (b.y0, b.y1)  # zoom moves items sideways only
        assert b.x0 == pytest.approx(a.x0 * 4)


def test_layout_places_bars_by_date_and_hit_testing_finds_them() -> None:
    data = build_timeline(
        plan(
            activity(1, Modality.PHYSICAL_THERAPY, date(2025, 2, 1), date(2025, 2, 28)),
            activity(2, Modality.INTERVENTIONAL, date(2025, 2, 10), None),
        ),
        [referral(5, Discipline.PSYCHIATRY, sent_on=date(2025, 2, 3))],
        today=TODAY,
    )
    scale = TimeScale(date(2025, 1, 1), date(2025, 12, 31), Zoom.MONTHS)  # 6 px a day
    layout = layout_items(
        data, scale, assign_rows(data.items), top=0, row_height=24, lane_padding=2
    )
    placed = {p.item.key: p for p in layout.placed}
    bar = placed["activity:1"]
    assert bar.x0 == 31 * 6 and bar.x1 == 59 * 6  # Feb 1 to the end of Feb 28
    assert hit_test(layout, (bar.x0 + bar.x1) / 2, (bar.y0 + bar.y1) / 2) is bar.item
    diamond = placed["activity:2"]
    assert diamond.x0 < scale.x_center(date(2025, 2, 10)) < diamond.x1
    centre = ((diamond.x0 + diamond.x1) / 2, (diamond.y0 + diamond.y1) / 2)
    assert hit_test(layout, *centre) is diamond.item
    # The referral's sent diamond wins over its loop bar at the same place.
    sent = placed["referral:5:referral_sent"]
    hit = hit_test(layout, (sent.x0 + sent.x1) / 2, (sent.y0 + sent.y1) / 2)
    assert hit is not None and hit.kind is ItemKind.REFERRAL_SENT
    # Empty space hits nothing; a review marker is hit near its line.
    assert hit_test(layout, bar.x1 + 200, bar.y0) is None
    review = layout.markers[0]
    assert hit_test(layout, review.x0 + 2, layout.top + 5) is review.item
    assert hit_test(layout, review.x0 + 20, layout.top + 5) is None


def test_short_bars_keep_a_clickable_width_and_nearest_point() -> None:
    data = build_timeline(
        plan(activity(1, Modality.EDUCATION, date(2025, 3, 1), date(2025, 3, 2))), today=TODAY
    )
    scale = TimeScale(date(2024, 1, 1), date(2026, 12, 31), Zoom.YEAR)  # 0.6 px a day
    layout = layout_items(
        data, scale, assign_rows(data.items), top=0, row_height=24, lane_padding=2
    )
    bar = layout.placed[0]
    assert bar.x1 - bar.x0 >= 4
    assert nearest_point([(0, 0), (10, 10), (30, 30)], 11, 9, 5) == 1
    assert nearest_point([(0, 0)], 20, 20, 5) is None


def test_open_planned_activity_has_a_visible_length() -> None:
    later = TODAY + timedelta(days=20)
    data = build_timeline(
        plan(activity(1, Modality.COMPLEMENTARY, later, None, ActivityStatus.PLANNED)),
        today=TODAY,
    )
    item = data.items[0]
    assert item.open_ended and item.end == later + timedelta(days=28)
