"""What every list of referrals beside their patients reads and shows alike (the worklist,
the dashboard's lists): the same columns, the same names, formatted in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import aliased

from carecoord.models import Patient, Referral, TeamMember

Recipient = aliased(TeamMember)
"""The referral's recipient, outer-joined on ``Referral.recipient_member_id``."""

PATIENT_COLUMNS = (
    Referral.id,
    Referral.patient_id,
    Patient.family_name,
    Patient.given_name,
    Patient.mrn,
)
"""The referral and whose it is (joined on ``Referral.patient_id``)."""

RECIPIENT_COLUMNS = (
    Recipient.given_name.label("r_given"),
    Recipient.family_name.label("r_family"),
    Recipient.credentials.label("r_credentials"),
)


def patient_name(row: Any) -> str:
    """ "Family, Given" from a row read with :data:`PATIENT_COLUMNS`."""
    return f"{row.family_name}, {row.given_name}"


def recipient_name(row: Any) -> str | None:
    """ "Given Family, Credentials" from a row read with :data:`RECIPIENT_COLUMNS`; None
    without a recipient."""
    if not row.r_family:
        return None
    return f"{row.r_given} {row.r_family}" + (f", {row.r_credentials}" if row.r_credentials else "")


def referral_fields(row: Any) -> dict[str, Any]:
    """The fields a dashboard line shares with every other: the referral, its patient
    (from :data:`PATIENT_COLUMNS`) and its discipline."""
    return {
        "referral_id": row.id,
        "patient_id": row.patient_id,
        "patient_name": patient_name(row),
        "mrn": row.mrn,
        "discipline": row.discipline,
    }
