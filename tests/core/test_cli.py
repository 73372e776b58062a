"""The command line as a clinic's IT person uses it: --version, db upgrade/current, demo, info."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carecoord import __version__


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "CARECOORD_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "carecoord", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"CareCoord {__version__}"


def test_db_current_then_upgrade(tmp_path: Path) -> None:
    database = str(tmp_path / "cli.sqlite3")
    before = run("--database", database, "db", "current")
    assert before.returncode == 0 and "none (empty database)" in before.stdout
    upgraded = run("--database", database, "db", "upgrade")
    assert upgraded.returncode == 0 and "(head)" in upgraded.stdout
    after = run("--database", database, "db", "current")
    assert "up to date" in after.stdout


def test_db_rebuild_summary_restores_the_dashboard_counts(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    database = tmp_path / "summary.sqlite3"
    assert run("--database", str(database), "demo", "--patients", "5").returncode == 0
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        filled = conn.execute(text("SELECT figure, day, n FROM dashboard_counts")).all()
        conn.execute(text("DELETE FROM dashboard_counts"))
    result = run("--database", str(database), "db", "rebuild-summary")
    assert result.returncode == 0, result.stderr
    assert "Rebuilt the dashboard summary" in result.stdout
    with engine.connect() as conn:
        again = conn.execute(text("SELECT figure, day, n FROM dashboard_counts")).all()
    engine.dispose()
    assert filled and sorted(again) == sorted(filled)


def test_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    database = tmp_path / "env.sqlite3"
    result = run("info", env={"CARECOORD_DATABASE_URL": str(database)})
    assert result.returncode == 0, result.stderr
    assert "(from environment)" in result.stdout
    assert "Schema revision: none (no database file yet)" in result.stdout
    assert not database.exists()  # info only looks: it never creates a database


def test_demo_fills_once_and_refuses_a_second_time(tmp_path: Path) -> None:
    database = str(tmp_path / "demo.sqlite3")
    first = run("--database", database, "demo", "--patients", "12", "--seed", "3")
    assert first.returncode == 0, first.stderr
    assert "12 patients" in first.stdout
    info = run("--database", database, "info")
    assert "12 patients" in info.stdout
    again = run("--database", database, "demo", "--patients", "5")
    assert again.returncode == 1
    assert "already holds 12 patients" in again.stderr
    assert "12 patients" in run("--database", database, "info").stdout


def test_network_share_is_refused_with_exit_code_2() -> None:
    result = run("--database", "//fileserver/share/carecoord.sqlite3", "info")
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr


def test_first_administrator_from_the_command_line(tmp_path: Path) -> None:
    database = str(tmp_path / "users.sqlite3")
    made = run(
        "--database",
        database,
        "user",
        "add",
        "Admin",
        "--full-name",
        "Pat Admin",
        "--role",
        "administrator",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert made.returncode == 0, made.stderr
    assert "administrator account 'admin'" in made.stdout
    second = run(
        "--database",
        database,
        "user",
        "add",
        "other",
        "--full-name",
        "O",
        "--role",
        "physician",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert second.returncode == 1


@pytest.mark.skipif(
    not os.environ.get("CARECOORD_TEST_DATABASE_URL"),
    reason="PostgreSQL tests need CARECOORD_TEST_DATABASE_URL (set by .ci/run)",
)
def test_db_upgrade_on_postgresql() -> None:
    from tests.conftest import pg_schema_url, process_schema

    url = pg_schema_url(process_schema("carecoord_cli_test"))
    result = run("--database", url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
    assert "up to date" in run("--database", url, "db", "current").stdout
