"""pytest-alembic wiring: the bundled migrations against SQLite and (if set) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_alembic.config import Config
from sqlalchemy import Engine

from carecoord.db import create_db_engine
from carecoord.paths import migrations_dir
from tests.conftest import PG_SKIP_REASON, pg_base_url, pg_schema_url, process_schema


@pytest.fixture(autouse=True)
def _downgrades_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Up/down checks walk every revision down; revision 0005 refuses that unless forced."""
    monkeypatch.setenv("CARECOORD_FORCE_DOWNGRADE", "1")


@pytest.fixture
def alembic_config() -> Config:
    return Config(config_options={"script_location": str(migrations_dir())})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def alembic_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
    else:
        if pg_base_url() is None:
            pytest.skip(PG_SKIP_REASON)
        engine = create_db_engine(pg_schema_url(process_schema("carecoord_migrations_test")))
    yield engine
    engine.dispose()
