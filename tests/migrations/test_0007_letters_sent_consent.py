"""Revision 0007 on a database with referrals: each gets its reference number from the
clinic's name, its history survives the new link column, and the downgrade keeps the data."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from carecoord.db import alembic_config

STAMP = "'2026-01-01 09:00:00'"


def test_existing_referrals_are_numbered_and_keep_their_history(alembic_engine: Engine) -> None:
    with alembic_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0006")
    with alembic_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO settings (key, value) VALUES ('clinic_name', 'Riverside Pain Clinic')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO patients (id, mrn, family_name, given_name, family_key, given_key, "
                "date_of_birth, sex, status, version, created_at, updated_at) VALUES "
                "(1, 'CC1', 'Ñúñez', 'Zoë', 'nunez', 'zoe', '1980-05-12', 'female', 'active', "
                f"1, {STAMP}, {STAMP})"
            )
        )
        for referral_id in (7, 42):
            conn.execute(
                text(
                    "INSERT INTO referrals (id, patient_id, discipline, priority, expectation, "
                    "reason, sensitive, state, auth_outcome, auth_expedited, auth_visits_used, "
                    f"version, created_at, updated_at) VALUES ({referral_id}, 1, 'psychiatry', "
                    "'routine', 'advice', 'Low mood', false, 'draft', 'not_required', false, 0, "
                    f"1, {STAMP}, {STAMP})"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO referral_events (referral_id, at, username, kind) VALUES "
                    f"({referral_id}, {STAMP}, 'drlee', 'created')"
                )
            )
        conn.execute(
            text(
                "INSERT INTO diagnoses (patient_id, code, title, active, version, created_at, "
                f"updated_at) VALUES (1, 'F11.20', 'Opioid dependence', true, 1, {STAMP}, {STAMP})"
            )
        )
    with alembic_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0007")
    with alembic_engine.connect() as conn:
        numbers = conn.execute(text("SELECT id, reference FROM referrals ORDER BY id")).all()
        assert [tuple(row) for row in numbers] == [(7, "RPC-000007"), (42, "RPC-000042")]
        assert conn.execute(text("SELECT count(*) FROM referral_events")).scalar() == 2
        assert conn.execute(text("SELECT document_id FROM referral_events")).scalars().all() == [
            None,
            None,
        ]
        assert conn.execute(text("SELECT part2 FROM diagnoses")).scalar() in (False, 0)
    assert "part2_consents" in inspect(alembic_engine).get_table_names()

    with alembic_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    with alembic_engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("referrals")}
        assert "reference" not in columns
        assert conn.execute(text("SELECT count(*) FROM referral_events")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM referrals")).scalar() == 2
    assert "part2_consents" not in inspect(alembic_engine).get_table_names()
