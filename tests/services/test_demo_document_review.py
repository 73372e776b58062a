"""The demo clinic's incoming documents are reviewed as a clinic lives with them: most
reviewed (some clinically relevant, with a note), a few still waiting for drlee; a clinic's
database is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.demo import fill_demo, report_pdf
from carecoord.demo.document_review import count_waiting, fill_document_reviews
from carecoord.models import Document, ReviewItem, User
from carecoord.services import dashboard, review
from carecoord.services.actor import Actor
from carecoord.services.review import DOCUMENT_KINDS, ReviewKind
from tests.services.helpers import new_patient

DAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def clinic_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review, "local_today", lambda: DAY)


def _drlee(db: Database) -> Actor:
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == "drlee")).one()
        return Actor(user.id, user.username, UserRole.PHYSICIAN, user.team_member_id)


def test_demo_documents_are_mostly_reviewed_and_a_few_wait_for_drlee(db: Database) -> None:
    fill_demo(db, patients=30, seed=1, today=DAY)
    doctor = _drlee(db)
    with db.session() as session:
        items = session.scalars(
            select(ReviewItem).where(ReviewItem.kind.in_(DOCUMENT_KINDS)).order_by(ReviewItem.id)
        ).all()
        session.expunge_all()  # plain rows to look at after the session
        titles = dict(session.execute(select(Document.id, Document.title)).all())
        incoming = session.scalar(
            select(func.count()).select_from(Document).where(Document.referral_id.is_(None))
        )
    # Every third patient (ids 1, 4 … 28) and drlee's own patients (5, 24).
    assert [i.patient_id for i in items] == [1, 4, 5, 7, 10, 13, 16, 19, 22, 24, 25, 28]
    assert incoming == len(items) == 12  # one review item per incoming document
    reviewed = [i for i in items if i.acknowledged_on is not None]
    assert len(reviewed) == 11
    for item in reviewed:
        assert item.acknowledged_on is not None
        assert item.received_on <= item.acknowledged_on <= DAY
        assert item.clinically_relevant is not None
        assert (item.note is not None) == item.clinically_relevant  # relevant ones say why
    assert sum(bool(i.clinically_relevant) for i in reviewed) == 7
    assert {i.acknowledged_by for i in reviewed} == {"drlee"}

    waiting = review.reports_to_review(db, doctor)
    documents = [w for w in waiting if w.kind.is_document]
    assert [(w.patient_id, w.kind, w.title) for w in documents] == [
        (5, ReviewKind.LAB_RESULT, "Liver and kidney panel"),
    ]
    assert all(titles[w.document_id] == w.title for w in documents if w.document_id)
    with db.engine.connect() as conn:
        assert count_waiting(conn) == 1
    board = dashboard.dashboard(db, doctor, on=DAY)
    assert board.documents_to_review_count == 1
    # The demo PDF says what it is.
    name, media, content = review.open_document(db, doctor, documents[0].id)
    assert (name, media) == ("labs-liver-kidney.pdf", "application/pdf")
    assert content == report_pdf(
        "Liver and kidney panel", "in the reviewer's note, when clinically relevant."
    )


def test_a_clinic_database_is_refused(db: Database, physician: Actor) -> None:
    new_patient(db, physician)
    with db.engine.begin() as conn, pytest.raises(RuntimeError, match="outside the demo"):
        fill_document_reviews(conn, DAY, report_pdf)
    with db.engine.connect() as conn:
        assert count_waiting(conn) == 0
