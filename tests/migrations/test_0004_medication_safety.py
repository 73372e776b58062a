"""Revision 0004 on existing medication rows: coded routes and units, "oral" kept only where
the old data implied it (otherwise "unknown", shown as needing review), and back again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text

from carecoord.db import alembic_config

ROWS = [
    # drug, unit, frequency, old route -> new route, new unit
    ("oxycodone", "mg", "bid", "oral", "oral", "mg"),
    ("fentanyl patch", "mcg/hr", "bid", "oral", "unknown", "mcg/h"),
    ("Duragesic", "mcg/hr", "continuous", "transdermal", "transdermal", "mcg/h"),
    ("morphine injection", "mg", "q4h", "oral", "unknown", "mg"),
    ("hydromorphone", "mg", "q4h", "intravenous", "iv", "mg"),
    ("Actiq", "mcg", "qid", "oral", "unknown", "mcg"),
    ("fentanyl", "mcg", "qid", "buccal", "sublingual", "mcg"),
    ("lidocaine", "patch", "qd", "topical", "other", "patch"),
    ("methadone", "ml", "daily", "oral", "oral", "mL"),
]


def test_upgrade_codes_routes_and_units_and_downgrade_restores(alembic_engine: Engine) -> None:
    with alembic_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
    with alembic_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO patients (id, mrn, family_name, given_name, family_key, given_key, "
                "date_of_birth, sex, status, version, created_at, updated_at) VALUES (1, 'M1', "
                "'Ñúñez', 'Zoë', 'nunez', 'zoe', '1980-05-12', 'female', 'active', 1, "
                "'2026-01-01', '2026-01-01')"
            )
        )
        for number, (drug, unit, frequency, route, _, _) in enumerate(ROWS, start=1):
            conn.execute(
                text(
                    "INSERT INTO medications (id, patient_id, drug, dose, unit, frequency, route, "
                    "is_opioid, is_psychotropic, version, created_at, updated_at) VALUES (:id, 1, "
                    ":drug, 5, :unit, :frequency, :route, false, false, 1, '2026-01-01', "
                    "'2026-01-01')"
                ),
                {"id": number, "drug": drug, "unit": unit, "frequency": frequency, "route": route},
            )
    with alembic_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    with alembic_engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT route, unit, indication, concentration_mg_per_ml FROM medications "
                "ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in got] == [(r[4], r[5], None, None) for r in ROWS]

    with alembic_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    with alembic_engine.connect() as conn:
        back = conn.execute(text("SELECT route, unit FROM medications ORDER BY id")).all()
    assert [tuple(r) for r in back] == [
        ("oral", "mg"),
        ("oral", "mcg/hr"),
        ("transdermal", "mcg/hr"),
        ("oral", "mg"),
        ("intravenous", "mg"),
        ("oral", "mcg"),
        ("sublingual", "mcg"),
        ("topical", "patch"),
        ("oral", "mL"),
    ]
