"""Incoming documents are reviewed (issue 19 part 2), through the real services.

The clinic's clock is fixed at Wednesday 2026-11-18 (docs/clinical-reference.md §12).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import select, update

from carecoord.clinical.vocabulary import CareTeamRole, DataCategory
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, ReviewItem, User
from carecoord.services import dashboard, documents, review, team
from carecoord.services.actor import Actor
from carecoord.services.documents import DocumentUpload
from carecoord.services.review import ReviewKind
from tests.services.helpers import PDF_BYTES, new_member, new_patient

TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def clinic_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review, "local_today", lambda: TODAY)
    monkeypatch.setattr(dashboard, "local_today", lambda: TODAY)
    monkeypatch.setattr(documents, "today", lambda: TODAY)


@dataclass(frozen=True)
class Clinic:
    patient: int
    doctor: Actor  # drlee, the coordinating physician
    therapist: Actor  # a clinician on the patient's team
    outsider: Actor  # a clinician on no one's team here


def _link(db: Database, actor: Actor, member_id: int) -> Actor:
    """The account linked to its directory entry, as the users dialog does."""
    with db.session(write=True) as session:
        session.execute(
            update(User).where(User.id == actor.user_id).values(team_member_id=member_id)
        )
        session.commit()
    return replace(actor, team_member_id=member_id)


@pytest.fixture
def clinic(db: Database, physician: Actor, clinician: Actor, password_hash: str) -> Clinic:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    patient = new_patient(db, physician).id
    lee = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    park = new_member(db, physician, "physical_therapy", "Park", "Jo")
    moss = new_member(db, physician, "psychology", "Moss", "Rue")
    team.assign_member(db, physician, patient, lee.id, "coordinating_physician")
    team.assign_member(db, physician, patient, park.id, "therapist")
    other = make_actor(db, password_hash, "rmoss", UserRole.CLINICIAN, "Rue Moss")
    return Clinic(
        patient,
        _link(db, physician, lee.id),
        _link(db, clinician, park.id),
        _link(db, other, moss.id),
    )


def _file(db: Database, actor: Actor, patient: int, kind: str = "imaging", **extra: object) -> int:
    """File a document; the id of its review item."""
    reviewer = extra.pop("reviewer_member_id", None)
    upload = DocumentUpload("scan.pdf", PDF_BYTES, kind, received_on=date(2026, 11, 16), **extra)  # type: ignore[arg-type]
    filed = documents.attach_document(
        db,
        actor,
        patient,
        upload,
        reviewer_member_id=reviewer,  # type: ignore[arg-type]
    )
    with db.session() as session:
        item = session.scalar(select(ReviewItem.id).where(ReviewItem.document_id == filed.id))
    assert item is not None
    return item


def _audit(db: Database) -> list[tuple[str, str, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "ReviewItem").order_by(AuditEvent.id)
        )
        return [(e.action, e.username, e.detail) for e in rows]


def test_filed_imaging_waits_for_the_coordinating_physician(
    db: Database, clinic: Clinic, front_desk: Actor
) -> None:
    upload = DocumentUpload(
        "mri.pdf", PDF_BYTES, "imaging", title="MRI lumbar spine", received_on=date(2026, 11, 16)
    )
    filed = documents.attach_document(db, front_desk, clinic.patient, upload)
    assert review.count_to_review(db, clinic.doctor) == 1
    assert review.count_to_review(db, clinic.therapist) == 0
    [item] = review.reports_to_review(db, clinic.doctor)
    assert (item.kind, item.title, item.document_id, item.received_on, item.days_waiting) == (
        ReviewKind.IMAGING,
        "MRI lumbar spine",
        filed.id,
        date(2026, 11, 16),
        2,
    )
    assert (item.acknowledged_on, item.clinically_relevant) == (None, None)
    board = dashboard.dashboard(db, front_desk, on=TODAY)
    assert board.documents_to_review_count == 1
    assert board.acknowledgement is not None and board.acknowledgement.unacknowledged == 0
    listed = documents.list_documents(db, front_desk, clinic.patient)
    assert [d.review for d in listed] == ["To review · Avery Lee, MD"]

    done = review.record_review(
        db, clinic.doctor, item.id, clinically_relevant=True, note="L4-5 protrusion; discuss"
    )
    assert (done.acknowledged_on, done.acknowledged_by, done.clinically_relevant, done.note) == (
        TODAY,
        "drlee",
        True,
        "L4-5 protrusion; discuss",
    )
    assert review.reports_to_review(db, clinic.doctor) == []
    assert dashboard.dashboard(db, front_desk, on=TODAY).documents_to_review_count == 0
    listed = documents.list_documents(db, front_desk, clinic.patient)
    assert [d.review for d in listed] == ["Reviewed 2026-11-18 · clinically relevant"]
    lee = clinic.doctor.team_member_id
    assert _audit(db) == [
        ("create", "frontdesk", f"imaging to review, reviewer {lee}"),
        ("read", "drlee", "reports to review: 1"),
        ("review", "drlee", "imaging, clinically relevant: yes"),
        ("read", "drlee", "reports to review: 0"),
    ]


def test_each_incoming_kind_has_its_inbox_kind_and_a_letter_sent_none(
    db: Database, clinic: Clinic
) -> None:
    for kind in ("specialist_report", "lab_result", "other"):
        _file(db, clinic.doctor, clinic.patient, kind)
    letter = DocumentUpload("letter.pdf", PDF_BYTES, "letter_sent")
    documents.attach_document(db, clinic.doctor, clinic.patient, letter)
    kinds = [i.kind.value for i in review.reports_to_review(db, clinic.doctor)]
    assert kinds == ["outside_report", "lab_result", "other_document"]
    states = [d.review for d in documents.list_documents(db, clinic.doctor, clinic.patient)]
    assert states == ["", *["To review · Avery Lee, MD"] * 3]  # newest first: the letter
    with pytest.raises(ValidationError) as error:
        documents.attach_document(
            db,
            clinic.doctor,
            clinic.patient,
            letter,
            reviewer_member_id=clinic.doctor.team_member_id,
        )
    assert error.value.field == "reviewer"


def test_the_filer_may_name_a_physician_or_clinician_on_the_team(
    db: Database, clinic: Clinic, front_desk: Actor
) -> None:
    choices = review.reviewer_choices(db, front_desk, clinic.patient, "general")
    assert [(c.name, c.team_role, c.default) for c in choices] == [
        ("Avery Lee, MD", CareTeamRole.COORDINATING_PHYSICIAN, True),
        ("Jo Park, MD", CareTeamRole.THERAPIST, False),
    ]
    # A clinician may not read substance-use records: not offered for those.
    restricted = review.reviewer_choices(db, front_desk, clinic.patient, "substance_use")
    assert [c.name for c in restricted] == ["Avery Lee, MD"]

    park = clinic.therapist.team_member_id
    _file(db, front_desk, clinic.patient, "lab_result", reviewer_member_id=park)
    assert [i.kind for i in review.reports_to_review(db, clinic.therapist)] == [
        ReviewKind.LAB_RESULT
    ]
    assert review.reports_to_review(db, clinic.doctor) == []
    for reviewer, category in (
        (clinic.outsider.team_member_id, None),  # not on this patient's team
        (park, "substance_use"),  # may not read it
        (0, None),
    ):
        with pytest.raises(ValidationError) as error:
            _file(
                db,
                front_desk,
                clinic.patient,
                "lab_result",
                reviewer_member_id=reviewer,
                category=category,
            )
        assert error.value.field == "reviewer"


def test_only_the_named_reviewer_or_a_physician_records_the_review(
    db: Database, clinic: Clinic, front_desk: Actor, admin: Actor
) -> None:
    park = clinic.therapist.team_member_id
    first = _file(db, front_desk, clinic.patient, reviewer_member_id=park)
    second = _file(db, front_desk, clinic.patient, reviewer_member_id=park)
    for intruder in (clinic.outsider, front_desk, admin):
        with pytest.raises(PermissionDenied):
            review.record_review(db, intruder, first, clinically_relevant=False)
    with db.session() as session:
        refusals = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "denied").order_by(AuditEvent.id)
        ).all()
    assert refusals == [
        "review.record_review: record the review of",
        "review.record_review: edit clinical",
        "review.record_review: read clinical",
    ]
    by_reviewer = review.record_review(db, clinic.therapist, first, clinically_relevant=False)
    assert (by_reviewer.acknowledged_by, by_reviewer.clinically_relevant) == ("therapist", False)
    by_physician = review.record_review(db, clinic.doctor, second, clinically_relevant=True)
    assert by_physician.acknowledged_by == "drlee"


def test_bad_input_names_the_field(db: Database, clinic: Clinic) -> None:
    item = _file(db, clinic.doctor, clinic.patient)
    cases: list[tuple[dict[str, object], str]] = [
        ({"clinically_relevant": None}, "clinically_relevant"),
        ({"clinically_relevant": "yes"}, "clinically_relevant"),
        ({"clinically_relevant": True, "note": "x" * 2001}, "note"),
        ({"clinically_relevant": True, "note": "bad\x07bell"}, "note"),
    ]
    for arguments, field in cases:
        with pytest.raises(ValidationError) as error:
            review.record_review(db, clinic.doctor, item, **arguments)  # type: ignore[arg-type]
        assert error.value.field == field, arguments
    with pytest.raises(ValidationError) as error:
        review.acknowledge(db, clinic.doctor, item, note="Read")
    assert error.value.field == "clinically_relevant"
    review.record_review(db, clinic.doctor, item, clinically_relevant=False, note="x" * 2000)
    with pytest.raises(ValidationError) as error:
        review.record_review(db, clinic.doctor, item, clinically_relevant=True)
    assert error.value.field == "reviewed"
    with pytest.raises(NotFound):
        review.record_review(db, clinic.doctor, 999_999, clinically_relevant=True)
    with db.session(write=True) as session:  # a referral's report keeps its acknowledge flow
        report = ReviewItem(
            kind="specialist_report",
            patient_id=clinic.patient,
            reviewer_member_id=clinic.doctor.team_member_id,
            received_on=TODAY,
        )
        session.add(report)
        session.commit()
        report_id = report.id
    with pytest.raises(ValidationError) as error:
        review.record_review(db, clinic.doctor, report_id, clinically_relevant=True)
    assert error.value.field == "kind"


def test_front_desk_files_a_substance_use_record_but_never_reads_it(
    db: Database, clinic: Clinic, front_desk: Actor
) -> None:
    item = _file(db, front_desk, clinic.patient, "other", category="substance_use")
    assert [
        d.id for d in documents.list_documents(db, front_desk, clinic.patient)
    ] == []  # filed, but not listed for the front desk
    with pytest.raises(PermissionDenied):
        review.open_document(db, front_desk, item)
    [waiting] = review.reports_to_review(db, clinic.doctor)
    assert (waiting.id, waiting.category) == (item, DataCategory.SUBSTANCE_USE)
    name, media, _content = review.open_document(db, clinic.doctor, item)
    assert (name, media) == ("scan.pdf", "application/pdf")
    with pytest.raises(PermissionDenied):  # a clinician may not read substance-use records
        review.record_review(db, clinic.therapist, item, clinically_relevant=True)
    review.record_review(db, clinic.doctor, item, clinically_relevant=True, note="Program letter")


def test_without_a_coordinating_physician_the_item_waits_unassigned(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician, family="Okonkwo").id
    item = _file(db, front_desk, patient, "lab_result")
    with db.session() as session:
        row = session.get(ReviewItem, item)
        assert row is not None and row.reviewer_member_id is None
    assert dashboard.dashboard(db, front_desk, on=TODAY).documents_to_review_count == 1
    review.record_review(db, physician, item, clinically_relevant=False)


def test_the_dashboard_count_reads_the_index_alone(sqlite_db: Database) -> None:
    statement = review.DOCUMENTS_TO_REVIEW.compile(
        sqlite_db.engine, compile_kwargs={"literal_binds": True}
    )
    with sqlite_db.engine.connect() as conn:
        plan = " ".join(
            str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")
        )
    assert "USING COVERING INDEX ix_review_items_acknowledged_on_kind" in plan
