"""Backup (online, consistent, checked), restore (checked first, reversible), daily rotation."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database, alembic_config, create_db_engine, head_revision
from carecoord.models import Patient
from carecoord.services import backup, patients
from carecoord.services.actor import Actor
from carecoord.services.audit import verify_chain
from carecoord.services.backup import BackupError
from tests.conftest import make_actor
from tests.services.helpers import new_patient


@pytest.fixture
def doctor(sqlite_db: Database, password_hash: str) -> Actor:
    """A physician on the SQLite file (the ``physician`` fixture belongs to ``db``)."""
    return make_actor(sqlite_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")


def path_of(db: Database) -> Path:
    return Path(db.url.split("///", 1)[1])


def patient_count(url: str) -> int:
    db = Database(url, migrate=False)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Patient)) or 0)
    finally:
        db.dispose()


def integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


def test_backup_is_a_checked_standalone_copy(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    target = tmp_path / "copies" / "backup.sqlite3"
    result = backup.backup_database(sqlite_db.url, target)
    assert result.path == target and result.revision == head_revision()
    assert integrity(target) == [("ok",)]
    assert not Path(f"{target}-wal").exists()
    assert [p.name for p in target.parent.iterdir()] == ["backup.sqlite3"]
    assert patient_count(f"sqlite:///{target}") == 1
    with pytest.raises(BackupError, match="exists already"):
        backup.backup_database(sqlite_db.url, target)
    backup.backup_database(sqlite_db.url, target, overwrite=True)


def test_backup_while_the_app_writes_is_consistent(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    """An open, uncommitted write transaction and a busy writer thread: the copy holds
    exactly what was committed when it started, and checks out."""
    new_patient(sqlite_db, doctor)
    holder = sqlite3.connect(path_of(sqlite_db), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE patients SET notes = 'uncommitted'")
    try:
        during_write = backup.backup_database(sqlite_db.url, tmp_path / "open.sqlite3")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    copy = Database(f"sqlite:///{during_write.path}", migrate=False)
    with copy.session() as session:
        assert session.scalar(select(Patient.notes)) is None
    copy.dispose()

    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            patients.search_patients(sqlite_db, doctor, "zo")  # an audited write each
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 5:
            stop.wait(0.01)
        busy = backup.backup_database(sqlite_db.url, tmp_path / "busy.sqlite3")
    finally:
        stop.set()
        thread.join(30)
    assert integrity(busy.path) == [("ok",)]
    copy = Database(f"sqlite:///{busy.path}", migrate=False)
    assert verify_chain(copy).ok  # a consistent snapshot: the chain head matches its records
    copy.dispose()


def test_postgres_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        backup.backup_database("postgresql+psycopg://u@h/db", tmp_path / "x.sqlite3")
    with pytest.raises(BackupError, match="pg_dump"):
        backup.restore_database("postgresql+psycopg://u@h/db", tmp_path / "x.sqlite3")


def test_restore_round_trip_keeps_the_previous_database_aside(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    saved = backup.backup_database(sqlite_db.url, tmp_path / "monday.sqlite3").path
    new_patient(sqlite_db, doctor, family="Later", given="Added")
    sqlite_db.dispose()
    result = backup.restore_database(sqlite_db.url, saved, now=datetime(2026, 12, 7, 8, 30))
    assert result.kept_aside == path_of(sqlite_db).with_name(
        "carecoord.sqlite3.before-restore-20261207-083000"
    )
    assert patient_count(sqlite_db.url) == 1
    assert patient_count(f"sqlite:///{result.kept_aside}") == 2
    assert result.revision_now == head_revision()
    assert integrity(path_of(sqlite_db)) == [("ok",)]
    restored = Database(sqlite_db.url)
    assert verify_chain(restored).ok
    restored.dispose()
    leftovers = [p.name for p in path_of(sqlite_db).parent.iterdir() if p.name.endswith(".part")]
    assert leftovers == []


def _damaged_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    for offset in range(4096, len(data), 4096):  # scribble over every later page's header
        data[offset : offset + 8] = b"\xff" * 8
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("problem", ["missing", "not sqlite", "damaged", "newer", "foreign"])
def test_restore_checks_the_backup_first_and_changes_nothing(
    sqlite_db: Database, doctor: Actor, tmp_path: Path, problem: str
) -> None:
    new_patient(sqlite_db, doctor)
    good = backup.backup_database(sqlite_db.url, tmp_path / "good.sqlite3").path
    candidate = tmp_path / "candidate.sqlite3"
    if problem == "not sqlite":
        candidate.write_text("hello")
    elif problem == "damaged":
        _damaged_copy(good, candidate)
    elif problem == "newer":
        candidate.write_bytes(good.read_bytes())
        with sqlite3.connect(candidate) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
    elif problem == "foreign":
        with sqlite3.connect(candidate) as connection:
            connection.execute("CREATE TABLE t (x)")
    sqlite_db.dispose()
    before = path_of(sqlite_db).read_bytes()
    with pytest.raises(BackupError) as error:
        backup.restore_database(sqlite_db.url, candidate)
    expected = {
        "missing": "no backup file",
        "not sqlite": "not a SQLite database",
        "damaged": "integrity check",
        "newer": "newer version",
        "foreign": "not a CareCoord database",
    }[problem]
    assert expected in str(error.value)
    assert path_of(sqlite_db).read_bytes() == before
    assert not any("before-restore" in p.name for p in path_of(sqlite_db).parent.iterdir())


def test_a_failed_restore_puts_the_database_back(
    sqlite_db: Database, doctor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_patient(sqlite_db, doctor)
    saved = backup.backup_database(sqlite_db.url, tmp_path / "b.sqlite3").path
    # A backup that needs migrating: taken back to revision 0010 for real (a stamp alone
    # would leave the later revisions' tables in place for the migration to trip over).
    older = create_db_engine(f"sqlite:///{saved}")
    with older.begin() as connection:
        command.downgrade(alembic_config(connection), "0010")
    older.dispose()
    new_patient(sqlite_db, doctor, family="Kept", given="Safe")
    sqlite_db.dispose()

    def broken_upgrade(engine: object) -> None:
        raise RuntimeError("disk full while migrating")

    monkeypatch.setattr("carecoord.db.upgrade_to_head", broken_upgrade)
    # The copy is migrated and checked before anything is replaced.
    with pytest.raises(BackupError, match="Nothing was changed"):
        backup.restore_database(sqlite_db.url, saved)
    monkeypatch.undo()
    assert patient_count(sqlite_db.url) == 2
    names = [p.name for p in path_of(sqlite_db).parent.iterdir()]
    assert not any("before-restore" in n or n.endswith(".part") for n in names)

    def broken_after_replacing(*args: object) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("carecoord.services.checkpoints.retire_checkpoints", broken_after_replacing)
    with pytest.raises(BackupError, match="put back"):
        backup.restore_database(sqlite_db.url, saved)
    monkeypatch.undo()
    assert patient_count(sqlite_db.url) == 2
    names = [p.name for p in path_of(sqlite_db).parent.iterdir()]
    assert not any("before-restore" in n or n.endswith(".part") for n in names)


def test_restore_refuses_while_the_database_is_open(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    saved = backup.backup_database(sqlite_db.url, tmp_path / "b.sqlite3").path
    with sqlite_db.session() as session:  # CareCoord still has the database open
        session.execute(text("SELECT 1"))
        with pytest.raises(BackupError, match="in use"):
            backup.restore_database(sqlite_db.url, saved)
    assert patient_count(sqlite_db.url) == 1


def test_an_older_backup_is_migrated_on_restore(tmp_path: Path) -> None:
    from alembic import command

    from carecoord.db import alembic_config, create_db_engine

    old = tmp_path / "old.sqlite3"
    engine = create_db_engine(f"sqlite:///{old}")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002")
        connection.execute(
            text(
                "INSERT INTO audit_events (id, at, username, action, entity, data_category) "
                "VALUES (1, '2026-01-05 10:00:00.000000', 'drlee', 'read', 'Patient', "
                "'general'), (3, '2026-01-05 10:01:00.000000', 'drlee', 'search', "
                "'Patient', 'general')"
            )
        )
    engine.dispose()
    target = tmp_path / "live" / "carecoord.sqlite3"
    result = backup.restore_database(f"sqlite:///{target}", old)
    assert result.revision_in_backup == "0002" and result.revision_now == head_revision()
    assert result.kept_aside is None
    db = Database(f"sqlite:///{target}")
    outcome = verify_chain(db)
    assert outcome.ok and outcome.checked == 2  # the id gap predates the chain
    db.dispose()


def test_daily_backup_once_a_day_keeping_fourteen(
    sqlite_db: Database, doctor: Actor, tmp_path: Path
) -> None:
    new_patient(sqlite_db, doctor)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    (folder / "carecoord-2020-01-01.sqlite3.keep").write_text("not matched either")
    start = date(2026, 11, 1)
    for day in range(20):
        made = backup.daily_backup(path_of(sqlite_db), folder, start + timedelta(days=day))
        assert made == folder / f"carecoord-{(start + timedelta(days=day)).isoformat()}.sqlite3"
        assert backup.daily_backup(path_of(sqlite_db), folder, start + timedelta(days=day)) is None
    kept = sorted(p.name for p in folder.glob("carecoord-*.sqlite3"))
    assert len(kept) == 14
    assert kept[0] == f"carecoord-{(start + timedelta(days=6)).isoformat()}.sqlite3"
    assert (folder / "notes.txt").exists()
    assert (folder / "carecoord-2020-01-01.sqlite3.keep").exists()
    assert integrity(folder / kept[-1]) == [("ok",)]
    assert backup.daily_backup(tmp_path / "none.sqlite3", folder, start) is None


def test_daily_backup_checks_fully_once_a_week_and_quickly_otherwise(
    sqlite_db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    db_path = path_of(sqlite_db)
    monday = date(2026, 11, 2)
    assert backup.daily_check_kind(db_path, folder, monday) == "full"
    backup.daily_backup(db_path, folder, monday)
    for offset in range(1, 7):  # Tuesday to Sunday of the same week
        assert backup.daily_check_kind(db_path, folder, monday + timedelta(days=offset)) == "quick"
    assert backup.daily_check_kind(db_path, folder, date(2026, 11, 9)) == "full"
    assert backup.daily_check_kind(db_path, folder, date(2026, 11, 1)) == "full"
