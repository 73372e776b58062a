"""Attacks on the audit trail by someone who can write the database, caught by checkpoints.

Each test first shows the attack succeeding against the hash chain alone (``verify_chain``
says intact), then shows ``check_trail`` with a checkpoint kept outside the database
naming the damage.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from carecoord.db import Database
from carecoord.models import AuditEvent
from carecoord.services import patients
from carecoord.services.actor import Actor
from carecoord.services.audit import GENESIS_HASH, record_hash, verify_chain
from carecoord.services.checkpoints import (
    CheckpointError,
    check_trail,
    write_checkpoint,
)
from tests.services.helpers import new_patient
from tests.services.test_audit_chain import COLUMNS, by_hand, events, some_activity


@pytest.fixture(autouse=True)
def checkpoint_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The MAC key lives in a test folder, never in the tester's own configuration."""
    key = tmp_path / "config" / "audit-checkpoint.key"
    monkeypatch.setenv("CARECOORD_CHECKPOINT_KEY", str(key))
    return key


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints"


def rehash_from(db: Database, start: int) -> None:
    """The forger's tool: recompute every hash from record ``start`` on and move the head."""
    rows = events(db)
    previous = GENESIS_HASH if start == 1 else str(rows[start - 2].hash)
    with by_hand(db) as conn:
        for row in rows[start - 1 :]:
            fresh = conn.execute(
                select(*AuditEvent.__table__.columns).where(AuditEvent.id == row.id)
            ).one()
            values = {c: getattr(fresh, c) for c in COLUMNS}
            digest = record_hash(values, previous)
            conn.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": previous, "h": digest, "i": row.id},
            )
            previous = digest
        conn.execute(
            text("UPDATE audit_chain_head SET last_id = :i, last_hash = :h"),
            {"i": rows[-1].id, "h": previous},
        )


def test_edited_and_rehashed_record_is_caught(db: Database, physician: Actor, folder: Path) -> None:
    some_activity(db, physician)
    made = write_checkpoint(db, folder)
    assert made.last_id == 7 and made.records == 7 and made.path.parent == folder
    patients.search_patients(db, physician, "after the checkpoint")
    with by_hand(db) as conn:
        conn.execute(text("UPDATE audit_events SET username = 'nobody' WHERE id = 3"))
    rehash_from(db, 3)
    assert verify_chain(db).ok  # the attack: the chain alone is consistent again
    check = check_trail(db, [folder])
    assert not check.ok and check.result.kind == "checkpoint"
    assert check.result.first_bad_id == 7
    assert "record 7 differs from the one checkpoint" in str(check.result.problem)
    assert "rewritten and re-hashed" in str(check.result.problem)


def test_records_cut_from_the_end_with_the_head_moved_back_are_caught(
    db: Database, physician: Actor, folder: Path
) -> None:
    some_activity(db, physician)
    write_checkpoint(db, folder)
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id >= 6"))
        last = conn.execute(text("SELECT hash FROM audit_events WHERE id = 5")).scalar_one()
        conn.execute(text("UPDATE audit_chain_head SET last_id = 5, last_hash = :h"), {"h": last})
    assert verify_chain(db).ok
    check = check_trail(db, [folder])
    assert not check.ok and check.result.first_bad_id == 7
    assert "record 7, which checkpoint" in str(check.result.problem)
    assert "the trail ends at record 5" in str(check.result.problem)


def test_an_emptied_trail_is_not_intact_while_patients_exist(
    db: Database, physician: Actor
) -> None:
    some_activity(db, physician)
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text("DELETE FROM audit_chain_head"))
    result = verify_chain(db)
    assert not result.ok and result.kind == "empty"
    assert result.problem == (
        "the audit trail is empty although the database holds 1 patients and 1 user "
        "accounts: its records were deleted"
    )


def test_an_emptied_trail_restarted_by_new_activity_is_caught(
    db: Database, physician: Actor, folder: Path
) -> None:
    some_activity(db, physician)
    write_checkpoint(db, folder)
    with by_hand(db) as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text("DELETE FROM audit_chain_head"))
    for typed in ("a", "b", "c", "d", "e", "f", "g"):  # a new chain from record 1
        patients.search_patients(db, physician, typed)
    assert verify_chain(db).ok and verify_chain(db).last_id == 7
    check = check_trail(db, [folder])
    assert not check.ok and check.result.kind == "checkpoint"
    assert check.result.first_bad_id == 7


def test_a_checkpoint_edited_to_match_a_forgery_is_refused(
    db: Database, physician: Actor, folder: Path
) -> None:
    some_activity(db, physician)
    made = write_checkpoint(db, folder)
    with by_hand(db) as conn:
        conn.execute(text("UPDATE audit_events SET detail = 'forged' WHERE id = 2"))
    rehash_from(db, 2)
    body = json.loads(made.path.read_text())
    body["head_hash"] = events(db)[-1].hash  # the forger edits the checkpoint to match
    made.path.write_text(json.dumps(body))
    check = check_trail(db, [folder])
    assert check.result.ok and not check.ok
    assert check.problems == [
        f"checkpoint {made.path.name} was altered or not made with this key "
        "(its MAC does not match)"
    ]


def test_no_checkpoint_is_written_over_a_damaged_trail(
    db: Database, physician: Actor, folder: Path
) -> None:
    some_activity(db, physician)
    with by_hand(db) as conn:
        conn.execute(text("UPDATE audit_events SET detail = 'edited' WHERE id = 4"))
    with pytest.raises(CheckpointError, match="record 4 was altered"):
        write_checkpoint(db, folder)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_checkpoints_of_another_database_are_ignored(
    db: Database, physician: Actor, folder: Path, tmp_path: Path
) -> None:
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    patients.search_patients(other, physician.__class__(None, "x", physician.role), "a")
    patients.search_patients(other, physician.__class__(None, "x", physician.role), "b")
    write_checkpoint(other, folder)
    other.dispose()
    new_patient(db, physician)
    check = check_trail(db, [folder])
    assert check.ok and check.checkpoints == []


def test_checkpoint_file_holds_count_hash_time_and_mac(
    db: Database, physician: Actor, folder: Path, checkpoint_key: Path
) -> None:
    some_activity(db, physician, searches=2)
    made = write_checkpoint(db, folder)
    body = json.loads(made.path.read_text())
    assert sorted(body) == [
        "database",
        "first_hash",
        "format",
        "head_hash",
        "last_id",
        "mac",
        "made_at",
        "records",
    ]
    assert body["format"] == "carecoord-audit-checkpoint-1"
    assert (body["last_id"], body["records"]) == (4, 4)
    assert body["head_hash"] == events(db)[-1].hash and len(body["mac"]) == 64
    assert checkpoint_key.stat().st_mode & 0o777 == 0o600
    assert made.path.name.endswith("-4.audit-checkpoint.json")


def test_the_daily_backup_writes_a_checkpoint_beside_the_database(
    sqlite_db: Database, physician_sqlite: Actor
) -> None:
    from datetime import date

    from carecoord.config import sqlite_path
    from carecoord.services.backup import backup_folder_for, daily_backup

    path = sqlite_path(sqlite_db.url)
    assert path is not None
    some_activity(sqlite_db, physician_sqlite, searches=3)
    folder = backup_folder_for(path)
    made = daily_backup(path, folder, date(2026, 12, 7))
    assert made == folder / "carecoord-2026-12-07.sqlite3"
    written = sorted(p.name for p in folder.glob("*.audit-checkpoint.json"))
    assert len(written) == 1 and written[0].endswith("-5.audit-checkpoint.json")
    check = check_trail(sqlite_db, [folder])
    assert check.ok and [cp.last_id for cp in check.checkpoints] == [5]
    assert check.checkpoints[0].database == f"sqlite:{path.resolve()}"
    with by_hand(sqlite_db) as conn:
        conn.execute(text("UPDATE audit_events SET detail = 'x' WHERE id = 1"))
    rehash_from(sqlite_db, 1)
    assert verify_chain(sqlite_db).ok and not check_trail(sqlite_db, [folder]).ok


@pytest.fixture
def physician_sqlite(sqlite_db: Database, password_hash: str) -> Actor:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    return make_actor(sqlite_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
