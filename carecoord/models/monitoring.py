"""Monitoring results of opioid therapy: a dated result (one screen, one PDMP check, one
set of liver or kidney tests, one set of vitals) and its values (docs/clinical-reference.md
§5.1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.clinical.monitoring import ResultKind
from carecoord.clinical.vocabulary import DataCategory
from carecoord.models.base import Base, UTCDateTime, enum_column, owned_by, utcnow


class MonitoringResult(Base):
    """One dated result of one kind; its category decides who sees it (drug screens are
    substance use, the rest general)."""

    __tablename__ = "monitoring_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    kind: Mapped[ResultKind] = mapped_column(enum_column(ResultKind, "monitoring_kind"))
    taken_on: Mapped[date] = mapped_column(Date)
    category: Mapped[DataCategory] = mapped_column(
        enum_column(DataCategory, "monitoring_category"), default=DataCategory.GENERAL
    )
    # Who checked the PDMP (a delegate may); for other kinds, who took the sample or reading.
    performed_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(400))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    values: Mapped[list[MonitoringValue]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="MonitoringValue.id"
    )

    __table_args__ = (Index("ix_monitoring_results_patient_id_taken_on", "patient_id", "taken_on"),)


class MonitoringValue(Base):
    """One value of a result: a number with its unit and the reference range in force when
    it was recorded, or a drug-screen substance's outcome and whether it was expected, or
    a PDMP check's outcome."""

    __tablename__ = "monitoring_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = owned_by("monitoring_results", index=True)
    analyte: Mapped[str] = mapped_column(String(40))  # analyte or substance code, or "pdmp"
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    reference_low: Mapped[float | None] = mapped_column(Float)
    reference_high: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(String(20))  # positive / negative / PDMP result
    expected: Mapped[bool | None] = mapped_column(Boolean)  # drug screen: substance prescribed

    result: Mapped[MonitoringResult] = relationship(back_populates="values")
