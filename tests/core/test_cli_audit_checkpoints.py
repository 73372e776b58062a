"""``carecoord audit checkpoint`` and ``audit verify`` (checkpoints, SQLite's integrity check)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from carecoord.cli import main
from carecoord.db import Database
from carecoord.services import patients
from carecoord.services.actor import system_actor


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    actor = system_actor(username="cli")
    for typed in ("nu", "zo", "x", "y"):
        patients.search_patients(db, actor, typed)
    db.dispose()
    return path


def test_checkpoint_then_verify_then_a_rewrite_is_caught(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", str(database), "audit", "verify"]) == 0
    assert "No checkpoint of this database" in capsys.readouterr().out
    assert main(["--database", str(database), "audit", "checkpoint"]) == 0
    out = capsys.readouterr().out
    folder = database.parent / "backups"
    [made] = list(folder.glob("*.audit-checkpoint.json"))
    assert f"Checkpoint written: {made}" in out and "4 records, newest record 4" in out
    assert main(["--database", str(database), "audit", "verify"]) == 0
    assert "Matches 1 checkpoint(s) kept outside the database" in capsys.readouterr().out
    with sqlite3.connect(database) as connection:  # the forger empties the trail
        connection.execute("DELETE FROM audit_events")
        connection.execute("DELETE FROM audit_chain_head")
    assert main(["--database", str(database), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "AUDIT TRAIL DAMAGED" in err and "record 4, which checkpoint" in err
    assert main(["--database", str(database), "audit", "checkpoint"]) == 1
    assert "No checkpoint was written" in capsys.readouterr().err
    assert len(list(folder.glob("*.audit-checkpoint.json"))) == 1


def test_checkpoints_can_be_kept_and_read_elsewhere(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "it-share"
    assert (
        main(["--database", str(database), "audit", "checkpoint", "--folder", str(elsewhere)]) == 0
    )
    capsys.readouterr()
    args = ["--database", str(database), "audit", "verify", "--checkpoints", str(elsewhere)]
    assert main(args) == 0
    assert "Matches 1 checkpoint(s)" in capsys.readouterr().out


def test_verify_runs_sqlites_integrity_check(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(database) as connection:  # an index that no longer fits its table
        connection.execute("PRAGMA writable_schema=ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_audit_events_username_at "
            "ON audit_events (action, at)' WHERE name = 'ix_audit_events_username_at'"
        )
    assert main(["--database", str(database), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "SQLite's integrity check failed: row 1 missing from index" in err
