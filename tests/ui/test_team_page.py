"""The team directory: filters, board-expiry highlight, the member form, deactivation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import Discipline
from carecoord.services import team
from carecoord.ui.context import AppContext
from carecoord.ui.preferences import store
from carecoord.ui.team.member_form import MemberForm
from carecoord.ui.team.page import BOARD_COLUMN, COLUMNS, TeamPage
from tests.services.helpers import new_member
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def fresh_layout() -> None:
    """Start from the default layout, whatever an earlier run remembered."""
    settings = store()
    for group in ("teamPage", "memberForm"):
        settings.remove(group)


def open_page(qtbot: QtBot, context: AppContext) -> TeamPage:
    page = TeamPage(context=context)
    qtbot.addWidget(page)
    return page


def column_values(page: TeamPage, title: str) -> list[str]:
    column = COLUMNS.index(title)
    model = page.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_filters(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    everyone = page.model.rowCount()
    assert everyone > 10
    page.discipline.setCurrentIndex(page.discipline.findData(Discipline.PSYCHIATRY))
    assert 0 < page.model.rowCount() < everyone
    assert set(column_values(page, "Discipline")) == {Discipline.PSYCHIATRY.label}

    page.discipline.setCurrentIndex(0)
    page.scope.setCurrentIndex(page.scope.findData(False))
    assert set(column_values(page, "Where")) == {"External"}
    page.scope.setCurrentIndex(0)

    first = page.model.member_at(0)
    qtbot.keyClicks(page.text_filter, first.family_name)
    qtbot.waitUntil(lambda: page.model.rowCount() < everyone)
    assert first.id in [m.id for m in page.model.members]
    page.text_filter.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == everyone)


def test_board_certification_expiring_is_highlighted(
    qtbot: QtBot, context: AppContext, qtmodeltester: object
) -> None:
    soon = new_member(
        context.db,
        context.actor,
        "anesthesiology",
        "Soon",
        "Sam",
        board_certification_expires=date.today() + timedelta(days=23),
    )
    lapsed = new_member(
        context.db,
        context.actor,
        "neurosurgery",
        "Lapsed",
        "Lou",
        board_certification_expires=date.today() - timedelta(days=3),
    )
    later = new_member(
        context.db,
        context.actor,
        "psychiatry",
        "Later",
        "Lee",
        board_certification_expires=date.today() + timedelta(days=400),
    )
    page = open_page(qtbot, context)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    model = page.model

    def board(member_id: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(model.row_of(member_id), BOARD_COLUMN), role)

    assert str(board(soon.id)).endswith("(expires in 23 d)")
    assert str(board(lapsed.id)).endswith("(expired)")
    assert board(later.id) == later.board_certification_expires.isoformat()  # type: ignore[union-attr]
    assert board(soon.id, Qt.ItemDataRole.BackgroundRole) is not None
    assert board(later.id, Qt.ItemDataRole.BackgroundRole) is None
    assert "2 board certifications expiring" in page.count.text()


def test_member_form_shows_a_bad_email_beside_the_field(qtbot: QtBot, context: AppContext) -> None:
    form = MemberForm(context=context)
    qtbot.addWidget(form)
    qtbot.keyClicks(form.given_name, "Ada")
    qtbot.keyClicks(form.family_name, "Okafor")
    form.discipline.setCurrentIndex(form.discipline.findData(Discipline.PSYCHIATRY))
    qtbot.keyClicks(form.email, "ada-at-example")
    with qtbot.assertNotEmitted(context.events.team_changed):
        assert not form.save()
    error = form.findChild(QLabel, "emailError")
    assert error is not None and not error.isHidden()
    assert "e-mail" in error.text()
    assert team.list_members(context.db, context.actor, active_only=False) == []

    form.email.setText("ada@example.org")
    with qtbot.waitSignal(context.events.team_changed):
        assert form.save()
    assert form.saved is not None and form.saved.email == "ada@example.org"


def test_member_form_shows_two_bad_fields_at_once(qtbot: QtBot, context: AppContext) -> None:
    form = MemberForm(context=context)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.family_name, "Okafor")
    form.discipline.setCurrentIndex(form.discipline.findData(Discipline.PSYCHIATRY))
    qtbot.keyClicks(form.phone, "call me")
    qtbot.keyClicks(form.email, "ada-at-example")
    assert not form.save()
    errors = {
        name: label.text()
        for name in ("given_name", "phone", "email")
        if (label := form.findChild(QLabel, f"{name}Error")) is not None and label.isVisible()
    }
    assert errors == {
        "given_name": "Is required",
        "phone": "Is not a telephone number",
        "email": "Is not an e-mail address",
    }
    form.phone.setText("555-0142")
    phone_error = form.findChild(QLabel, "phoneError")
    email_error = form.findChild(QLabel, "emailError")
    assert phone_error is not None and not phone_error.isVisible()
    assert email_error is not None and email_error.isVisible()
    assert team.list_members(context.db, context.actor, active_only=False) == []


def test_edit_through_the_form(qtbot: QtBot, context: AppContext) -> None:
    member = new_member(context.db, context.actor, "psychiatry", "Okafor", "Ada")
    page = open_page(qtbot, context)
    page.select_member(member.id)
    form = page.form(page.selected())
    qtbot.addWidget(form)
    assert form.family_name.text() == "Okafor"
    form.specialty.setText("Consultation-liaison psychiatry")
    form.save()
    assert page.model.member_at(0).specialty == "Consultation-liaison psychiatry"


def test_deactivate_and_reactivate(qtbot: QtBot, context: AppContext) -> None:
    member = new_member(context.db, context.actor, "psychiatry", "Okafor", "Ada")
    page = open_page(qtbot, context)
    page.select_member(member.id)
    button = page.findChild(QPushButton, "teamToggleActive")
    assert button is not None and button.text() == "Deactivate"
    with qtbot.waitSignal(context.events.team_changed):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not team.get_member(context.db, context.actor, member.id).active
    assert page.show_inactive.isChecked()
    assert column_values(page, "Status") == ["Inactive"]
    assert button.text() == "Reactivate"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert team.get_member(context.db, context.actor, member.id).active


def test_screenshot(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    page.table.selectRow(1)
    save_screenshot(page, "team_page")
    image = page.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    }
    assert len(colours) > 20
    assert page.model.rowCount() > 10


def test_ctrl_n_is_new_patient_and_ctrl_shift_n_adds_a_member_on_the_team_page(
    qtbot: QtBot, context: AppContext
) -> None:
    """Ctrl+N has one owner (New patient): the team page's Add took the same keys once,
    so Qt found the shortcut ambiguous and neither fired."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_keyboard import CTRL, activate, active_main_window, press

    window = active_main_window(qtbot, context)
    page = window.show_page("team")
    assert isinstance(page, TeamPage)
    page.table.setFocus()
    added: list[bool] = []
    page.add_button.clicked.connect(lambda: added.append(True))

    opened: list[str] = []

    def close_form() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            opened.append(type(modal).__name__)
            modal.close()

    closer = QTimer(page)  # the member form is modal: close it when it shows
    closer.timeout.connect(close_form)
    closer.start(20)
    press(qtbot, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: added == [True] and opened == ["MemberForm"])
    closer.stop()

    activate(qtbot, window)
    assert window.new_patient_action.isVisible(), "this role registers patients"
    with qtbot.waitSignal(window.new_patient_action.triggered, timeout=2000):
        press(qtbot, Qt.Key.Key_N, CTRL)
    assert window.current_key() == "patients"
    assert added == [True]
