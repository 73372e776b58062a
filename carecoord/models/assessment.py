"""Outcome-instrument results (NRS, PEG, PHQ-9, GAD-7, ORT) with their item answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.models.base import Base, Versioned, enum_column, owned_by


class Assessment(Versioned, Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    kind: Mapped[AssessmentKind] = mapped_column(enum_column(AssessmentKind, "assessment_kind"))
    taken_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(40))
    alert: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_assessments_patient_id_kind_taken_on", "patient_id", "kind", "taken_on"),
    )
