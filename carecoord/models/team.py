"""Clinicians the clinic works with, and who is on each patient's care team."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.clinical.vocabulary import CareTeamRole, Discipline
from carecoord.models.base import Base, Versioned, enum_column, owned_by


class TeamMember(Versioned, Base):
    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(80))
    given_name: Mapped[str] = mapped_column(String(80))
    credentials: Mapped[str | None] = mapped_column(String(60))
    discipline: Mapped[Discipline] = mapped_column(enum_column(Discipline, "discipline"))
    specialty: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(160))
    board_name: Mapped[str | None] = mapped_column(String(160))
    board_certification_expires: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(400))
    is_internal: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_team_members_discipline_active", "discipline", "active"),
        Index("ix_team_members_family_name", "family_name"),
    )

    @property
    def display_name(self) -> str:
        suffix = f", {self.credentials}" if self.credentials else ""
        return f"{self.given_name} {self.family_name}{suffix}"


ACTIVE_COORDINATOR = text("role = 'coordinating_physician' AND until IS NULL")
CURRENT_MEMBERSHIP = text("until IS NULL")


class CareTeamMembership(Versioned, Base):
    """A member's role on one patient's team; ``until`` set means it has ended."""

    __tablename__ = "care_team_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients")
    member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id"), index=True)
    role: Mapped[CareTeamRole] = mapped_column(enum_column(CareTeamRole, "care_team_role"))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(String(400))

    member: Mapped[TeamMember] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_care_team_memberships_patient_id_role", "patient_id", "role"),
        # Current memberships only: the care-team gap checks look at nothing else.
        Index(
            "ix_care_team_memberships_current",
            "patient_id",
            "role",
            sqlite_where=CURRENT_MEMBERSHIP,
            postgresql_where=CURRENT_MEMBERSHIP,
        ),
        # At most one active coordinating physician per patient, enforced by the database.
        Index(
            "uq_care_team_one_active_coordinator",
            "patient_id",
            unique=True,
            sqlite_where=ACTIVE_COORDINATOR,
            postgresql_where=ACTIVE_COORDINATOR,
        ),
    )
