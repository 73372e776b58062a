"""Consent to disclose 42 CFR Part 2 substance-use records (docs/clinical-reference.md §3).

A letter may carry a diagnosis received from a Part 2 program only while a consent is on
file that names the letter's recipient (or any treating provider), was signed, has not
expired and was not revoked. Recording, revoking and reading consents are substance-use
clinical information: permission-checked and audited like the rest of the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import NotFound, ValidationError
from carecoord.models import Part2Consent, Patient, TeamMember
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.permissions import Action, require
from carecoord.services.rows import add_audited, audit_update, newest_first, view_from
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Part2Consent"
CATEGORY = DataCategory.SUBSTANCE_USE
ANY_TREATING_PROVIDER = "any treating provider"


@dataclass(frozen=True)
class ConsentInput:
    """The 42 CFR 2.31 elements the clinic keeps with the signed form.

    Args:
        given_by: Who signed: the patient, or their representative and in what capacity.
        signed_on: The date on the form.
        scope: How much and what kind of information may be disclosed.
        purpose: Why (e.g. "treatment: referral for pain management").
        expires_on: The date the consent ends.
        recipient_member_id: The team member it names; ``None`` for any treating provider.
    """

    given_by: str
    signed_on: date | str | None
    scope: str
    purpose: str
    expires_on: date | str | None
    recipient_member_id: int | None = None


@dataclass(frozen=True)
class ConsentView:
    id: int
    patient_id: int
    recipient_member_id: int | None
    recipient: str
    given_by: str
    signed_on: date
    scope: str
    purpose: str
    expires_on: date
    revoked_on: date | None
    recorded_by: str

    def valid_on(self, day: date, recipient_member_id: int | None) -> bool:
        """Signed, not expired, not revoked, and naming this recipient (or anyone)."""
        return (
            self.signed_on <= day <= self.expires_on
            and (self.revoked_on is None or self.revoked_on > day)
            and self.recipient_member_id in (None, recipient_member_id)
        )

    @property
    def summary(self) -> str:
        """One line for a list or a history entry."""
        state = f"revoked {self.revoked_on.isoformat()}" if self.revoked_on else "in force"
        return (
            f"to {self.recipient}, signed by {self.given_by} on {self.signed_on.isoformat()}, "
            f"until {self.expires_on.isoformat()} ({state}); scope: {self.scope}"
        )


def _view(row: Part2Consent) -> ConsentView:
    return view_from(ConsentView, row)


def consents_in(session: Session, patient_id: int) -> list[ConsentView]:
    """Every consent of the patient, newest first (inside the caller's session)."""
    rows = newest_first(session, Part2Consent, patient_id, Part2Consent.signed_on)
    return [_view(r) for r in rows]


def valid_consent(
    session: Session, patient_id: int, recipient_member_id: int | None, on: date
) -> ConsentView | None:
    """The consent that lets a letter to ``recipient_member_id`` carry Part 2 information."""
    return next(
        (c for c in consents_in(session, patient_id) if c.valid_on(on, recipient_member_id)),
        None,
    )


@service
def record_consent(db: Database, actor: Actor, patient_id: int, data: ConsentInput) -> ConsentView:
    """File a signed consent (42 CFR 2.31) on the patient's chart.

    Raises:
        PermissionDenied: The role may not edit substance-use information.
        ValidationError: A required element is missing, a date is in the wrong order or
            the signing date is in the future.
        NotFound: No such patient or team member.
    """
    require(actor, Action.EDIT_CLINICAL, CATEGORY)
    values: dict[str, Any] = {
        "given_by": v.required_text(data.given_by, "given_by", max_length=160),
        "scope": v.required_text(data.scope, "scope", max_length=400),
        "purpose": v.required_text(data.purpose, "purpose", max_length=200),
        "signed_on": v.required_date(data.signed_on, "signed_on"),
    }
    v.not_future(values["signed_on"], "signed_on", today())
    values["expires_on"] = v.required_date(data.expires_on, "expires_on")
    v.not_before(values["expires_on"], values["signed_on"], "expires_on", "the day it was signed")
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        recipient = ANY_TREATING_PROVIDER
        if data.recipient_member_id is not None:
            member = uow.session.get(TeamMember, data.recipient_member_id)
            if member is None:
                raise ValidationError("recipient_member_id", "no such team member")
            recipient = member.display_name
        row = Part2Consent(
            patient_id=patient_id,
            recipient_member_id=data.recipient_member_id,
            recipient=recipient,
            recorded_by=actor.username,
            **values,
        )
        add_audited(
            uow,
            row,
            ENTITY,
            patient_id=patient_id,
            category=CATEGORY,
            detail=f"to {recipient}, until {row.expires_on.isoformat()}",
        )
        view = _view(row)
        uow.commit()
        return view


@service
def revoke_consent(
    db: Database, actor: Actor, consent_id: int, on: date | str | None = None
) -> ConsentView:
    """Record that the patient revoked a consent (it stays on file, no longer valid).

    Raises:
        NotFound: No such consent.
        ValidationError: Revoked before it was signed, in the future, or already revoked.
    """
    require(actor, Action.EDIT_CLINICAL, CATEGORY)
    day = v.a_date(on, "revoked_on") or today()
    v.not_future(day, "revoked_on", today())
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.session.get(Part2Consent, consent_id)
        if row is None:
            raise NotFound(ENTITY, consent_id)
        if row.revoked_on is not None:
            raise ValidationError("revoked_on", "this consent was already revoked")
        v.not_before(day, row.signed_on, "revoked_on", "the day it was signed")
        row.revoked_on = day
        audit_update(uow, row, ENTITY, category=CATEGORY, detail=f"revoked {day.isoformat()}")
        view = _view(row)
        uow.commit()
        return view


@service
def consents_of(db: Database, actor: Actor, patient_id: int) -> list[ConsentView]:
    """The patient's Part 2 consents, newest first (an audited chart read).

    Raises:
        PermissionDenied: The role may not read substance-use information.
        NotFound: No such patient.
    """
    require(actor, Action.READ_CLINICAL, CATEGORY)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        found = consents_in(uow.session, patient_id)
        uow.audit_read(
            ENTITY,
            patient_id=patient_id,
            category=CATEGORY,
            detail=f"{len(found)} consent(s)",
        )
        return found


__all__ = [
    "ANY_TREATING_PROVIDER",
    "ConsentInput",
    "ConsentView",
    "consents_of",
    "record_consent",
    "revoke_consent",
    "valid_consent",
]
