"""`carecoord demo` never plants its accounts in a clinic's database; demo databases are marked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.db import Database
from carecoord.demo import DemoRefused, fill_demo
from carecoord.models import Setting, User
from carecoord.services import settings as clinic_settings
from carecoord.services import users
from carecoord.services.demo_mark import is_demo_database


def _users(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(session.scalars(select(User.username)))


def _settings(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Setting)) or 0)


def test_refused_on_a_clinic_with_users_but_no_patients(db: Database) -> None:
    users.create_user(
        db,
        None,
        username="ckim",
        full_name="Chris Kim",
        password="long enough pw",
        role="administrator",
    )
    with pytest.raises(DemoRefused, match=r"1 user account\(s\) that are not the demo.s"):
        fill_demo(db, patients=3)
    assert _users(db) == ["ckim"] and not is_demo_database(db)


def test_refused_on_a_clinic_whose_admin_is_called_admin(db: Database) -> None:
    users.create_user(
        db,
        None,
        username="admin",
        full_name="Pat Admin",
        password="long enough pw",
        role="administrator",
    )
    with pytest.raises(DemoRefused, match="not a demo database"):
        fill_demo(db, patients=3)
    assert _users(db) == ["admin"]


def test_refused_on_a_database_with_clinic_settings_only(db: Database) -> None:
    with db.session(write=True) as session:
        session.add(Setting(key="clinic_name", value="Harbor Spine Clinic"))
        session.commit()
    with pytest.raises(DemoRefused, match="clinic settings"):
        fill_demo(db, patients=3)
    assert _users(db) == [] and _settings(db) == 1
    assert clinic_settings.get_settings(db).clinic_name == "Harbor Spine Clinic"


def test_an_empty_database_becomes_a_marked_demo_database(db: Database) -> None:
    assert not is_demo_database(db)
    fill_demo(db, patients=0)
    assert is_demo_database(db)
    assert _users(db) == ["admin", "drlee", "frontdesk", "therapist"]
    fill_demo(db, patients=2)  # a marked demo database without patients may be filled again
    assert is_demo_database(db) and _users(db) == ["admin", "drlee", "frontdesk", "therapist"]
