"""Sign-in is usable before SQLAlchemy loads: the quick look, and a sign-in pressed early."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.db import HEAD_REVISION, Database
from carecoord.quick_open import DEMO_SETTING, QuickLook, quick_look
from carecoord.services import demo_mark
from carecoord.ui.app import Startup
from carecoord.ui.worker import wait_for_all
from tests.ui.test_app_start import PASSWORD, _accounts

# Libraries a start must not load before sign-in can be used (each costs 0.1–1 s).
# ("fhir" alone is a namespace package every interpreter start loads from a .pth file.)
HEAVY = {
    "sqlalchemy",
    "alembic",
    "reportlab",
    "fhir.resources",
    "pydantic",
    "icalendar",
    "keyring",
    "carecoord.models",
    "carecoord.db",
}


def test_quick_look_reads_the_schema_accounts_and_clinic_name(sqlite_db: Database) -> None:
    assert demo_mark.DEMO_SETTING == DEMO_SETTING
    assert quick_look(sqlite_db.url) is None  # no accounts yet: the welcome dialog decides
    _accounts(sqlite_db)
    with sqlite_db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO settings (key, value) VALUES ('clinic_name', 'Riverside Pain')"
        )
    assert quick_look(sqlite_db.url) == QuickLook("Riverside Pain", demo=False)
    with sqlite_db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert quick_look(sqlite_db.url) is None  # another revision: the full open migrates
    assert quick_look("sqlite:////nowhere/at/all.sqlite3") is None
    assert quick_look("postgresql+psycopg://someone@127.0.0.1/none") is None
    assert HEAD_REVISION  # re-exported by carecoord.db for its older callers


def test_sign_in_usable_without_loading_heavy_libraries(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _accounts(sqlite_db)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CARECOORD_EXIT_WHEN_READY": "1",
        **{n: str(tmp_path / n.lower()) for n in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")},
    }
    env.pop("CARECOORD_DATABASE_URL", None)
    path = str(sqlite_db.url).split("///", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "carecoord", "--database", path],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert "sign-in-ready" in lines, done.stdout + done.stderr
    (modules,) = [line.split()[1:] for line in lines if line.startswith("modules:")]
    assert "PySide6" in modules  # the report lists what was loaded
    assert HEAVY.isdisjoint(modules), sorted(HEAVY & set(modules))


def test_sign_in_pressed_before_the_full_open_waits_for_it(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    _accounts(sqlite_db)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    startup = Startup(app, sqlite_db.url)
    qtbot.addWidget(startup.sign_in)
    startup.sign_in.show()
    startup.open_database()  # as start()'s timer does: the quick look, then the full open
    button = startup.sign_in.findChild(QPushButton, "signInButton")
    assert button is not None and button.isEnabled()  # usable at once
    assert startup.db is None and startup.opening  # the full open still runs
    for name, text in (("username", "admin"), ("password", PASSWORD)):
        field = startup.sign_in.findChild(QLineEdit, name)
        assert field is not None
        field.setText(text)
    startup.sign_in.try_sign_in()
    assert startup.sign_in.actor is not None and startup.sign_in.actor.username == "admin"
    assert startup.main_window is not None and startup.db is not None
    startup.main_window.close()
    wait_for_all()
    startup.db.dispose()
