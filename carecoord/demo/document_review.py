"""Demo data for document review: incoming imaging, labs and outside records, reviewed.

The demo clinic should show the document-review inbox as a clinic lives with it
(docs/clinical-reference.md §12): every patient drlee coordinates, and every third other
patient, has one incoming document (an MRI report, a liver and kidney panel, an
orthopaedic clinic letter or primary-care records) filed by the front desk for the
coordinating physician. Most were reviewed a few days after they came, about half
"clinically relevant" with a short note; drlee's newest (up to five, never more than half
of theirs) and any other from the last week still wait. Called by the demo builder inside
its transaction, after the patients and care teams are written:

    demo_document_review.fill_document_reviews(conn, day, report_pdf)

``report_pdf(heading, findings)`` makes each demonstration PDF.

The demo's one "import" audit record covers these rows like the rest of its data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, cast

from sqlalchemy import Connection, Table, func, select

from carecoord import bulk
from carecoord.clinical.vocabulary import CareTeamRole, DataCategory, DocumentKind
from carecoord.models import CareTeamMembership, Document, Patient, ReviewItem, User
from carecoord.services.demo_mark import is_demo_connection
from carecoord.services.review import DOCUMENT_REVIEW_KINDS

PHYSICIAN = "drlee"
"""The demo physician: reviews their own patients' documents and covers colleagues
without an account (a physician may record any document's review)."""
FILED_BY = "frontdesk"
EVERY = 3
"""Patients whose id leaves remainder 1 by this get a document (drlee's patients all do)."""
WITHIN_DAYS = 150
"""Documents arrived over this many days before ``today``."""
OPEN_FOR_PHYSICIAN = 5
"""drlee's newest documents still to review (at most half of theirs)."""
OPEN_WITHIN_DAYS = 7
"""Anyone else's documents from the last week still to review."""
FINDINGS = "in the reviewer's note, when clinically relevant."
"""What the demonstration PDF says under its heading."""


# kind, title, file name, note when clinically relevant
DOCUMENTS: Final = (
    (
        DocumentKind.IMAGING,
        "MRI lumbar spine report",
        "mri-lumbar-spine.pdf",
        "L4-5 disc protrusion touching the L5 root; fits the leg pain. Discuss at next visit.",
    ),
    (
        DocumentKind.LAB_RESULT,
        "Liver and kidney panel",
        "labs-liver-kidney.pdf",
        "ALT 58 U/L, mildly raised: repeat in 6 weeks before any dose increase.",
    ),
    (
        DocumentKind.SPECIALIST_REPORT,
        "Orthopaedic clinic letter",
        "orthopaedics-letter.pdf",
        "Not a surgical candidate; continue the rehabilitation plan.",
    ),
    (
        DocumentKind.OTHER,
        "Primary care records",
        "primary-care-records.pdf",
        "Earlier opioid trial in 2023 stopped for nausea; noted in the plan.",
    ),
)


def fill_document_reviews(conn: Connection, today: date, pdf: Callable[[str, str], bytes]) -> int:
    """File one incoming document for every third demo patient, each with its review item.

    ``pdf(heading, findings)`` makes the demonstration PDF. Deterministic (by patient id). Returns
    how many documents were filed.

    Raises:
        RuntimeError: the database is not a demo database (these documents and reviews
            are fictional and must never reach a clinic's charts).
    """
    if not is_demo_connection(conn):
        raise RuntimeError("refusing to write demo document reviews outside the demo")
    physician_member = conn.execute(
        select(User.team_member_id).where(User.username == PHYSICIAN)
    ).scalar()
    accounts = dict(
        conn.execute(
            select(User.team_member_id, User.username).where(
                User.team_member_id.is_not(None), User.active.is_(True)
            )
        ).all()
    )
    patients = cast(Table, Patient.__table__)
    teams = cast(Table, CareTeamMembership.__table__)
    rows = conn.execute(
        select(patients.c.id, patients.c.created_at, patients.c.discharged_on, teams.c.member_id)
        .outerjoin(
            teams,
            (teams.c.patient_id == patients.c.id)
            & (teams.c.role == CareTeamRole.COORDINATING_PHYSICIAN.value)
            & teams.c.until.is_(None),
        )
        .where((patients.c.id % EVERY == 1) | (teams.c.member_id == physician_member))
        .order_by(patients.c.id)
    ).all()
    documents = cast(Table, Document.__table__)
    next_id = int(conn.execute(select(func.max(documents.c.id))).scalar() or 0) + 1
    content = {kind: pdf(title, FINDINGS) for kind, title, _name, _note in DOCUMENTS}
    filed, items = [], []
    for offset, (patient_id, created_at, discharged_on, reviewer) in enumerate(rows):
        kind, title, file_name, note = DOCUMENTS[(patient_id // EVERY) % len(DOCUMENTS)]
        registered = created_at.date() if created_at is not None else today
        received = max(today - timedelta(days=(patient_id * 17) % WITHIN_DAYS), registered)
        received = min(received, today, discharged_on or today)  # none after discharge
        body = content[kind]
        document_id = next_id + offset
        filed.append(
            {
                "id": document_id,
                "patient_id": patient_id,
                "referral_id": None,
                "kind": kind.value,
                "title": title,
                "file_name": file_name,
                "media_type": "application/pdf",
                "size_bytes": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "received_on": received,
                "filed_by": FILED_BY,
                "filed_at": datetime.combine(received, time(15, 40), tzinfo=UTC),
                "content": body,
                "category": DataCategory.GENERAL.value,
                "sent_via": None,
            }
        )
        items.append(
            {
                "kind": DOCUMENT_REVIEW_KINDS[kind].value,
                "patient_id": patient_id,
                "referral_id": None,
                "document_id": document_id,
                "reviewer_member_id": reviewer,
                "received_on": received,
                "created_at": datetime.combine(received, time(15, 40), tzinfo=UTC),
                "acknowledged_on": None,
                "acknowledged_at": None,
                "acknowledged_by": None,
                "note": None,
                "follow_up": None,
                "clinically_relevant": None,
                "_relevant_note": note,
            }
        )
    _review_most(items, today, physician_member, accounts)
    if filed:
        bulk.insert_rows(conn, documents, filed)
        for item in items:
            del item["_relevant_note"]
        bulk.insert_rows(conn, ReviewItem, items)
    return len(filed)


def _review_most(
    items: list[dict[str, object]],
    today: date,
    physician_member: int | None,
    accounts: dict[int | None, str],
) -> None:
    """Mark all but the waiting ones reviewed: by the reviewer's account, else drlee."""
    physicians = [i for i in items if i["reviewer_member_id"] == physician_member]
    physicians.sort(key=lambda i: (cast(date, i["received_on"]), cast(int, i["document_id"])))
    open_count = min(OPEN_FOR_PHYSICIAN, len(physicians) // 2)
    waiting = {id(i) for i in physicians[len(physicians) - open_count :]}
    for item in items:
        received = cast(date, item["received_on"])
        recent = (today - received).days < OPEN_WITHIN_DAYS
        if id(item) in waiting or (item["reviewer_member_id"] != physician_member and recent):
            continue
        patient_id = cast(int, item["patient_id"])
        on = min(received + timedelta(days=patient_id % 5), today)
        relevant = (patient_id // (EVERY * len(DOCUMENTS))) % 2 == 0  # not tied to the kind
        item.update(
            acknowledged_on=on,
            acknowledged_at=datetime.combine(on, time(17, 5), tzinfo=UTC),
            acknowledged_by=accounts.get(cast(int | None, item["reviewer_member_id"]), PHYSICIAN),
            clinically_relevant=relevant,
            note=item["_relevant_note"] if relevant else None,
        )


def count_waiting(conn: Connection) -> int:
    """Documents not yet reviewed (for the demo's summary and its test)."""
    items = cast(Table, ReviewItem.__table__)
    return int(
        conn.execute(
            select(func.count())
            .select_from(items)
            .where(
                items.c.acknowledged_on.is_(None),
                items.c.kind.in_([k.value for k in DOCUMENT_REVIEW_KINDS.values()]),
            )
        ).scalar()
        or 0
    )
