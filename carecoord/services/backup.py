"""Backup and restore of the SQLite database, and the rotating daily backup at start-up.

Backups use SQLite's online backup API, which copies a consistent snapshot while other
connections keep reading and writing (WAL mode), and every copy is checked with
``PRAGMA integrity_check`` before it is given its final name. A restore checks a migrated
copy of the backup first (schema, integrity, audit chain), keeps the current database
aside until the restored one has opened, and puts it back if anything fails.

PostgreSQL databases are backed up with the server's own tools (``pg_dump``); see the
README section "Backups".
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from carecoord.config import redact_url, sqlite_path, user_data_dir
from carecoord.errors import CareCoordError
from carecoord.services.actor import Actor

log = logging.getLogger(__name__)

KEEP_DAILY = 14
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
POSTGRES_ADVICE = (
    "CareCoord's backup command copies a SQLite database. This database is on a PostgreSQL "
    "server: back it up with the server's tools, e.g. "
    "pg_dump --format=custom --file=carecoord.dump DBNAME (restore with pg_restore); "
    "see the README section 'Backups'."
)


class BackupError(CareCoordError):
    """A backup or restore could not be made safely; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    revision: str | None
    seconds: float


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, as checked before restoring it."""

    path: Path
    revision: str
    patients: int
    audit_records: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    kept_aside: Path | None
    revision_in_backup: str
    revision_now: str | None
    retired_checkpoints: list[Path] = field(default_factory=list)


def default_backup_folder() -> Path:
    """The ``backups`` folder beside the default database."""
    return user_data_dir() / "backups"


def backup_folder_for(database: Path) -> Path:
    """Where the daily backups (and audit checkpoints) of ``database`` go: the first of the
    settings files' ``backup.folders`` (IT's choice, e.g. another disk), else beside it."""
    from carecoord.config import configured_backup_folders

    configured = configured_backup_folders()
    if configured:
        return configured[0]
    return database.expanduser().resolve().parent / "backups"


def database_file(url: str) -> Path:
    """The SQLite file behind ``url``.

    Raises:
        BackupError: a PostgreSQL (or in-memory) database, which this module cannot copy.
    """
    if url.startswith("postgresql"):
        raise BackupError(POSTGRES_ADVICE)
    path = sqlite_path(url)
    if path is None:
        raise BackupError(f"{redact_url(url)} is not a SQLite file that can be backed up")
    return path


# ------------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def _integrity_problems(connection: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    pragma = "quick_check" if quick else "integrity_check"
    rows = [str(r[0]) for r in connection.execute(f"PRAGMA {pragma}").fetchall()]
    return [] if rows == ["ok"] else rows


def _fsync(path: Path) -> None:
    """Flush a file (or, where the platform allows, a folder entry) to disk."""
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:  # Windows cannot open folders; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _sidecars(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def _copy(source: Path, destination: Path, *, quick: bool = False) -> None:
    """A consistent copy of ``source`` as a standalone file (no WAL), integrity-checked
    (``quick``: SQLite's quick_check, which skips the index-content cross-check)."""
    with _connect(source) as src, _connect(destination) as dst:
        # One step (pages=-1): the whole copy is made from a single read snapshot, so
        # writers on other connections neither block it nor make it restart.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        problems = _integrity_problems(dst, quick=quick)
    if problems:
        raise BackupError(
            "The copy failed SQLite's integrity check, so the database itself may be "
            f"damaged: {'; '.join(problems[:5])}"
        )
    _fsync(destination)


def _revision_of(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


# ------------------------------------------------------------------------------- backup
def backup_file(
    source: Path, target: Path, *, overwrite: bool = False, quick: bool = False
) -> BackupResult:
    """Copy the SQLite database ``source`` to ``target`` while it may be in use.

    The copy is written beside ``target`` under a temporary name, integrity-checked and
    only then renamed into place, so ``target`` is never a half-written file.

    Raises:
        BackupError: no such database, ``target`` exists (without ``overwrite``) or is the
            database itself, the copy failed its integrity check, or the disk failed.
    """
    started = time.perf_counter()
    source = source.expanduser()
    target = target.expanduser()
    if not source.is_file():
        raise BackupError(f"There is no database at {source}")
    _refuse_live_files(source, target)
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        _remove_quietly(partial)
        partial.touch()  # an unwritable folder or medium fails here, with its own reason
        _copy(source, partial, quick=quick)
        with _connect(partial) as copy:
            revision = _revision_of(copy)
        os.replace(partial, target)
        _fsync(target.parent)
    except sqlite3.Error as exc:
        _remove_quietly(partial)
        raise BackupError(f"The backup failed: {_sqlite_problem(exc, source)}") from None
    except OSError as exc:
        _remove_quietly(partial)
        raise BackupError(f"Cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        _remove_quietly(partial)
        raise
    size = target.stat().st_size
    log.info("backup written: %s (%d bytes)", target, size)
    return BackupResult(target, size, revision, time.perf_counter() - started)


def _sqlite_problem(error: sqlite3.Error, path: Path) -> str:
    """SQLite's terse message in words a person acts on."""
    text = str(error)
    if "file is not a database" in text:
        return f"{path} is not a SQLite database (or is damaged)"
    if "malformed" in text:
        return f"{path} is damaged ({text}); restore an older backup"
    if "disk is full" in text or "disk full" in text:
        return f"the disk is full ({text})"
    return text


def _refuse_live_files(source: Path, target: Path) -> None:
    """Never write over the database or its write-ahead log, shared memory or journal
    (even with ``overwrite``): that loses committed data.

    Raises:
        BackupError: ``target`` is one of them (by name, link or the same file).
    """
    live = [source, *_sidecars(source), Path(f"{source}-journal")]
    resolved = target.resolve()
    for path in live:
        same = resolved == path.resolve()
        if not same and target.exists() and path.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(target, path)
        if same:
            raise BackupError(
                f"{target} is the live database or one of its working files; a backup must "
                "go to another file (nothing was written)"
            )


def backup_database(url: str, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Back up the database at ``url`` (SQLite only) to ``target``; see :func:`backup_file`.

    Raises:
        BackupError: a PostgreSQL URL (use pg_dump), or any reason of :func:`backup_file`.
    """
    return backup_file(database_file(url), target, overwrite=overwrite)


def daily_backup(
    db_path: Path, folder: Path, today: date, *, keep: int = KEEP_DAILY
) -> Path | None:
    """The first start of the day copies the database to ``folder`` and keeps ``keep`` copies.

    Call it at start-up off the GUI thread (a large database takes seconds to copy and
    check). Copies are named ``<database name>-YYYY-MM-DD.sqlite3``; only files of that
    pattern are ever deleted.

    Each new backup is followed by an audit checkpoint of the copy (see
    ``services.checkpoints``), written to the checkpoint folder of ``db_path``.

    Returns:
        The new backup, or None when today's backup exists already or there is no
        database yet.

    Raises:
        BackupError: the copy failed (e.g. its integrity check: the database may be damaged).
        CheckpointError: the backup was kept, but its audit trail failed its check.
    """
    if not db_path.is_file():
        return None
    target = folder / f"{db_path.stem}-{today.isoformat()}.sqlite3"
    if target.exists():
        return None
    quick = daily_check_kind(db_path, folder, today) == "quick"
    result = backup_file(db_path, target, quick=quick)
    prune_backups(db_path, folder, keep=keep)
    checkpoint_copy(result.path, db_path)
    return result.path


def checkpoint_copy(copy: Path, database: Path) -> Path | None:
    """Checkpoint the audit trail of ``copy``, a fresh backup of ``database``, on its behalf.

    Returns:
        The checkpoint file, or None when the copy's schema is not this version's (the app
        migrates after the day's backup; the next backup checkpoints it).

    Raises:
        CheckpointError: the copy's audit trail failed its check.
    """
    from carecoord.db import Database, current_revision, head_revision
    from carecoord.services.checkpoints import checkpoint_folder, write_checkpoint

    live = f"sqlite:///{database.expanduser().resolve()}"
    db = Database(f"sqlite:///{copy}", read_only=True)
    try:
        if current_revision(db.engine) != head_revision():
            return None
        return write_checkpoint(db, checkpoint_folder(live), identity_url=live).path
    finally:
        db.dispose()


def daily_check_kind(db_path: Path, folder: Path, today: date) -> str:
    """ "full" (``integrity_check``) for the first daily backup of an ISO week, else "quick"
    (``quick_check``, seconds faster on a large database): a full check at least weekly."""
    week = today.isocalendar()[:2]
    pattern = re.compile(rf"^{re.escape(db_path.stem)}-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite3$")
    for entry in folder.iterdir() if folder.is_dir() else ():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(match.group(1))
                if day != today and day.isocalendar()[:2] == week:
                    return "quick"
    return "full"


def prune_backups(db_path: Path, folder: Path, *, keep: int = KEEP_DAILY) -> list[Path]:
    """Delete all but the ``keep`` newest daily backups of ``db_path``; returns those deleted."""
    pattern = re.compile(rf"^{re.escape(db_path.stem)}-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite3$")
    dated = []
    for entry in folder.iterdir() if folder.is_dir() else ():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            dated.append((match.group(1), entry))
    dated.sort(reverse=True)
    removed = [entry for _, entry in dated[max(keep, 1) :]]
    for entry in removed:
        with contextlib.suppress(OSError):
            entry.unlink()
            log.info("old daily backup removed: %s", entry)
    return removed


# ------------------------------------------------------------------------------ restore
def check_backup(path: Path) -> BackupInfo:
    """Check that ``path`` is an intact CareCoord database this version can open.

    Raises:
        BackupError: not a SQLite file, damaged, not CareCoord's, or from a newer version.
    """
    from carecoord.db import alembic_config

    path = path.expanduser()
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}")
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database file")
    try:
        with _connect(path) as connection:
            connection.execute("PRAGMA query_only=ON")
            problems = _integrity_problems(connection)
            if problems:
                raise BackupError(
                    f"{path} failed SQLite's integrity check ({'; '.join(problems[:5])}); "
                    "choose an older backup"
                )
            revision = _revision_of(connection)
            if revision is None:
                raise BackupError(f"{path} is not a CareCoord database (no schema revision)")
            patients = _count(connection, "patients")
            audit_records = _count(connection, "audit_events")
    except sqlite3.Error as exc:
        raise BackupError(
            f"{path} is damaged or unreadable and failed the integrity check ({exc}); "
            "choose an older backup"
        ) from None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown or malformed ids
        known = False
    if not known:
        raise BackupError(
            f"{path} was made by a newer version of CareCoord (schema revision {revision}); "
            "install that version to restore it"
        )
    return BackupInfo(path, revision, patients, audit_records)


def _count(connection: sqlite3.Connection, table: str) -> int:
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def _take_offline(database: Path) -> None:
    """Fold the WAL into the file and leave WAL mode, which needs the only connection.

    Raises:
        BackupError: another connection (CareCoord still open) holds the database.
    """
    in_use = BackupError(
        f"{database} is in use. Close CareCoord on this computer (and any other program "
        "using the database), then restore again."
    )
    try:
        with _connect(database) as connection:
            connection.execute("PRAGMA busy_timeout=2000")
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError:
        raise in_use from None
    if mode is None or str(mode[0]).lower() != "delete":
        raise in_use


def restore_database(url: str, source: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace the SQLite database at ``url`` with the backup ``source``.

    Order of work: check the backup (integrity, schema revision not newer than this
    version's); copy it beside the database, migrate the copy to this version's schema and
    check it (every table and column, integrity, audit chain, checkpoints up to its newest
    record); only then set the current database aside as
    ``<name>.before-restore-YYYYMMDD-HHMMSS``, move the copy into place, check it again
    and set aside the checkpoints of records the restored trail no longer has. If any step
    after setting aside fails, the current database is put back. The set-aside file is
    kept (delete it when the restored data is confirmed).

    Raises:
        BackupError: the backup is unusable, the database is in use, or the restore failed
            (the previous database is back in place).
    """
    from carecoord.db import Database, current_revision

    database = database_file(url)
    info = check_backup(source)
    if database.exists() and database.resolve() == info.path.resolve():
        raise BackupError("The backup is the database itself")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = database.with_name(f".{database.name}.restore-{stamp}.part")
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    try:
        _remove_quietly(staged)
        _copy(info.path, staged)
    except (sqlite3.Error, OSError) as exc:
        _remove_quietly(staged)
        raise BackupError(f"The backup could not be copied: {exc}") from None
    except BaseException:
        _remove_quietly(staged)
        raise

    try:
        revision_staged, last_id = _prepare_staged(staged, url)
    except BaseException:
        _remove_quietly(staged, *_sidecars(staged))
        raise

    had_database = database.exists()
    try:
        if had_database:
            _take_offline(database)
            os.replace(database, aside)
            for sidecar in _sidecars(database):
                _remove_quietly(sidecar)
        os.replace(staged, database)
        _fsync(database.parent)
    except BaseException as exc:
        _remove_quietly(staged)
        if had_database and aside.exists() and not database.exists():
            os.replace(aside, database)
        if isinstance(exc, BackupError):
            raise
        if isinstance(exc, OSError):
            raise BackupError(f"The restore failed and nothing was changed: {exc}") from None
        raise

    try:
        restored = Database(url, migrate=False)
        try:
            revision_now = current_revision(restored.engine)
            if revision_now != revision_staged:
                raise BackupError(f"the restored database is at revision {revision_now}")
            from carecoord.services.checkpoints import checkpoint_folder, retire_checkpoints

            retired = retire_checkpoints(restored, checkpoint_folder(url), last_id, stamp)
        finally:
            restored.dispose()
        with _connect(database) as connection:
            problems = _integrity_problems(connection)
        if problems:
            raise BackupError(f"the restored database failed its check: {problems[:3]}")
    except BaseException as exc:
        _remove_quietly(database, *_sidecars(database))
        if had_database:
            os.replace(aside, database)
        log.error("restore from %s failed; previous database put back", info.path)
        if isinstance(exc, Exception):
            raise BackupError(
                f"The restore failed ({exc}); the previous database was put back unchanged."
            ) from exc
        raise
    log.info("database restored from %s; previous copy kept at %s", info.path, aside)
    return RestoreResult(
        restored_from=info.path,
        database=database,
        kept_aside=aside if had_database else None,
        revision_in_backup=info.revision,
        revision_now=revision_now,
        retired_checkpoints=retired,
    )


def _prepare_staged(staged: Path, url: str) -> tuple[str | None, int]:
    """Bring the staged copy to this version's schema and check it before it replaces
    anything: every table and column at head, SQLite's integrity check, the audit chain,
    and the chain against this database's checkpoints up to the copy's newest record.

    Returns:
        The staged copy's revision and the id of its newest audit record.

    Raises:
        BackupError: any check failed (the staged copy is left for the caller to remove).
    """
    from sqlalchemy import inspect

    from carecoord.db import Database, current_revision
    from carecoord.models import Base
    from carecoord.services.audit import verify_chain
    from carecoord.services.checkpoints import check_trail, checkpoint_folder, describe_failure

    try:
        db = Database(f"sqlite:///{staged}")  # migrates an older backup (the copy only)
    except Exception as exc:
        raise BackupError(
            f"The backup cannot be brought to this version's schema ({_first_line(exc)}); "
            "choose another backup. Nothing was changed."
        ) from None
    try:
        inspector = inspect(db.engine)
        present = set(inspector.get_table_names())
        missing = [t.name for t in Base.metadata.sorted_tables if t.name not in present]
        for table in Base.metadata.sorted_tables:
            if table.name in present:
                columns = {c["name"] for c in inspector.get_columns(table.name)}
                missing += [
                    f"{table.name}.{c.name}" for c in table.columns if c.name not in columns
                ]
        if missing:
            raise BackupError(
                f"The backup is not a complete CareCoord database (missing: "
                f"{', '.join(missing[:6])}); choose another backup. Nothing was changed."
            )
        plain = verify_chain(db)
        check = check_trail(db, [checkpoint_folder(url)], up_to=plain.last_id)
        if not check.ok:
            raise BackupError(
                f"The backup's audit trail failed its check ({describe_failure(check)}); "
                "choose another backup. Nothing was changed."
            )
        revision = current_revision(db.engine)
    except BackupError:
        raise
    except Exception as exc:
        raise BackupError(
            f"The backup could not be checked ({_first_line(exc)}); nothing was changed."
        ) from None
    finally:
        db.dispose()
    with _connect(staged) as connection:  # standalone again (no WAL) before it is moved
        connection.execute("PRAGMA journal_mode=DELETE")
    return revision, plain.last_id


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def audit_maintenance(url: str, actor: Actor, action: str, detail: str) -> bool:
    """Record a backup or restore in the database's own audit trail.

    Skipped (returns False) when the database's schema is not this version's newest, as
    before its first migration: the audit trail's chain columns may not exist yet.
    """
    from carecoord.db import Database, current_revision, head_revision
    from carecoord.services.unit_of_work import unit_of_work

    db = Database(url, migrate=False)
    try:
        if current_revision(db.engine) != head_revision():
            return False
        with unit_of_work(db, actor, write=True) as uow:
            uow.audit(action, "Database", detail=detail)
            uow.commit()
        return True
    finally:
        db.dispose()
