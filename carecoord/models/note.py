"""Psychotherapy notes (45 CFR 164.501): kept apart from the rest of the record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.models.base import Base, UTCDateTime, Versioned, owned_by, utcnow


class PsychotherapyNote(Versioned, Base):
    """A therapist's process notes about a session. Readable by ``author_user_id`` alone.

    A table of its own (not a document kind or a record field) so that no query written
    for charts, letters, exports or search can pick these rows up by accident.
    """

    __tablename__ = "psychotherapy_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_psychotherapy_notes_author_user_id_patient_id_written_at",
            "author_user_id",
            "patient_id",
            "written_at",
        ),
        Index("ix_psychotherapy_notes_patient_id", "patient_id"),
    )
