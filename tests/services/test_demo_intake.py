"""The demo clinic's referrals to the clinic: one in each open state, due dates from the
workflow, the declined one with its reply letter; never outside a demo database."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.intake_workflow import IntakeState
from carecoord.db import Database
from carecoord.demo.intake import fill_intake
from carecoord.models import IntakeReferral, User
from carecoord.services import intake
from carecoord.services.demo import fill_demo
from carecoord.services.intake_lists import IntakeList, intake_counts
from carecoord.services.users import actor_of

S = IntakeState
DAY = date(2026, 11, 18)  # a Wednesday


def test_the_demo_fills_the_intake_page(db: Database) -> None:
    fill_demo(db, patients=2, seed=3, today=DAY)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == "drlee"))
        assert user is not None
        physician = actor_of(user)
    with db.session() as session:
        rows = session.scalars(select(IntakeReferral).order_by(IntakeReferral.id)).all()
        states = [r.state for r in rows]
        assert states == [
            S.RECEIVED,
            S.RECEIVED,
            S.INFO_REQUESTED,
            S.ACCEPTED,
            S.WAITLISTED,
            S.ACCEPTED,
            S.BOOKED,
            S.DECLINED,
        ]
        booked = rows[-2]
        assert (booked.first_visit_on, booked.first_visit_due) == (
            date(2026, 11, 25),
            date(2026, 11, 6),  # urgent: 4 days after receipt on 11-02; booked late
        )
        assert booked.booked_late
        # Received 9 days before, urgent: triage was due the next business day.
        assert (rows[1].received_on, rows[1].due_on) == (date(2026, 11, 9), date(2026, 11, 10))
        assert all(r.coordinating_member_id for r in rows if r.state is S.ACCEPTED)
        declined = rows[-1].id
    counts = intake_counts(db, physician, on=DAY)
    assert counts[IntakeList.RECEIVED] == 2 and counts[IntakeList.OVERDUE] >= 1
    pdf = intake.reply_letter(db, physician, declined)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Bjorn Sorensen" in text and "emergency department" in text


def test_refused_outside_a_demo_database(db: Database) -> None:
    with db.engine.begin() as conn, pytest.raises(RuntimeError):
        fill_intake(conn, DAY)
