"""The unit of work: no change commits without its audit record, nothing commits by
accident, and a read is audited once per read scope."""

from __future__ import annotations

import threading
from typing import cast

import pytest
from sqlalchemy import Table, select, update

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied
from carecoord.models import AuditEvent, Patient
from carecoord.services import audit
from carecoord.services.actor import Actor
from carecoord.services.unit_of_work import (
    AuditMissing,
    new_read_scope,
    read_scope,
    unit_of_work,
)
from tests.services.helpers import new_patient


def _events(db: Database) -> list[tuple[str, str, int | None, str | None]]:
    with db.session() as session:
        return [
            (e.action, e.entity, e.entity_id, e.detail)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def _family(db: Database, patient_id: int) -> str:
    with db.session() as session:
        row = session.get(Patient, patient_id)
        assert row is not None
        return row.family_name


def test_a_change_without_an_audit_record_is_refused_and_writes_nothing(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    before = _events(db)
    with pytest.raises(AuditMissing), unit_of_work(db, physician, write=True) as uow:
        uow.load(Patient, patient.id, "Patient").family_name = "Changed"
        uow.commit()
    assert _family(db, patient.id) == "Ñúñez" and _events(db) == before


def test_a_flushed_change_without_an_audit_record_is_refused_too(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(AuditMissing), unit_of_work(db, physician, write=True) as uow:
        uow.load(Patient, patient.id, "Patient").family_name = "Changed"
        uow.session.flush()
        uow.commit()
    assert _family(db, patient.id) == "Ñúñez"


def test_a_read_audit_does_not_stand_in_for_a_change_audit(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(AuditMissing), unit_of_work(db, physician, write=True) as uow:
        uow.audit_read("Patient", patient.id, patient_id=patient.id)
        uow.load(Patient, patient.id, "Patient").family_name = "Changed"
        uow.commit()
    assert _family(db, patient.id) == "Ñúñez"


def test_a_change_with_its_audit_record_commits_both(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with unit_of_work(db, physician, write=True) as uow:
        row = uow.load(Patient, patient.id, "Patient")
        row.family_name = "Changed"
        uow.audit("update", "Patient", row.id, patient_id=row.id, detail="family_name")
        uow.commit(row, "Patient")
    assert _family(db, patient.id) == "Changed"
    assert _events(db)[-1] == ("update", "Patient", patient.id, "family_name")
    assert audit.verify_chain(db).ok


def test_leaving_without_commit_rolls_back(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    before = _events(db)
    with unit_of_work(db, physician, write=True) as uow:
        row = uow.load(Patient, patient.id, "Patient")
        row.family_name = "Changed"
        uow.audit("update", "Patient", row.id, patient_id=row.id)
    assert _family(db, patient.id) == "Ñúñez" and _events(db) == before


def test_require_names_role_action_and_category(db: Database, front_desk: Actor) -> None:
    with unit_of_work(db, front_desk) as uow:
        uow.require(True, "read", DataCategory.PSYCHIATRIC)
        with pytest.raises(PermissionDenied) as error:
            uow.require(False, "read", DataCategory.PSYCHIATRIC)
    assert (error.value.role, error.value.action, error.value.category) == (
        "front desk",
        "read",
        "psychiatric",
    )


def _read(db: Database, actor: Actor, patient_id: int, *, write: bool = False) -> None:
    with unit_of_work(db, actor, write=write) as uow:
        uow.load(Patient, patient_id, "Patient")
        uow.audit_read("Patient", patient_id, patient_id=patient_id, detail="chart")
        if write:
            uow.commit()


def _reads(db: Database) -> int:
    return sum(1 for action, entity, _, _ in _events(db) if (action, entity) == ("read", "Patient"))


@pytest.mark.parametrize("write", [False, True])
def test_a_read_is_audited_once_per_scope_and_every_time_outside_one(
    db: Database, physician: Actor, write: bool
) -> None:
    patient = new_patient(db, physician)
    start = _reads(db)
    first, second = new_read_scope("window"), new_read_scope("window")
    with read_scope(first):
        for _ in range(3):
            _read(db, physician, patient.id, write=write)
    assert _reads(db) == start + 1
    with read_scope(first):  # the same window coming back to it
        _read(db, physician, patient.id, write=write)
    with read_scope(second):  # another opening
        _read(db, physician, patient.id, write=write)
        _read(db, physician, patient.id, write=write)
    assert _reads(db) == start + 2
    _read(db, physician, patient.id, write=write)
    _read(db, physician, patient.id, write=write)
    assert _reads(db) == start + 4
    assert audit.verify_chain(db).ok


def test_another_read_or_another_person_is_audited_in_the_same_scope(
    db: Database, physician: Actor, clinician: Actor
) -> None:
    first = new_patient(db, physician)
    second = new_patient(db, physician, "Okafor", "Ada")
    start = _reads(db)
    with read_scope(new_read_scope("shared")):
        _read(db, physician, first.id)
        _read(db, physician, second.id)
        _read(db, clinician, first.id)
        _read(db, physician, first.id)
    assert _reads(db) == start + 3


def test_a_read_that_fails_is_not_remembered(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    start = _reads(db)
    with read_scope(new_read_scope("window")):
        with pytest.raises(LookupError), unit_of_work(db, physician) as uow:
            uow.audit_read("Patient", patient.id, patient_id=patient.id, detail="chart")
            raise LookupError("the read went wrong after the audit was queued")
        assert _reads(db) == start
        _read(db, physician, patient.id)
    assert _reads(db) == start + 1


def test_threads_started_in_a_scope_do_not_share_it_unless_given_the_context(
    db: Database, physician: Actor
) -> None:
    """A plain thread starts with an empty context: it audits every read (ui/worker.py
    hands its jobs a copy of the caller's context instead)."""
    patient = new_patient(db, physician)
    start = _reads(db)
    with read_scope(new_read_scope("window")):
        _read(db, physician, patient.id)
        thread = threading.Thread(target=_read, args=(db, physician, patient.id))
        thread.start()
        thread.join()
    assert _reads(db) == start + 2


def test_a_version_clash_becomes_a_conflict(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with unit_of_work(db, physician, write=True) as uow:
        row = uow.load(Patient, patient.id, "Patient")
        # Someone else's save lands between this read and the UPDATE (as on PostgreSQL).
        table = cast(Table, Patient.__table__)
        uow.session.execute(
            update(table)
            .where(table.c.id == patient.id)
            .values(version=table.c.version + 1, updated_by="someone")
        )
        row.family_name = "Changed"
        uow.audit("update", "Patient", row.id, patient_id=row.id)
        with pytest.raises(ConflictError):
            uow.commit(row, "Patient")
    assert _family(db, patient.id) == "Ñúñez"
