"""Engine and session factory, SQLite pragmas, and migrate-to-head when a database opens."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from carecoord.config import check_location, redact_url, sqlite_path
from carecoord.errors import ConflictError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000

# The newest migration shipped (tests check it equals Alembic's head): a database already
# stamped with it opens without importing Alembic or reading the migration scripts.
HEAD_REVISION = "0010"


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


def _sqlite_begin(conn: Any) -> None:
    # pysqlite defers BEGIN until the first write, which lets two writers read-then-write
    # past each other. Writers say BEGIN IMMEDIATE: they queue for the write lock (honouring
    # busy_timeout) before reading, so a read-check-write is never interleaved; readers
    # keep plain BEGIN and never wait for a writer under WAL.
    mode = "IMMEDIATE" if conn.get_execution_options().get("carecoord_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with CareCoord's connection settings.

    Raises:
        ConfigurationError: unsupported URL or a SQLite file on a network share.
    """
    check_location(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        if path is None:
            from sqlalchemy.pool import StaticPool

            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        engine = create_engine(url, echo=echo, **kwargs)
        # Let SQLAlchemy, not the driver, manage transactions (see _sqlite_begin).
        event.listen(engine, "connect", _disable_driver_transactions)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


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


class Database:
    """One per application: the engine, the session factory, the URL people see."""

    def __init__(self, url: str, *, migrate: bool = True, echo: bool = False) -> None:
        self.url = url
        self.engine = create_db_engine(url, echo=echo)
        self.sessions = sessionmaker(self.engine, class_=CareCoordSession, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(carecoord_write=True),
            class_=CareCoordSession,
            expire_on_commit=False,
        )
        if migrate and not schema_is_current(self.engine):
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
    """Bring the schema to the newest revision, in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        cfg = alembic_config(connection)
        command.upgrade(cfg, "head")


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
