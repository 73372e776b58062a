"""Demo data for the explicit allergy state: most allergy-free demo patients were asked.

The demo clinic should show all three states (clinical/allergy_status.py): patients with
allergies keep their list; of those without, two in three get "no known allergies"
confirmed by the demo physician, the rest stay "not yet recorded". Called by the demo
builder inside its transaction, after the patients and their allergies are written:

    demo_allergy.mark_no_known_allergies(conn, day)

The demo's one "import" audit record covers these rows like the rest of its data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from sqlalchemy import Connection, Table, exists, func, select

from carecoord import bulk
from carecoord.models import Allergy, NoKnownAllergies, Patient, User
from carecoord.services.demo_mark import is_demo_connection

CONFIRMER = "drlee"
"""The demo physician who asked (their full name is read from the demo's accounts)."""
UNASKED_EVERY = 3
"""Every third allergy-free patient (by id) stays "not yet recorded"."""
CONFIRMED_WITHIN_DAYS = 180
"""Confirmations are spread over this many days before ``today``."""


def mark_no_known_allergies(conn: Connection, today: date) -> int:
    """Confirm "no known allergies" for two in three allergy-free demo patients.

    Deterministic (by patient id), so the same demo seed gives the same charts. Returns
    how many were confirmed.

    Raises:
        RuntimeError: the database is not a demo database (these confirmations are
            fictional and must never reach a clinic's charts).
    """
    if not is_demo_connection(conn):
        raise RuntimeError("refusing to write demo allergy confirmations outside the demo")
    name = conn.execute(select(User.full_name).where(User.username == CONFIRMER)).scalar()
    patients = cast(Table, Patient.__table__)
    allergies = cast(Table, Allergy.__table__)
    confirmed = cast(Table, NoKnownAllergies.__table__)
    ids = conn.execute(
        select(patients.c.id)
        .where(
            ~exists().where(allergies.c.patient_id == patients.c.id),
            ~exists().where(confirmed.c.patient_id == patients.c.id),
            patients.c.id % UNASKED_EVERY != 0,
        )
        .order_by(patients.c.id)
    ).scalars()
    rows = []
    for patient_id in ids:
        on = today - timedelta(days=(patient_id * 37) % CONFIRMED_WITHIN_DAYS)
        rows.append(
            {
                "patient_id": patient_id,
                "confirmed_by": CONFIRMER,
                "confirmed_by_name": name or "Demo physician",
                "confirmed_on": on,
                "confirmed_at": datetime.combine(on, time(10, 30), tzinfo=UTC),
            }
        )
    if rows:
        bulk.insert_rows(conn, confirmed, rows)
    return len(rows)


def count_confirmed(conn: Connection) -> int:
    """How many charts say "no known allergies" (for the demo's summary line)."""
    return int(conn.execute(select(func.count()).select_from(NoKnownAllergies)).scalar() or 0)
