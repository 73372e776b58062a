"""Demo monitoring results written by the demo loader: a coherent year of opioid-therapy
monitoring for the fictional patients on opioids, validated by the same rules as a result
typed in (:func:`carecoord.services.monitoring.validate_entry`) and covered by the
loader's one import audit record. The entries themselves come from
:mod:`carecoord.services.monitoring_demo`, which also records them through the audited
service for a running clinic demo."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import UserRole
from carecoord.models import Patient, User
from carecoord.services import monitoring
from carecoord.services.actor import Actor
from carecoord.services.demo_mark import is_demo_connection
from carecoord.services.monitoring_demo import demo_entries, drugs_on, expected_substances

PHYSICIAN = "drlee"
"""The demo physician who records the demo results."""


def fill_monitoring(conn: Connection, day: date, *, limit: int = 200) -> int:
    """Write a year of monitoring before ``day`` for up to ``limit`` demo patients on
    opioids and still under the clinic's care (not discharged), inside the demo loader's
    transaction; returns the number of results.

    The same patients, dates and flags as :func:`record_demo_results` (every third
    patient's PDMP check overdue, every fourth patient's latest screen unexpected).

    Raises:
        RuntimeError: the database is not a demo database.
    """
    if not is_demo_connection(conn):
        raise RuntimeError("refusing to write demo monitoring results outside the demo")
    name = conn.execute(select(User.full_name).where(User.username == PHYSICIAN)).scalar()
    actor = Actor(None, PHYSICIAN, UserRole.PHYSICIAN, full_name=name or "Demo physician")
    discharged = set(conn.scalars(select(Patient.id).where(Patient.discharged_on.is_not(None))))
    drugs = {p: d for p, d in drugs_on(conn, day).items() if p not in discharged}
    # Results start with the patient's registration here (created_at is the day they came).
    chosen = list(drugs)[:limit]
    registered = {
        patient_id: created_at.date()
        for patient_id, created_at in conn.execute(
            select(Patient.id, Patient.created_at).where(Patient.id.in_(chosen))
        )
    }
    session = Session(bind=conn)  # joins the loader's transaction; never commits it
    count = 0
    for index, patient_id in enumerate(chosen):
        rng = random.Random(patient_id)
        expected = expected_substances(drugs[patient_id])
        for entry in demo_entries(rng, day, expected, overdue=index % 3 == 2, odd=index % 4 == 3):
            if isinstance(entry.taken_on, date) and entry.taken_on < registered[patient_id]:
                continue  # before the patient came to the clinic: not this clinic's result
            row = monitoring.validate_entry(entry, actor, on=day)
            row.patient_id = patient_id
            session.add(row)
            count += 1
    session.flush()
    session.close()
    return count
