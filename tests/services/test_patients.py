"""Patient registration, validation, duplicate warning, search and optimistic locking."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, Patient
from carecoord.services import patients
from carecoord.services.actor import Actor
from carecoord.services.patients import PatientInput, PossibleDuplicate
from tests.services.helpers import audit_actions, count, new_patient


def test_create_assigns_clinic_mrn_and_audits(db: Database, front_desk: Actor) -> None:
    created = new_patient(db, front_desk, phone="(555) 010-2233", email="zoe@example.org")
    assert created.mrn == f"CC{created.id:07d}"
    assert created.family_name == "Ñúñez"
    assert created.updated_by == "frontdesk"
    assert ("create", "Patient") in audit_actions(db)


def test_explicit_mrn_is_kept_upper_case_and_unique(db: Database, front_desk: Actor) -> None:
    first = new_patient(db, front_desk, mrn="ext-123")
    assert first.mrn == "EXT-123"
    with pytest.raises(ValidationError) as error:
        new_patient(db, front_desk, family="Wróbel", given="Łukasz", mrn="EXT-123")
    assert error.value.field == "mrn"
    assert count(db, Patient) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": date.today() + timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": "31/02/1980"}, "date_of_birth"),
        ({"date_of_birth": date(1850, 1, 1)}, "date_of_birth"),
        ({"family_name": "   "}, "family_name"),
        ({"given_name": ""}, "given_name"),
        ({"family_name": "x" * 81}, "family_name"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"sex": "robot"}, "sex"),
        ({"mrn": "MRN 12/3"}, "mrn"),
        ({"notes": "bad\x00byte"}, "notes"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    db: Database, front_desk: Actor, change: dict[str, object], field: str
) -> None:
    data = replace(PatientInput("Wróbel", "Łukasz", date(1975, 3, 2), "male"), **change)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as error:
        patients.create_patient(db, front_desk, data)
    assert error.value.field == field
    assert count(db, Patient) == 0
    assert count(db, AuditEvent) == 0


def test_duplicate_warning_then_explicit_override(db: Database, front_desk: Actor) -> None:
    first = new_patient(db, front_desk)
    same = PatientInput("ÑUÑEZ", "zoe", date(1980, 5, 12), "female")
    with pytest.raises(PossibleDuplicate) as warning:
        patients.create_patient(db, front_desk, same)
    assert [m.id for m in warning.value.matches] == [first.id]
    assert count(db, Patient) == 1
    assert [m.id for m in patients.find_duplicates(db, front_desk, same)] == [first.id]
    second = patients.create_patient(db, front_desk, same, allow_duplicate=True)
    assert second.id != first.id
    assert count(db, Patient) == 2


def test_second_save_from_a_stale_form_is_a_conflict(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    created = new_patient(db, front_desk)
    form = PatientInput("Ñúñez", "Zoë", date(1980, 5, 12), "female", phone="555-0100")
    saved = patients.update_patient(
        db, physician, created.id, form, expected_version=created.version
    )
    assert saved.version == created.version + 1
    stale = replace(form, phone="555-0199")
    with pytest.raises(ConflictError) as conflict:
        patients.update_patient(db, front_desk, created.id, stale, expected_version=created.version)
    assert conflict.value.changed_by == "drlee"
    assert "drlee" in str(conflict.value)
    assert patients.get_patient(db, front_desk, created.id).phone == "555-0100"


def test_clinician_may_not_register_patients(db: Database, clinician: Actor) -> None:
    with pytest.raises(PermissionDenied):
        new_patient(db, clinician)
    assert count(db, Patient) == 0


@pytest.fixture
def registry(db: Database, front_desk: Actor) -> dict[str, int]:
    people = [
        ("Smith", "John", date(1970, 1, 2)),
        ("Smithers", "Ann", date(1982, 7, 9)),
        ("Jones", "Smitha", date(1991, 11, 30)),
        ("Wróbel", "Łukasz", date(1975, 3, 2)),
        ("Nguyễn", "Thị Hoa", date(1988, 6, 15)),
        ("Ñúñez", "Zoë", date(1980, 5, 12)),
        ("O'Brien", "Siobhán", date(1965, 12, 24)),
    ]
    ids = {}
    for family, given, born in people:
        ids[family] = patients.create_patient(
            db, front_desk, PatientInput(family, given, born, "unknown")
        ).id
    return ids


def names(rows: list[patients.PatientSummary]) -> list[str]:
    return [f"{r.family_name}, {r.given_name}" for r in rows]


def test_search_family_matches_first_then_given_names(
    db: Database, front_desk: Actor, registry: dict[str, int]
) -> None:
    found = patients.search_patients(db, front_desk, "smi")
    assert names(found) == ["Smith, John", "Smithers, Ann", "Jones, Smitha"]


def test_search_pages_across_the_two_groups(
    db: Database, front_desk: Actor, registry: dict[str, int]
) -> None:
    first = patients.search_patients(db, front_desk, "smi", limit=2)
    second = patients.search_patients(db, front_desk, "smi", limit=2, offset=2)
    assert names(first) == ["Smith, John", "Smithers, Ann"]
    assert names(second) == ["Jones, Smitha"]
    assert patients.search_patients(db, front_desk, "smi", limit=2, offset=4) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nunez", ["Ñúñez, Zoë"]),
        ("ÑÚÑ", ["Ñúñez, Zoë"]),
        ("lukasz", ["Wróbel, Łukasz"]),
        ("wrobel l", ["Wróbel, Łukasz"]),
        ("lukasz wro", ["Wróbel, Łukasz"]),
        ("smith, j", ["Smith, John"]),
        ("nguyen thi", ["Nguyễn, Thị Hoa"]),
        ("obrien", ["O'Brien, Siobhán"]),
        ("o\u2019brien", ["O'Brien, Siobhán"]),
        ("1980-05-12", ["Ñúñez, Zoë"]),
        ("05/12/1980", ["Ñúñez, Zoë"]),
        ("zzz", []),
    ],
)
def test_search_understands_names_dates_and_accents(
    db: Database, front_desk: Actor, registry: dict[str, int], typed: str, expected: list[str]
) -> None:
    assert names(patients.search_patients(db, front_desk, typed)) == expected


def test_search_by_mrn_prefix(db: Database, front_desk: Actor, registry: dict[str, int]) -> None:
    mrn = f"CC{registry['Jones']:07d}"
    assert names(patients.search_patients(db, front_desk, mrn.lower())) == ["Jones, Smitha"]
    assert len(patients.search_patients(db, front_desk, "CC00")) == len(registry)


def test_search_can_hide_discharged_patients(
    db: Database, front_desk: Actor, registry: dict[str, int]
) -> None:
    patient = patients.get_patient(db, front_desk, registry["Smith"])
    discharged = patients.discharge_patient(
        db,
        front_desk,
        patient.id,
        on=date.today(),
        reason="Goals met",
        expected_version=patient.version,
    )
    assert discharged.status == "discharged"
    assert "Smith, John" in names(patients.search_patients(db, front_desk, "smith"))
    active = patients.search_patients(db, front_desk, "smith", include_discharged=False)
    assert "Smith, John" not in names(active)
    back = patients.readmit_patient(db, front_desk, patient.id, expected_version=discharged.version)
    assert back.status == "active" and back.discharged_on is None


def test_discharge_needs_a_reason(db: Database, front_desk: Actor) -> None:
    created = new_patient(db, front_desk)
    with pytest.raises(ValidationError) as error:
        patients.discharge_patient(
            db,
            front_desk,
            created.id,
            on=date.today(),
            reason=" ",
            expected_version=created.version,
        )
    assert error.value.field == "discharge_reason"


def test_search_and_reads_are_audited(db: Database, front_desk: Actor) -> None:
    created = new_patient(db, front_desk)
    patients.search_patients(db, front_desk, "nu")
    patients.get_patient(db, front_desk, created.id)
    actions = audit_actions(db)
    assert ("search", "Patient") in actions
    assert ("read", "Patient") in actions


def search_details(db: Database) -> list[str]:
    from sqlalchemy import select

    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "search")
                .order_by(AuditEvent.id)
            )
        )


def test_a_search_session_is_audited_once_when_flushed(db: Database, front_desk: Actor) -> None:
    new_patient(db, front_desk, family="Okafor", given="Ada")
    tally = patients.SearchAudit()
    for text in ("O", "Ok", "Oka", "1970-01-01"):
        patients.search_patients(db, front_desk, text, audit_session=tally)
    assert search_details(db) == []  # no commit per keystroke
    assert patients.flush_search_audit(db, front_desk, tally)
    assert search_details(db) == ["search session: 4 searches (date 1, name 3), 3 results"]
    assert not patients.flush_search_audit(db, front_desk, tally)  # nothing new to write
    patients.search_patients(db, front_desk, "Okafor")  # without a session: its own record
    assert len(search_details(db)) == 2


def test_a_long_search_session_is_flushed_by_itself(db: Database, front_desk: Actor) -> None:
    tally = patients.SearchAudit()
    tally.FLUSH_EVERY = 3
    for text in ("A", "B", "C", "D"):
        patients.search_patients(db, front_desk, text, audit_session=tally)
    assert search_details(db) == ["search session: 3 searches (name 3), 0 results"]
    assert tally.searches == 1


@pytest.mark.parametrize(
    ("text", "include_discharged"),
    [("", False), ("", True), ("ke", True), ("ke jo", True), ("ke, j", True), ("MRN", True)],
)
def test_keyset_pages_join_up_to_the_whole_search(
    db: Database, front_desk: Actor, text: str, include_discharged: bool
) -> None:
    from sqlalchemy import event

    for i in range(23):  # families and givens that match "ke" either way round
        family = ("Keane", "Kerr", "Jones", "Kelly")[i % 4]
        given = ("Jo", "Kevin", "Joan")[i % 3]
        made = new_patient(db, front_desk, family=family, given=f"{given}{chr(97 + i)}")
        if i % 5 == 0:
            patients.discharge_patient(
                db,
                front_desk,
                made.id,
                on=date.today(),
                reason="moved away",
                expected_version=made.version,
            )
    if text == "MRN":  # an MRN prefix every test patient shares
        text = made.mrn[:3]
        assert any(c.isdigit() for c in text)
    whole = patients.search_patients(
        db, front_desk, text, limit=500, include_discharged=include_discharged
    )
    statements: list[tuple[str, Any]] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append((a[2], a[3])))
    paged: list[int] = []
    cursor = None
    for _ in range(30):
        page = patients.search_page(
            db, front_desk, text, after=cursor, limit=4, include_discharged=include_discharged
        )
        paged += [p.id for p in page.rows]
        cursor = page.next
        if cursor is None:
            break
    assert paged == [p.id for p in whole]
    assert len(paged) == len(set(paged))
    pages = [(s, p) for s, p in statements if s.lstrip().startswith("SELECT patients.id")]
    assert len(pages) >= 2
    # keyset, never skipping rows: SQLite spells "LIMIT ? OFFSET ?" with an offset of 0
    assert all(p[-1] == 0 for s, p in pages if "OFFSET" in s.upper())
    assert sum(") > (" in s for s, _ in pages) >= len(paged) // 4 - 1
