"""PostgreSQL: a real non-owner workstation role, set up by ``carecoord db grant``, runs the
app's services but cannot rewrite, cut, empty or unguard the audit trail.

The last test pins what the role *can* still do (append a well-formed forged record), which
the README's security section states as not proven by the database alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from carecoord.cli import main
from carecoord.db import Database
from carecoord.models import AuditEvent
from carecoord.services import patients, users
from carecoord.services.audit import record_hash, verify_chain
from tests.conftest import pg_base_url, pg_schema_url, process_schema
from tests.services.helpers import new_patient

pytestmark = pytest.mark.postgres

ROLE = f"carecoord_ws_{os.getpid()}"
SCHEMA = process_schema("carecoord_grant")


@pytest.fixture(scope="module")
def owner_url() -> Iterator[str]:
    """A migrated schema owned by the test's (owner) connection, and a LOGIN role."""
    if pg_base_url() is None:
        pytest.skip("PostgreSQL tests need CARECOORD_TEST_DATABASE_URL (set by .ci/run)")
    url = pg_schema_url(SCHEMA)
    Database(url).dispose()
    admin = create_engine(pg_base_url() or "", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
        conn.execute(text(f"CREATE ROLE {ROLE} LOGIN"))
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f"DROP OWNED BY {ROLE}"))
        conn.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
    admin.dispose()


@pytest.fixture(scope="module")
def role_db(owner_url: str) -> Iterator[Database]:
    """The workstation: the app's Database, connected as the granted role."""
    assert main(["--database", owner_url, "db", "grant", ROLE]) == 0
    url = make_url(owner_url).set(username=ROLE, password=None)
    db = Database(url.render_as_string(hide_password=False))  # opens (and checks) as the app
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def session_as_role(role_db: Database) -> Database:
    """A demo-like session through the services, as the role: accounts, sign-in, charts."""
    users.create_user(
        role_db,
        None,
        username="ckim",
        full_name="Chris Kim",
        password="long enough pw",
        role="administrator",
    )
    admin = users.authenticate(role_db, "ckim", "long enough pw")
    assert admin is not None
    users.create_user(
        role_db,
        admin,
        username="drlee",
        full_name="Avery Lee",
        password="long enough pw",
        role="physician",
    )
    doctor = users.authenticate(role_db, "drlee", "long enough pw")
    assert doctor is not None
    assert users.authenticate(role_db, "drlee", "wrong password") is None
    patient = new_patient(role_db, doctor)
    patients.search_patients(role_db, doctor, "nu")
    patients.get_patient(role_db, doctor, patient.id)
    assert verify_chain(role_db).ok
    return role_db


def _refused(db: Database, statement: str, match: str) -> None:
    with pytest.raises(DBAPIError, match=match), db.engine.begin() as conn:
        conn.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "match"),
    [
        ("UPDATE audit_events SET detail = 'changed' WHERE id = 2", "permission denied"),
        ("DELETE FROM audit_events WHERE id = 2", "permission denied"),
        ("TRUNCATE audit_events", "permission denied"),
        ("TRUNCATE audit_chain_head", "permission denied"),
        ("DELETE FROM audit_chain_head", "permission denied"),
        ("UPDATE audit_chain_head SET last_id = last_id - 1", "cannot move backwards"),
        ("UPDATE audit_chain_head SET last_hash = repeat('f', 64)", "must name the newest"),
        ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", "must be owner"),
        ("ALTER TABLE audit_events DISABLE TRIGGER ALL", "must be owner"),
        ("ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_guard", "must be owner"),
        ("DROP TRIGGER audit_events_no_truncate ON audit_events", "must be owner"),
        ("DROP TABLE audit_events", "must be owner"),
        (
            "CREATE TRIGGER sneaky BEFORE INSERT ON audit_events FOR EACH ROW "
            "EXECUTE FUNCTION audit_refuse_truncate()",
            "permission denied",
        ),
        ("SET session_replication_role = replica", "permission denied"),
    ],
)
def test_the_workstation_role_cannot_touch_the_trail(
    session_as_role: Database, statement: str, match: str
) -> None:
    before = verify_chain(session_as_role)
    _refused(session_as_role, statement, match)
    after = verify_chain(session_as_role)
    assert after.ok and (after.last_id, after.last_hash) == (before.last_id, before.last_hash)


def test_even_the_owner_cannot_truncate_or_delete_the_head(
    owner_url: str, session_as_role: Database
) -> None:
    owner = Database(owner_url, migrate=False)
    try:
        _refused(owner, "TRUNCATE audit_events", "append-only: TRUNCATE refused")
        _refused(owner, "TRUNCATE audit_chain_head", "append-only: TRUNCATE refused")
        _refused(owner, "DELETE FROM audit_chain_head", "cannot be deleted")
        assert verify_chain(owner).ok
    finally:
        owner.dispose()


def test_grant_refuses_a_superuser_and_an_owner(
    owner_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    superuser = make_url(owner_url).username or "postgres"
    assert main(["--database", owner_url, "db", "grant", superuser]) == 1
    assert "is a superuser" in capsys.readouterr().err
    assert main(["--database", owner_url, "db", "grant", "no_such_role_here"]) == 1
    assert "there is no PostgreSQL role" in capsys.readouterr().err


def test_what_the_role_can_still_do_append_a_well_formed_forged_record(
    session_as_role: Database,
) -> None:
    """Not proven by the database: a record appended with a correct hash by hand."""
    db = session_as_role
    with db.engine.begin() as conn:
        head = conn.execute(text("SELECT last_id, last_hash FROM audit_chain_head")).one()
        at = conn.execute(select(AuditEvent.at).where(AuditEvent.id == head.last_id)).scalar_one()
        forged = {
            "id": head.last_id + 1,
            "at": at,
            "user_id": None,
            "username": "drlee",
            "action": "read",
            "entity": "Patient",
            "entity_id": 1,
            "patient_id": 1,
            "data_category": "general",
            "detail": None,
        }
        digest = record_hash(forged, head.last_hash)
        conn.execute(insert(AuditEvent).values(**forged, prev_hash=head.last_hash, hash=digest))
        conn.execute(
            text("UPDATE audit_chain_head SET last_id = :i, last_hash = :h"),
            {"i": head.last_id + 1, "h": digest},
        )
    assert verify_chain(db).ok  # indistinguishable from a real record: see README "Security"


def test_the_workstation_opens_as_the_granted_role_without_migrating(
    session_as_role: Database,
) -> None:
    """The app's own open (check only, never migrate) works with exactly the grants."""
    from carecoord.db import open_database

    opened = open_database(session_as_role.url, "the clinic server")
    try:
        with opened.engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == ROLE
    finally:
        opened.dispose()


def test_a_role_without_grants_is_told_to_ask_for_them(
    owner_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "permission denied for table alembic_version": one sentence naming the fix."""
    from carecoord.db import SchemaMismatch, open_database

    bare = f"{ROLE}_bare"
    admin = create_engine(pg_base_url() or "", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {bare}"))
        conn.execute(text(f"CREATE ROLE {bare} LOGIN"))
    url = make_url(owner_url).set(username=bare, password=None)
    rendered = url.render_as_string(hide_password=False)
    try:
        with pytest.raises(SchemaMismatch) as caught:
            open_database(rendered, "the clinic server")
        assert str(caught.value) == (
            f"the PostgreSQL role {bare} may not read the CareCoord tables in the clinic "
            f"server; the database owner runs 'carecoord db grant {bare}'"
        )
        assert main(["--database", rendered, "demo", "--patients", "2"]) == 2
        err = capsys.readouterr().err
        assert f"'carecoord db grant {bare}'" in err and "Traceback" not in err
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {bare}"))
        admin.dispose()
