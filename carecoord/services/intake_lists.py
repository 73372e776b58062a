"""The Intake page's lists: one view per state (plus overdue and closed), keyset-paged.

Each view is read in (due date, id) order along ``ix_intake_referrals_state_due_on``
(overdue along ``ix_intake_referrals_due_on``); items without a due date (waiting for the
referrer, closed) follow in id order. A page starts after the last row shown, so a page
deep in a long list costs what the first does (as ``services.worklist`` pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from carecoord.clinical import intake_workflow as flow
from carecoord.clinical.intake_workflow import IntakeState
from carecoord.clinical.vocabulary import LabelledEnum
from carecoord.db import Database
from carecoord.models import IntakeReferral
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.intake import ENTITY, IntakeRow, row_of
from carecoord.services.paging import Page, fill_page, page_limit
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work
from carecoord.services.worklist import COUNT_CAP

S = IntakeState
OWED = (S.RECEIVED, S.ACCEPTED, S.WAITLISTED)
"""States in which the clinic owes the next step (and so can be overdue)."""


class IntakeList(LabelledEnum):
    """The page's views: one per open state (named as the state), the overdue ones, and the
    closed."""

    RECEIVED = "received", S.RECEIVED.label
    INFO_REQUESTED = "info_requested", S.INFO_REQUESTED.label
    ACCEPTED = "accepted", S.ACCEPTED.label
    WAITLISTED = "waitlisted", S.WAITLISTED.label
    BOOKED = "booked", S.BOOKED.label
    OVERDUE = "overdue"
    CLOSED = "closed"


def _condition(view: IntakeList, day: date) -> Any:
    column = IntakeReferral.state
    if view is IntakeList.OVERDUE:
        return column.in_(OWED) & (IntakeReferral.due_on < day)
    if view is IntakeList.CLOSED:
        return column.in_(tuple(flow.CLOSED))
    return column == IntakeState(view.value)


@dataclass(frozen=True)
class IntakeCursor:
    """Where the next page starts: after (``due_on``, ``id``) of the last row shown;
    ``part`` 1 is the rows without a due date. ``on`` keeps "overdue" fixed across pages."""

    on: date
    part: int
    due_on: date | None
    id: int


IntakePage = Page[IntakeRow, IntakeCursor]


def _statement(
    view: IntakeList, day: date, part: int, after: IntakeCursor | None, limit: int
) -> Any:
    due, ident = IntakeReferral.due_on, IntakeReferral.id
    conditions = [_condition(view, day)]
    if part == 0:
        conditions.append(due.is_not(None))
        if after is not None and after.part == 0:
            conditions.append((due > after.due_on) | ((due == after.due_on) & (ident > after.id)))
        order: tuple[Any, ...] = (due, ident)
    else:
        conditions.append(due.is_(None))
        if after is not None and after.part == 1:
            conditions.append(ident > after.id)
        order = (ident,)
    return select(IntakeReferral).where(*conditions).order_by(*order).limit(limit)


@service
def intake_page(
    db: Database,
    actor: Actor,
    view: IntakeList | str,
    *,
    after: IntakeCursor | None = None,
    limit: int = 100,
    on: date | None = None,
) -> IntakePage:
    """One page of a view, starting after ``after``; clinical text masked by role.

    Audited per page (which view and how many rows, no names).
    """
    require(actor, Action.READ_INTAKE)
    chosen = v.choice(view, IntakeList, "view")
    limit = page_limit(limit, 1000)
    day = after.on if after is not None else (on or today())
    parts = (0, 1) if after is None or after.part == 0 else (1,)
    with unit_of_work(db, actor) as uow:
        page = fill_page(
            parts,
            limit,
            after,
            lambda part, wanted: uow.session.scalars(
                _statement(chosen, day, part, after, wanted)
            ).all(),
            lambda r: row_of(actor, r, day),
            lambda part, r: IntakeCursor(day, part, r.due_on, r.id),
        )
        uow.audit_read(
            ENTITY,
            detail=f"{chosen.value}: {len(page.rows)} rows ({'next' if after else 'first'} page)",
        )
    return page


@service
def intake_counts(
    db: Database, actor: Actor, *, on: date | None = None, cap: int = COUNT_CAP
) -> dict[IntakeList, int]:
    """How many items each view holds (the page's tabs), exact up to ``cap`` (then cap + 1).

    One statement; each count reads at most ``cap + 1`` index entries.
    """
    require(actor, Action.READ_INTAKE)
    day = on or today()
    views = list(IntakeList)
    counts = [
        select(func.count())
        .select_from(
            select(IntakeReferral.id).where(_condition(view, day)).limit(cap + 1).subquery()
        )
        .scalar_subquery()
        for view in views
    ]
    with unit_of_work(db, actor) as uow:  # counts alone name no patient: no read record
        found = uow.session.execute(select(*counts)).one()
    return {view: int(n or 0) for view, n in zip(views, found, strict=True)}
