"""``carecoord audit verify``, ``carecoord backup`` and ``carecoord restore`` end to end."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from carecoord.cli import main
from carecoord.db import Database
from carecoord.services import patients
from carecoord.services.actor import system_actor


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A small database with some audited activity; returns its file path."""
    path = tmp_path / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    actor = system_actor(username="cli")
    for typed in ("nu", "zo", "x"):
        patients.search_patients(db, actor, typed)
    db.dispose()
    return str(path)


def test_audit_verify_catches_a_row_edited_by_hand(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", database, "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Audit trail intact: 3 records" in out and "Chain head: record 3" in out
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_events SET detail = 'nothing to see' WHERE id = 2")
    assert main(["--database", database, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "AUDIT TRAIL DAMAGED" in err and "record 2 was altered" in err


def test_audit_verify_on_an_old_schema_asks_for_an_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert main(["--database", str(empty), "audit", "verify"]) == 1
    assert "carecoord db upgrade" in capsys.readouterr().err


def test_backup_then_restore_round_trips(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    assert main(["--database", database, "backup", str(copy)]) == 0
    assert "integrity check ok" in capsys.readouterr().out
    assert main(["--database", database, "backup", str(copy)]) == 1  # never overwrites
    assert "exists already" in capsys.readouterr().err
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("DELETE FROM audit_events")  # disaster strikes
    connection.close()
    assert main(["--database", database, "restore", str(copy), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "before-restore-" in out
    assert main(["--database", database, "audit", "verify"]) == 0
    out = capsys.readouterr().out
    # The 3 searches in the copy (the backup's own record was written after the copy was
    # taken) and the record of the restore.
    assert "Audit trail intact: 4 records" in out
    with sqlite3.connect(database) as connection:
        actions = [r[0] for r in connection.execute("SELECT action FROM audit_events")]
    assert actions == ["search", "search", "search", "restore"]


def test_restore_asks_first(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy = tmp_path / "copy.sqlite3"
    assert main(["--database", database, "backup", str(copy)]) == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["--database", database, "restore", str(copy)]) == 1
    assert "Nothing was changed" in capsys.readouterr().out


def test_postgres_backup_points_to_pg_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--database", "postgresql://nobody@127.0.0.1:1/none", "backup", str(tmp_path / "x")]
    )
    assert code == 1 and "pg_dump" in capsys.readouterr().err
