"""Shared fixtures: a migrated database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from platformdirs import user_config_path, user_data_path, user_log_path
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.models import Base
from carecoord.services.actor import Actor
from tests.memory_keyring import MemoryKeyring

pytest_plugins = ["tests.hang_watchdog"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# (CareCoord looks its folders up when asked, not on import, so the order above is safe.)
# Where the person running the tests keeps CareCoord's files, looked up (never created)
# before the redirection below; tests/core/test_isolation.py checks they stay untouched.
# pytest-xdist's workers start with the redirected environment of the process that started
# them, so the first process hands its look-up down through REAL_FOLDERS_ENV.
REAL_FOLDERS_ENV = "CARECOORD_TESTS_REAL_FOLDERS"
if REAL_FOLDERS_ENV not in os.environ:
    os.environ[REAL_FOLDERS_ENV] = os.pathsep.join(
        str(path)
        for path in (
            user_log_path("CareCoord", "CareCoord", ensure_exists=False) / "carecoord.log",
            user_data_path("CareCoord", "CareCoord", ensure_exists=False),
            user_config_path("CareCoord", "CareCoord", ensure_exists=False),
        )
    )
REAL_LOG_FILE, REAL_DATA_DIR, REAL_CONFIG_DIR = (
    Path(part) for part in os.environ[REAL_FOLDERS_ENV].split(os.pathsep)
)

# Every per-user folder (log file, default and demo databases, their backups, QSettings,
# the checkpoint key) points into one throwaway folder for the whole run: set before
# CareCoord, platformdirs or Qt look anything up, removed when the run ends.
SANDBOX = Path(tempfile.mkdtemp(prefix="carecoord-tests-"))
for _variable, _folder in (
    ("HOME", "home"),  # macOS ~/Library, Qt's fallbacks
    ("XDG_DATA_HOME", "data"),  # Linux: databases and backups
    ("XDG_STATE_HOME", "state"),  # Linux: the log file
    ("XDG_CONFIG_HOME", "config"),  # Linux: QSettings, the checkpoint key
    ("XDG_CACHE_HOME", "cache"),
    ("APPDATA", "appdata"),  # Windows
    ("LOCALAPPDATA", "localappdata"),
):
    (SANDBOX / _folder).mkdir()
    os.environ[_variable] = str(SANDBOX / _folder)
# The machine-wide settings file (/etc/carecoord/carecoord.toml on Linux) of the computer
# running the tests must not change them: a path in the sandbox, absent unless a test writes it.
os.environ["CARECOORD_MACHINE_CONFIG"] = str(SANDBOX / "machine" / "carecoord.toml")

PG_ENV = "CARECOORD_TEST_DATABASE_URL"
PG_SKIP_REASON = f"PostgreSQL tests need {PG_ENV} (set by .ci/run); none given"


def pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# The schemas this test process made, dropped when it ends (pytest_unconfigure).
_SCHEMAS_MADE: set[str] = set()


def process_schema(name: str) -> str:
    """``name`` made unique to this test process: parallel workers (pytest-xdist) share the
    PostgreSQL database, and two of them must never drop each other's schema."""
    return f"{name}_{os.getpid()}"


def pg_schema_url(schema: str) -> str:
    """A URL whose connections use their own schema, so test areas never collide."""
    base = pg_base_url()
    assert base is not None
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    _SCHEMAS_MADE.add(schema)
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def drop_pg_schemas(schemas: set[str]) -> None:
    """Drop the schemas named (those already gone are fine)."""
    base = pg_base_url()
    if base is None or not schemas:
        return
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for schema in sorted(schemas):
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(autouse=True)
def _checkpoint_key_outside_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit checkpoints' MAC key in a test folder, never in the tester's configuration."""
    key = tmp_path_factory.getbasetemp() / "checkpoint-key" / "audit-checkpoint.key"
    monkeypatch.setenv("CARECOORD_CHECKPOINT_KEY", str(key))


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test's keyring is an empty in-memory one, never the tester's OS keyring.

    The OS backend is never even looked up (that may probe D-Bus); the next test sets a
    fresh backend, so none is restored."""
    import keyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if pg_base_url() is None:
        pytest.skip(PG_SKIP_REASON)
    schema = process_schema("carecoord_test")
    url = pg_schema_url(schema)
    db = Database(url)
    db.dispose()
    yield url
    drop_pg_schemas({schema})


def _truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        # The audit tables refuse TRUNCATE (migration 0005); the test owner bypasses it.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A freshly migrated, empty database: each test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "carecoord.sqlite3"
        shutil.copyfile(sqlite_template, target)
        database = Database(f"sqlite:///{target}")
    else:
        url = request.getfixturevalue("pg_url")
        database = Database(url, migrate=False)
        _truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only, for tests of SQLite-specific behaviour."""
    target = tmp_path / "carecoord.sqlite3"
    shutil.copyfile(sqlite_template, target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real argon2id hash for every test account (hashing is deliberately slow)."""
    from carecoord.services.users import hash_password

    return hash_password("correct horse battery")


def make_actor(db: Database, password_hash: str, username: str, role: UserRole, name: str) -> Actor:
    """A real account row (audit events reference it) and the Actor services take."""
    from carecoord.models import User

    with db.session(write=True) as session:
        user = User(username=username, full_name=name, password_hash=password_hash, role=role)
        session.add(user)
        session.commit()
        return Actor(user.id, username, role, None, name)


@pytest.fixture
def physician(db: Database, password_hash: str) -> Actor:
    return make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")


@pytest.fixture
def front_desk(db: Database, password_hash: str) -> Actor:
    return make_actor(db, password_hash, "frontdesk", UserRole.FRONT_DESK, "Sam Rivera")


@pytest.fixture
def clinician(db: Database, password_hash: str) -> Actor:
    return make_actor(db, password_hash, "therapist", UserRole.CLINICIAN, "Jo Park")


@pytest.fixture
def admin(db: Database, password_hash: str) -> Actor:
    return make_actor(db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")


def pytest_report_header(config: pytest.Config) -> list[str]:
    where = f"per-user files (logs, settings, demo database, backups): {SANDBOX}"
    if pg_base_url():
        return ["databases: SQLite and PostgreSQL (CARECOORD_TEST_DATABASE_URL)", where]
    return [f"databases: SQLite only; {PG_SKIP_REASON}", where]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run's per-user folder and PostgreSQL schemas go when the run ends."""
    shutil.rmtree(SANDBOX, ignore_errors=True)
    drop_pg_schemas(_SCHEMAS_MADE)
