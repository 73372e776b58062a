"""Pain drawings: where it hurts and how, marked on the body diagram, one per patient per date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base, Versioned, owned_by


class PainDrawing(Versioned, Base):
    """The marks of one date (docs/clinical-reference.md §11).

    ``marks`` holds the checked marks as ``{"view", "x", "y", "kind", "region"}`` objects
    (diagram units of ``resources/body_map.json``); a drawing is read and written whole, so
    a JSON column keeps it one row and one version.
    """

    __tablename__ = "pain_drawings"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    drawn_on: Mapped[date] = mapped_column(Date)
    marks: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("patient_id", "drawn_on"),)
