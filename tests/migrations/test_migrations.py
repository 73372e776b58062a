"""pytest-alembic's standard checks plus CareCoord's own: migrate on open, schema matches models."""

from __future__ import annotations

from pathlib import Path

from pytest_alembic.tests import (  # noqa: F401  (collected as tests)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import inspect, text

from carecoord.db import Database, current_revision, head_revision
from carecoord.models import Base


def test_opening_a_new_database_migrates_it_to_head(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert current_revision(db.engine) == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    db.dispose()


def test_sqlite_connections_are_configured_for_safety(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert int(conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
    db.dispose()


def test_reopening_keeps_data_and_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reopen.sqlite3'}"
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('clinic_name', 'Kept')"))
    db.dispose()
    again = Database(url)
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM settings")).scalar() == "Kept"
    assert current_revision(again.engine) == head_revision()
    again.dispose()
