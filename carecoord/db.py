"""Engine and session factory, SQLite pragmas, and migrate-to-head when a database opens."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from carecoord.config import check_location, redact_url, sqlite_path
from carecoord.errors import ConfigurationError, ConflictError, TemporaryFailure
from carecoord.schema_revision import HEAD_REVISION

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Safety first: enforce foreign keys, WAL for readers beside a writer, fsync on commit."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


SINGLE_STATEMENT_READS = "carecoord_single_statement_reads"
"""Execution option for a connection that only reads, one statement at a time (a search
keystroke): on SQLite it sends no BEGIN and its return to the pool no real ROLLBACK."""


def _sqlite_begin(conn: Any) -> None:
    # pysqlite defers BEGIN until the first write, which lets two writers read-then-write
    # past each other. Writers say BEGIN IMMEDIATE: they queue for the write lock (honouring
    # busy_timeout) before reading, so a read-check-write is never interleaved; readers
    # keep plain BEGIN and never wait for a writer under WAL.
    options = conn.get_execution_options()
    if options.get(SINGLE_STATEMENT_READS):
        return  # each SELECT is its own read transaction, as on PostgreSQL in autocommit
    mode = "IMMEDIATE" if options.get("carecoord_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    """Read-only opens leave the journal mode alone (a read-only medium cannot switch to WAL)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _on_read_only_medium(path: Path) -> bool:
    """A file on a read-only file system with no pending write-ahead log: SQLite can read
    it only as immutable (it cannot create the -shm file a WAL database needs)."""
    import os

    try:
        read_only = bool(os.statvfs(path.resolve().parent).f_flag & os.ST_RDONLY)
        wal = Path(f"{path}-wal")
        return read_only and (not wal.exists() or wal.stat().st_size == 0)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return False


def create_db_engine(url: str, *, echo: bool = False, read_only: bool = False) -> Engine:
    """An engine for ``url`` with CareCoord's connection settings.

    ``read_only`` opens without creating, migrating or writing anything: a SQLite file is
    opened with ``mode=ro`` (a missing file is an error, not a new database) and keeps its
    journal mode; PostgreSQL sessions are READ ONLY. SQL parameters never appear in error
    messages: they can hold patient data, and errors are logged.

    Raises:
        ConfigurationError: unsupported URL or a SQLite file on a network share.
    """
    check_location(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None and path.is_dir():
            raise ConfigurationError(f"cannot open {path}: it is a folder, not a database file")
        kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        if path is None:
            from sqlalchemy.pool import StaticPool

            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        elif read_only:
            from urllib.parse import quote

            flags = "mode=ro&immutable=1" if _on_read_only_medium(path) else "mode=ro"
            url = f"sqlite:///file:{quote(str(path.resolve()))}?{flags}&uri=true"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True, **kwargs)
        # Let SQLAlchemy, not the driver, manage transactions (see _sqlite_begin).
        event.listen(engine, "connect", _disable_driver_transactions)
        event.listen(engine, "connect", _sqlite_read_only if read_only else _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A server that drops packets must not leave the app waiting for minutes.
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
    engine = create_engine(
        url, echo=echo, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args
    )
    if read_only:
        event.listen(engine, "connect", _postgres_read_only)
    return engine


def _disable_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


class CareCoordSession(Session):
    """A Session on which a version clash becomes a ConflictError naming who saved first.

    Optimistic locking puts ``WHERE version = :read_version`` on every UPDATE and DELETE
    of a versioned row. When another workstation committed in between (PostgreSQL lets a
    transaction read before the other commits), SQLAlchemy raises StaleDataError from
    whichever flush meets it, explicit or inside ``commit()``; here it becomes the
    ConflictError the UI offers to reload, instead of an unexpected error.
    """

    _committing = False

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        """As Session.get; an integer id no INTEGER column can hold finds nothing (instead
        of an out-of-range error from the driver)."""
        if isinstance(ident, int) and not -(2**31) <= ident < 2**31:
            return None
        return super().get(entity, ident, **kwargs)

    def _watched(self) -> list[tuple[type, Any, int]]:
        return [
            (type(row), row.id, row.version)
            for row in (*self.dirty, *self.deleted)
            if isinstance(getattr(row, "version", None), int)
        ]

    def flush(self, objects: Any = None) -> None:
        if self._committing:  # commit() below handles it once the transaction is over
            super().flush(objects)
            return
        watched = self._watched()
        try:
            super().flush(objects)
        except StaleDataError:
            self.rollback()
            raise self._conflict(watched) from None

    def commit(self) -> None:
        watched = self._watched()
        self._committing = True
        try:
            super().commit()
        except StaleDataError:
            self.rollback()
            raise self._conflict(watched) from None
        finally:
            self._committing = False

    def _conflict(self, watched: list[tuple[type, Any, int]]) -> ConflictError:
        for model, row_id, version in watched:
            fresh = self.get(model, row_id, populate_existing=True)
            if fresh is None or fresh.version != version:
                return ConflictError(
                    _entity_name(model),
                    row_id,
                    getattr(fresh, "updated_by", None),
                    getattr(fresh, "updated_at", None),
                )
        return ConflictError("Record", None, None, None)


def _entity_name(model: type) -> str:
    """``TeamMember`` -> "Team member" (the words ConflictError messages use)."""
    words = re.findall(r"[A-Z][a-z0-9]*", model.__name__) or [model.__name__]
    return " ".join([words[0], *(w.lower() for w in words[1:])])


BUSY_MARKERS = (
    "database is locked",  # SQLite: another writer held the lock past the busy timeout
    "database table is locked",
    "lock timeout",  # PostgreSQL lock_timeout / statement_timeout on a lock
    "could not obtain lock",
    "deadlock detected",
    "could not serialize access",
)
FULL_MARKERS = (
    "database or disk is full",  # SQLITE_FULL
    "disk i/o error",
    "no space left on device",  # PostgreSQL "could not extend file …"
    "could not extend file",
    "disk full",
)


def temporary_failure(error: OperationalError) -> TemporaryFailure | None:
    """The message a person can act on for a busy or full database (None: something else).

    Nothing was saved (the transaction rolled back), so the same action may be retried.
    """
    text = str(error.orig if error.orig is not None else error).lower()
    if any(marker in text for marker in BUSY_MARKERS):
        return TemporaryFailure(
            "The database is busy with another workstation's work, so this was not saved. "
            "Try again in a moment."
        )
    if any(marker in text for marker in FULL_MARKERS):
        return TemporaryFailure(
            "The disk that holds the database is full (or failed), so this was not saved. "
            "Free some space (or ask IT), then try again."
        )
    return None


class Database:
    """One per application: the engine, the session factory, the URL people see."""

    def __init__(
        self, url: str, *, migrate: bool = True, echo: bool = False, read_only: bool = False
    ) -> None:
        """Open ``url``; ``read_only`` (which never migrates) is for commands that only look."""
        self.url = url
        self.read_only = read_only
        self.engine = create_db_engine(url, echo=echo, read_only=read_only)
        self.sessions = sessionmaker(self.engine, class_=CareCoordSession, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(carecoord_write=True),
            class_=CareCoordSession,
            expire_on_commit=False,
        )
        if migrate and not read_only and not schema_is_current(self.engine):
            upgrade_to_head(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def display_url(self) -> str:
        return redact_url(self.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A short unit of work: commits only if the block calls ``commit()``, else rolls back.

        Args:
            write: the block will change data; on SQLite it takes the write lock up front.
        """
        session = (self.write_sessions if write else self.sessions)()
        try:
            yield session
        except OperationalError as error:
            problem = temporary_failure(error)
            if problem is None:
                raise
            raise problem from error
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(connection: Any = None) -> Any:
    """An Alembic Config pointing at the bundled migrations (no alembic.ini needed)."""
    from alembic.config import Config

    from carecoord.paths import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction.

    Raises:
        ConfigurationError: the database was migrated by a newer CareCoord.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.util import CommandError

    with engine.begin() as connection:
        cfg = alembic_config(connection)
        try:
            command.upgrade(cfg, "head")
        except CommandError:
            revision = MigrationContext.configure(connection).get_current_revision()
            if revision is not None and not revision_known(revision):
                raise ConfigurationError(newer_schema_message(revision)) from None
            raise


def revision_known(revision: str) -> bool:
    """Whether this version of CareCoord ships ``revision`` (False: a newer CareCoord's)."""
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown or malformed ids
        return False


def newer_schema_message(revision: str) -> str:
    """One sentence for a database a newer CareCoord migrated: both versions, what to do."""
    from carecoord import __version__

    return (
        f"this CareCoord ({__version__}, schema revision {HEAD_REVISION}) is older than the "
        f"database, whose schema revision {revision} was written by a newer version; install "
        "that version (or newer) on this workstation"
    )


class SchemaMismatch(ConfigurationError):
    """The database's schema is not the one this CareCoord can open (and it may not fix it)."""


class DatabaseUnreachable(ConfigurationError):
    """The database server could not be reached; the message names it and the reason."""


# Connection failures from psycopg (the first line of the driver's message).
UNREACHABLE_MARKERS = (
    "connection failed",
    "connection to server",
    "could not connect",
    "could not translate host name",
    "name or service not known",
    "connection refused",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "server closed the connection",
)


def unreachable(error: BaseException, where: str) -> DatabaseUnreachable | None:
    """``error`` as the one-line "cannot reach the server" a person sees (None: not that)."""
    from sqlalchemy.exc import OperationalError as SAOperationalError

    if not isinstance(error, SAOperationalError):
        return None
    original = error.orig if error.orig is not None else error
    reason = next((line.strip() for line in str(original).splitlines() if line.strip()), "")
    if not any(marker in reason.lower() for marker in UNREACHABLE_MARKERS):
        return None
    return DatabaseUnreachable(
        f"cannot connect to the database server of {where} ({reason}); check that the server "
        "is running and that this computer's network reaches it, then try again"
    )


def stamped_revision(engine: Engine, where: str) -> str | None:
    """The revision in ``alembic_version`` (None: no CareCoord schema yet), in one query.

    Raises:
        DatabaseUnreachable: the server cannot be reached.
        SchemaMismatch: the workstation's role may not read the CareCoord tables.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        connection = engine.connect()
    except OperationalError as error:
        problem = unreachable(error, where)
        if problem is not None:
            raise problem from None
        raise
    with connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError as error:
            sqlstate = getattr(error.orig, "sqlstate", None)
            message = str(error.orig).lower()
            if "no such table" in message:
                return None
            if sqlstate == "42P01":
                connection.rollback()
                if not _schema_hidden_from_role(connection):
                    return None
                sqlstate = "42501"  # the tables exist, but the role may not see the schema
            if sqlstate == "42501":
                user = engine.url.username or "this role"
                raise SchemaMismatch(
                    f"the PostgreSQL role {user} may not read the CareCoord tables in {where}; "
                    f"the database owner runs 'carecoord db grant {user}'"
                ) from None
            raise
    return str(rows[0][0]) if rows else None


def _schema_hidden_from_role(connection: Any) -> bool:
    """PostgreSQL: an ``alembic_version`` exists in the search path, in a schema this role
    has no USAGE on (it then looks missing, though the role only lacks its grants)."""
    from sqlalchemy import text

    hidden = connection.execute(
        text(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'alembic_version' AND NOT has_schema_privilege(n.oid, 'USAGE') "
            "AND n.nspname = ANY(string_to_array("
            "replace(replace(current_setting('search_path'), '\"', ''), ' ', ''), ','))"
        )
    ).first()
    return hidden is not None


def check_schema(engine: Engine, where: str) -> bool:
    """Whether the schema is this version's, for a workstation opening ``where``.

    Returns False only for a SQLite file behind (or empty), which the workstation then
    migrates itself. A shared PostgreSQL server is never migrated from a workstation:
    only ``carecoord db upgrade``, run by the tables' owner, does that.

    Raises:
        SchemaMismatch: a newer schema (either database), or an older or empty one on
            PostgreSQL, in one sentence naming both versions and what to do.
        DatabaseUnreachable: the server cannot be reached.
    """
    from carecoord import __version__

    revision = stamped_revision(engine, where)
    if revision == HEAD_REVISION:
        return True
    if revision is not None and not revision_known(revision):
        raise SchemaMismatch(f"{where}: {newer_schema_message(revision)}")
    if engine.dialect.name == "sqlite":
        return False
    if revision is None:
        raise SchemaMismatch(
            f"{where} holds no CareCoord schema yet (this CareCoord {__version__} needs schema "
            f"revision {HEAD_REVISION}); the database owner runs 'carecoord db upgrade' once, "
            "then 'carecoord db grant ROLE' for the workstations' role"
        )
    raise SchemaMismatch(
        f"{where} has schema revision {revision}, older than this CareCoord {__version__} "
        f"(which needs revision {HEAD_REVISION}); the database owner runs 'carecoord db "
        "upgrade' with this version, then every workstation can start"
    )


def open_database(url: str, where: str) -> Database:
    """Open ``url`` as a workstation does: a SQLite file is brought to this version's schema,
    a PostgreSQL server only checked (see check_schema).

    Raises:
        SchemaMismatch, DatabaseUnreachable: see check_schema.
    """
    db = Database(url, migrate=False)
    try:
        if not check_schema(db.engine, where):
            upgrade_to_head(db.engine)
    except BaseException:
        db.dispose()
        raise
    return db


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is stamped with HEAD_REVISION (one query, no Alembic import)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no alembic_version table yet: an empty database
        return False
    return [row[0] for row in stamped] == [HEAD_REVISION]


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database, or None when it is empty."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of CareCoord."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def throwaway_engine() -> Engine:
    """An in-memory SQLite engine without pooling surprises (for scripts and tests)."""
    return create_engine("sqlite://", poolclass=NullPool)


# ------------------------------------------------------------- for the command line
DatabaseError = SQLAlchemyError
"""Any error of the database layer; the command line and the UI catch it by this name and
never import the database library themselves."""


def database_error_text(error: BaseException) -> str | None:
    """The first line of the driver's own words when ``error`` came from the database
    driver (a DBAPIError), else None."""
    if not isinstance(error, DBAPIError):
        return None
    cause: BaseException = error.orig if error.orig is not None else error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def table_names(engine: Engine) -> list[str]:
    """The tables in the database (or schema) ``engine`` points at."""
    return list(inspect(engine).get_table_names())
