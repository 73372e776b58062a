"""The dashboard's figures as read from the kept summary (services/dashboard_summary.py
keeps the steps; this reads their totals on a day): one aggregate over the steps dated on
or before the day, beside one day's index range of payer requests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.vocabulary import AuthorizationOutcome, ReferralState
from carecoord.models import DashboardCount, Referral

OPEN_STATES = tuple(s for s in ReferralState if s in rules.OPEN_STATES)


@dataclass(frozen=True)
class SummaryFigures:
    """The dashboard's counts on one day (the lists beside them are read live)."""

    open_by_state: tuple[tuple[ReferralState, int], ...]
    overdue_count: int
    medication_review_count: int
    rolling: tuple[int, int]
    """CMS50 over the rolling 12 months: (numerator, denominator)."""
    calendar: tuple[int, int]
    team_gap_count: int
    booked_late_count: int
    holds_past_review_count: int
    unacknowledged: int
    acknowledged: int
    median_days_to_acknowledge: float | None
    documents_to_review_count: int
    decisions_overdue_count: int
    """Pending prior-authorisation requests past CMS-0057-F's decision time."""


def figures_from(totals: dict[str, int]) -> SummaryFigures:
    """The figures from each step name's total on the day."""
    days: list[tuple[int, int]] = sorted(
        (int(name.split(":", 1)[1]), n)
        for name, n in totals.items()
        if name.startswith("ack_days:") and n
    )
    acknowledged = sum(n for _, n in days)
    return SummaryFigures(
        open_by_state=tuple((s, totals.get(f"open:{s.value}", 0)) for s in OPEN_STATES),
        overdue_count=totals.get("overdue", 0),
        medication_review_count=totals.get("medication_review", 0),
        rolling=(totals.get("cms50_rolling_num", 0), totals.get("cms50_rolling_den", 0)),
        calendar=(totals.get("cms50_calendar_num", 0), totals.get("cms50_calendar_den", 0)),
        team_gap_count=totals.get("team_gap", 0),
        booked_late_count=totals.get("booked_late", 0),
        holds_past_review_count=totals.get("hold_review", 0),
        unacknowledged=totals.get("unacknowledged", 0),
        acknowledged=acknowledged,
        median_days_to_acknowledge=_median(days, acknowledged),
        documents_to_review_count=totals.get("documents_to_review", 0),
        decisions_overdue_count=totals.get(DECISIONS, 0) + totals.get(DECISIONS_TODAY, 0),
    )


def _median(counted: list[tuple[int, int]], total: int) -> float | None:
    """The median of values given as sorted (value, how many) pairs."""
    if not total:
        return None

    def nth(index: int) -> int:
        for value, n in counted:
            if index < n:
                return value
            index -= n
        raise AssertionError("index past the counted values")

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


DECISIONS = "decisions_late"
"""A pending request counts from the day after the UTC day it became late; the requests
that become late during ``now``'s own UTC day are counted live (one day's index range)."""
DECISIONS_TODAY = "decisions_late_today"


def late_today(now: datetime) -> list[Any]:
    """Pending requests that became late earlier on ``now``'s UTC day (before ``now``): one
    condition per decision time, each a single range of the pending-requests index."""
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    return [
        and_(
            Referral.auth_outcome == AuthorizationOutcome.PENDING,
            Referral.closed_on.is_(None),
            Referral.auth_requested_at >= midnight - limit,
            Referral.auth_requested_at < now - limit,
            Referral.auth_expedited.is_(expedited),
        )
        for expedited, limit in ((True, rules.EXPEDITED_DECISION), (False, rules.STANDARD_DECISION))
    ]


def read_figures(session: Session, day: date, now: datetime) -> SummaryFigures:
    """Every figure on ``day`` (payer decisions at ``now``): one aggregate over the steps
    dated on or before the day, beside one day's index range of payer requests."""
    return figures_of(session.execute(figures_statement(day, now)).all())


def figures_statement(day: date, now: datetime) -> Any:
    """The statement :func:`read_figures` runs: (step name, total) rows."""
    by_day = or_(
        and_(DashboardCount.figure != DECISIONS, DashboardCount.day <= day),
        and_(DashboardCount.figure == DECISIONS, DashboardCount.day <= now.astimezone(UTC).date()),
    )
    kept = (
        select(DashboardCount.figure, func.sum(DashboardCount.n))
        .where(by_day)
        .group_by(DashboardCount.figure)
        .having(func.sum(DashboardCount.n) != 0)
    )
    today = [
        select(literal(f"{DECISIONS_TODAY}:{i}"), func.count()).where(condition)
        for i, condition in enumerate(late_today(now))
    ]
    return union_all(kept, *today)


def figures_of(rows: Any) -> SummaryFigures:
    """The figures from :func:`figures_statement`'s rows."""
    totals: Counter[str] = Counter()
    for name, n in rows:
        totals[name.split(":", 1)[0] if name.startswith(DECISIONS_TODAY) else name] += int(n)
    return figures_from(totals)
