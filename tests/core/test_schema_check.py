"""Opening a current database must not import Alembic; an older one is still migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from carecoord.db import HEAD_REVISION, Database, head_revision, schema_is_current

PROBE = """
import sys
from carecoord.db import Database
db = Database(sys.argv[1])
db.dispose()
print("alembic imported" if "alembic" in sys.modules else "alembic not imported")
"""


def test_head_constant_is_alembics_real_head() -> None:
    assert head_revision() == HEAD_REVISION


def test_current_database_opens_without_importing_alembic(db: Database) -> None:
    assert schema_is_current(db.engine)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, db.url], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "alembic not imported"


def test_empty_database_is_migrated_with_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, url], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "alembic imported"
    check = Database(url, migrate=False)
    assert schema_is_current(check.engine)
    check.dispose()


def test_database_stamped_older_is_upgraded(sqlite_db: Database) -> None:
    from alembic import command  # here: the module's other tests run without Alembic

    from carecoord.db import alembic_config

    with sqlite_db.engine.begin() as conn:  # really older: later revisions' tables gone
        command.downgrade(alembic_config(conn), "0010")
    assert not schema_is_current(sqlite_db.engine)
    reopened = Database(sqlite_db.url)
    with reopened.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()
    reopened.dispose()
