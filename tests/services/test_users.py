"""Accounts: sign-in with a growing lockout, own password change, administration, break-glass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import DataCategory, UserRole
from carecoord.db import Database
from carecoord.errors import ConflictError, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, User
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed
from tests.conftest import make_actor

PASSWORD = "correct horse battery"  # the shared password_hash fixture's password
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def events(db: Database, action: str) -> list[AuditEvent]:
    with db.session() as session:
        rows = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        session.expunge_all()
        return rows


def user_row(db: Database, username: str) -> User:
    with db.session() as session:
        row = session.scalar(select(User).where(User.username == username))
        assert row is not None
        session.expunge(row)  # keep its loaded values after the read-only session ends
        return row


def fail(db: Database, username: str, at: datetime) -> users.AccountLocked | None:
    """One wrong password at ``at``: None when refused plainly, the lockout when locked."""
    try:
        assert users.authenticate(db, username, "wrong password", now=at) is None
    except users.AccountLocked as locked:
        return locked
    return None


def test_argon2id_parameters_meet_the_owasp_minimum() -> None:
    encoded = users.hash_password("a long passphrase")
    assert encoded.startswith("$argon2id$")
    params = dict(p.split("=") for p in encoded.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2


def test_sign_in_succeeds_and_is_audited(db: Database, physician: Actor) -> None:
    actor = users.authenticate(db, "DrLee ", PASSWORD, now=T0)
    assert actor is not None and actor.user_id == physician.user_id
    assert actor.role == UserRole.PHYSICIAN and actor.break_glass_until is None
    assert user_row(db, "drlee").last_sign_in == T0
    assert [e.username for e in events(db, "sign_in")] == ["drlee"]


def test_unknown_user_and_wrong_password_are_refused_and_audited(
    db: Database, physician: Actor
) -> None:
    assert users.authenticate(db, "nobody", PASSWORD, now=T0) is None
    assert users.authenticate(db, "drlee", "not it at all", now=T0) is None
    failed = events(db, "sign_in_failed")
    assert [(e.username, e.user_id) for e in failed] == [
        (users.UNKNOWN_USER, None),
        ("drlee", physician.user_id),
    ]
    assert user_row(db, "drlee").failed_attempts == 1


def test_lockout_after_five_failures_with_a_growing_wait(db: Database, physician: Actor) -> None:
    at = T0
    for _ in range(4):
        assert fail(db, "drlee", at) is None
    locked = fail(db, "drlee", at)  # the fifth
    assert locked is not None and locked.seconds_left == 30
    assert "30 seconds" in str(locked)
    assert user_row(db, "drlee").locked_until == at + timedelta(seconds=30)

    # While locked even the right password is refused, and the wait is not extended.
    with pytest.raises(users.AccountLocked) as during:
        users.authenticate(db, "drlee", PASSWORD, now=at + timedelta(seconds=10))
    assert during.value.seconds_left == 20
    assert user_row(db, "drlee").failed_attempts == 5

    # Each failure after a lock ends doubles the next wait: 60 s, 120 s, … up to 15 min.
    waits = []
    for _ in range(7):
        at = user_row(db, "drlee").locked_until or at
        again = fail(db, "drlee", at)
        assert again is not None
        waits.append(again.seconds_left)
    assert waits == [60, 120, 240, 480, 900, 900, 900]
    assert len(events(db, "lockout")) == 8
    assert "locked for 30 s" in (events(db, "lockout")[0].detail or "")


def test_a_successful_sign_in_resets_the_count(db: Database, physician: Actor) -> None:
    for _ in range(4):
        fail(db, "drlee", T0)
    assert users.authenticate(db, "drlee", PASSWORD, now=T0) is not None
    row = user_row(db, "drlee")
    assert row.failed_attempts == 0 and row.locked_until is None
    for _ in range(4):
        assert fail(db, "drlee", T0) is None  # a fresh count: four more are allowed


def test_after_the_wait_the_right_password_works(db: Database, physician: Actor) -> None:
    for _ in range(5):
        fail(db, "drlee", T0)
    assert users.authenticate(db, "drlee", PASSWORD, now=T0 + timedelta(seconds=31))


def test_lockout_seconds_and_wait_text() -> None:
    assert [users.lockout_seconds(n) for n in (0, 4, 5, 6, 7, 30)] == [0, 0, 30, 60, 120, 900]
    assert users.wait_text(30) == "30 seconds"
    assert users.wait_text(90) == "1 minute 30 seconds"
    assert users.wait_text(120) == "2 minutes"


def test_a_deactivated_account_cannot_sign_in(db: Database, admin: Actor, clinician: Actor) -> None:
    row = users.get_user(db, admin, clinician.user_id or 0)
    users.set_user_active(db, admin, row.id, False, expected_version=row.version)
    assert users.authenticate(db, "therapist", PASSWORD, now=T0) is None
    row = users.get_user(db, admin, row.id)
    users.set_user_active(db, admin, row.id, True, expected_version=row.version)
    assert users.authenticate(db, "therapist", PASSWORD, now=T0) is not None


def test_change_own_password_needs_the_current_one(db: Database, physician: Actor) -> None:
    with pytest.raises(ValidationError) as wrong:
        users.change_password(db, physician, current="not mine", new="a brand new secret")
    assert wrong.value.field == "current_password"
    assert user_row(db, "drlee").failed_attempts == 1  # guessing counts toward the lockout
    with pytest.raises(ValidationError) as short:
        users.change_password(db, physician, current=PASSWORD, new="short")
    assert short.value.field == "new_password"
    with pytest.raises(ValidationError) as same:
        users.change_password(db, physician, current=PASSWORD, new=PASSWORD)
    assert same.value.field == "new_password"

    users.change_password(db, physician, current=PASSWORD, new="a brand new secret")
    assert users.authenticate(db, "drlee", PASSWORD) is None
    assert users.authenticate(db, "drlee", "a brand new secret") is not None
    assert [e.detail for e in events(db, "password_change")] == ["own password"]


def test_unlock_checks_the_signed_in_users_password(db: Database, physician: Actor) -> None:
    users.record_lock(db, physician)
    assert not users.unlock(db, physician, "wrong one", now=T0)
    assert users.unlock(db, physician, PASSWORD, now=T0)
    assert [e.action for e in events(db, "lock") + events(db, "unlock")] == ["lock", "unlock"]
    for _ in range(4):
        users.unlock(db, physician, "wrong one", now=T0)
    with pytest.raises(users.AccountLocked):
        users.unlock(db, physician, "wrong one", now=T0)


def test_administrator_manages_users_and_each_change_is_audited(db: Database, admin: Actor) -> None:
    created = users.create_user(
        db, admin, username="JPark", full_name="Jo Park", password="long enough", role="clinician"
    )
    assert created.username == "jpark" and not created.break_glass_allowed
    changed = users.update_user(
        db,
        admin,
        created.id,
        full_name="Jo Park, PhD",
        role=UserRole.PHYSICIAN,
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=created.version,
    )
    assert changed.role == UserRole.PHYSICIAN and changed.break_glass_allowed
    with pytest.raises(ConflictError):
        users.update_user(
            db,
            admin,
            created.id,
            full_name="Stale",
            role="clinician",
            team_member_id=None,
            break_glass_allowed=False,
            expected_version=created.version,
        )
    for _ in range(5):
        fail(db, "jpark", T0)
    reset = users.reset_password(
        db, admin, created.id, "given by the admin", expected_version=changed.version
    )
    assert reset.locked_until is None
    assert users.authenticate(db, "jpark", "given by the admin", now=T0) is not None
    off = users.set_user_active(db, admin, created.id, False, expected_version=reset.version)
    assert not off.active
    details = [e.detail for e in events(db, "permission_change") if e.entity_id == created.id]
    assert details == [
        "account created, role clinician",
        "role clinician -> physician; break-glass allowed; full name",
        "password reset",
        "account deactivated",
    ]
    assert all(e.username == "admin" for e in events(db, "permission_change"))
    assert [u.username for u in users.list_users(db, admin)] == ["admin", "jpark"]


def test_the_last_active_administrator_stays(db: Database, admin: Actor) -> None:
    me = users.get_user(db, admin, admin.user_id or 0)
    with pytest.raises(ValidationError) as off:
        users.set_user_active(db, admin, me.id, False, expected_version=me.version)
    assert off.value.field == "active"
    with pytest.raises(ValidationError) as demoted:
        users.update_user(
            db,
            admin,
            me.id,
            full_name=me.full_name,
            role="physician",
            team_member_id=None,
            break_glass_allowed=False,
            expected_version=me.version,
        )
    assert demoted.value.field == "role"


@pytest.mark.parametrize("role", [UserRole.PHYSICIAN, UserRole.CLINICIAN, UserRole.FRONT_DESK])
def test_only_administrators_manage_users(
    db: Database, password_hash: str, admin: Actor, role: UserRole
) -> None:
    actor = make_actor(db, password_hash, "someone", role, "Some One")
    target = users.get_user(db, admin, admin.user_id or 0)
    calls = [
        lambda: users.list_users(db, actor),
        lambda: users.get_user(db, actor, target.id),
        lambda: users.create_user(
            db, actor, username="x", full_name="X", password="long enough", role="physician"
        ),
        lambda: users.update_user(
            db,
            actor,
            target.id,
            full_name="X",
            role="physician",
            team_member_id=None,
            break_glass_allowed=True,
            expected_version=target.version,
        ),
        lambda: users.set_user_active(db, actor, target.id, False, expected_version=1),
        lambda: users.reset_password(db, actor, target.id, "long enough", expected_version=1),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert events(db, "permission_change") == []


def test_break_glass_needs_designation_and_a_reason(
    db: Database, admin: Actor, front_desk: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        users.start_break_glass(db, front_desk, "Patient collapsed in the waiting room", now=T0)
    row = users.get_user(db, admin, front_desk.user_id or 0)
    users.update_user(
        db,
        admin,
        row.id,
        full_name=row.full_name,
        role=row.role,
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=row.version,
    )
    assert users.may_break_glass(db, front_desk)
    for reason in ("", "   ", "because"):
        with pytest.raises(ValidationError) as no_reason:
            users.start_break_glass(db, front_desk, reason, now=T0)
        assert no_reason.value.field == "reason"
    with pytest.raises(ValidationError) as too_long:
        users.start_break_glass(db, front_desk, "Emergency department call", minutes=999, now=T0)
    assert too_long.value.field == "minutes"
    assert events(db, "break_glass") == []


def test_break_glass_grants_reading_until_it_expires_and_is_audited(
    db: Database, admin: Actor, front_desk: Actor, password_hash: str
) -> None:
    row = users.get_user(db, admin, front_desk.user_id or 0)
    users.update_user(
        db,
        admin,
        row.id,
        full_name=row.full_name,
        role=row.role,
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=row.version,
    )
    psych = DataCategory.PSYCHIATRIC
    assert not allowed(front_desk, Action.READ_CLINICAL, psych)
    reason = "ED physician asks for the psychiatric history of an unconscious patient"
    glass = users.start_break_glass(db, front_desk, reason, minutes=60, now=T0)
    assert glass.break_glass_until == T0 + timedelta(minutes=60)
    inside, after = T0 + timedelta(minutes=59), T0 + timedelta(minutes=61)
    for category in (DataCategory.GENERAL, psych, DataCategory.SUBSTANCE_USE):
        assert allowed(glass, Action.READ_CLINICAL, category, now=inside)
        assert not allowed(glass, Action.READ_CLINICAL, category, now=after) or (
            category == DataCategory.GENERAL  # front desk reads general data anyway
        )
    # Reading only: no editing, printing or export, and never psychotherapy notes.
    assert not allowed(glass, Action.EDIT_CLINICAL, psych, now=inside)
    assert not allowed(glass, Action.PRINT, psych, now=inside)
    assert not allowed(glass, Action.READ_CLINICAL, DataCategory.PSYCHOTHERAPY_NOTE, now=inside)
    # The bare role never carries break-glass.
    assert not allowed(UserRole.FRONT_DESK, Action.READ_CLINICAL, psych)

    # The administrator's audit trail says when and how long; the reason (it describes the
    # patient) is kept apart, readable by a physician only.
    [event] = events(db, "break_glass")
    assert event.username == "frontdesk"
    assert event.detail == "60 min until 2026-03-02 10:00 UTC (reason kept separately)"
    with pytest.raises(PermissionDenied):
        users.break_glass_reasons(db, admin)
    doctor = make_actor(db, password_hash, "drwho", UserRole.PHYSICIAN, "Dr Who")
    [kept] = users.break_glass_reasons(db, doctor)
    assert (kept.username, kept.reason, kept.until) == (
        "frontdesk",
        reason,
        T0 + timedelta(minutes=60),
    )
    ended = users.end_break_glass(db, glass, expired=True)
    assert ended.break_glass_until is None
    assert [e.detail for e in events(db, "break_glass_end")] == ["time limit reached"]
