"""The audit trail is hash-chained and append-only; verify_chain names the first bad record."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError

from carecoord.db import Database
from carecoord.models import AuditChainHead, AuditEvent
from carecoord.services import audit, patients
from carecoord.services.actor import Actor
from carecoord.services.audit import GENESIS_HASH, AuditChainError, record_hash, verify_chain
from tests.services.helpers import new_patient

COLUMNS = [c.name for c in AuditEvent.__table__.columns]


def events(db: Database) -> list[AuditEvent]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        session.expunge_all()
        return rows


@contextmanager
def by_hand(db: Database) -> Iterator[Connection]:
    """A raw connection as someone editing the database directly; on PostgreSQL the
    audit tables' triggers are switched off first, as only the tables' owner could."""
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_chain_head DISABLE TRIGGER USER"))
        yield conn
        if db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_chain_head ENABLE TRIGGER USER"))


def some_activity(db: Database, actor: Actor, searches: int = 5) -> None:
    patient = new_patient(db, actor)
    for typed in ["nu", "zo", "1980-05-12", "x", "CC"][:searches]:
        patients.search_patients(db, actor, typed)
    patients.get_patient(db, actor, patient.id)


def test_records_are_chained_with_consecutive_ids(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    rows = events(db)
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS_HASH
    for row in rows:
        assert row.prev_hash == previous
        assert row.hash == record_hash({c: getattr(row, c) for c in COLUMNS}, previous)
        previous = row.hash
    with db.session() as session:
        head = session.get(AuditChainHead, 1)
        assert head is not None and (head.last_id, head.last_hash) == (rows[-1].id, previous)
    result = verify_chain(db)
    assert result.ok and result.checked == len(rows) and result.last_hash == previous


def test_a_rolled_back_change_leaves_no_record_and_no_gap(db: Database, physician: Actor) -> None:
    some_activity(db, physician, searches=1)
    before = len(events(db))
    with db.session(write=True) as session:
        audit.record(session, physician, "read", "Patient", 1, patient_id=1)
        # no commit: the block rolls back
    with pytest.raises(patients.PossibleDuplicate):
        new_patient(db, physician)  # the same name and birth date again: refused
    patients.search_patients(db, physician, "after")
    rows = events(db)
    assert len(rows) == before + 1
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    assert verify_chain(db).ok


def test_verify_names_an_edited_record(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    with by_hand(db) as conn:
        conn.execute(text("UPDATE audit_events SET username = 'nobody' WHERE id = 3"))
    result = verify_chain(db)
    assert not result.ok and result.kind == "altered" and result.first_bad_id == 3
    assert result.checked == 2 and "record 3 was altered" in (result.problem or "")


def test_verify_names_a_removed_record(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id IN (4, 5)"))
    result = verify_chain(db)
    assert not result.ok and result.kind == "missing" and result.first_bad_id == 4
    assert "records 4–5 are missing" in (result.problem or "")


def test_verify_notices_records_cut_from_the_end(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    last = events(db)[-1].id
    with by_hand(db) as conn:
        conn.execute(text(f"DELETE FROM audit_events WHERE id = {last}"))
    result = verify_chain(db)
    assert not result.ok and result.kind == "missing" and result.first_bad_id == last
    assert "missing from the end" in (result.problem or "")


def test_verify_notices_hand_written_and_rewritten_records(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    rows = events(db)
    with by_hand(db) as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (id, at, username, action, entity, data_category) "
                "VALUES (:id, :at, 'ghost', 'read', 'Patient', 'general')"
            ),
            {"id": rows[-1].id + 1, "at": rows[-1].at.replace(tzinfo=None)},
        )
    result = verify_chain(db)
    assert not result.ok and result.kind == "unsealed" and result.first_bad_id == rows[-1].id + 1
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE username = 'ghost'"))
        # A forger who deletes record 2 and re-hashes the rest still leaves the id gap.
        conn.execute(text("DELETE FROM audit_events WHERE id = 2"))
        previous = str(rows[0].hash)
        for row in rows[2:]:
            values = {c: getattr(row, c) for c in COLUMNS}
            new_hash = record_hash(values, previous)
            conn.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": previous, "h": new_hash, "i": row.id},
            )
            previous = new_hash
        conn.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": previous})
    result = verify_chain(db)
    assert not result.ok and result.kind == "missing" and result.first_bad_id == 2


def test_verify_notices_an_edited_chain_head(db: Database, physician: Actor) -> None:
    some_activity(db, physician)
    with by_hand(db) as conn:
        conn.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": "f" * 64})
    result = verify_chain(db)
    assert not result.ok and result.kind == "head"


def test_an_empty_trail_is_intact(db: Database) -> None:
    result = verify_chain(db)
    assert result.ok and result.checked == 0 and result.last_hash == GENESIS_HASH


def test_a_missing_head_with_records_stops_auditing(db: Database, physician: Actor) -> None:
    some_activity(db, physician, searches=1)
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    with pytest.raises(AuditChainError):
        patients.search_patients(db, physician, "zo")
    assert verify_chain(db).kind == "head"


def test_an_emptied_trail_starts_a_new_chain(db: Database, physician: Actor) -> None:
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    some_activity(db, physician, searches=2)
    assert verify_chain(db).ok


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_audit_records(
    db: Database, physician: Actor
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    some_activity(db, physician, searches=1)
    for statement in (
        "UPDATE audit_events SET detail = 'changed' WHERE id = 1",
        "DELETE FROM audit_events WHERE id = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert verify_chain(db).ok


def test_concurrent_writers_keep_one_unbroken_chain(db: Database, physician: Actor) -> None:
    """Several workstations (Database objects) auditing at once: one chain, no gaps."""
    new_patient(db, physician)
    stations = [Database(db.url, migrate=False) for _ in range(4)]
    errors: list[BaseException] = []

    def work(station: Database) -> None:
        try:
            for n in range(15):
                patients.search_patients(station, physician, f"n{n}")
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(s,)) for s in stations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for station in stations:
        station.dispose()
    assert not errors
    rows = events(db)
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == 1 + 4 * 15
    assert verify_chain(db).ok
