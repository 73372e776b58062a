"""The administrators' user management: add, change role, designate break-glass, reset a
password, deactivate and reactivate; each change is an audited permission change."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.models import AuditEvent, User
from carecoord.services import team, users
from carecoord.ui.context import AppContext
from carecoord.ui.users_dialog import ResetPasswordDialog, UserManagementDialog
from tests.ui.conftest import save_screenshot


def admin_context(demo_context: AppContext) -> AppContext:
    with demo_context.db.session() as session:
        user = session.scalar(select(User).where(User.username == "admin"))
        assert user is not None
        actor = users.actor_of(user)
    return AppContext(db=demo_context.db, actor=actor, settings=demo_context.settings, demo=True)


def permission_changes(context: AppContext) -> list[str]:
    with context.db.session() as session:
        return [
            e.detail or ""
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "permission_change")
                .order_by(AuditEvent.id)
            )
        ]


def test_administrator_adds_edits_resets_and_deactivates(
    qtbot: QtBot, qtmodeltester: object, demo_context: AppContext
) -> None:
    context = admin_context(demo_context)
    dialog = UserManagementDialog(context=context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert {u.username for u in dialog.model.users} >= {"admin", "drlee", "frontdesk"}
    assert not dialog.edit_button.isEnabled()

    add = dialog.user_dialog()
    qtbot.addWidget(add)
    add.username.setText("jpark")
    add.full_name.setText("Jo Park")
    add.role.setCurrentIndex(add.role.findData(UserRole.CLINICIAN))
    add.password.setText("short")
    add.repeat.setText("short")
    assert not add.save()
    error = add.findChild(QLabel, "passwordError")
    assert error is not None and not error.isHidden()
    add.password.setText("long enough secret")
    add.repeat.setText("long enough secret")
    assert add.save() and add.saved is not None
    dialog.refresh(add.saved.id)
    assert dialog.selected() is not None and dialog.selected().username == "jpark"  # type: ignore[union-attr]

    edit = dialog.user_dialog(dialog.selected())
    qtbot.addWidget(edit)
    assert edit.username.isReadOnly()
    edit.role.setCurrentIndex(edit.role.findData(UserRole.PHYSICIAN))
    edit.break_glass.setChecked(True)
    assert edit.save()
    dialog.refresh()
    chosen = dialog.selected()
    assert chosen is not None and chosen.role == UserRole.PHYSICIAN and chosen.break_glass_allowed

    reset = ResetPasswordDialog(context=context, user=chosen, parent=dialog)
    qtbot.addWidget(reset)
    reset.new.setText("temporary secret")
    reset.repeat.setText("temporary secret")
    assert reset.save()
    assert users.authenticate(context.db, "jpark", "temporary secret") is not None
    dialog.refresh()

    assert dialog.active_button.text() == "Deactivate"
    assert dialog.toggle_active()
    assert dialog.active_button.text() == "Reactivate"
    assert users.authenticate(context.db, "jpark", "temporary secret") is None
    assert dialog.toggle_active()
    assert permission_changes(context)[-5:] == [
        "account created, role clinician",
        "role clinician -> physician; break-glass allowed",
        "password reset",
        "account deactivated",
        "account reactivated",
    ]


def test_the_last_administrator_cannot_be_deactivated(
    qtbot: QtBot, demo_context: AppContext, monkeypatch: object
) -> None:
    context = admin_context(demo_context)
    dialog = UserManagementDialog(context=context)
    qtbot.addWidget(dialog)
    dialog.select_username("admin")
    shown: list[str] = []
    monkeypatch.setattr(  # type: ignore[attr-defined]
        "carecoord.ui.forms.show_problem",
        lambda parent, error, title: shown.append(str(error)),
    )
    assert not dialog.toggle_active()
    assert shown and "at least one active administrator" in shown[0]


def test_screenshot_user_management(qtbot: QtBot, demo_context: AppContext) -> None:
    context = admin_context(demo_context)
    dialog = UserManagementDialog(context=context)
    qtbot.addWidget(dialog)
    dialog.resize(960, 420)
    dialog.show()
    dialog.select_username("frontdesk")
    path = save_screenshot(dialog, "user_management")
    edit = dialog.user_dialog(dialog.selected())
    qtbot.addWidget(edit)
    edit.show()
    save_screenshot(edit, "user_edit_dialog")
    image = dialog.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, 300, 5)}
    assert len(colours) > 8 and path.exists()


def test_the_team_member_link_offers_active_members_and_refuses_a_taken_one(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    context = admin_context(demo_context)
    members = team.list_members(context.db, context.actor, active_only=False)
    accounts = users.list_users(context.db, context.actor)
    taken = {u.team_member_id: u.username for u in accounts if u.team_member_id is not None}
    free = [m for m in members if m.active and m.id not in taken]
    left = free.pop()
    team.set_member_active(context.db, context.actor, left.id, False, expected_version=left.version)
    account = users.create_user(
        context.db,
        context.actor,
        username="jpark",
        full_name="Jo Park",
        password="long enough secret",
        role=UserRole.CLINICIAN,
    )
    dialog = UserManagementDialog(context=context)
    qtbot.addWidget(dialog)
    edit = dialog.user_dialog(account)
    qtbot.addWidget(edit)
    edit.show()
    offered = [edit.member.itemData(i) for i in range(edit.member.count())]
    assert offered[0] is None and left.id not in offered

    taken_id = next(iter(taken))
    edit.member.setCurrentIndex(edit.member.findData(taken_id))
    assert not edit.save()
    error = edit.findChild(QLabel, "team_member_idError")
    assert error is not None and not error.isHidden()
    assert f"account {taken[taken_id]}" in error.text()

    edit.member.setCurrentIndex(edit.member.findData(free[0].id))
    assert edit.save()
    assert "team member link" in permission_changes(context)[-1]
    linked = next(u for u in users.list_users(context.db, context.actor) if u.id == account.id)
    assert linked.team_member_id == free[0].id
