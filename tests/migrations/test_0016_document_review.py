"""Revision 0016 on a database with data: documents' reviews go on downgrade (0015's inbox
knows only specialists' reports, which stay), and on upgrade nothing is backfilled."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from carecoord.db import Database, alembic_config, current_revision, head_revision, upgrade_to_head
from carecoord.services import documents, review
from carecoord.services.actor import Actor
from tests.services.helpers import PDF_BYTES, new_patient


def test_document_reviews_go_down_and_nothing_is_backfilled(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician).id
    filed = documents.attach_document(
        db, physician, patient, documents.DocumentUpload("mri.pdf", PDF_BYTES, "imaging")
    )
    with db.engine.begin() as conn:  # a referral's report, acknowledged before 0016
        conn.execute(
            text(
                "INSERT INTO review_items (kind, patient_id, received_on, created_at, "
                "acknowledged_on, acknowledged_by) VALUES ('specialist_report', :p, "
                "'2026-11-02', '2026-11-02 09:00:00+00:00', '2026-11-03', 'drlee')"
            ),
            {"p": patient},
        )
        item_id = conn.execute(
            text("SELECT id FROM review_items WHERE document_id = :d"), {"d": filed.id}
        ).scalar_one()
    review.record_review(db, physician, item_id, clinically_relevant=True, note="L4-5 disc")

    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0015")
    assert current_revision(db.engine) == "0015"
    columns = {c["name"] for c in inspect(db.engine).get_columns("review_items")}
    assert "clinically_relevant" not in columns
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("review_items")}
    assert not {"uq_review_items_document_id", "ix_review_items_acknowledged_on_kind"} & indexes
    with db.engine.connect() as conn:
        kinds = conn.execute(text("SELECT kind, acknowledged_by FROM review_items")).all()
        assert [tuple(k) for k in kinds] == [("specialist_report", "drlee")]
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1

    upgrade_to_head(db.engine)
    assert current_revision(db.engine) == head_revision()
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("review_items")}
    assert {"uq_review_items_document_id", "ix_review_items_acknowledged_on_kind"} <= indexes
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, clinically_relevant FROM review_items")).all()
        assert [tuple(r) for r in rows] == [("specialist_report", None)]  # no backfill
    # A document filed now gets its review item again.
    documents.attach_document(
        db, physician, patient, documents.DocumentUpload("labs.pdf", PDF_BYTES, "lab_result")
    )
    with db.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT kind FROM review_items WHERE acknowledged_on IS NULL")
            ).scalar()
            == "lab_result"
        )
