"""Revision 0017 on a database with data: the letter-delivery table goes on downgrade
(referrals and their sent copies stay) and comes back empty on upgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select, text

from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.db import Database, alembic_config, current_revision, upgrade_to_head
from carecoord.models import DeliveryOutcome, LetterDelivery
from carecoord.services.actor import Actor
from tests.services.helpers import new_member, new_patient, new_referral


def _delivery(db: Database, referral_id: int) -> None:
    with db.session(write=True) as session:
        session.add(
            LetterDelivery(
                referral_id=referral_id,
                method=DeliveryMethod.FAX,
                address="5035550201@fax.example.net",
                fax_number="(503) 555-0201",
                username="drlee",
                message_id="<1.test@riverside.example>",
                outcome=DeliveryOutcome.ACCEPTED,
            )
        )
        session.commit()


def test_letter_deliveries_go_down_and_come_back(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    referral = new_referral(db, physician, patient.id, new_member(db, physician))
    _delivery(db, referral.id)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0016")
    assert "letter_deliveries" not in set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM referrals")).scalar() == 1
    with db.engine.begin() as conn:  # 0017 itself, not whatever the head is now
        command.upgrade(alembic_config(conn), "0017")
    assert current_revision(db.engine) == "0017"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM letter_deliveries")).scalar() == 0
    upgrade_to_head(db.engine)
    _delivery(db, referral.id)
    with db.session() as session:
        [row] = session.scalars(select(LetterDelivery)).all()
        assert (row.method, row.outcome) == (DeliveryMethod.FAX, DeliveryOutcome.ACCEPTED)
        assert row.at.tzinfo is not None
