"""Patients: register, edit, find (fast at 100,000), warn about duplicates, discharge."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, not_, select, text, true, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import AdministrativeSex, PatientStatus
from carecoord.db import SINGLE_STATEMENT_READS, Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import Patient
from carecoord.services import audit, search_sql
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, check_version, service, today
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Patient"
MRN_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,31}$")
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_AGE_YEARS = 130


@dataclass(frozen=True)
class PatientInput:
    """What a person types on the patient form."""

    family_name: str
    given_name: str
    date_of_birth: date | str | None
    sex: AdministrativeSex | str = AdministrativeSex.UNKNOWN
    middle_name: str | None = None
    mrn: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    preferred_language: str | None = None
    insurance_payer: str | None = None
    insurance_member_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class PatientSummary:
    """One row of a patient list."""

    id: int
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: AdministrativeSex
    status: PatientStatus
    phone: str | None

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    def age(self, on: date | None = None) -> int:
        return age_on(self.date_of_birth, on or today())


@dataclass(frozen=True)
class PatientDetail(PatientSummary):
    middle_name: str | None
    email: str | None
    address: str | None
    preferred_language: str | None
    insurance_payer: str | None
    insurance_member_id: str | None
    discharged_on: date | None
    discharge_reason: str | None
    notes: str | None
    version: int
    updated_by: str | None
    updated_at: datetime


class PossibleDuplicate(CareCoordError):
    """Patients with the same names and date of birth exist; ask before saving."""

    def __init__(self, matches: list[PatientSummary]) -> None:
        listed = "; ".join(f"{m.display_name} (MRN {m.mrn})" for m in matches[:5])
        super().__init__(f"A patient with the same name and date of birth exists: {listed}")
        self.matches = matches


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def summary_of(row: Patient) -> PatientSummary:
    return PatientSummary(
        id=row.id,
        mrn=row.mrn,
        family_name=row.family_name,
        given_name=row.given_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        status=row.status,
        phone=row.phone,
    )


def detail_of(row: Patient) -> PatientDetail:
    values = {f.name: getattr(row, f.name) for f in fields(PatientDetail)}
    return PatientDetail(**values)


def validate(data: PatientInput, *, on: date | None = None) -> dict[str, Any]:
    """The column values for ``data``; ValidationError(s) naming every bad field at once,
    so the form shows all of them on one save."""
    now = on or today()
    errors = v.Collector()
    family = errors.check(lambda: v.required_text(data.family_name, "family_name", max_length=80))
    given = errors.check(lambda: v.required_text(data.given_name, "given_name", max_length=80))
    if family is not None and not v.search_key(family):
        errors.add("family_name", "must contain letters or digits")
    if given is not None and not v.search_key(given):
        errors.add("given_name", "must contain letters or digits")
    born = errors.check(lambda: _birth_date(data.date_of_birth, now))
    mrn = errors.check(lambda: _mrn(data.mrn))
    values = {
        "middle_name": lambda: v.text(data.middle_name, "middle_name", max_length=80),
        "sex": lambda: v.choice(data.sex, AdministrativeSex, "sex"),
        "phone": lambda: v.phone(data.phone),
        "email": lambda: v.email(data.email),
        "address": lambda: v.text(data.address, "address", max_length=400, multiline=True),
        "preferred_language": lambda: v.text(
            data.preferred_language, "preferred_language", max_length=40
        ),
        "insurance_payer": lambda: v.text(data.insurance_payer, "insurance_payer", max_length=120),
        "insurance_member_id": lambda: v.text(
            data.insurance_member_id, "insurance_member_id", max_length=60
        ),
        "notes": lambda: v.text(data.notes, "notes", max_length=4000, multiline=True),
    }
    checked: dict[str, Any] = {name: errors.check(rule) for name, rule in values.items()}
    errors.raise_any()
    assert family is not None and given is not None and born is not None
    return {
        "family_name": family,
        "given_name": given,
        "family_key": v.search_key(family),
        "given_key": v.search_key(given),
        "date_of_birth": born,
        "mrn": mrn,
        **checked,
    }


def _birth_date(value: object, now: date) -> date:
    born = v.required_date(value, "date_of_birth")
    v.not_future(born, "date_of_birth", now)
    if age_on(born, now) > MAX_AGE_YEARS:
        raise ValidationError("date_of_birth", f"gives an age over {MAX_AGE_YEARS} years")
    return born


def _mrn(value: object) -> str | None:
    mrn = v.text(value, "mrn", max_length=32)
    if mrn is not None:
        mrn = mrn.upper()
        if not MRN_RE.match(mrn):
            raise ValidationError("mrn", "may hold only letters, digits and hyphens")
    return mrn


def _duplicates(
    session: Session, family_key: str, given_key: str, born: date, exclude_id: int | None
) -> list[PatientSummary]:
    query = select(Patient).where(
        Patient.family_key == family_key,
        Patient.given_key == given_key,
        Patient.date_of_birth == born,
    )
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    return [summary_of(p) for p in session.scalars(query.limit(20))]


def _serialise_registration(session: Session, values: dict[str, Any]) -> None:
    """Let one registration of a given name and birth date check-then-insert at a time.

    PostgreSQL: a transaction-scoped advisory lock on the name key (parallel registrations
    of the same person otherwise all see "no duplicate" and all insert). SQLite writers
    already hold the database lock from ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = f"patient:{values['family_key']}|{values['given_key']}|{values['date_of_birth']}"
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


@service
def find_duplicates(
    db: Database, actor: Actor, data: PatientInput, exclude_id: int | None = None
) -> list[PatientSummary]:
    """Existing patients with the same names and date of birth (the duplicate warning)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        found = _duplicates(
            uow.session,
            values["family_key"],
            values["given_key"],
            values["date_of_birth"],
            exclude_id,
        )
        uow.audit("search", ENTITY, detail=f"duplicate check, {len(found)} matches")
        uow.commit()
        return found


@service
def create_patient(
    db: Database, actor: Actor, data: PatientInput, *, allow_duplicate: bool = False
) -> PatientDetail:
    """Register a patient; an empty MRN gets the next clinic number (CC0000123).

    Raises:
        ValidationError: a field breaks a rule (nothing is written).
        PossibleDuplicate: same names and date of birth exist and ``allow_duplicate`` is off.
    """
    require(actor, Action.EDIT_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        patient = register(uow.session, actor, values, allow_duplicate=allow_duplicate)
        uow.commit()
        return detail_of(patient)


def duplicates_of(session: Session, values: dict[str, Any]) -> list[PatientSummary]:
    """Registered patients with the names and birth date of validated ``values``."""
    return _duplicates(
        session, values["family_key"], values["given_key"], values["date_of_birth"], None
    )


def register(
    session: Session, actor: Actor, values: dict[str, Any], *, allow_duplicate: bool
) -> Patient:
    """Insert a patient from :func:`validate`'s ``values`` inside the caller's transaction
    (registration and intake acceptance share it); audited, not committed.

    Raises:
        PossibleDuplicate: look-alikes exist and ``allow_duplicate`` is off.
        ValidationError: the MRN is taken.
    """
    values = dict(values)
    _serialise_registration(session, values)
    if not allow_duplicate:
        matches = duplicates_of(session, values)
        if matches:
            raise PossibleDuplicate(matches)
    wanted_mrn = values.pop("mrn")
    patient = Patient(**values, mrn=wanted_mrn or f"TMP-{uuid.uuid4().hex[:28]}")
    patient.updated_by = actor.username
    session.add(patient)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationError("mrn", f"{wanted_mrn} is already used by another patient") from None
    if not wanted_mrn:
        patient.mrn = f"CC{patient.id:07d}"
    audit.record(session, actor, "create", ENTITY, patient.id, patient_id=patient.id)
    return patient


@service
def update_patient(
    db: Database, actor: Actor, patient_id: int, data: PatientInput, *, expected_version: int
) -> PatientDetail:
    """Save edits made on a form opened at ``expected_version``.

    Raises:
        ConflictError: someone saved the patient after the form was opened.
    """
    require(actor, Action.EDIT_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, ENTITY)
        check_version(patient, expected_version, ENTITY)
        if values["mrn"] is None:
            values.pop("mrn")
        changed = apply(patient, values)
        if changed:
            patient.updated_by = actor.username
            try:
                uow.session.flush()
            except IntegrityError:
                uow.session.rollback()
                raise ValidationError("mrn", "is already used by another patient") from None
            uow.audit(
                "update",
                ENTITY,
                patient.id,
                patient_id=patient.id,
                detail="changed: " + ", ".join(sorted(set(changed) - {"family_key", "given_key"})),
            )
            uow.commit(patient, ENTITY)
        return detail_of(patient)


@service
def get_patient(db: Database, actor: Actor, patient_id: int) -> PatientDetail:
    """One patient's demographics (an audited read)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    with unit_of_work(db, actor) as uow:
        patient = uow.load(Patient, patient_id, ENTITY)
        uow.audit_read(ENTITY, patient.id, patient_id=patient.id)
        return detail_of(patient)


@service
def discharge_patient(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    on: date | str | None,
    reason: str | None,
    expected_version: int,
) -> PatientDetail:
    """Mark a patient discharged; their record stays searchable."""
    require(actor, Action.EDIT_DEMOGRAPHICS)
    when = v.required_date(on, "discharged_on")
    why = v.required_text(reason, "discharge_reason", max_length=400)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, ENTITY)
        check_version(patient, expected_version, ENTITY)
        if patient.status == PatientStatus.DISCHARGED:
            raise ValidationError("status", "the patient is already discharged")
        v.not_before(when, patient.date_of_birth, "discharged_on", "the date of birth")
        v.not_future(when, "discharged_on", today())
        patient.status = PatientStatus.DISCHARGED
        patient.discharged_on = when
        patient.discharge_reason = why
        patient.updated_by = actor.username
        uow.audit("discharge", ENTITY, patient.id, patient_id=patient.id)
        uow.commit(patient, ENTITY)
        return detail_of(patient)


@service
def readmit_patient(
    db: Database, actor: Actor, patient_id: int, *, expected_version: int
) -> PatientDetail:
    """Return a discharged patient to active care."""
    require(actor, Action.EDIT_DEMOGRAPHICS)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, ENTITY)
        check_version(patient, expected_version, ENTITY)
        if patient.status == PatientStatus.ACTIVE:
            raise ValidationError("status", "the patient is already active")
        patient.status = PatientStatus.ACTIVE
        patient.discharged_on = None
        patient.discharge_reason = None
        patient.updated_by = actor.username
        uow.audit("readmit", ENTITY, patient.id, patient_id=patient.id)
        uow.commit(patient, ENTITY)
        return detail_of(patient)


# ---------------------------------------------------------------------------- search
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
    limit = max(1, min(int(limit), 500))
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


@dataclass(frozen=True)
class SearchPage:
    rows: list[PatientSummary]
    next: SearchCursor | None  # None: this was the last page


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
    limit = max(1, min(int(limit), 500))
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

    def rows(part: int, page_limit: int, page_offset: int) -> list[PatientSummary]:
        stmt = _statement(shape, part, active_only)
        values = {**params, "limit": page_limit, "offset": page_offset}
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
    with db.session() as session:
        stmt = select(func.count()).select_from(Patient)
        if active_only:
            stmt = stmt.where(Patient.status == PatientStatus.ACTIVE)
        return int(session.scalar(stmt) or 0)


__all__ = [
    "PatientDetail",
    "PatientInput",
    "PatientSummary",
    "PossibleDuplicate",
    "count_patients",
    "create_patient",
    "discharge_patient",
    "duplicates_of",
    "find_duplicates",
    "get_patient",
    "parse_search",
    "readmit_patient",
    "register",
    "search_page",
    "search_patients",
    "update_patient",
]
