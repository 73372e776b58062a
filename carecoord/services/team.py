"""The team directory and each patient's care team (core roles, one coordinator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from carecoord.clinical.care_team import care_team_gaps
from carecoord.clinical.vocabulary import CareTeamRole, Discipline
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import CareTeamMembership, Patient, TeamMember
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, load, service, today
from carecoord.services.permissions import Action, require
from carecoord.services.rows import add_audited, view_from
from carecoord.services.unit_of_work import unit_of_work

MEMBER = "Team member"
MEMBERSHIP = "Care-team membership"
BOARD_WARNING_DAYS = 60


@dataclass(frozen=True)
class MemberInput:
    family_name: str
    given_name: str
    discipline: Discipline | str
    credentials: str | None = None
    specialty: str | None = None
    organisation: str | None = None
    board_name: str | None = None
    board_certification_expires: date | str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    address: str | None = None
    is_internal: bool = True
    notes: str | None = None


@dataclass(frozen=True)
class MemberView:
    id: int
    family_name: str
    given_name: str
    credentials: str | None
    discipline: Discipline
    specialty: str | None
    organisation: str | None
    board_name: str | None
    board_certification_expires: date | None
    phone: str | None
    fax: str | None
    email: str | None
    address: str | None
    is_internal: bool
    active: bool
    notes: str | None
    version: int
    updated_by: str | None
    updated_at: datetime

    @property
    def display_name(self) -> str:
        suffix = f", {self.credentials}" if self.credentials else ""
        return f"{self.given_name} {self.family_name}{suffix}"

    def board_expiring(self, on: date | None = None) -> bool:
        """Board certification expires within 60 days (or has expired)."""
        if self.board_certification_expires is None:
            return False
        return self.board_certification_expires <= (on or today()) + timedelta(
            days=BOARD_WARNING_DAYS
        )


@dataclass(frozen=True)
class MembershipView:
    id: int
    patient_id: int
    member: MemberView
    role: CareTeamRole
    since: date
    until: date | None
    notes: str | None
    version: int

    @property
    def active(self) -> bool:
        return self.until is None


@dataclass(frozen=True)
class CareTeam:
    """A patient's current team, the core roles missing, and past memberships."""

    patient_id: int
    current: tuple[MembershipView, ...]
    past: tuple[MembershipView, ...]
    gaps: tuple[CareTeamRole, ...]

    def coordinator(self) -> MemberView | None:
        for m in self.current:
            if m.role == CareTeamRole.COORDINATING_PHYSICIAN:
                return m.member
        return None


def member_view(row: TeamMember) -> MemberView:
    return view_from(MemberView, row)


def membership_view(row: CareTeamMembership) -> MembershipView:
    return view_from(MembershipView, row, member=member_view(row.member))


def validate_member(data: MemberInput) -> dict[str, Any]:
    """The column values; ValidationError(s) naming every bad field, so the form shows all."""
    errors = v.Collector()
    values = errors.fields(
        {
            "family_name": lambda: v.required_text(data.family_name, "family_name", max_length=80),
            "given_name": lambda: v.required_text(data.given_name, "given_name", max_length=80),
            "discipline": lambda: v.choice(data.discipline, Discipline, "discipline"),
            "credentials": lambda: v.text(data.credentials, "credentials", max_length=60),
            "specialty": lambda: v.text(data.specialty, "specialty", max_length=120),
            "organisation": lambda: v.text(data.organisation, "organisation", max_length=160),
            "board_name": lambda: v.text(data.board_name, "board_name", max_length=160),
            "board_certification_expires": lambda: v.a_date(
                data.board_certification_expires, "board_certification_expires"
            ),
            "phone": lambda: v.phone(data.phone),
            "fax": lambda: v.phone(data.fax, "fax"),
            "email": lambda: v.email(data.email),
            "address": lambda: v.text(data.address, "address", max_length=400, multiline=True),
            "is_internal": lambda: v.flag(data.is_internal, "is_internal"),
            "notes": lambda: v.text(data.notes, "notes", max_length=4000, multiline=True),
        }
    )
    errors.raise_any()
    return values


@service
def create_member(db: Database, actor: Actor, data: MemberInput) -> MemberView:
    require(actor, Action.MANAGE_TEAM)
    values = validate_member(data)
    with unit_of_work(db, actor, write=True) as uow:
        member = TeamMember(**values, updated_by=actor.username)
        add_audited(uow, member, MEMBER, patient_id=None)
        uow.commit()
        return member_view(member)


@service
def update_member(
    db: Database, actor: Actor, member_id: int, data: MemberInput, *, expected_version: int
) -> MemberView:
    require(actor, Action.MANAGE_TEAM)
    values = validate_member(data)
    with unit_of_work(db, actor, write=True) as uow:
        member = uow.load_for_change(TeamMember, member_id, MEMBER, expected_version)
        changed = apply(member, values)
        if changed:
            uow.commit_change(member, "update", MEMBER, detail=", ".join(changed))
        return member_view(member)


@service
def set_member_active(
    db: Database, actor: Actor, member_id: int, active: bool, *, expected_version: int
) -> MemberView:
    """Deactivate (or reactivate) a member; history keeps pointing at them."""
    require(actor, Action.MANAGE_TEAM)
    with unit_of_work(db, actor, write=True) as uow:
        member = uow.load_for_change(TeamMember, member_id, MEMBER, expected_version)
        if member.active != active:
            member.active = active
            uow.commit_change(member, "activate" if active else "deactivate", MEMBER)
        return member_view(member)


@service
def get_member(db: Database, actor: Actor, member_id: int) -> MemberView:
    require(actor, Action.READ_DEMOGRAPHICS)
    with db.session() as session:
        return member_view(load(session, TeamMember, member_id, MEMBER))


@service
def list_members(
    db: Database,
    actor: Actor,
    *,
    discipline: Discipline | str | None = None,
    internal: bool | None = None,
    active_only: bool = True,
    text: str | None = None,
) -> list[MemberView]:
    """The directory, filtered; ordered by family name (a clinic has hundreds, not more)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    stmt = select(TeamMember).order_by(TeamMember.family_name, TeamMember.given_name)
    if discipline:
        stmt = stmt.where(TeamMember.discipline == v.choice(discipline, Discipline, "discipline"))
    if internal is not None:
        stmt = stmt.where(TeamMember.is_internal == internal)
    if active_only:
        stmt = stmt.where(TeamMember.active.is_(True))
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        from sqlalchemy import func

        stmt = stmt.where(
            or_(
                func.lower(TeamMember.family_name).like(like),
                func.lower(TeamMember.given_name).like(like),
                func.lower(TeamMember.specialty).like(like),
                func.lower(TeamMember.organisation).like(like),
            )
        )
    with db.session() as session:
        return [member_view(m) for m in session.scalars(stmt)]


# ------------------------------------------------------------------------- care team
@service
def get_care_team(db: Database, actor: Actor, patient_id: int) -> CareTeam:
    require(actor, Action.READ_DEMOGRAPHICS)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        team = _care_team(uow.session, patient_id)
        uow.audit_read(MEMBERSHIP, patient_id=patient_id)
        return team


def _care_team(session: Any, patient_id: int) -> CareTeam:
    rows = session.scalars(
        select(CareTeamMembership)
        .where(CareTeamMembership.patient_id == patient_id)
        .order_by(CareTeamMembership.since, CareTeamMembership.id)
    ).all()
    views = [membership_view(r) for r in rows]
    current = tuple(m for m in views if m.active)
    past = tuple(m for m in views if not m.active)
    return CareTeam(patient_id, current, past, care_team_gaps(m.role for m in current))


@service
def assign_member(
    db: Database,
    actor: Actor,
    patient_id: int,
    member_id: int,
    role: CareTeamRole | str,
    *,
    since: date | str | None = None,
    notes: str | None = None,
    replace_coordinator: bool = False,
) -> MembershipView:
    """Put a member on the patient's team in ``role``.

    A patient has at most one active coordinating physician: assigning a second is refused
    unless ``replace_coordinator`` ends the current one's membership the same day.
    """
    require(actor, Action.EDIT_DEMOGRAPHICS)
    chosen_role = v.choice(role, CareTeamRole, "role")
    start = v.a_date(since, "since") or today()
    note = v.text(notes, "notes", max_length=400)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, "Patient")
        member = uow.load(TeamMember, member_id, MEMBER)
        if not member.active:
            raise ValidationError("member", f"{member.display_name} is no longer active")
        v.not_before(start, patient.date_of_birth, "since", "the patient's date of birth")
        current = uow.session.scalars(
            select(CareTeamMembership).where(
                CareTeamMembership.patient_id == patient_id,
                CareTeamMembership.until.is_(None),
            )
        ).all()
        for m in current:
            if m.member_id == member_id and m.role == chosen_role:
                raise ValidationError("member", f"{member.display_name} already has this role")
        if chosen_role == CareTeamRole.COORDINATING_PHYSICIAN:
            for m in current:
                if m.role != CareTeamRole.COORDINATING_PHYSICIAN:
                    continue
                if not replace_coordinator:
                    raise ValidationError(
                        "role",
                        f"{m.member.display_name} is already the coordinating physician; "
                        "replace them or end their role first",
                    )
                m.until = max(start, m.since)
                m.updated_by = actor.username
                uow.audit(
                    "end",
                    MEMBERSHIP,
                    m.id,
                    patient_id=patient_id,
                    detail="replaced as coordinating physician",
                )
            uow.session.flush()
        membership = CareTeamMembership(
            patient_id=patient_id,
            member_id=member_id,
            role=chosen_role,
            since=start,
            notes=note,
            updated_by=actor.username,
        )
        uow.session.add(membership)
        try:
            uow.session.flush()
        except IntegrityError:
            uow.session.rollback()
            raise ValidationError(
                "role", "the patient already has an active coordinating physician"
            ) from None
        uow.audit(
            "create",
            MEMBERSHIP,
            membership.id,
            patient_id=patient_id,
            detail=f"{chosen_role.value}: member {member_id}",
        )
        uow.commit()
        uow.session.refresh(membership)
        return membership_view(membership)


@service
def end_membership(
    db: Database,
    actor: Actor,
    membership_id: int,
    *,
    until: date | str | None = None,
    expected_version: int,
) -> MembershipView:
    """Take a member off the team (the membership stays in the history)."""
    require(actor, Action.EDIT_DEMOGRAPHICS)
    end = v.a_date(until, "until") or today()
    with unit_of_work(db, actor, write=True) as uow:
        m = uow.load_for_change(CareTeamMembership, membership_id, MEMBERSHIP, expected_version)
        if m.until is not None:
            raise ValidationError("until", "this membership has already ended")
        v.not_before(end, m.since, "until", "the start of the membership")
        m.until = end
        uow.commit_change(m, "end", MEMBERSHIP, patient_id=m.patient_id)
        return membership_view(m)
