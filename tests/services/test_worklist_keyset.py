"""Keyset pages of the worklist: walked page by page, a view lists exactly the rows of
one full query in the same order, also when a page ends inside a run of equal sort keys
(routine drafts, referrals sent the same day, closed the same day) and when rows have no
sort key at all; counts stop at a cap and say so."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from carecoord.clinical.vocabulary import Priority
from carecoord.db import Database
from carecoord.models import Referral
from carecoord.services import referrals
from carecoord.services.actor import Actor
from carecoord.services.worklist import (
    WorklistView,
    count_text,
    worklist,
    worklist_counts,
    worklist_page,
)
from tests.services.helpers import new_member, new_patient, new_referral

V = WorklistView
RANK = {Priority.STAT: 0, Priority.ASAP: 1, Priority.URGENT: 2, Priority.ROUTINE: 3}


@pytest.fixture
def busy_clinic(db: Database, physician: Actor, front_desk: Actor) -> dict[str, list[int]]:
    """Referrals whose sort keys tie: five routine and two urgent drafts, four sent the
    same day (two of them without a due date, as imported records may be), two sent
    another day, three cancelled on one day."""
    patient = new_patient(db, physician)
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    psych = new_member(db, physician, "psychiatry")
    made: dict[str, list[int]] = {"sent": [], "cancelled": []}
    for _ in range(5):
        new_referral(db, physician, patient.id, rehab)
    for _ in range(2):
        new_referral(db, physician, patient.id, psych, priority="urgent", priority_reason="Falls")
    new_referral(db, physician, patient.id, psych, priority="stat", priority_reason="Suicidal")
    for days_ago in (40, 40, 40, 40, 12, 12):
        r = new_referral(db, physician, patient.id, rehab)
        r = referrals.transition(
            db,
            front_desk,
            r.id,
            "sent",
            sent_via="fax",
            on=date.today() - timedelta(days=days_ago),
            expected_version=r.version,
        )
        made["sent"].append(r.id)
    for _ in range(3):
        r = new_referral(db, physician, patient.id, rehab)
        r = referrals.transition(
            db, front_desk, r.id, "cancelled", reason="Patient moved", expected_version=r.version
        )
        made["cancelled"].append(r.id)
    with db.session(write=True) as session:
        session.execute(
            update(Referral).where(Referral.id.in_(made["sent"][:2])).values(due_on=None)
        )
        session.commit()
    return made


def walk(db: Database, actor: Actor, view: WorklistView, limit: int) -> list[int]:
    """Every page of a view, each read after the previous page's cursor."""
    ids: list[int] = []
    page = worklist_page(db, actor, view, limit=limit)
    for _ in range(100):
        ids += [r.id for r in page.rows]
        if page.next is None:
            return ids
        assert len(page.rows) == limit  # only the last page may be short
        page = worklist_page(db, actor, view, after=page.next, limit=limit)
    raise AssertionError("the pages never ended")


def sort_key(view: WorklistView, referral: Referral) -> tuple[Any, ...]:
    """The documented display order, computed here from the stored fields."""
    if view == V.TO_SEND:
        return (RANK[referral.priority], referral.id)
    if view == V.CLOSED:  # newest first
        assert referral.closed_on is not None
        return (-referral.closed_on.toordinal(), -referral.id)
    # by due date; rows without one last, by id
    due = referral.due_on
    return (due is None, due or date.min, referral.id)


@pytest.mark.parametrize("view", [V.TO_SEND, V.AWAITING_ACCEPTANCE, V.OVERDUE, V.CLOSED])
@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_keyset_pages_list_the_full_query_in_its_order(
    db: Database,
    front_desk: Actor,
    busy_clinic: dict[str, list[int]],
    view: WorklistView,
    limit: int,
) -> None:
    full = [r.id for r in worklist(db, front_desk, view, limit=1000)]
    assert full  # every view here holds rows
    assert walk(db, front_desk, view, limit) == full
    with db.session() as session:
        stored = {r.id: r for r in session.query(Referral).where(Referral.id.in_(full))}
        assert full == sorted(full, key=lambda i: sort_key(view, stored[i]))


def test_ties_and_rows_without_a_key_are_really_there(
    db: Database, front_desk: Actor, busy_clinic: dict[str, list[int]]
) -> None:
    """The fixture is what the paging test relies on: ties, and keys that are NULL."""
    drafts = worklist(db, front_desk, V.TO_SEND, limit=1000)
    assert [r.priority for r in drafts] == [Priority.STAT] + [Priority.URGENT] * 2 + [
        Priority.ROUTINE
    ] * 5
    waiting = worklist(db, front_desk, V.AWAITING_ACCEPTANCE, limit=1000)
    assert [r.id for r in waiting[-2:]] == sorted(busy_clinic["sent"][:2])
    assert all(r.due_on is None for r in waiting[-2:])
    assert len({r.due_on for r in waiting[:2]}) == 1  # two sent on the same day, due alike
    closed = worklist(db, front_desk, V.CLOSED, limit=1000)
    assert [r.id for r in closed] == sorted(busy_clinic["cancelled"], reverse=True)


def test_a_cursor_keeps_its_day(
    db: Database, front_desk: Actor, busy_clinic: dict[str, list[int]]
) -> None:
    """Later pages judge "overdue" on the first page's day, so the list stays one list."""
    last_week = date.today() - timedelta(days=7)
    first = worklist_page(db, front_desk, V.OVERDUE, limit=1, on=last_week)
    assert first.next is not None and first.next.on == last_week
    rest = worklist_page(db, front_desk, V.OVERDUE, after=first.next, limit=1000)
    every = worklist(db, front_desk, V.OVERDUE, limit=1000, on=last_week)
    assert [r.id for r in first.rows + rest.rows] == [r.id for r in every]


def test_counts_stop_at_the_cap_and_say_so(
    db: Database, front_desk: Actor, busy_clinic: dict[str, list[int]]
) -> None:
    exact = worklist_counts(db, front_desk)
    assert exact[V.TO_SEND] == 8 and exact[V.AWAITING_ACCEPTANCE] == 6
    assert exact[V.CLOSED] == 3
    capped = worklist_counts(db, front_desk, cap=3)
    assert capped[V.TO_SEND] == 4  # more than 3
    assert capped[V.CLOSED] == 3  # exactly 3
    assert count_text(capped[V.TO_SEND], cap=3) == "3+"
    assert count_text(capped[V.CLOSED], cap=3) == "3"
    assert count_text(1001) == "1,000+" and count_text(999) == "999"
