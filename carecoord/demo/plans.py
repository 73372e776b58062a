"""A demo patient's treatment plans, goals and activities."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from carecoord.clinical import coherence, drugs
from carecoord.clinical.vocabulary import (
    ActivityStatus,
    GoalAxis,
    Modality,
    PlanStatus,
)
from carecoord.demo.archetypes import Archetype
from carecoord.demo.common import banded, sv
from carecoord.demo.state import BuilderState, Chart
from carecoord.demo.texts import (
    ACTIVITIES,
    ACTIVITY_DISCIPLINES,
    ARCHETYPE_ONLY,
    MODALITIES,
    MODALITY_OF,
    MODALITY_WEIGHTS,
    STOP_REASONS,
)
from carecoord.services.permissions import (
    activity_category,
)

ACTIVITY_STATUSES: Final = (
    (0.45, ActivityStatus.ACTIVE),
    (0.7, ActivityStatus.DONE),
    (0.88, ActivityStatus.PLANNED),
)
"""How an active plan's activities stand (the rest: stopped)."""


class PlanSteps(BuilderState):
    """Plans whose activities fit the chart (clinical/coherence.py)."""

    def plan(self, chart: Chart, visits: list[tuple[date, int, tuple[int, int, int]]]) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        if rng.random() < 0.18:
            return
        first_day, first_nrs, first_peg = visits[0]
        plans: list[tuple[PlanStatus, date]] = []
        if rng.random() < 0.1 and (first_day - chart.since).days > 60:
            plans.append((rng.pick((PlanStatus.COMPLETED, PlanStatus.DISCONTINUED)), chart.since))
        roll = rng.random()
        current = banded(
            roll, ((0.85, PlanStatus.ACTIVE), (0.93, PlanStatus.DRAFT)), PlanStatus.COMPLETED
        )
        if self.current_discharged:  # care ended with the discharge
            current = PlanStatus.COMPLETED if roll < 0.7 else PlanStatus.DISCONTINUED
        plans.append((current, first_day))
        for status, started in plans:
            plan_id = self.next_id("treatment_plans")
            old = started < first_day
            ends = first_day if old else today
            review = (
                started + timedelta(days=90)
                if old or status is PlanStatus.COMPLETED
                else today + timedelta(days=rng.between(-14, 75))
            )
            sink.rows["treatment_plans"].append(
                (
                    plan_id,
                    chart.id,
                    f"Multimodal plan: {chart.archetype.said}",
                    sv(status),
                    sink.day(started),
                    sink.day(review),
                    "Fictional demo plan." if status is PlanStatus.DRAFT else None,
                    *self.versioned(started, "drlee"),
                )
            )
            goals = (
                (GoalAxis.PAIN, "Reduce average pain by at least 30 %", "NRS", first_nrs),
                (
                    GoalAxis.FUNCTION,
                    "Walk 30 minutes a day and return to usual activities",
                    "PEG activity",
                    first_peg[2],
                ),
                (
                    GoalAxis.QUALITY_OF_LIFE,
                    "Enjoy social life again; sleep 6 hours a night",
                    "PEG enjoyment",
                    first_peg[1],
                ),
            )
            for axis, description, measure, baseline in goals:
                target = (
                    max(0, round(baseline * 0.7)) if axis is GoalAxis.PAIN else max(0, baseline - 3)
                )
                sink.rows["plan_goals"].append(
                    (
                        self.next_id("plan_goals"),
                        plan_id,
                        sv(axis),
                        description,
                        measure,
                        float(baseline),
                        float(target),
                        sink.day(review),
                        *self.versioned(started, "drlee"),
                    )
                )
            count = rng.between(2, 5)
            picks = rng.choices(MODALITIES, weights=MODALITY_WEIGHTS, k=count - 1)
            picks.append(MODALITIES[self.modality_index % len(MODALITIES)])
            self.modality_index += 1
            if chart.archetype.activities:  # what the archetype calls for comes first
                picks.insert(0, MODALITY_OF[rng.pick(chart.archetype.activities)])
            for modality in dict.fromkeys(picks):
                self.activity(chart.archetype, plan_id, modality, status, started, ends)

    def activity(
        self,
        archetype: Archetype,
        plan_id: int,
        modality: Modality,
        plan_status: PlanStatus,
        started: date,
        ends: date,
    ) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        span = max(0, (ends - started).days)
        start = started + timedelta(days=rng.between(0, min(span, 120)))
        end: date | None = None
        stop_reason = None
        if plan_status in (PlanStatus.COMPLETED, PlanStatus.DISCONTINUED):
            status = ActivityStatus.DONE if rng.random() < 0.7 else ActivityStatus.STOPPED
        elif plan_status is PlanStatus.DRAFT:
            status = ActivityStatus.PLANNED
        else:
            status = banded(rng.random(), ACTIVITY_STATUSES, ActivityStatus.STOPPED)
        if status is ActivityStatus.PLANNED:
            start = today + timedelta(days=rng.between(3, 45))
        # Only activities that fit the archetype and the chart: the site of the pain, the
        # drugs taken then; the archetype's own activities most of the time.
        options = [
            option
            for option in ACTIVITIES[modality]
            if option[0] not in archetype.never
            and (option[0] not in ARCHETYPE_ONLY or option[0] in archetype.activities)
            and self.activity_fits(option[0], status, min(start, today))
        ]
        if not options:
            return
        favoured = [option for option in options if option[0] in archetype.activities]
        if favoured and rng.random() < 0.7:
            options = favoured
        description, sessions = rng.pick(options)
        disciplines = ACTIVITY_DISCIPLINES[modality]
        responsible = (
            self.current_coordinator
            if not disciplines
            else rng.pick(self.by_discipline[rng.pick(disciplines)]).id
        )
        planned = None if sessions is None else rng.between(*sessions)
        if status is ActivityStatus.PLANNED:
            done = 0
        elif status is ActivityStatus.ACTIVE:
            done = 0 if planned is None else rng.between(0, max(0, planned - 1))
        elif status is ActivityStatus.DONE:
            done = planned or 0
            end = min(ends, start + timedelta(days=rng.between(14, 120)))
        else:
            done = 0 if planned is None else rng.between(0, max(0, planned - 1))
            end = min(ends, start + timedelta(days=rng.between(7, 60)))
            stop_reason = rng.pick(STOP_REASONS)
        if end is not None and end < start:
            end = start
        sink.rows["plan_activities"].append(
            (
                self.next_id("plan_activities"),
                plan_id,
                sv(modality),
                description,
                responsible,
                sink.day(start),
                sink.day(end),
                planned,
                done,
                sv(status),
                stop_reason,
                sv(activity_category(modality)),
                *self.versioned(started, "drlee"),
            )
        )

    def activity_fits(self, description: str, status: ActivityStatus, day: date) -> bool:
        """The activity fits the diagnoses and the drugs taken on ``day``; naloxone taught
        (active or done) only where naloxone is on the list (CDC 2022 Rec. 8)."""
        facts = self.current_facts
        if coherence.activity_problems(facts, description, day):
            return False
        if "naloxone" in description.lower() and status is not ActivityStatus.PLANNED:
            return any(
                "naloxone" in match.ingredients and not match.opioids
                for match in (drugs.recognise(line.drug) for line in facts.drugs_on(self.today))
            )
        return True
