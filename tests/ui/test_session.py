"""Sign-in lockout, idle lock (patient data hidden, unsaved edits kept), switching user,
changing one's password and break-glass access, on real windows and the demo clinic."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.models import AuditEvent, Patient, Referral
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.session import LOCKED_TITLE, BreakGlassDialog, ChangePasswordDialog
from carecoord.ui.sign_in import SignInDialog
from tests.ui.conftest import ARTIFACTS, save_screenshot

DEMO_PASSWORD = "demo"


def visible_texts(window: QWidget) -> list[str]:
    """Texts of the labels a person can actually see: shown, and topmost at their centre."""
    seen = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        centre = label.mapTo(window, label.rect().center())
        top = window.childAt(centre)
        if top is label or (top is not None and label.isAncestorOf(top)):
            seen.append(label.text())
    return seen


def events(db: Database, action: str) -> list[AuditEvent]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return rows


def first_patient(db: Database) -> Patient:
    with db.session() as session:
        patient = session.scalar(select(Patient).order_by(Patient.id))
        assert patient is not None
        session.expunge(patient)
        return patient


def as_user(context: AppContext, username: str) -> AppContext:
    with context.db.session() as session:
        from carecoord.models import User

        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        actor = users.actor_of(user)
    return AppContext(db=context.db, actor=actor, settings=context.settings, demo=True)


def main_window(qtbot: QtBot, context: AppContext, idle_ms: int | None = None) -> MainWindow:
    window = MainWindow(context=context)
    qtbot.addWidget(window, before_close_func=lambda w: w.session.stop())
    if idle_ms is not None:
        window.session.fixed_idle_ms = idle_ms
        window.session._apply_idle_period()
    window.show()
    qtbot.waitExposed(window)
    return window


def lock_by_idling(qtbot: QtBot, window: MainWindow) -> None:
    window.session.last_input = time.monotonic() - 10
    qtbot.waitUntil(lambda: window.session.is_locked, timeout=3000)


# ------------------------------------------------------------------ sign-in lockout
def test_sign_in_dialog_says_how_long_a_locked_account_waits(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    db = demo_context.db
    dialog = SignInDialog(authenticate=lambda u, p: users.authenticate(db, u, p))
    qtbot.addWidget(dialog)
    dialog.show()
    for attempt in range(5):
        dialog.username.setText("frontdesk")
        dialog.password.setText(f"guess {attempt}")
        dialog.try_sign_in()
    assert dialog.error.isVisible()
    assert "locked" in dialog.error.text() and "30 seconds" in dialog.error.text()
    dialog.password.setText(DEMO_PASSWORD)  # right, but the account is still locked
    dialog.try_sign_in()
    assert dialog.actor is None and "Try again in" in dialog.error.text()
    assert len(events(db, "lockout")) == 1
    path = save_screenshot(dialog, "sign_in_lockout")
    assert QPixmap(str(path)).width() > 300


# ------------------------------------------------------------------ idle lock
def test_idle_lock_hides_patient_data_and_unsaved_edits_survive(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = main_window(qtbot, demo_context, idle_ms=150)
    patient = first_patient(demo_context.db)
    chart = window.open_chart(patient.id)
    assert isinstance(chart, ChartWindow)
    qtbot.waitExposed(chart)
    assert any(patient.family_name in t for t in visible_texts(chart))
    form = chart.edit_demographics()  # an edit dialog left open with a change not saved
    qtbot.waitExposed(form)
    phone = form.findChild(QLineEdit, "phone")
    assert phone is not None
    phone.setText("555-0199")

    lock_by_idling(qtbot, window)
    guard = window.session
    dialog = guard.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
    for covered in (window, chart, form):
        assert not any(patient.family_name in t for t in visible_texts(covered)), covered
        assert covered.windowTitle() == LOCKED_TITLE
        assert covered.findChild(QWidget, "lockOverlay") is not None
    assert patient.family_name not in dialog.windowTitle()
    save_lock_screenshot(chart, dialog)

    assert not guard.try_unlock("wrong password")
    assert guard.is_locked and dialog.error.isVisible()
    dialog.password.setText(DEMO_PASSWORD)
    dialog.submit()
    assert not guard.is_locked
    assert form.isVisible() and phone.text() == "555-0199"  # the edit survived
    assert patient.family_name in chart.windowTitle()
    assert any(patient.family_name in t for t in visible_texts(chart))
    assert (
        chart.findChild(QWidget, "lockOverlay") is None
        or not chart.findChild(QWidget, "lockOverlay").isVisible()
    )
    assert [e.username for e in events(demo_context.db, "lock")] == ["drlee"]
    assert [e.username for e in events(demo_context.db, "unlock")] == ["drlee"]
    form.reject()


def save_lock_screenshot(window: QWidget, dialog: QWidget) -> Path:
    """The chart under its overlay with the unlock window on top, as a person sees it."""
    picture = window.grab()
    front = dialog.grab()
    painter = QPainter(picture)
    painter.drawPixmap(
        QPoint((picture.width() - front.width()) // 2, (picture.height() - front.height()) // 2),
        front,
    )
    painter.end()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "lock_screen_over_chart.png"
    assert picture.save(str(path))
    image = picture.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 13) for y in range(0, 400, 7)}
    assert len(colours) > 10
    return path


def test_input_keeps_the_session_unlocked(qtbot: QtBot, demo_context: AppContext) -> None:
    # 2.4 s of key presses against a 1.5 s idle limit: without input resetting the timer the
    # session would lock; the margin absorbs a page that takes a moment to build.
    window = main_window(qtbot, demo_context, idle_ms=1500)
    for step in range(16):
        key = Qt.Key.Key_Down if step < 8 else Qt.Key.Key_Up
        qtbot.keyClick(window.navigation, key)
        qtbot.wait(150)
    assert not window.session.is_locked
    qtbot.waitUntil(lambda: window.session.is_locked, timeout=6000)
    window.session.try_unlock(DEMO_PASSWORD)


def test_lock_now_and_repeated_wrong_passwords_lock_the_account(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = main_window(qtbot, demo_context)
    window.session.lock_action.trigger()
    assert window.session.is_locked
    for attempt in range(5):
        window.session.try_unlock(f"guess {attempt}")
    dialog = window.session.unlock_dialog
    assert dialog is not None and "30 seconds" in dialog.error.text()
    assert not window.session.try_unlock(DEMO_PASSWORD)  # locked out for now
    assert window.session.is_locked


def test_another_user_signs_in_at_the_lock_screen(qtbot: QtBot, demo_context: AppContext) -> None:
    window = main_window(qtbot, demo_context)
    chart = window.open_chart(first_patient(demo_context.db).id)
    window.session.lock()
    dialog = window.session.unlock_dialog
    assert dialog is not None
    dialog.other_button.setChecked(True)
    dialog.username.setText("frontdesk")
    dialog.password.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(window.session.user_switched) as switched:
        dialog.submit()
    actor = switched.args[0]
    assert isinstance(actor, Actor) and actor.username == "frontdesk"
    assert not window.isVisible() and not window.session.is_locked
    assert window.chart_windows == {} or not chart.isVisible()


# ------------------------------------------------------------------ own password
def test_change_password_dialog(qtbot: QtBot, demo_context: AppContext) -> None:
    dialog = ChangePasswordDialog(context=demo_context)
    qtbot.addWidget(dialog)
    dialog.current.setText("not it")
    dialog.new.setText("a new long secret")
    dialog.repeat.setText("a new long secret")
    assert not dialog.save()
    error = dialog.findChild(QLabel, "current_passwordError")
    assert error is not None and not error.isHidden()
    dialog.current.setText(DEMO_PASSWORD)
    dialog.repeat.setText("different")
    assert not dialog.save()
    dialog.repeat.setText("a new long secret")
    assert dialog.save()
    assert users.authenticate(demo_context.db, "drlee", "a new long secret") is not None


# ------------------------------------------------------------------ break-glass
def designate(context: AppContext, username: str) -> None:
    admin = as_user(context, "admin").actor
    row = next(u for u in users.list_users(context.db, admin) if u.username == username)
    users.update_user(
        context.db,
        admin,
        row.id,
        full_name=row.full_name,
        role=row.role,
        team_member_id=row.team_member_id,
        break_glass_allowed=True,
        expected_version=row.version,
    )


def psychiatric_referral_patient(db: Database) -> int:
    with db.session() as session:
        patient_id = session.scalar(
            select(Referral.patient_id).where(Referral.discipline == "psychiatry").limit(1)
        )
        assert patient_id is not None
        return int(patient_id)


def test_break_glass_reason_required_banner_access_and_expiry(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    desk = as_user(demo_context, "frontdesk")
    window = main_window(qtbot, desk)
    assert not window.session.break_glass_action.isVisible()  # not designated
    designate(desk, "frontdesk")
    window = main_window(qtbot, desk)
    guard = window.session
    assert guard.break_glass_action.isVisible()
    patient_id = psychiatric_referral_patient(desk.db)
    chart = window.open_chart(patient_id)
    assert isinstance(chart, ChartWindow)
    assert any(r.restricted for r in chart.chart.referrals)

    dialog = BreakGlassDialog(context=desk, parent=window)
    qtbot.addWidget(dialog)
    assert not dialog.start()  # no reason given
    error = dialog.findChild(QLabel, "reasonError")
    assert error is not None and not error.isHidden()
    dialog.reason.setPlainText("Emergency department needs the psychiatric history now")
    assert dialog.start() and dialog.actor is not None
    save_screenshot(dialog, "break_glass_dialog")
    guard.begin_break_glass(dialog.actor)
    assert desk.actor.break_glass_active()
    assert guard.banner.isVisible() and "EMERGENCY ACCESS" in guard.banner.text()
    reopened = window.chart_windows[patient_id]
    assert isinstance(reopened, ChartWindow) and reopened is not chart
    assert not any(r.restricted for r in reopened.chart.referrals)
    [event] = events(desk.db, "break_glass")
    assert "psychiatric history" not in (event.detail or "")  # kept apart from the trail
    assert "(reason kept separately)" in (event.detail or "")
    window.resize(1280, 800)
    window.show_page("patients")
    save_screenshot(window, "break_glass_status_bar")

    guard.expiry.timeout.emit()  # the time limit passes
    assert desk.actor.break_glass_until is None
    assert not guard.banner.isVisible()
    again = window.chart_windows[patient_id]
    assert isinstance(again, ChartWindow)
    assert any(r.restricted for r in again.chart.referrals)
    assert [e.detail for e in events(desk.db, "break_glass_end")] == ["time limit reached"]


@pytest.mark.parametrize("username", ["drlee", "frontdesk", "therapist"])
def test_only_administrators_see_manage_users(
    qtbot: QtBot, demo_context: AppContext, username: str
) -> None:
    window = main_window(qtbot, as_user(demo_context, username))
    assert not window.session.manage_users_action.isVisible()
    admin_window = main_window(qtbot, as_user(demo_context, "admin"))
    assert admin_window.session.manage_users_action.isVisible()
    assert as_user(demo_context, "admin").actor.role == UserRole.ADMINISTRATOR


def test_break_glass_ending_while_locked_shows_nothing_until_unlocked(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    desk = as_user(demo_context, "frontdesk")
    designate(desk, "frontdesk")
    window = main_window(qtbot, desk)
    guard = window.session
    patient_id = psychiatric_referral_patient(desk.db)
    guard.begin_break_glass(
        users.start_break_glass(desk.db, desk.actor, "Crisis call from the emergency room")
    )
    window.open_chart(patient_id)
    guard.lock()
    guard.expiry.timeout.emit()
    assert desk.actor.break_glass_until is None
    assert window.chart_windows == {}  # closed, not reopened over the lock
    assert all(w.findChild(QWidget, "lockOverlay") for w in guard.session_windows())
    assert guard.try_unlock(DEMO_PASSWORD)
    reopened = window.chart_windows[patient_id]
    assert isinstance(reopened, ChartWindow)
    assert any(r.restricted for r in reopened.chart.referrals)
