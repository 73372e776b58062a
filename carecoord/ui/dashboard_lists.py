"""The dashboard's lists: their columns and the texts the page shows for its figures."""

from __future__ import annotations

from typing import Any

from carecoord.clinical.vocabulary import CareTeamRole, ReferralState
from carecoord.services.dashboard import ROLLING, LoopClosure, OpenLoop, PendingDecision
from carecoord.services.worklist import WorklistRow
from carecoord.ui.kit.table import Column

STATE_TILES: tuple[tuple[ReferralState, str], ...] = (
    (ReferralState.DRAFT, "Draft, to send"),
    (ReferralState.SENT, "Sent, awaiting acceptance"),
    (ReferralState.ACCEPTED, "Accepted, to schedule"),
    (ReferralState.SCHEDULED, "Scheduled, awaiting visit"),
    (ReferralState.SEEN, "Seen, awaiting report"),
    (ReferralState.ON_HOLD, "On hold"),
)
ROLE_SHORT = {
    CareTeamRole.COORDINATING_PHYSICIAN: "coordinating physician",
    CareTeamRole.REHABILITATION_SPECIALIST: "rehabilitation specialist",
    CareTeamRole.PSYCHIATRIST: "psychiatrist",
}


def day_text(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def number(value: int) -> str:
    return f"{value:,}"


def _recipient(row: Any) -> str:
    return row.recipient_name or "no recipient chosen"


def _referral_head() -> list[Column]:
    """The columns every referral list starts with."""
    return [
        Column("Patient", lambda r: r.patient_name),
        Column("MRN", lambda r: r.mrn),
        Column("Discipline", lambda r: r.discipline.label),
        Column("Recipient", _recipient),
    ]


def overdue_columns() -> list[Column]:
    return [
        *_referral_head(),
        Column("Priority", lambda r: r.priority.label),
        Column("State", lambda r: r.state.label),
        Column("Due", lambda r: day_text(r.due_on)),
        Column("Overdue", lambda r: f"{r.days_overdue} d", foreground=lambda r: "danger"),
    ]


def loop_columns() -> list[Column]:
    def state_colour(loop: OpenLoop) -> str | None:
        return "muted" if loop.state not in (s for s, _ in STATE_TILES) else None

    return [
        *_referral_head(),
        Column("Sent", lambda r: day_text(r.sent_on)),
        Column("State", _loop_state, foreground=state_colour),
    ]


def _loop_state(loop: OpenLoop) -> str:
    if loop.state == ReferralState.REPORT_RECEIVED:
        return "Closed without a report"
    return loop.state.label


def gap_columns() -> list[Column]:
    return [
        Column("Patient", lambda g: g.patient_name),
        Column("MRN", lambda g: g.mrn),
        Column("Date of birth", lambda g: day_text(g.date_of_birth)),
        Column(
            "Missing core roles",
            lambda g: ", ".join(ROLE_SHORT[r] for r in g.missing),
            foreground=lambda g: "warning",
        ),
    ]


def expiring_columns() -> list[Column]:
    def left(row: WorklistRow) -> str:
        parts = []
        if row.auth_valid_to is not None:
            parts.append(f"valid to {row.auth_valid_to.isoformat()}")
        if row.auth_visits_left is not None:
            parts.append(
                f"{row.auth_visits_left} visit{'s' if row.auth_visits_left != 1 else ''} left"
            )
        return ", ".join(parts)

    return [
        *_referral_head(),
        Column("State", lambda r: r.state.label),
        Column("Authorisation", left, foreground=lambda r: "warning"),
    ]


def _waiting(decision: PendingDecision) -> str:
    hours = int(decision.waiting.total_seconds() // 3600)
    if hours < 72:
        return f"{hours} h"
    return f"{decision.waiting.days} d"


def decision_columns() -> list[Column]:
    return [
        Column("Patient", lambda d: d.patient_name),
        Column("MRN", lambda d: d.mrn),
        Column("Discipline", lambda d: d.discipline.label),
        Column("Payer", lambda d: d.payer or "payer not recorded"),
        Column("Requested", lambda d: d.requested_at.astimezone().strftime("%Y-%m-%d %H:%M")),
        Column("Request", lambda d: "Expedited (72 h)" if d.expedited else "Standard (7 days)"),
        Column("Waiting", _waiting, foreground=lambda d: "danger"),
    ]


def closure_text(loop: LoopClosure) -> str:
    """ "83 % (125 of 150 patients, last 12 months)", or why there is no rate yet.

    The calendar view names its period: "63 % (159 of 251 patients, CMS50 period:
    calendar year 2026 so far)".
    """
    percentage = loop.percentage
    which = "last 12 months" if loop.period == ROLLING else loop.label
    if percentage is None:
        return f"No patients referred in the period yet ({which})"
    return (
        f"{percentage:.0f} % ({number(loop.numerator)} of {number(loop.denominator)} "
        f"patients, {which})"
    )
