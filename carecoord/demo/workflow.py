"""Demo data for the specialists' reports waiting for (or acknowledged by) the referring
clinician. Late bookings and hold reviews are written with the referral rows
(``demo/referrals.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update

from carecoord.clinical.vocabulary import DocumentKind
from carecoord.models import Document, Referral, ReviewItem

REVIEW_WINDOW_DAYS = 60
"""Reports received in this many days before "today" go into the review inbox."""
FOLLOW_UPS = (None, "discuss_at_next_visit", None, "change_plan", "new_referral")


def fill_workflow_extras(conn: Connection, today: date) -> None:
    """Fill the reports-to-review inbox from the specialists' reports received lately."""
    referrals = cast(Table, Referral.__table__)
    documents = cast(Table, Document.__table__)
    since = today - timedelta(days=REVIEW_WINDOW_DAYS)
    conn.execute(
        insert(cast(Table, ReviewItem.__table__)).from_select(
            [
                "kind",
                "patient_id",
                "referral_id",
                "document_id",
                "reviewer_member_id",
                "received_on",
                "created_at",
            ],
            select(
                documents.c.kind,
                documents.c.patient_id,
                documents.c.referral_id,
                documents.c.id,
                referrals.c.referring_member_id,
                documents.c.received_on,
                documents.c.filed_at,
            )
            .join(referrals, referrals.c.id == documents.c.referral_id)
            .where(
                and_(
                    documents.c.kind == DocumentKind.SPECIALIST_REPORT.value,
                    documents.c.received_on >= since,
                )
            ),
        )
    )
    items = cast(Table, ReviewItem.__table__)
    # Older reports are mostly read: acknowledged 0-9 days after they came.
    rows = conn.execute(
        select(items.c.id, items.c.received_on).where(
            items.c.received_on < today - timedelta(days=10)
        )
    ).all()
    acknowledged = [
        {
            "item_id": item_id,
            "on": received + timedelta(days=item_id % 10),
            "follow": FOLLOW_UPS[item_id % len(FOLLOW_UPS)],
        }
        for item_id, received in rows
        if item_id % 7 != 0  # about one in seven still waits
    ]
    if acknowledged:
        conn.execute(
            update(items)
            .where(items.c.id == bindparam("item_id"))
            .values(
                acknowledged_on=bindparam("on"),
                acknowledged_by="drlee",
                follow_up=bindparam("follow"),
            ),
            acknowledged,
        )
