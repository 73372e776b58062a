"""The administrator's view of the audit trail: filters, SQL sorting, paging, CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import AuditEvent
from carecoord.services import audit_log, patients, users
from carecoord.services.actor import Actor
from carecoord.services.audit_log import SORT_KEYS, AuditFilter
from tests.services.helpers import new_patient


@pytest.fixture
def activity(db: Database, physician: Actor, front_desk: Actor) -> int:
    """A patient, some searches and reads by two users; returns the patient id."""
    patient = new_patient(db, physician)
    for typed in ("nu", "zo", "x"):
        patients.search_patients(db, front_desk, typed)
    patients.get_patient(db, physician, patient.id)
    users.authenticate(db, "frontdesk", "wrong password")
    return patient.id


def test_only_administrators_read_or_export(
    db: Database, physician: Actor, front_desk: Actor, activity: int
) -> None:
    for actor in (physician, front_desk):
        with pytest.raises(PermissionDenied):
            audit_log.start_query(db, actor, AuditFilter())
        with pytest.raises(PermissionDenied):
            audit_log.page(db, actor, AuditFilter())
        with pytest.raises(PermissionDenied):
            audit_log.export_csv(db, actor, AuditFilter())


def test_filters_combine(db: Database, admin: Actor, activity: int) -> None:
    everything = audit_log.start_query(db, admin, AuditFilter())
    searches = audit_log.start_query(db, admin, AuditFilter(username="FrontDesk", action="search"))
    assert searches.total == 3 < everything.total
    rows = audit_log.page(db, admin, searches.filters)
    assert {(r.username, r.action) for r in rows} == {("frontdesk", "search")}
    by_patient = audit_log.page(db, admin, AuditFilter(patient=str(activity)))
    assert by_patient and {r.patient_id for r in by_patient} == {activity}
    assert by_patient[0].patient_mrn is not None
    by_mrn = audit_log.page(db, admin, AuditFilter(patient=by_patient[0].patient_mrn.lower()))
    assert [r.id for r in by_mrn] == [r.id for r in by_patient]
    now = datetime.now(UTC)
    assert audit_log.count(db, admin, AuditFilter(start=now + timedelta(hours=1))) == 0
    assert audit_log.count(db, admin, AuditFilter(start=now - timedelta(hours=1), end=now)) > 0


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (AuditFilter(patient="NOPE-1"), "patient"),
        (AuditFilter(start=datetime(2030, 1, 1)), "start"),
        (
            AuditFilter(
                start=datetime(2030, 1, 1, tzinfo=UTC), end=datetime(2029, 1, 1, tzinfo=UTC)
            ),
            "end",
        ),
        (AuditFilter(username="x" * 65), "username"),
        (AuditFilter(action="bad\x00"), "action"),
    ],
)
def test_bad_filters_name_their_field(
    db: Database, admin: Actor, filters: AuditFilter, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        audit_log.start_query(db, admin, filters)
    assert error.value.field == field


@pytest.mark.parametrize("key", list(SORT_KEYS))
def test_every_column_sorts_both_ways(db: Database, admin: Actor, activity: int, key: str) -> None:
    query = audit_log.start_query(db, admin, AuditFilter())
    attribute = "patient_id" if key == "patient" else key
    for descending in (False, True):
        ordered = replace(query.filters, sort=key, descending=descending)
        rows = audit_log.page(db, admin, ordered)
        values = [getattr(r, attribute) for r in rows if getattr(r, attribute) is not None]
        assert values == sorted(values, reverse=descending)
    with pytest.raises(ValidationError) as error:
        audit_log.page(db, admin, replace(query.filters, sort="hash"))
    assert error.value.field == "sort"


def test_export_holds_the_page_query_in_its_order(
    db: Database, admin: Actor, activity: int
) -> None:
    """One filter value carries the order too, so the export is what the screen shows."""
    query = audit_log.start_query(db, admin, AuditFilter(sort="id", descending=False))
    shown = audit_log.page(db, admin, query.filters, limit=audit_log.MAX_PAGE)
    text = audit_log.export_csv(db, admin, query.filters)
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["id"]) for r in exported] == [r.id for r in shown]
    assert [r.id for r in shown] == sorted(r.id for r in shown)  # not the newest-first default
    with pytest.raises(ValidationError) as error:
        audit_log.export_csv(db, admin, replace(query.filters, sort="hash"))
    assert error.value.field == "sort"


def test_pages_are_pinned_while_the_trail_grows(
    db: Database, admin: Actor, front_desk: Actor, activity: int
) -> None:
    query = audit_log.start_query(db, admin, AuditFilter())
    first = audit_log.page(db, admin, query.filters, limit=3)
    patients.search_patients(db, front_desk, "more")
    rest = audit_log.page(db, admin, query.filters, limit=100, offset=3)
    ids = [r.id for r in first + rest]
    assert len(ids) == len(set(ids)) == query.total


def test_export_is_csv_audited_and_spreadsheet_safe(
    db: Database, admin: Actor, activity: int
) -> None:
    users.authenticate(db, "=cmd|'/c calc'!A1", "x")  # a typed user name reaches the trail
    text = audit_log.export_csv(db, admin, AuditFilter(action="sign_in_failed"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(audit_log.CSV_COLUMNS)
    assert len(rows) == 3
    assert all(not r[2].startswith("=") for r in rows[1:])
    with db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None and (last.action, last.entity) == ("export", "Audit trail")
        assert last.detail is not None and last.detail.startswith("2 records as CSV")
