"""Treatment plans: goals on pain, function and quality of life; activities across modalities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from carecoord.clinical.vocabulary import (
    ActivityStatus,
    DataCategory,
    GoalAxis,
    Modality,
    PlanStatus,
)
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import (
    CareTeamMembership,
    Patient,
    PlanActivity,
    PlanGoal,
    TeamMember,
    TreatmentPlan,
)
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, check_version, is_record_id, service
from carecoord.services.permissions import (
    Action,
    activity_category,
    item_category,
    masked,
    require,
)
from carecoord.services.rows import add_audited, load_with, newest_first
from carecoord.services.unit_of_work import UnitOfWork, unit_of_work

PLAN = "Treatment plan"
# PEG as its mean or one of its three items (pain, enjoyment, general activity).
MEASURES = ("peg", "peg pain", "peg enjoyment", "peg activity", "nrs", "other")


@dataclass(frozen=True)
class GoalInput:
    axis: GoalAxis | str
    description: str
    measure: str = "peg"
    baseline: float | None = None
    target: float | None = None
    review_on: date | str | None = None


@dataclass(frozen=True)
class ActivityInput:
    modality: Modality | str
    description: str
    start_on: date | str
    end_on: date | str | None = None
    responsible_member_id: int | None = None
    sessions_planned: int | None = None
    sessions_done: int = 0
    status: ActivityStatus | str = ActivityStatus.PLANNED
    stop_reason: str | None = None
    category: DataCategory | str | None = None  # None: from the modality


@dataclass(frozen=True)
class GoalView:
    id: int
    axis: GoalAxis
    description: str
    measure: str
    baseline: float | None
    target: float | None
    review_on: date | None
    version: int


@dataclass(frozen=True)
class ActivityView:
    id: int
    plan_id: int
    modality: Modality
    description: str
    responsible_member_id: int | None
    responsible_name: str | None
    start_on: date
    end_on: date | None
    sessions_planned: int | None
    sessions_done: int
    status: ActivityStatus
    stop_reason: str | None
    version: int
    category: DataCategory = DataCategory.GENERAL


@dataclass(frozen=True)
class PlanView:
    id: int
    patient_id: int
    title: str
    status: PlanStatus
    started_on: date
    review_on: date | None
    notes: str | None
    goals: tuple[GoalView, ...]
    activities: tuple[ActivityView, ...]
    version: int


def goal_view(g: PlanGoal) -> GoalView:
    return GoalView(
        g.id, g.axis, g.description, g.measure, g.baseline, g.target, g.review_on, g.version
    )


def activity_view(a: PlanActivity, actor: Actor) -> ActivityView:
    """An activity; its free text reads "restricted" for a role that may not read its
    category (the front desk still sees what, when and who, to book it)."""
    return ActivityView(
        a.id,
        a.plan_id,
        a.modality,
        masked(actor, a.category, a.description),
        a.responsible_member_id,
        a.responsible.display_name if a.responsible else None,
        a.start_on,
        a.end_on,
        a.sessions_planned,
        a.sessions_done,
        a.status,
        masked(actor, a.category, a.stop_reason),
        a.version,
        a.category,
    )


def plan_view(p: TreatmentPlan, actor: Actor) -> PlanView:
    return PlanView(
        p.id,
        p.patient_id,
        p.title,
        p.status,
        p.started_on,
        p.review_on,
        p.notes,
        tuple(goal_view(g) for g in p.goals),
        tuple(activity_view(a, actor) for a in p.activities),
        p.version,
    )


def validate_goal(data: GoalInput) -> dict[str, object]:
    """The goal's column values; ValidationError(s) naming every bad field at once."""
    errors = v.Collector()

    def measure_of() -> str:
        measure = v.required_text(data.measure, "measure", max_length=40).lower()
        if measure not in MEASURES:
            raise ValidationError("measure", "must be one of: " + ", ".join(MEASURES))
        return measure

    measure = errors.check(measure_of)
    top = 1000.0 if measure == "other" else 10.0
    values = errors.fields(
        {
            "axis": lambda: v.choice(data.axis, GoalAxis, "axis"),
            "description": lambda: v.required_text(data.description, "description", max_length=400),
            "baseline": lambda: v.number(data.baseline, "baseline", minimum=0, maximum=top),
            "target": lambda: v.number(data.target, "target", minimum=0, maximum=top),
            "review_on": lambda: v.a_date(data.review_on, "review_on"),
        }
    )
    errors.raise_any()
    return {**values, "measure": measure}


def _responsible(session: Session, patient_id: int, member_id: object) -> int | None:
    """The responsible member, who must be in the directory (and, if internal, on the
    patient's care team)."""
    if member_id is None:
        return None
    member = session.get(TeamMember, member_id) if is_record_id(member_id) else None
    if member is None:
        raise ValidationError("responsible_member", "is not in the team directory")
    on_team = session.scalar(
        select(CareTeamMembership.id).where(
            CareTeamMembership.patient_id == patient_id,
            CareTeamMembership.member_id == member_id,
            CareTeamMembership.until.is_(None),
        )
    )
    if on_team is None and member.is_internal:
        raise ValidationError(
            "responsible_member",
            f"{member.display_name} is not on this patient's care team (add them first)",
        )
    return member.id


def validate_activity(session: Session, patient_id: int, data: ActivityInput) -> dict[str, object]:
    """The activity's column values; ValidationError(s) naming every bad field at once."""
    errors = v.Collector()
    start = errors.check(lambda: v.required_date(data.start_on, "start_on"))
    end = errors.check(lambda: v.a_date(data.end_on, "end_on"))
    errors.check(lambda: v.not_before(end, start, "end_on", "the start date"))
    planned = errors.check(
        lambda: v.integer(data.sessions_planned, "sessions_planned", minimum=0, maximum=1000)
    )
    done = errors.check(
        lambda: v.integer(data.sessions_done, "sessions_done", minimum=0, maximum=1000)
    )
    done = done or 0
    if planned is not None and done > planned:
        errors.add("sessions_done", "cannot exceed the sessions planned")
    status = errors.check(lambda: v.choice(data.status, ActivityStatus, "status"))
    reason = errors.check(lambda: v.text(data.stop_reason, "stop_reason", max_length=400))
    if status == ActivityStatus.STOPPED and not reason and not errors.failed("stop_reason"):
        errors.add("stop_reason", "say why the activity was stopped")
    member_id = errors.check(lambda: _responsible(session, patient_id, data.responsible_member_id))
    modality = errors.check(lambda: v.choice(data.modality, Modality, "modality"))
    description = errors.check(
        lambda: v.required_text(data.description, "description", max_length=400)
    )
    category = errors.check(
        lambda: item_category(data.category, activity_category(modality)) if modality else None
    )
    errors.raise_any()
    return {
        "modality": modality,
        "description": description,
        "start_on": start,
        "end_on": end,
        "responsible_member_id": member_id,
        "sessions_planned": planned,
        "sessions_done": done,
        "status": status,
        "stop_reason": reason if status == ActivityStatus.STOPPED else None,
        "category": category,
    }


def _load_plan(session: Session, plan_id: int) -> TreatmentPlan:
    return load_with(
        session,
        TreatmentPlan,
        plan_id,
        PLAN,
        selectinload(TreatmentPlan.goals),
        selectinload(TreatmentPlan.activities),
        fresh=True,
    )


@service
def create_plan(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    title: str,
    started_on: date | str,
    review_on: date | str | None = None,
    notes: str | None = None,
    goals: tuple[GoalInput, ...] = (),
) -> PlanView:
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    values = {
        "title": v.required_text(title, "title", max_length=200),
        "started_on": v.required_date(started_on, "started_on"),
        "review_on": v.a_date(review_on, "review_on"),
        "notes": v.text(notes, "notes", max_length=4000, multiline=True),
    }
    v.not_before(values["review_on"], values["started_on"], "review_on", "the start date")  # type: ignore[arg-type]
    goal_values = [validate_goal(g) for g in goals]
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        plan = TreatmentPlan(
            patient_id=patient_id, status=PlanStatus.DRAFT, updated_by=actor.username, **values
        )
        plan.goals = [PlanGoal(updated_by=actor.username, **g) for g in goal_values]
        add_audited(uow, plan, PLAN, patient_id=patient_id)
        uow.commit()
        return plan_view(_load_plan(uow.session, plan.id), actor)


@service
def update_plan(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    title: str,
    status: PlanStatus | str,
    started_on: date | str,
    review_on: date | str | None,
    notes: str | None,
    expected_version: int,
) -> PlanView:
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    values = {
        "title": v.required_text(title, "title", max_length=200),
        "status": v.choice(status, PlanStatus, "status"),
        "started_on": v.required_date(started_on, "started_on"),
        "review_on": v.a_date(review_on, "review_on"),
        "notes": v.text(notes, "notes", max_length=4000, multiline=True),
    }
    with unit_of_work(db, actor, write=True) as uow:
        plan = _load_plan(uow.session, plan_id)
        check_version(plan, expected_version, PLAN)
        changed = apply(plan, values)
        if changed:
            uow.commit_change(
                plan, "update", PLAN, patient_id=plan.patient_id, detail=", ".join(changed)
            )
        return plan_view(_load_plan(uow.session, plan.id), actor)


def _save_child(
    uow: UnitOfWork,
    plan: TreatmentPlan,
    model: type[PlanGoal] | type[PlanActivity],
    child_id: int | None,
    values: dict[str, object],
    expected_version: int | None,
    entity: str,
) -> None:
    """Add a goal or activity to ``plan``, or update one of its own; audit and commit."""
    actor = uow.actor
    assert actor is not None
    if child_id is None:
        child = model(plan_id=plan.id, updated_by=actor.username, **values)
        uow.session.add(child)
        action = "create"
    else:
        child = uow.load(model, child_id, entity)
        if child.plan_id != plan.id:
            raise ValidationError(entity.lower(), "belongs to another plan")
        check_version(child, expected_version, entity)
        apply(child, values)
        child.updated_by = actor.username
        action = "update"
    category = values.get("category", DataCategory.GENERAL)
    assert isinstance(category, DataCategory)
    require(actor, Action.EDIT_CLINICAL, category)
    if child_id is not None:
        require(actor, Action.EDIT_CLINICAL, getattr(child, "category", DataCategory.GENERAL))
    uow.session.flush()
    uow.audit(action, entity, child.id, patient_id=plan.patient_id, category=category)
    uow.commit(child, entity)


@service
def save_goal(
    db: Database,
    actor: Actor,
    plan_id: int,
    data: GoalInput,
    *,
    goal_id: int | None = None,
    expected_version: int | None = None,
) -> PlanView:
    """Add a goal, or update goal ``goal_id``."""
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    values = validate_goal(data)
    with unit_of_work(db, actor, write=True) as uow:
        plan = _load_plan(uow.session, plan_id)
        _save_child(uow, plan, PlanGoal, goal_id, values, expected_version, "Goal")
        return plan_view(_load_plan(uow.session, plan.id), actor)


@service
def save_activity(
    db: Database,
    actor: Actor,
    plan_id: int,
    data: ActivityInput,
    *,
    activity_id: int | None = None,
    expected_version: int | None = None,
) -> PlanView:
    """Add an activity, or update activity ``activity_id``."""
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        plan = _load_plan(uow.session, plan_id)
        values = validate_activity(uow.session, plan.patient_id, data)
        _save_child(
            uow,
            plan,
            PlanActivity,
            activity_id,
            values,
            expected_version,
            "Activity",
        )
        return plan_view(_load_plan(uow.session, plan.id), actor)


@service
def delete_activity(
    db: Database, actor: Actor, activity_id: int, *, expected_version: int
) -> PlanView:
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        activity = uow.load(PlanActivity, activity_id, "Activity")
        require(actor, Action.EDIT_CLINICAL, activity.category)
        check_version(activity, expected_version, "Activity")
        plan = _load_plan(uow.session, activity.plan_id)
        uow.audit("delete", "Activity", activity.id, patient_id=plan.patient_id)
        uow.session.delete(activity)
        uow.commit()
        return plan_view(_load_plan(uow.session, plan.id), actor)


def plans_of(session: Session, patient_id: int, *, actor: Actor) -> list[PlanView]:
    """A chart's plans, newest first, as ``actor`` may read them."""
    rows = newest_first(
        session,
        TreatmentPlan,
        patient_id,
        TreatmentPlan.started_on,
        selectinload(TreatmentPlan.goals),
        # each activity's responsible member joined in (one statement fewer per chart)
        selectinload(TreatmentPlan.activities).joinedload(PlanActivity.responsible),
    )
    return [plan_view(p, actor) for p in rows]


@service
def list_plans(db: Database, actor: Actor, patient_id: int) -> list[PlanView]:
    require(actor, Action.READ_CLINICAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        result = plans_of(uow.session, patient_id, actor=actor)
        uow.audit_read(PLAN, patient_id=patient_id, detail="list")
        return result
