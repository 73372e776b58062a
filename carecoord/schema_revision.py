"""The schema revision this CareCoord needs, importable without SQLAlchemy or Alembic.

The sign-in window's quick look (``carecoord.quick_open``) compares a SQLite file's
``alembic_version`` with it before SQLAlchemy is imported; ``carecoord.db`` re-exports it.
"""

from __future__ import annotations

# The newest migration shipped (tests check it equals Alembic's head): a database already
# stamped with it opens without importing Alembic or reading the migration scripts.
HEAD_REVISION = "0020"
