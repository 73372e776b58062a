"""Accounts, the audit trail and clinic settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.clinical.vocabulary import UserRole
from carecoord.models.base import Base, UTCDateTime, Versioned, enum_column, utcnow


class User(Versioned, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole, "user_role"))
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Designated by an administrator: may turn on time-limited emergency (break-glass) access.
    break_glass_allowed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who did what to which record, when. Written by services; never updated.

    Records are hash-chained and get consecutive ids (see services/audit.py), so an
    altered or missing record is found by ``carecoord audit verify``.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(Integer)
    data_category: Mapped[str] = mapped_column(String(32), default="general")
    detail: Mapped[str | None] = mapped_column(Text)
    # Hash chain (services/audit.py): SHA-256 over this record's fields and prev_hash.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_events_patient_id_at", "patient_id", "at"),
        Index("ix_audit_events_username_at", "username", "at"),
    )


class SignInFailure(Base):
    """Failed sign-ins under a user name no account has, counted like an account's own.

    ``name_key`` is a salted SHA-256 of the typed name (it may be a password typed into the
    wrong field), so the name itself is stored nowhere.
    """

    __tablename__ = "sign_in_failures"

    name_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BreakGlassReason(Base):
    """Why someone started emergency access. Kept out of the audit trail's detail (which an
    administrator reads): the reason usually describes the patient's condition."""

    __tablename__ = "break_glass_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    audit_event_id: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """Clinic-wide settings (clinic name, letterhead, time targets) as key/value text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
