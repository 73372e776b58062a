"""The mark that makes a database a demo database: the app always shows DEMO for it.

``carecoord demo`` writes the mark with its fictional clinic; nothing else does. A
database without the mark that holds accounts or clinic settings is a clinic's, and the
demo refuses it (see ``carecoord.demo.fill_demo``).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, select

from carecoord.db import Database
from carecoord.models import Setting

DEMO_SETTING: Final = "demo_database"
"""Settings key of the mark; its value says which command wrote it."""
DEMO_SETTING_VALUE: Final = "fictional demo clinic written by 'carecoord demo'"


def is_demo_connection(connection: Connection) -> bool:
    """Whether the database behind ``connection`` carries the demo mark."""
    found = connection.execute(select(Setting.key).where(Setting.key == DEMO_SETTING)).first()
    return found is not None


def is_demo_database(db: Database) -> bool:
    """Whether ``db`` is a demo database (not patient data: read before anyone signs in)."""
    with db.engine.connect() as connection:
        return is_demo_connection(connection)
