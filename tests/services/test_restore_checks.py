"""Restore checks a backup's schema, integrity and audit chain before replacing anything;
backups never write over the live database's files; checkpoints follow a restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database, head_revision
from carecoord.services import backup, patients
from carecoord.services.actor import Actor
from carecoord.services.backup import BackupError
from carecoord.services.checkpoints import check_trail, checkpoint_folder, write_checkpoint
from tests.conftest import make_actor
from tests.services.helpers import new_patient
from tests.services.test_backup import path_of, patient_count


@pytest.fixture
def doctor(sqlite_db: Database, password_hash: str) -> Actor:
    return make_actor(sqlite_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")


def _untouched(db: Database, before: bytes) -> None:
    assert path_of(db).read_bytes() == before
    assert not any("before-restore" in p.name for p in path_of(db).parent.iterdir())


def test_a_file_holding_only_alembic_version_is_refused(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    hollow = tmp_path / "hollow.sqlite3"
    with sqlite3.connect(hollow) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (head_revision(),))
    sqlite_db.dispose()
    before = path_of(sqlite_db).read_bytes()
    with pytest.raises(BackupError, match=r"not a complete CareCoord database \(missing: "):
        backup.restore_database(sqlite_db.url, hollow)
    _untouched(sqlite_db, before)
    assert patient_count(sqlite_db.url) == 1  # the clinic still opens


def test_a_backup_with_a_broken_audit_chain_is_refused(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    patients.search_patients(sqlite_db, doctor, "zo")
    saved = backup.backup_database(sqlite_db.url, tmp_path / "b.sqlite3").path
    with sqlite3.connect(saved) as connection:
        connection.execute("UPDATE audit_events SET detail = 'nothing happened' WHERE id = 1")
    sqlite_db.dispose()
    before = path_of(sqlite_db).read_bytes()
    with pytest.raises(BackupError, match=r"audit trail failed its check \(record 1 was altered"):
        backup.restore_database(sqlite_db.url, saved)
    _untouched(sqlite_db, before)


def test_a_backup_rewritten_against_a_checkpoint_is_refused(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    patients.search_patients(sqlite_db, doctor, "zo")
    write_checkpoint(sqlite_db, checkpoint_folder(sqlite_db.url))
    saved = backup.backup_database(sqlite_db.url, tmp_path / "b.sqlite3").path
    with sqlite3.connect(saved) as connection:  # the forger empties the backup's trail
        connection.execute("DELETE FROM audit_events")
        connection.execute("DELETE FROM audit_chain_head")
    sqlite_db.dispose()
    with pytest.raises(BackupError, match="audit trail failed its check"):
        backup.restore_database(sqlite_db.url, saved)


def test_backup_refuses_the_database_and_its_working_files_even_with_force(
    sqlite_db: Database, doctor: Actor
) -> None:
    new_patient(sqlite_db, doctor)
    live = path_of(sqlite_db)
    assert Path(f"{live}-wal").exists()
    before = Path(f"{live}-wal").read_bytes()
    for target in (live, Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")):
        with pytest.raises(BackupError, match="live database or one of its working files"):
            backup.backup_database(sqlite_db.url, target, overwrite=True)
    link = live.parent / "alias.sqlite3"
    link.symlink_to(live)
    with pytest.raises(BackupError, match="live database"):
        backup.backup_database(sqlite_db.url, link, overwrite=True)
    assert Path(f"{live}-wal").read_bytes() == before
    assert patient_count(sqlite_db.url) == 1


def test_restore_sets_aside_checkpoints_of_records_the_backup_does_not_have(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    saved = backup.backup_database(sqlite_db.url, tmp_path / "b.sqlite3").path
    folder = checkpoint_folder(sqlite_db.url)
    early = write_checkpoint(sqlite_db, folder)  # record 1: the backup has it
    for typed in ("a", "b", "c"):
        patients.search_patients(sqlite_db, doctor, typed)
    late = write_checkpoint(sqlite_db, folder)  # record 4: lost by the restore
    sqlite_db.dispose()
    result = backup.restore_database(sqlite_db.url, saved)
    assert len(result.retired_checkpoints) == 1
    assert result.retired_checkpoints[0].name.startswith(f"{late.path.name}.retired-by-restore-")
    assert early.path.exists() and not late.path.exists()
    restored = Database(sqlite_db.url, migrate=False)
    patients.search_patients(restored, doctor, "after the restore")
    check = check_trail(restored, [folder])
    assert check.ok and [cp.last_id for cp in check.checkpoints] == [1]
    with restored.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 2
    restored.dispose()
