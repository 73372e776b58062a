"""The administrator links an account to its directory entry: one account per active
member, audited; a link kept to a member who has since left does not block other edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import AuditEvent
from carecoord.services import team, users
from carecoord.services.actor import Actor
from tests.services.helpers import new_member


def link(db: Database, admin: Actor, view: users.UserView, member_id: int | None) -> users.UserView:
    return users.update_user(
        db,
        admin,
        view.id,
        full_name=view.full_name,
        role=view.role,
        team_member_id=member_id,
        break_glass_allowed=view.break_glass_allowed,
        expected_version=view.version,
    )


def test_one_account_per_active_member_and_the_link_is_audited(db: Database, admin: Actor) -> None:
    jo = new_member(db, admin, "physical_therapy", "Park", "Jo")
    gone = new_member(db, admin, "psychology", "Lund", "Eva")
    team.set_member_active(db, admin, gone.id, False, expected_version=gone.version)
    first = users.create_user(
        db, admin, username="jpark", full_name="Jo Park", password="long enough", role="clinician"
    )
    second = users.create_user(
        db, admin, username="jp2", full_name="Jo P", password="long enough", role="clinician"
    )

    linked = link(db, admin, first, jo.id)

    assert linked.team_member_id == jo.id
    for member_id, rule in ((jo.id, "already linked to the account jpark"), (gone.id, "inactive")):
        with pytest.raises(ValidationError) as refused:
            link(db, admin, second, member_id)
        assert refused.value.field == "team_member_id" and rule in refused.value.message
    with pytest.raises(ValidationError, match="no such team member"):
        link(db, admin, second, 999_999)
    with pytest.raises(ValidationError, match="already linked"):
        users.create_user(
            db,
            admin,
            username="jp3",
            full_name="Jo 3",
            password="long enough",
            role=UserRole.CLINICIAN,
            team_member_id=jo.id,
        )
    again = link(db, admin, linked, jo.id)  # relinking to the same member is no change
    assert again.version == linked.version
    with db.session() as session:
        details = session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.entity == "User", AuditEvent.entity_id == first.id
            )
        ).all()
    assert details.count("team member link") == 1


def test_a_kept_link_to_a_member_who_left_does_not_block_a_rename(
    db: Database, admin: Actor
) -> None:
    jo = new_member(db, admin, "physical_therapy", "Park", "Jo")
    account = users.create_user(
        db,
        admin,
        username="jpark",
        full_name="Jo Park",
        password="long enough",
        role="clinician",
        team_member_id=jo.id,
    )
    team.set_member_active(db, admin, jo.id, False, expected_version=jo.version)
    renamed = users.update_user(
        db,
        admin,
        account.id,
        full_name="Jo Park, PT",
        role=account.role,
        team_member_id=jo.id,
        break_glass_allowed=False,
        expected_version=account.version,
    )
    assert renamed.full_name == "Jo Park, PT" and renamed.team_member_id == jo.id
    assert link(db, admin, renamed, None).team_member_id is None
