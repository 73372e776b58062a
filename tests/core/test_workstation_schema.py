"""A workstation never migrates a shared PostgreSQL server; a version mismatch either way
is one sentence naming both versions and what to do; an unreachable server is one line."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from carecoord import __version__
from carecoord.cli import main
from carecoord.db import (
    HEAD_REVISION,
    Database,
    DatabaseUnreachable,
    SchemaMismatch,
    alembic_config,
    open_database,
)
from tests.conftest import pg_base_url, pg_schema_url, process_schema

OLDER = "0010"
SCHEMA = process_schema("carecoord_workstation")


def stamp(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """An empty PostgreSQL schema of its own (dropped afterwards)."""
    if pg_base_url() is None:
        pytest.skip("PostgreSQL tests need CARECOORD_TEST_DATABASE_URL")
    yield pg_schema_url(SCHEMA)
    admin = create_engine(pg_base_url() or "", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    admin.dispose()


def upgrade_to(url: str, revision: str) -> None:
    from alembic import command

    db = Database(url, migrate=False)
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    db.dispose()


@pytest.mark.postgres
def test_a_workstation_never_migrates_an_older_server(
    fresh_pg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_to(fresh_pg, OLDER)
    with pytest.raises(SchemaMismatch) as caught:
        open_database(fresh_pg, "the clinic server")
    message = str(caught.value)
    assert message.startswith(f"the clinic server has schema revision {OLDER}, older than")
    assert f"CareCoord {__version__} (which needs revision {HEAD_REVISION})" in message
    assert "'carecoord db upgrade'" in message and "\n" not in message

    assert main(["--database", fresh_pg, "demo", "--patients", "3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"revision {OLDER}" in err and "Traceback" not in err

    check = Database(fresh_pg, migrate=False)
    assert stamp(check) == OLDER  # neither the open nor the demo command migrated it
    assert "pain_drawings" not in inspect(check.engine).get_table_names()
    check.dispose()

    assert main(["--database", fresh_pg, "db", "upgrade"]) == 0  # the owner's command does
    open_database(fresh_pg, "the clinic server").dispose()


@pytest.mark.postgres
def test_an_empty_server_waits_for_the_owners_upgrade(
    fresh_pg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SchemaMismatch, match="holds no CareCoord schema yet"):
        open_database(fresh_pg, "the clinic server")
    assert main(["--database", fresh_pg, "user", "add", "ann", "--full-name", "Ann Bo",
                 "--role", "administrator", "--password-stdin"]) == 2  # fmt: skip
    assert "'carecoord db upgrade'" in capsys.readouterr().err
    check = Database(fresh_pg, migrate=False)
    assert inspect(check.engine).get_table_names() == []
    check.dispose()


def test_a_newer_schema_is_refused_naming_both_versions(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    try:
        with pytest.raises(SchemaMismatch) as caught:
            open_database(db.url, "the clinic database")
        message = str(caught.value)
        assert f"this CareCoord ({__version__}, schema revision {HEAD_REVISION})" in message
        assert "revision 0099 was written by a newer version" in message
        assert "install that version (or newer) on this workstation" in message
        assert "Can't locate revision" not in message and "\n" not in message
        assert stamp(db) == "0099"
    finally:
        with db.engine.begin() as conn:
            conn.execute(text(f"UPDATE alembic_version SET version_num = '{HEAD_REVISION}'"))


def test_a_sqlite_file_still_upgrades_itself_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    upgrade_to(url, OLDER)
    reopened = open_database(url, "here")
    assert stamp(reopened) == HEAD_REVISION
    assert "pain_drawings" in inspect(reopened.engine).get_table_names()
    reopened.dispose()


def test_a_new_sqlite_file_is_created_at_head(tmp_path: Path) -> None:
    reopened = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}", "here")
    assert stamp(reopened) == HEAD_REVISION
    reopened.dispose()


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"postgresql+psycopg://clinic@127.0.0.1:{port}/carecoord"


def test_an_unreachable_server_is_named_with_its_reason() -> None:
    url = closed_port_url()
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(url, "the clinic server")
    assert "cannot connect to the database server of the clinic server" in str(caught.value)
    assert "refused" in str(caught.value).lower()


@pytest.mark.parametrize(
    "command", [("demo",), ("info",), ("db", "upgrade"), ("db", "current"), ("audit", "verify")]
)
def test_the_cli_says_one_line_and_exits_2_when_the_server_is_down(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", closed_port_url(), *command]) == 2
    err = capsys.readouterr().err
    assert err.startswith("carecoord: cannot connect to the database server of postgresql")
    assert err.count("\n") == 1 and "Traceback" not in err
