"""The lockout holds under parallel guessing, and unknown user names behave like real ones.

The attack: many workstations (threads with their own connections here) send wrong
passwords for one account at the same moment. Counting by read-then-write let 54 of 200
guesses be checked on PostgreSQL; each attempt must be counted before its password is.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import select

from carecoord.db import Database
from carecoord.models import AuditEvent, SignInFailure, User
from carecoord.services import users
from carecoord.services.actor import Actor

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PARALLEL = 40


def _guess(db: Database, name: str, password: str) -> str:
    try:
        return "ok" if users.authenticate(db, name, password, now=T0) else "refused"
    except users.AccountLocked:
        return "locked"


def _parallel_guesses(db: Database, name: str) -> list[str]:
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(lambda i: _guess(db, name, f"wrong guess {i}"), range(PARALLEL)))


def _checked(db: Database, username: str) -> int:
    """Failed sign-ins whose password was really checked (refusals while locked are not)."""
    with db.session() as session:
        return len(
            session.scalars(
                select(AuditEvent.id).where(
                    AuditEvent.action == "sign_in_failed",
                    AuditEvent.username == username,
                    AuditEvent.detail.is_distinct_from("account locked"),
                )
            ).all()
        )


def test_parallel_wrong_passwords_check_at_most_five(db: Database, physician: Actor) -> None:
    outcomes = _parallel_guesses(db, "drlee")
    assert outcomes.count("ok") == 0
    assert outcomes.count("refused") == 4
    assert outcomes.count("locked") == PARALLEL - 4
    assert _checked(db, "drlee") == 5
    with db.session() as session:
        row = session.scalar(select(User).where(User.username == "drlee"))
        assert row is not None and row.failed_attempts == 5
    # Even the right password waits for the lock to end.
    outcome = _guess(db, "drlee", "correct horse battery")
    assert outcome == "locked"


def test_parallel_guesses_under_an_unknown_name_lock_it_the_same_way(db: Database) -> None:
    outcomes = _parallel_guesses(db, "nosuchuser")
    assert outcomes.count("refused") == 4
    assert outcomes.count("locked") == PARALLEL - 4
    assert _checked(db, users.UNKNOWN_USER) == 5
    with db.session() as session:
        counters = session.scalars(select(SignInFailure)).all()
        assert [c.failed_attempts for c in counters] == [5]


def test_unknown_names_lock_after_five_like_an_account(db: Database, physician: Actor) -> None:
    results = [_guess(db, "ghost", "whatever it is") for _ in range(6)]
    assert results == ["refused", "refused", "refused", "refused", "locked", "locked"]
    known = [_guess(db, "drlee", "not the password") for _ in range(6)]
    assert known == results


def test_a_password_typed_as_the_user_name_is_never_stored(db: Database) -> None:
    secret = "Tr0ub4dor&3-typed-in-the-wrong-field"
    assert users.authenticate(db, secret, "", now=T0) is None
    with db.session() as session:
        stored = [
            " ".join(str(value) for value in vars(row).values())
            for model in (AuditEvent, SignInFailure)
            for row in session.scalars(select(model))
        ]
    assert stored  # the attempt was audited and counted
    assert not [text for text in stored if secret.lower() in text.lower()]
    with db.session() as session:
        event = session.scalars(select(AuditEvent)).one()
        assert (event.username, event.user_id) == ("(unknown user)", None)
        assert (event.detail or "").startswith("unknown user name, key ")
