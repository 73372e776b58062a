"""An administrator's change reaches open sessions on their next call; refusals are audited;
a busy or full database is a message with a retry, not an unexpected error.

The attacks: a deactivated physician's open session kept reading psychiatric referrals, and
break-glass kept working for its whole window after the designation was withdrawn; 54
refused attempts left no audit record.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, select

import carecoord.db as carecoord_db
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import AccountChanged, PermissionDenied, TemporaryFailure
from carecoord.models import AuditEvent
from carecoord.services import documents, patients, plans, referrals, users
from carecoord.services.actor import Actor
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

REASON = "Patient unconscious in the waiting room; need the full history now"


def denied_events(db: Database) -> list[AuditEvent]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "denied")))
        session.expunge_all()
        return rows


def _account(db: Database, admin: Actor, actor: Actor) -> users.UserView:
    return users.get_user(db, admin, actor.user_id or 0)


def test_a_deactivated_physicians_open_session_is_refused(
    db: Database, physician: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    referral = new_referral(db, physician, patient.id, new_member(db, physician, "psychiatry"))
    assert referrals.get_referral(db, physician, referral.id).reason.startswith("Chronic")

    account = _account(db, admin, physician)
    users.set_user_active(db, admin, account.id, False, expected_version=account.version)

    with pytest.raises(AccountChanged, match="deactivated"):
        referrals.get_referral(db, physician, referral.id)
    with pytest.raises(AccountChanged):
        referrals.list_for_patient(db, physician, patient.id)
    refused = denied_events(db)
    assert [(e.username, e.entity_id, e.detail) for e in refused] == [
        ("drlee", referral.id, "referrals.get_referral"),
        ("drlee", patient.id, "referrals.list_for_patient"),
    ]
    assert refused[1].patient_id == patient.id


def test_a_changed_role_is_refused_until_signing_in_again(
    db: Database, physician: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    account = _account(db, admin, physician)
    users.update_user(
        db,
        admin,
        account.id,
        full_name=account.full_name,
        role=UserRole.FRONT_DESK,
        team_member_id=None,
        break_glass_allowed=False,
        expected_version=account.version,
    )
    with pytest.raises(AccountChanged, match="another role"):
        plans.list_plans(db, physician, patient.id)
    fresh = users.authenticate(db, "drlee", "correct horse battery")
    assert fresh is not None and fresh.role == UserRole.FRONT_DESK


def test_break_glass_ends_when_the_designation_is_withdrawn(
    db: Database, physician: Actor, front_desk: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    referral = new_referral(db, physician, patient.id, new_member(db, physician, "psychiatry"))
    report = documents.attach_document(
        db,
        physician,
        patient.id,
        documents.DocumentUpload("report.pdf", PDF_BYTES, "specialist_report"),
        referral_id=referral.id,
    )
    account = _account(db, admin, front_desk)
    users.update_user(
        db,
        admin,
        account.id,
        full_name=account.full_name,
        role=UserRole.FRONT_DESK,
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=account.version,
    )
    emergency = users.start_break_glass(db, front_desk, REASON, minutes=240)
    assert not referrals.get_referral(db, emergency, referral.id).restricted
    documents.get_document_content(db, emergency, report.id)

    account = _account(db, admin, front_desk)
    users.update_user(
        db,
        admin,
        account.id,
        full_name=account.full_name,
        role=UserRole.FRONT_DESK,
        team_member_id=None,
        break_glass_allowed=False,
        expected_version=account.version,
    )
    view = referrals.get_referral(db, emergency, referral.id)
    assert view.restricted and view.reason == "restricted"
    with pytest.raises(PermissionDenied):
        documents.get_document_content(db, emergency, report.id)
    assert [(e.username, e.entity_id) for e in denied_events(db)] == [("frontdesk", report.id)]


def test_every_refused_attempt_is_audited_with_ids_only(
    db: Database, physician: Actor, front_desk: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(PermissionDenied):
        plans.list_plans(db, admin, patient.id)
    with pytest.raises(PermissionDenied):
        plans.create_plan(
            db, front_desk, patient.id, title="Secret plan words", started_on="2026-01-05"
        )
    with pytest.raises(PermissionDenied):
        users.list_users(db, physician)
    refused = denied_events(db)
    assert [(e.username, e.entity, e.entity_id, e.patient_id, e.detail) for e in refused] == [
        ("admin", "plans", patient.id, patient.id, "plans.list_plans: read clinical"),
        ("frontdesk", "plans", patient.id, patient.id, "plans.create_plan: edit clinical"),
        ("drlee", "users", None, None, "users.list_users: manage users for"),
    ]


def _small_timeout_db(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path
) -> tuple[Database, Path]:
    monkeypatch.setattr(carecoord_db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    return Database(f"sqlite:///{path}"), path


def test_a_locked_database_is_a_temporary_failure_with_nothing_saved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path
) -> None:
    db, path = _small_timeout_db(monkeypatch, tmp_path, sqlite_template)
    from carecoord.services.users import hash_password
    from tests.conftest import make_actor

    doctor = make_actor(db, hash_password("a long password"), "drlee", UserRole.PHYSICIAN, "Lee")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another workstation's long write
    try:
        with pytest.raises(TemporaryFailure, match="busy") as failure:
            new_patient(db, doctor)
        assert failure.value.retryable
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert new_patient(db, doctor).id == 1  # the retry works
    db.dispose()


def test_a_full_disk_is_a_temporary_failure(db: Database, physician: Actor) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's page limit stands in for a full disk")

    def cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    db.engine.dispose()
    event.listen(db.engine, "connect", cap)
    big = "x" * 300
    with pytest.raises(TemporaryFailure, match="full"):
        for n in range(400):
            new_patient(db, physician, family=f"Full{n}", address=big)
    event.remove(db.engine, "connect", cap)
    db.engine.dispose()
    assert patients.count_patients(db, physician) < 400
