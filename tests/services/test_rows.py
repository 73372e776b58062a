"""The shared row helpers: load by id with relationships, a chart's rows newest first, a view
copied from a row, a row added with its ``create`` audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import NotFound
from carecoord.models import AuditEvent, Diagnosis, Patient
from carecoord.services.actor import Actor
from carecoord.services.common import MAX_ID
from carecoord.services.rows import add_audited, load_with, newest_first, view_from
from carecoord.services.unit_of_work import unit_of_work
from tests.services.helpers import new_patient


def _diagnosis(patient_id: int, code: str, onset: date | None) -> Diagnosis:
    return Diagnosis(
        patient_id=patient_id, code=code, title=f"Fictional {code}", onset=onset, updated_by="t"
    )


def test_load_with_finds_the_row_or_names_the_entity(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with unit_of_work(db, physician) as uow:
        row = load_with(
            uow.session, Patient, patient.id, "Patient", selectinload(Patient.diagnoses)
        )
        assert row.id == patient.id and row.diagnoses == []
        assert load_with(uow.session, Patient, patient.id, "Patient", fresh=True) is row
        for bad in (patient.id + 1000, 0, -3, MAX_ID + 1, True, "1"):
            with pytest.raises(NotFound) as raised:
                load_with(uow.session, Patient, bad, "Patient")  # type: ignore[arg-type]
            assert raised.value.entity == "Patient"


def test_newest_first_breaks_date_ties_by_newest_id(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    other = new_patient(db, physician, family="Ortega")
    with unit_of_work(db, physician, write=True) as uow:
        for code, onset in (("A", date(2024, 1, 5)), ("B", date(2025, 3, 1)), ("C", None)):
            uow.session.add(_diagnosis(patient.id, code, onset))
        uow.session.add(_diagnosis(patient.id, "D", date(2025, 3, 1)))
        uow.session.add(_diagnosis(other.id, "E", date(2026, 1, 1)))
        uow.session.commit()
    with unit_of_work(db, physician) as uow:
        rows = newest_first(uow.session, Diagnosis, patient.id, Diagnosis.onset)
        codes = [r.code for r in rows]
    # NULL dates sort first on PostgreSQL (DESC) and last on SQLite: only compare the rest
    assert [c for c in codes if c != "C"] == ["D", "B", "A"] and "E" not in codes


def test_add_audited_adds_and_audits_in_one_transaction(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with unit_of_work(db, physician, write=True) as uow:
        row = _diagnosis(patient.id, "G44.2", None)
        add_audited(
            uow,
            row,
            "Diagnosis",
            patient_id=patient.id,
            category=DataCategory.GENERAL,
            detail="added",
        )
        assert row.id is not None
        uow.commit()
    with db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "Diagnosis")).one()
        assert (event.action, event.entity_id, event.patient_id, event.detail) == (
            "create",
            row.id,
            patient.id,
            "added",
        )


@dataclass(frozen=True)
class _Shown:
    id: int
    title: str
    label: str


@dataclass
class _Stored:
    id: int
    title: str
    code: str


def test_view_from_copies_same_names_and_takes_computed_fields() -> None:
    row = _Stored(7, "Fictional pain clinic letter", "G44.2")
    assert view_from(_Shown, row, label=row.code.lower()) == _Shown(
        7, "Fictional pain clinic letter", "g44.2"
    )
    assert view_from(_Shown, row, label="x", title="restricted").title == "restricted"
    with pytest.raises(AttributeError):
        view_from(_Shown, row)  # the row has no "label" and none was computed
    with pytest.raises(TypeError, match="no field labl"):
        view_from(_Shown, row, label="x", labl="typo")


@dataclass
class _Authorised:
    auth_payer: str
    auth_number: str


@dataclass(frozen=True)
class _Authorisation:
    payer: str
    number: str


def test_view_from_reads_prefixed_columns() -> None:
    row = _Authorised("Fictional Mutual", "A-1")
    assert view_from(_Authorisation, row, "auth_") == _Authorisation("Fictional Mutual", "A-1")
    assert view_from(_Authorisation, row, "auth_", number="A-2").number == "A-2"
