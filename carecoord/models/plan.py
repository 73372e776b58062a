"""Treatment plans: goals on the three axes and activities across modalities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.clinical.vocabulary import (
    ActivityStatus,
    DataCategory,
    GoalAxis,
    Modality,
    PlanStatus,
)
from carecoord.models.base import Base, Versioned, category_column, enum_column, owned_by
from carecoord.models.team import TeamMember


class TreatmentPlan(Versioned, Base):
    __tablename__ = "treatment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[PlanStatus] = mapped_column(
        enum_column(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    started_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    goals: Mapped[list[PlanGoal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanGoal.id"
    )
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanActivity.start_on"
    )


class PlanGoal(Versioned, Base):
    """A goal on one axis, measured by an instrument (PEG, NRS) from baseline to target."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = owned_by("treatment_plans", index=True)
    axis: Mapped[GoalAxis] = mapped_column(enum_column(GoalAxis, "goal_axis"))
    description: Mapped[str] = mapped_column(String(400))
    measure: Mapped[str] = mapped_column(String(40))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    review_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[TreatmentPlan] = relationship(back_populates="goals")


class PlanActivity(Versioned, Base):
    __tablename__ = "plan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = owned_by("treatment_plans", index=True)
    modality: Mapped[Modality] = mapped_column(enum_column(Modality, "modality"))
    description: Mapped[str] = mapped_column(String(400))
    responsible_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_members.id"), index=True
    )
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    sessions_planned: Mapped[int | None] = mapped_column(Integer)
    sessions_done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ActivityStatus] = mapped_column(
        enum_column(ActivityStatus, "activity_status"), default=ActivityStatus.PLANNED
    )
    stop_reason: Mapped[str | None] = mapped_column(String(400))
    # Who may read it (docs/clinical-reference.md §9): psychological therapy is psychiatric.
    category: Mapped[DataCategory] = category_column("activity_category")

    plan: Mapped[TreatmentPlan] = relationship(back_populates="activities")
    responsible: Mapped[TeamMember | None] = relationship()

    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_not_before_start"),
        CheckConstraint("sessions_done >= 0", name="sessions_done_not_negative"),
        CheckConstraint(
            "sessions_planned IS NULL OR sessions_done <= sessions_planned",
            name="sessions_done_within_planned",
        ),
    )
