"""Revision 0006 gives rows that existed before it their data category (not all "general")."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database, alembic_config, upgrade_to_head
from carecoord.services import documents, plans, record
from carecoord.services.users import hash_password
from tests.conftest import make_actor
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral


def test_existing_rows_get_their_category(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'existing.sqlite3'}")
    doctor = make_actor(db, hash_password("a long password"), "drlee", UserRole.PHYSICIAN, "Lee")
    patient = new_patient(db, doctor)
    psych = new_referral(db, doctor, patient.id, new_member(db, doctor, "psychiatry"))
    upload = documents.DocumentUpload("eval.pdf", PDF_BYTES, "specialist_report")
    documents.attach_document(db, doctor, patient.id, upload, referral_id=psych.id)
    documents.attach_document(db, doctor, patient.id, upload)
    for drug, notes in (("buprenorphine", "for OUD"), ("sertraline", None), ("ibuprofen", None)):
        record.add_medication(
            db, doctor, patient.id, record.MedicationInput(drug, 8, "mg", "daily", notes=notes)
        )
    plan = plans.create_plan(db, doctor, patient.id, title="Plan", started_on="2026-01-05")
    for modality in ("psychological", "physical_therapy"):
        plans.save_activity(
            db, doctor, plan.id, plans.ActivityInput(modality, "Weekly", "2026-01-12")
        )

    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0005")
    assert "category" not in {c["name"] for c in inspect(db.engine).get_columns("medications")}
    assert "sign_in_failures" not in inspect(db.engine).get_table_names()
    upgrade_to_head(db.engine)

    with db.engine.connect() as conn:

        def categories(table: str) -> list[str]:
            return list(conn.execute(text(f"SELECT category FROM {table} ORDER BY id")).scalars())

        assert categories("medications") == ["substance_use", "psychiatric", "general"]
        assert categories("plan_activities") == ["psychiatric", "general"]
        assert categories("documents") == ["psychiatric", "general"]
    db.dispose()
