"""The plan tab's two tables as column specs of the UI kit: goals with their progress,
and activities by start date (a plan has a handful of goals and tens of activities).

A goal's progress is judged once per read by ``services.plan_report.goal_progress``, not
per cell, so the goals table holds :class:`GoalRow` pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from carecoord.clinical.vocabulary import ActivityStatus, GoalAxis, Modality
from carecoord.services.assessments import AssessmentView
from carecoord.services.plan_report import GoalProgress, goal_progress, measure_of
from carecoord.services.plans import ActivityView, GoalView, PlanView
from carecoord.ui.kit.records import iso
from carecoord.ui.kit.table import Column, ColumnTableModel

RIGHT = Qt.AlignmentFlag.AlignRight


@dataclass(frozen=True)
class GoalRow:
    """One goal and where it stands (its row in the goals table)."""

    goal: GoalView
    progress: GoalProgress


def _measured(value: float | None, row: GoalRow) -> str:
    """A baseline or target in its measure's format ("—" when not set)."""
    return measure_of(row.goal.measure).format(value) or "—"


GOAL_COLUMNS = (
    Column("Axis", lambda r: r.goal.axis.label, bold=lambda _r: True),
    Column("Goal", lambda r: r.goal.description),
    Column("Measure", lambda r: measure_of(r.goal.measure).label),
    Column("Baseline", lambda r: _measured(r.goal.baseline, r), align=RIGHT),
    Column("Target", lambda r: _measured(r.goal.target, r), align=RIGHT),
    Column("Review", lambda r: iso(r.goal.review_on)),
    Column("Latest", lambda r: r.progress.latest_text),
    Column(
        "Progress",
        lambda r: r.progress.text,
        tooltip=lambda r: r.progress.detail or r.progress.text,
        # "ok": a meaningful improvement, "danger": a meaningful worsening, "": neither
        foreground=lambda r: r.progress.level or None,
        bold=lambda r: bool(r.progress.level),
    ),
)


class GoalsModel(ColumnTableModel):
    """A plan's goals with their progress, in the order of the axes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(GOAL_COLUMNS, parent=parent)

    def arrange(self, rows: list[Any]) -> list[Any]:
        order = list(GoalAxis)
        return sorted(rows, key=lambda r: (order.index(r.goal.axis), r.goal.id))

    def show_plan(self, plan: PlanView | None, scores: Iterable[AssessmentView]) -> None:
        """Show ``plan``'s goals judged against ``scores`` (none without a plan)."""
        if plan is None:
            self.set_rows([])
            return
        views = list(scores)
        self.set_rows(
            GoalRow(g, goal_progress(g, views, plan_started=plan.started_on)) for g in plan.goals
        )


def _sessions(a: ActivityView) -> str:
    if a.sessions_planned is not None:
        return f"{a.sessions_done} of {a.sessions_planned}"
    return str(a.sessions_done) if a.sessions_done else ""


def _end(a: ActivityView) -> str:
    """A procedure without an end is one day; any other activity is open-ended."""
    if a.modality is Modality.INTERVENTIONAL and a.end_on is None:
        return "one day"
    return iso(a.end_on) or "open"


def _status(a: ActivityView) -> str:
    if a.status is ActivityStatus.STOPPED and a.stop_reason:
        return f"{a.status.label}: {a.stop_reason}"
    return a.status.label


STATUS_MEANING = {ActivityStatus.STOPPED: "danger", ActivityStatus.DONE: "ok"}

ACTIVITY_COLUMNS = (
    Column("Modality", lambda a: a.modality.label),
    Column("Activity", lambda a: a.description),
    Column("Responsible", lambda a: a.responsible_name or "not assigned"),
    Column("Start", lambda a: a.start_on.isoformat()),
    Column("End", _end),
    Column("Sessions", _sessions, align=RIGHT),
    Column(
        "Status",
        _status,
        tooltip=lambda a: a.stop_reason or a.description,
        foreground=lambda a: STATUS_MEANING.get(a.status),
    ),
)


class ActivitiesModel(ColumnTableModel):
    """A plan's activities by start date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(ACTIVITY_COLUMNS, parent=parent)

    def arrange(self, rows: list[Any]) -> list[Any]:
        return sorted(rows, key=lambda a: (a.start_on, a.id))
