"""The referral reference number a specialist quotes back (docs/clinical-reference.md §3)."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Connection, String, func, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from carecoord.models import Referral, Setting
from carecoord.services.permissions import referral_category
from carecoord.services.rows import audit_update
from carecoord.services.settings import load_settings
from carecoord.services.unit_of_work import UnitOfWork


@lru_cache(maxsize=16)  # the demo numbers hundreds of thousands of referrals
def reference_prefix(clinic_name: str) -> str:
    """The clinic's initials ("Riverside Pain Clinic" → "RPC"), at most six; "REF" without."""
    words = re.findall(r"[A-Za-z0-9]+", clinic_name)
    return "".join(w[0] for w in words).upper()[:6] or "REF"


def referral_reference(clinic_name: str, referral_id: int) -> str:
    """Clinic initials and the referral id, e.g. "RPC-000042": short enough to say on the
    phone, unique because the id is, and never reused."""
    return f"{reference_prefix(clinic_name)}-{referral_id:06d}"


def ensure_reference(session: Session, row: Referral) -> str:
    """The referral's stored reference, assigned now (inside the caller's write session)
    if it has none yet; once stored it never changes, even when the clinic is renamed."""
    if row.reference is None:
        value = referral_reference(load_settings(session).clinic_name, row.id)
        # A plain UPDATE: numbering a referral is no edit, so its version (and any form
        # open on it) stays valid.
        session.execute(
            update(Referral)
            .where(Referral.id == row.id, Referral.reference.is_(None))
            .values(reference=value, updated_at=Referral.updated_at)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(row, "reference", value)
    return row.reference or ""


def assign_reference(uow: UnitOfWork, row: Referral) -> str:
    """:func:`ensure_reference` inside a write unit of work: numbering a referral is a
    change, so when it happens now it is audited, naming the referral and its number."""
    if row.reference is not None:
        return row.reference
    value = ensure_reference(uow.session, row)
    audit_update(
        uow,
        row,
        "Referral",
        category=referral_category(row.discipline, row.sensitive),
        detail=f"reference number {value} assigned",
    )
    return value


def number_all(conn: Connection) -> None:
    """Give every referral without a reference its number in one statement (bulk loads
    such as the demo clinic, which write rows without the ORM)."""
    name = conn.execute(select(Setting.value).where(Setting.key == "clinic_name")).scalar()
    prefix = reference_prefix(str(name or ""))
    text_id = func.cast(Referral.id, String)
    if conn.dialect.name == "postgresql":
        digits = func.lpad(text_id, 6, "0")
    else:  # SQLite: the last six characters of a zero-padded id
        digits = func.substr(literal("000000") + text_id, -6, 6)
    conn.execute(
        update(Referral)
        .where(Referral.reference.is_(None))
        # updated_at kept: numbering is no edit (its onupdate would stamp "now").
        .values(reference=literal(f"{prefix}-") + digits, updated_at=Referral.updated_at)
    )
