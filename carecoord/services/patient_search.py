"""Finding patients: the search box's parse, pages and counts (fast at 100,000 patients),
and the audit of what was searched for (names never, counts and shapes only)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, not_, select, true, tuple_
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.db import SINGLE_STATEMENT_READS, Database
from carecoord.models import Patient
from carecoord.services import search_sql
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.paging import Page, page_limit
from carecoord.services.patients import ENTITY, ISO_DATE_RE, US_DATE_RE, PatientSummary
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class SearchQuery:
    """How the typed text was understood (shown to the user as a hint)."""

    kind: str  # "all", "date", "mrn", "name"
    date_of_birth: date | None = None
    mrn_prefix: str | None = None
    first: str | None = None
    second: str | None = None
    comma: bool = False


def parse_search(text: str) -> SearchQuery:
    """Read the search box: a date of birth, an MRN, or name prefixes ("smi jo", "smith, jo")."""
    text = (text or "").strip()
    if not text:
        return SearchQuery("all")
    if ISO_DATE_RE.match(text):
        try:
            return SearchQuery("date", date_of_birth=date.fromisoformat(text))
        except ValueError:
            pass
    us = US_DATE_RE.match(text)
    if us:
        month, day, year = (int(x) for x in us.groups())
        try:
            return SearchQuery("date", date_of_birth=date(year, month, day))
        except ValueError:
            pass
    if any(c.isdigit() for c in text) and " " not in text and "," not in text:
        return SearchQuery("mrn", mrn_prefix=text.upper())
    comma = "," in text
    parts = [v.search_key(p) for p in (text.split(",", 1) if comma else text.split(None, 1))]
    parts = [p for p in parts if p]
    if not parts:
        return SearchQuery("all")
    first = parts[0]
    second = parts[1].split(" ")[0] if len(parts) > 1 else None
    return SearchQuery("name", first=first, second=second, comma=comma)


ORDER = (Patient.family_key, Patient.given_key, Patient.id)


@dataclass
class SearchAudit:
    """The searches of one search session, audited as ONE record instead of one fsync'd
    commit per keystroke: :func:`search_patients` tallies here, :func:`flush_search_audit`
    writes the record (the UI calls it when the list is hidden or closed, or a chart is
    opened; it also happens by itself every ``FLUSH_EVERY`` searches or ``FLUSH_SECONDS``)."""

    FLUSH_EVERY = 200
    FLUSH_SECONDS = 300.0

    searches: int = 0
    results: int = 0
    kinds: dict[str, int] | None = None
    started: float = 0.0

    def tally(self, kind: str, results: int) -> None:
        if not self.searches:
            self.started = time.monotonic()
            self.kinds = {}
        assert self.kinds is not None
        self.searches += 1
        self.results += results
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def due(self) -> bool:
        return self.searches >= self.FLUSH_EVERY or (
            self.searches > 0 and time.monotonic() - self.started >= self.FLUSH_SECONDS
        )

    def detail(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted((self.kinds or {}).items()))
        plural = "es" if self.searches != 1 else ""
        return f"search session: {self.searches} search{plural} ({kinds}), {self.results} results"


@service
def flush_search_audit(db: Database, actor: Actor, tally: SearchAudit) -> bool:
    """Write the session's one audit record (nothing when no search ran); True if written."""
    require(actor, Action.READ_DEMOGRAPHICS)  # only someone who may search has searches
    if not tally.searches:
        return False
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit("search", ENTITY, detail=tally.detail())
        uow.commit()
    tally.searches, tally.results, tally.kinds = 0, 0, None
    return True


@service
def search_patients(
    db: Database,
    actor: Actor,
    text: str,
    *,
    limit: int = 50,
    offset: int = 0,
    include_discharged: bool = True,
    audit_session: SearchAudit | None = None,
) -> list[PatientSummary]:
    """Patients matching ``text``, family-name matches first, each group in name order.

    Every branch is an index range scan that stops after ``offset + limit`` rows, so a
    keystroke costs the same at 100 or 100,000 patients. Each search is audited: in its
    own record, or tallied into ``audit_session`` (one record per search session).
    """
    require(actor, Action.READ_DEMOGRAPHICS)
    limit = page_limit(limit, 500)
    offset = max(0, int(offset))
    query = parse_search(text)
    if audit_session is not None:  # a plain connection: no ORM session per keystroke
        with _search_connection(db) as connection:
            found = _run_search(connection, query, not include_discharged, limit, offset)
        audit_session.tally(query.kind, len(found))
        if audit_session.due():
            flush_search_audit(db, actor, audit_session)
        return found
    with unit_of_work(db, actor, write=True) as uow:
        found = _run_search(uow.session, query, not include_discharged, limit, offset)
        uow.audit(
            "search",
            ENTITY,
            detail=f"{query.kind} search, {len(found)} results (offset {offset})",
        )
        uow.commit()
        return found


SUMMARY_COLUMNS = (
    Patient.id,
    Patient.mrn,
    Patient.family_name,
    Patient.given_name,
    Patient.date_of_birth,
    Patient.sex,
    Patient.status,
    Patient.phone,
)


def _in_range(column: Any, name: str) -> Any:
    return and_(column >= bindparam(f"{name}_lo"), column < bindparam(f"{name}_hi"))


FAMILY = _in_range(Patient.family_key, "a")
GIVEN = _in_range(Patient.given_key, "a")
FAMILY_B = _in_range(Patient.family_key, "b")
GIVEN_B = _in_range(Patient.given_key, "b")
CONDITIONS: dict[str, tuple[Any, Any | None]] = {
    # name: (primary condition, secondary condition) - secondary rows follow primary rows
    "one": (FAMILY, and_(GIVEN, not_(FAMILY))),
    "two": (and_(FAMILY, GIVEN_B), and_(GIVEN, FAMILY_B, not_(and_(FAMILY, GIVEN_B)))),
    "comma": (and_(FAMILY, GIVEN_B), None),
    "date": (Patient.date_of_birth == bindparam("born"), None),
    "mrn": (_in_range(Patient.mrn, "a"), None),
    "all": (true(), None),
}


@lru_cache(maxsize=64)
def _statement(shape: str, part: int, active_only: bool) -> Any:
    """Search statements are built once per shape and reused with new parameters: building
    a SELECT costs more than running it on an index."""
    condition = CONDITIONS[shape][part]
    assert condition is not None
    stmt = select(*SUMMARY_COLUMNS).where(condition)
    if active_only:
        stmt = stmt.where(Patient.status == PatientStatus.ACTIVE)
    order = (Patient.mrn,) if shape == "mrn" else ORDER
    return stmt.order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))


@lru_cache(maxsize=16)
def _count_statement(shape: str, active_only: bool) -> Any:
    stmt = select(func.count()).select_from(Patient).where(CONDITIONS[shape][0])
    if active_only:
        stmt = stmt.where(Patient.status == PatientStatus.ACTIVE)
    return stmt


def _shape_and_params(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    if query.kind == "all":
        return "all", {}
    if query.kind == "date":
        return "date", {"born": query.date_of_birth}
    if query.kind == "mrn":
        assert query.mrn_prefix is not None
        low, high = v.key_range(query.mrn_prefix)
        return "mrn", {"a_lo": low, "a_hi": high}
    assert query.first is not None
    params: dict[str, Any] = dict(zip(("a_lo", "a_hi"), v.key_range(query.first), strict=True))
    if query.second is None:
        return "one", params
    params.update(zip(("b_lo", "b_hi"), v.key_range(query.second), strict=True))
    return ("comma" if query.comma else "two"), params


@dataclass(frozen=True)
class SearchCursor:
    """Where the next page starts: the result part (family matches, then given-name
    matches) and the sort key of the last row shown. Small, so a list keeps one per page."""

    part: int
    key: tuple[Any, ...]


SearchPage = Page[PatientSummary, SearchCursor]


@service
def search_page(
    db: Database,
    actor: Actor,
    text: str,
    *,
    after: SearchCursor | None = None,
    limit: int = 50,
    include_discharged: bool = True,
    audit_session: SearchAudit | None = None,
) -> SearchPage:
    """One page of :func:`search_patients`' results, starting after ``after`` (keyset
    paging on ``(family_key, given_key, id)`` or ``(mrn, id)``): a page deep in the list
    costs the same index range scan as the first, unlike an OFFSET that reads past
    every earlier row. Audited like :func:`search_patients`."""
    require(actor, Action.READ_DEMOGRAPHICS)
    limit = page_limit(limit, 500)
    query = parse_search(text)
    shape, params = _shape_and_params(query)
    active_only = not include_discharged
    with _search_connection(db) as connection:
        rows: list[PatientSummary] = []
        cursor = after
        part = after.part if after is not None else 0
        while part < 2 and CONDITIONS[shape][part] is not None and len(rows) < limit:
            keyed = cursor is not None and cursor.part == part
            values = {**params, "limit": limit - len(rows)}
            if keyed:
                assert cursor is not None
                values.update({f"k{i}": k for i, k in enumerate(cursor.key)})
            # Through the driver's cursor: see search_sql for what that saves per keystroke.
            found = search_sql.fetch(
                connection, _keyset_statement(shape, part, active_only, keyed), values
            )
            rows.extend(PatientSummary(*search_sql.summary_values(r)) for r in found)
            if found:
                cursor = SearchCursor(part, tuple(found[-1][len(SUMMARY_COLUMNS) :]))
            if len(rows) < limit:
                part += 1
    more = len(rows) == limit
    if audit_session is not None:
        audit_session.tally(query.kind, len(rows))
        if audit_session.due():
            flush_search_audit(db, actor, audit_session)
    else:
        with unit_of_work(db, actor, write=True) as uow:
            uow.audit("search", ENTITY, detail=f"{query.kind} search, {len(rows)} results")
            uow.commit()
    return SearchPage(rows, cursor if more else None)


def _search_connection(db: Database) -> Connection:
    """A connection for a search's SELECTs. On PostgreSQL in autocommit, so a keystroke
    costs its statements' round trips only, without a BEGIN and a ROLLBACK around them."""
    # Not a unit of work's session (it would add both): each search is audited by one.
    connection = db.engine.connect()
    if db.dialect == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    else:  # the same on SQLite: no BEGIN and ROLLBACK around a keystroke's SELECTs
        connection.execution_options(**{SINGLE_STATEMENT_READS: True})
    return connection


KEYSET_ORDER = (Patient.family_key, Patient.given_key, Patient.id)
MRN_ORDER = (Patient.mrn, Patient.id)


@lru_cache(maxsize=64)
def _keyset_statement(shape: str, part: int, active_only: bool, keyed: bool) -> Any:
    """The page statement: the part's condition, rows after the cursor's key, in key order
    (the sort key columns are selected after the summary columns, for the next cursor)."""
    condition = CONDITIONS[shape][part]
    assert condition is not None
    order = MRN_ORDER if shape == "mrn" else KEYSET_ORDER
    stmt = select(*SUMMARY_COLUMNS, *order).where(condition)
    if active_only:
        stmt = stmt.where(Patient.status == PatientStatus.ACTIVE)
    if keyed:
        stmt = stmt.where(tuple_(*order) > tuple_(*(bindparam(f"k{i}") for i in range(len(order)))))
    return stmt.order_by(*order).limit(bindparam("limit"))


def _run_search(
    where: Session | Connection, query: SearchQuery, active_only: bool, limit: int, offset: int
) -> list[PatientSummary]:
    """Plain column rows, not ORM objects: a keystroke should cost a query, not a mapper."""
    connection = where.connection() if isinstance(where, Session) else where
    shape, params = _shape_and_params(query)

    def rows(part: int, wanted: int, skipped: int) -> list[PatientSummary]:
        stmt = _statement(shape, part, active_only)
        values = {**params, "limit": wanted, "offset": skipped}
        return [PatientSummary(*r) for r in connection.execute(stmt, values)]

    found = rows(0, limit, offset)
    if CONDITIONS[shape][1] is None or len(found) == limit:
        return found
    if found:
        primary_count = offset + len(found)
    else:
        counted = connection.execute(_count_statement(shape, active_only), params).scalar()
        primary_count = int(counted or 0)
    return found + rows(1, limit - len(found), max(0, offset - primary_count))


@service
def count_patients(db: Database, actor: Actor, *, active_only: bool = False) -> int:
    require(actor, Action.READ_DEMOGRAPHICS)
    stmt = select(func.count()).select_from(Patient)
    if active_only:
        stmt = stmt.where(Patient.status == PatientStatus.ACTIVE)
    with unit_of_work(db, actor) as uow:  # a count alone names no patient: no read record
        return int(uow.session.scalar(stmt) or 0)
