"""Revision 0005: downgrading below it is refused unless forced; a forced downgrade, an edit
and an upgrade re-seal the chain, which the checkpoints kept outside still catch."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from carecoord.db import HEAD_REVISION, Database, alembic_config
from carecoord.services import patients
from carecoord.services.actor import system_actor
from carecoord.services.audit import verify_chain
from carecoord.services.checkpoints import check_trail, write_checkpoint
from tests.conftest import PG_SKIP_REASON, pg_base_url, pg_schema_url, process_schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def audited(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reseal.sqlite3'}"
    else:
        if pg_base_url() is None:
            pytest.skip(PG_SKIP_REASON)
        url = pg_schema_url(process_schema("carecoord_reseal_test"))
    db = Database(url)
    actor = system_actor(username="cli")
    for typed in ("nu", "zo", "x"):
        patients.search_patients(db, actor, typed)
    return db


def _downgrade(db: Database, revision: str) -> None:
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def test_downgrade_below_0005_is_refused_unless_forced(
    audited: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARECOORD_FORCE_DOWNGRADE", raising=False)
    with pytest.raises(RuntimeError, match="Refusing to downgrade below revision 0005"):
        _downgrade(audited, "0002")
    with audited.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == HEAD_REVISION  # nothing was downgraded
    audited.dispose()


def test_a_forced_downgrade_edit_and_upgrade_is_caught_by_a_checkpoint(
    audited: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "checkpoints"
    write_checkpoint(audited, folder)
    _downgrade(audited, "0002")  # forced by the migrations' conftest
    with audited.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET detail = 'never searched' WHERE id = 2"))
    audited.dispose()
    again = Database(audited.url)  # migrates up: revision 0003 re-seals every record
    assert verify_chain(again).ok  # the attack: the chain alone says intact
    check = check_trail(again, [folder])
    assert not check.ok and check.result.kind == "checkpoint" and check.result.first_bad_id == 3
    again.dispose()


def test_upgrade_marks_a_database_the_demo_filled_before(tmp_path: Path) -> None:
    from carecoord.demo import fill_demo
    from carecoord.services.demo_mark import is_demo_database

    demo = Database(f"sqlite:///{tmp_path / 'old-demo.sqlite3'}")
    fill_demo(demo, patients=1)
    clinic = Database(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    patients.search_patients(clinic, system_actor(username="cli"), "nu")
    for db in (demo, clinic):
        _downgrade(db, "0004")  # as written by the version before this revision
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM settings WHERE key = 'demo_database'"))
        db.dispose()
    demo, clinic = Database(demo.url), Database(clinic.url)  # upgraded on open
    assert is_demo_database(demo) and not is_demo_database(clinic)
    demo.dispose()
    clinic.dispose()
