"""A first look at a SQLite database through the standard library, before SQLAlchemy loads.

Importing SQLAlchemy and declaring the models takes most of a start's wait (0.3 s on a
quiet machine, well over a second on a loaded one). The sign-in window only needs to
know that the file holds this version's schema, has accounts, and the clinic's name:
three indexed reads through ``sqlite3``. The full open (``carecoord.db``) still runs
behind it on a worker thread and is what signing in uses; anything unusual here (not
SQLite, no file, another schema revision, no accounts, an unreadable file) returns None
and start-up takes the full path as before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from carecoord.config import sqlite_path
from carecoord.schema_revision import HEAD_REVISION

DEMO_SETTING = "demo_database"  # carecoord.services.demo_mark.DEMO_SETTING (a test checks)


@dataclass(frozen=True)
class QuickLook:
    """What the sign-in window shows before the database has fully opened."""

    clinic_name: str
    demo: bool


def quick_look(url: str) -> QuickLook | None:
    """The sign-in window's facts about the SQLite file behind ``url``, read-only; None
    when the full open must decide (see the module docstring)."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        return _read(path)
    except sqlite3.Error:  # locked, damaged, not a database: the full open says why
        return None


def _read(path: Path) -> QuickLook | None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
    try:
        stamped = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        if stamped != [HEAD_REVISION]:
            return None
        if connection.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None:
            return None  # no accounts yet: the welcome dialog, after the full open
        settings = dict(
            connection.execute(
                "SELECT key, value FROM settings WHERE key IN ('clinic_name', ?)", (DEMO_SETTING,)
            ).fetchall()
        )
    finally:
        connection.close()
    return QuickLook(str(settings.get("clinic_name") or ""), DEMO_SETTING in settings)
