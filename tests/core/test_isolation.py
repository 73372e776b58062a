"""Tests never write into the tester's own CareCoord files: a deliberate error is logged in
the run's throwaway folder, and the real log file does not change."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from carecoord.cli import main
from carecoord.config import default_database_path, demo_database_path, user_log_dir
from carecoord.logs import LOG_FILE_NAME
from tests.conftest import REAL_CONFIG_DIR, REAL_DATA_DIR, REAL_LOG_FILE, SANDBOX


def snapshot(path: Path) -> tuple[int, int] | None:
    """Size and modification time, or None when the file does not exist."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_size, status.st_mtime_ns


def test_per_user_folders_are_in_the_runs_throwaway_folder() -> None:
    for path in (user_log_dir(), default_database_path(), demo_database_path()):
        assert path.is_relative_to(SANDBOX), path
    assert not user_log_dir().is_relative_to(REAL_LOG_FILE.parent)
    assert not demo_database_path().is_relative_to(REAL_DATA_DIR)


def test_qsettings_are_in_the_throwaway_folder() -> None:
    from PySide6.QtCore import QSettings

    name = QSettings("CareCoord", "CareCoord").fileName()
    assert not Path(name).is_relative_to(REAL_CONFIG_DIR.parent), name
    assert Path(name).is_relative_to(SANDBOX) or "pytest-of" in name, name


def test_a_deliberate_error_leaves_the_real_log_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(REAL_LOG_FILE)
    not_a_database = tmp_path / "letter.sqlite3"
    not_a_database.write_bytes(b"%PDF-1.4 deliberately not a database " * 100)

    assert main(["--database", str(not_a_database), "info"]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    for handler in logging.getLogger("carecoord").handlers:
        handler.flush()

    logged = (user_log_dir() / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "command info failed" in logged and "Traceback" in logged  # it went somewhere…
    assert snapshot(REAL_LOG_FILE) == before  # …and not into the person's own log
