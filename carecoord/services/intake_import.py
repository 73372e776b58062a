"""Import inbound referrals from a FHIR R4 Bundle (``carecoord fhir import``, drag-and-drop
onto the Intake page): all of the file or nothing, and never the same referral twice."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carecoord.clinical.intake_workflow import IntakeSource
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.exchange.fhir_import import ImportedReferral, referrals_in, refuse
from carecoord.models import IntakeReferral
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.intake import IntakeDetail, IntakeInput, detail_of, insert, validate
from carecoord.services.intake_reply import reference_of
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A referral bundle is kilobytes; a larger file is not one (and is not read into memory)."""


def _values(number: int, total: int, item: ImportedReferral) -> dict[str, object]:
    fields = asdict(item)
    fields.pop("source_identifier")
    try:
        return validate(IntakeInput(**fields))
    except ValidationError as error:
        raise refuse(f"ServiceRequest {number} of {total}: {error}") from None


@service
def import_bundle(db: Database, actor: Actor, content: bytes) -> list[IntakeDetail]:
    """Add every referral of a FHIR R4 Bundle as an intake item, in one transaction.

    Raises:
        ValidationError: On "file", one message naming what is wrong: not JSON, not FHIR
            R4, no ServiceRequest, an incomplete or invalid referral, or one imported
            before (nothing is written).
        PermissionDenied: The role may not enter inbound referrals.
    """
    require(actor, Action.ENTER_INTAKE)
    if len(content) > MAX_FILE_BYTES:
        raise refuse("is larger than 20 MB: not a referral bundle")
    found = referrals_in(content)
    values = [_values(n, len(found), item) for n, item in enumerate(found, start=1)]
    for row_values in values:
        require(actor, Action.ENTER_INTAKE, row_values["category"])  # type: ignore[arg-type]
    identifiers = [item.source_identifier for item in found]
    if len(set(identifiers)) < len(identifiers):
        raise refuse("holds the same ServiceRequest twice")
    with unit_of_work(db, actor, write=True) as uow:
        earlier = uow.session.execute(
            select(IntakeReferral.id, IntakeReferral.received_on).where(
                IntakeReferral.source_identifier.in_(identifiers)
            )
        ).first()
        if earlier is not None:
            raise refuse(
                f"was imported before: the referral is {reference_of(earlier.id)},"
                f" received {earlier.received_on.isoformat()}"
            )
        try:
            rows = _insert_all(uow.session, actor, found, values)
        except IntegrityError:  # the same file imported at this moment on another workstation
            uow.session.rollback()
            raise refuse("was imported by someone else just now") from None
        uow.commit()
        return [detail_of(actor, row, today()) for row in rows]


def _insert_all(
    session: Session,
    actor: Actor,
    found: list[ImportedReferral],
    values: list[dict[str, object]],
) -> list[IntakeReferral]:
    return [
        insert(
            session,
            actor,
            row_values,
            source=IntakeSource.FHIR,
            source_identifier=item.source_identifier,
            detail=f"FHIR R4 import ({len(found)} in the file)",
        )
        for item, row_values in zip(found, values, strict=True)
    ]
