"""Revision 0002 on a database that already holds accounts and audit events pointing at them:
the users table must be altered in place (copying it would break those foreign keys)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import alembic_config, create_db_engine, upgrade_to_head


def test_upgrade_and_downgrade_keep_accounts_and_their_audit_events(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'with-data.sqlite3'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, full_name, password_hash, role, active, "
                "failed_attempts, version, created_at, updated_at) VALUES "
                "('drlee', 'Dr Lee', 'x', 'physician', 1, 0, 1, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (at, user_id, username, action, entity, data_category) "
                "VALUES ('2026-01-01', 1, 'drlee', 'sign_in', 'User', 'general')"
            )
        )
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT break_glass_allowed FROM users")).scalar() == 0
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        assert (conn.execute(text("SELECT count(*) FROM audit_events")).scalar() or 0) >= 1
    assert "psychotherapy_notes" in inspect(engine).get_table_names()

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("users")}
        assert "break_glass_allowed" not in columns
        assert conn.execute(text("SELECT username FROM users")).scalar() == "drlee"
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    assert "psychotherapy_notes" not in inspect(engine).get_table_names()
    engine.dispose()
