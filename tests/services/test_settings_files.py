"""What the settings files change beyond the database URL: the backup and checkpoint
folders, and the public-holiday region of a clinic that has not saved its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from carecoord.clinical.vocabulary import UserRole
from carecoord.config import ENV_MACHINE_CONFIG, sqlite_path
from carecoord.db import Database
from carecoord.services.backup import backup_folder_for, daily_backup
from carecoord.services.checkpoints import ENV_FOLDER, checkpoint_folder, checkpoint_folders
from carecoord.services.settings import get_settings, save_settings
from tests.conftest import make_actor


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real machine file for this test, named by the variable the app reads."""
    path = tmp_path / "etc" / "carecoord.toml"
    path.parent.mkdir()
    monkeypatch.setenv(ENV_MACHINE_CONFIG, str(path))
    monkeypatch.delenv(ENV_FOLDER, raising=False)
    return path


def test_daily_backups_and_checkpoints_go_to_the_first_backup_folder(
    sqlite_db: Database, machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, copies = tmp_path / "backups-disk", tmp_path / "it-copies"
    machine.write_text(f'[backup]\nfolders = ["{first}", "{copies}"]\n')
    path = sqlite_path(sqlite_db.url)
    assert path is not None
    assert backup_folder_for(path) == first
    assert checkpoint_folder(sqlite_db.url) == first
    assert checkpoint_folders(sqlite_db.url) == [first, copies]
    made = daily_backup(path, backup_folder_for(path), date(2026, 12, 7))
    assert made == first / "carecoord-2026-12-07.sqlite3" and made.is_file()
    # CARECOORD_CHECKPOINT_DIR (the environment) still wins for checkpoints.
    monkeypatch.setenv(ENV_FOLDER, str(tmp_path / "env-checkpoints"))
    assert checkpoint_folders(sqlite_db.url) == [tmp_path / "env-checkpoints", first, copies]


def test_without_a_backup_folder_backups_stay_beside_the_database(
    sqlite_db: Database, machine: Path
) -> None:
    path = sqlite_path(sqlite_db.url)
    assert path is not None
    assert backup_folder_for(path) == path.resolve().parent / "backups"
    assert checkpoint_folders(sqlite_db.url) == [path.resolve().parent / "backups"]


def test_the_files_region_is_the_default_until_the_clinic_saves_its_own(
    sqlite_db: Database, machine: Path, password_hash: str
) -> None:
    before = get_settings(sqlite_db)
    assert (before.holiday_country, before.holiday_subdivision) == ("US", "")
    machine.write_text('[clinic]\ncountry = "CA"\nsubdivision = "ON"\n')
    settings = get_settings(sqlite_db)
    assert (settings.holiday_country, settings.holiday_subdivision) == ("CA", "ON")
    assert settings.workflow.calendar.is_business_day(date(2026, 7, 1)) is False  # Canada Day
    admin = make_actor(sqlite_db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    save_settings(
        sqlite_db,
        admin,
        replace(settings, clinic_name="Lakeside Pain Clinic", holiday_country="GB",
                holiday_subdivision="SCT"),
    )  # fmt: skip
    saved = get_settings(sqlite_db)
    assert (saved.holiday_country, saved.holiday_subdivision) == ("GB", "SCT")
