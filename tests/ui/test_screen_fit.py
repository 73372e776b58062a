"""Every window fits a small clinic screen: a 1366×768 laptop, and 1920×1080 at 200 %
(960×540 logical). The only stand-in is ``screen_fit.available_geometry`` (what Qt says the
usable area is); everything else is the real widgets on the demo clinic."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.services import patients
from carecoord.services.worklist import WorklistView, worklist
from carecoord.ui import screen_fit
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.main_window import MainWindow

LAPTOP = QRect(0, 0, 1366, 768)
HIGH_DPI = QRect(0, 0, 960, 540)  # 1920×1080 at QT_SCALE_FACTOR=2


def pretend_screen(monkeypatch: pytest.MonkeyPatch, area: QRect) -> None:
    """The one seam: the usable area Qt would report for the window's screen."""
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(area))


@pytest.fixture(params=[LAPTOP, HIGH_DPI], ids=["1366x768", "1920x1080@2x"])
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    area: QRect = request.param
    pretend_screen(monkeypatch, area)
    return area


def settle(qtbot: QtBot, ms: int = 30) -> None:
    """Let queued loads arrive and the layouts they change run (twice: one layout's
    result can change its scroll area's)."""
    for _ in range(2):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        qtbot.wait(ms)


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def clipped_by(widget: QWidget, window: QWidget) -> str | None:
    """The name of the first ancestor (or the window) that cuts ``widget`` off, if any."""
    rect = in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            outer = in_window(parent.viewport(), window)
        else:
            outer = in_window(parent, window)
        if not outer.contains(rect):
            return f"{parent.objectName() or type(parent).__name__} {outer} ∌ {rect}"
        parent = parent.parentWidget()
    return None if window.rect().contains(rect) else "the window"


def scroll_into_view(widget: QWidget) -> None:
    """What a person would do: scroll each scroll area holding ``widget`` until it shows."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 0, 0)
        parent = parent.parentWidget()


def assert_fits(qtbot: QtBot, window: QWidget, area: QRect, name: str) -> None:
    """The window's frame lies on the (pretend) screen and every shown button is whole."""
    settle(qtbot)
    if window.isMaximized():
        # The offscreen platform maximises to its own screen; a real one to ``area``.
        # The size the window falls back to must fit too.
        assert area.width() < 1440 or area.height() < 900, f"{name} maximised on a big screen"
        window.showNormal()
        settle(qtbot)
    # What the layout itself needs (before any clamp to this screen) fits 1280×720.
    for minimum in (window.minimumSize(), window.minimumSizeHint()):
        assert minimum.width() <= 1280 and minimum.height() <= 720, f"{name} minimum {minimum}"
    frame = QRect(window.pos(), window.size() + screen_fit.FRAME_ALLOWANCE)
    assert area.contains(frame), f"{name}: frame {frame} off the screen {area}"
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.width() > 0]
    for button in buttons:
        scroll_into_view(button)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
        cut = clipped_by(button, window)
        assert cut is None, f"{name}: “{button.text()}” cut off by {cut}"


# ------------------------------------------------------------------ regressions
def test_referrals_page_does_not_widen_the_main_window(
    qtbot: QtBot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    pretend_screen(monkeypatch, LAPTOP)
    window = MainWindow(context=demo_context)
    qtbot.addWidget(window)
    window.showNormal()
    settle(qtbot)
    width = window.width()
    assert width <= LAPTOP.width() - screen_fit.FRAME_ALLOWANCE.width()
    page = window.show_page("referrals")
    for view in (WorklistView.TO_SEND, WorklistView.OVERDUE):
        page.views.setCurrentRow(_row(page, view))  # type: ignore[attr-defined]
        page.wait_for_threads()
        settle(qtbot, 100)
        assert window.width() == width, view
        # The page itself fits: no sideways scrolling needed at 1366 px.
        viewport = page.parentWidget()
        holder = viewport.parentWidget() if viewport is not None else None
        assert isinstance(holder, QScrollArea)
        assert page.minimumSizeHint().width() <= holder.viewport().width(), view
        for name in ("exportCsv", "clearFilters", "batchLetters", "refreshWorklist"):
            button = window.findChild(QPushButton, name)
            assert button is not None and button.isVisible(), name
            assert clipped_by(button, window) is None, (view, name)
    demo = window.findChild(QLabel, "demoBadge")
    assert demo is not None and clipped_by(demo, window) is None
    window.close()


def _row(page: QWidget, view: WorklistView) -> int:
    views = page.views  # type: ignore[attr-defined]
    return next(i for i in range(views.count()) if views.item(i).data(256) == view.value)


def test_add_medication_is_on_screen_without_scrolling(
    qtbot: QtBot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecoord.ui.chart.window import ChartWindow

    pretend_screen(monkeypatch, LAPTOP)
    patient_id = patients.search_patients(demo_context.db, demo_context.actor, "")[0].id
    chart = ChartWindow(context=demo_context, patient_id=patient_id)
    qtbot.addWidget(chart)
    chart.showNormal()
    chart.show_tab("summary")
    settle(qtbot, 100)
    frame = QRect(chart.pos(), chart.size() + screen_fit.FRAME_ALLOWANCE)
    assert LAPTOP.contains(frame), frame
    button = next(b for b in chart.findChildren(QPushButton) if b.text() == "Add medication…")
    assert button.isVisible()
    assert clipped_by(button, chart) is None
    chart.close()


def test_large_windows_open_maximised_on_a_laptop_but_not_on_a_big_screen(
    qtbot: QtBot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecoord.ui.preferences import store

    store().remove("main/geometry")  # as on a first start
    pretend_screen(monkeypatch, LAPTOP)
    small = MainWindow(context=demo_context)
    qtbot.addWidget(small)
    assert small.isMaximized()
    pretend_screen(monkeypatch, QRect(0, 0, 2560, 1400))
    big = MainWindow(context=demo_context)
    qtbot.addWidget(big)
    assert not big.isMaximized()
    assert big.size() == QSize(1280, 800)  # the preferred size, where it fits


def test_a_geometry_remembered_on_a_big_monitor_is_brought_back_on_screen(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pretend_screen(monkeypatch, QRect(0, 0, 2560, 1400))
    wide = QWidget()
    qtbot.addWidget(wide)
    wide.setGeometry(1200, 300, 1800, 1000)
    saved = wide.saveGeometry()
    pretend_screen(monkeypatch, LAPTOP)
    again = QWidget()
    qtbot.addWidget(again)
    screen_fit.restore_or_fit(again, saved, 800, 600)
    frame = QRect(again.pos(), again.size() + screen_fit.FRAME_ALLOWANCE)
    assert LAPTOP.contains(frame), frame


def test_sign_in_heading_wraps_instead_of_being_cut_off(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecoord.ui.sign_in import SignInDialog

    pretend_screen(monkeypatch, QRect(0, 0, 420, 400))  # narrower than the heading's one line
    name = "Riverside Pain & Function Center of the Upper Valley"
    dialog = SignInDialog(authenticate=lambda _u, _p: None, clinic_name=name)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    assert dialog.frameGeometry().width() <= 420
    heading = dialog.heading
    assert heading.fontMetrics().horizontalAdvance(name) > heading.width()  # it must wrap
    assert heading.minimumSizeHint().width() <= heading.width()
    assert heading.heightForWidth(heading.width()) <= heading.height()  # every line shows


# ------------------------------------------------------------------ the walk
def test_main_window_pages_fit(qtbot: QtBot, demo_context: AppContext, screen: QRect) -> None:
    seen = set()
    # The physician's sections, then the administrator's (the audit trail is theirs).
    for context in (demo_context, admin_context(demo_context)):
        window = MainWindow(context=context)
        qtbot.addWidget(window)
        window.show()
        for spec in window.specs:
            page = window.show_page(spec.key)
            wait = getattr(page, "wait_for_threads", None)
            if callable(wait):
                wait()
            assert_fits(qtbot, window, screen, f"main window, {spec.title}")
            seen.add(spec.key)
        window.close()
    assert {"dashboard", "referrals", "review", "audit", "settings"} <= seen


def test_chart_tabs_fit(qtbot: QtBot, demo_context: AppContext, screen: QRect) -> None:
    from carecoord.ui.chart.window import ChartWindow

    patient_id = patients.search_patients(demo_context.db, demo_context.actor, "")[0].id
    chart = ChartWindow(context=demo_context, patient_id=patient_id)
    qtbot.addWidget(chart)
    chart.show()
    for index in range(chart.tabs.count()):
        chart.tabs.setCurrentIndex(index)
        assert_fits(qtbot, chart, screen, f"chart, {chart.tabs.tabText(index)}")
    chart.close()


def admin_context(context: AppContext) -> AppContext:
    """The demo clinic's administrator (only they manage accounts)."""
    from sqlalchemy import select

    from carecoord.models import User
    from carecoord.services.users import actor_of

    with context.db.session() as session:
        user = session.scalar(select(User).where(User.username == "admin"))
        assert user is not None
        actor = actor_of(user)
    return AppContext(db=context.db, actor=actor, settings=context.settings, demo=True)


def dialogs(context: AppContext) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    """Every top-level window and dialog that can be built without a person's input."""
    from carecoord.clinical.referral_workflow import Event
    from carecoord.services import referrals, users
    from carecoord.ui.chart.assessment_forms import AssessmentDialog
    from carecoord.ui.chart.icd_picker import IcdPicker
    from carecoord.ui.chart.medication_dialogs import AllergyDialog, MedicationDialog
    from carecoord.ui.chart.notes_tab import NoteDialog
    from carecoord.ui.chart.plan_tab import PlanDialog
    from carecoord.ui.kit.referral_actions import ActionDialog
    from carecoord.ui.kit.referral_report import ReportDialog
    from carecoord.ui.letters.batch import BatchLettersDialog
    from carecoord.ui.letters.choices_dialog import LetterChoicesDialog
    from carecoord.ui.letters.consent_dialog import Part2ConsentDialog
    from carecoord.ui.letters.preview import LetterPreviewWindow
    from carecoord.ui.patients.form import DischargeDialog, PatientForm
    from carecoord.ui.referrals.editor import ReferralEditor
    from carecoord.ui.session import BreakGlassDialog, ChangePasswordDialog, UnlockDialog
    from carecoord.ui.sign_in import SignInDialog
    from carecoord.ui.team.member_form import MemberForm
    from carecoord.ui.users_dialog import (
        ResetPasswordDialog,
        UserEditDialog,
        UserManagementDialog,
    )
    from carecoord.ui.welcome import WelcomeDialog

    c = context
    patient = patients.search_patients(c.db, c.actor, "")[0].id
    chart = ChartScope(c, patient)
    drafts = [r.id for r in worklist(c.db, c.actor, WorklistView.TO_SEND, limit=50)]
    admin = admin_context(c)
    me = next(u for u in users.list_users(c.db, admin.actor) if u.username == c.actor.username)
    draft = referrals.get_referral(c.db, c.actor, drafts[0])
    yield "welcome", lambda: WelcomeDialog(db=c.db)
    yield "sign-in", lambda: SignInDialog(authenticate=lambda _u, _p: None, clinic_name="Demo")
    yield "unlock", lambda: UnlockDialog(actor=c.actor, clinic_name="Demo")
    yield "change password", lambda: ChangePasswordDialog(context=c)
    yield "break glass", lambda: BreakGlassDialog(context=c)
    yield "new patient", lambda: PatientForm(context=c)
    yield "edit patient", lambda: PatientForm(context=c, patient_id=patient)
    yield "discharge", lambda: DischargeDialog(chart=chart)
    yield "referral editor", lambda: ReferralEditor(context=c, referral_id=drafts[0])
    yield (
        "new referral",
        lambda: ReferralEditor(context=c, patient_id=patient, discipline="psychiatry"),
    )
    yield "letter choices", lambda: LetterChoicesDialog(context=c, referral_id=drafts[0])
    yield "letter preview", lambda: LetterPreviewWindow(context=c, referral_id=drafts[0])
    yield "batch letters", lambda: BatchLettersDialog(context=c, referral_ids=drafts[:3])
    yield "users", lambda: UserManagementDialog(context=admin)
    yield "new user", lambda: UserEditDialog(context=admin)
    yield "edit user", lambda: UserEditDialog(context=admin, user=me)
    yield "reset password", lambda: ResetPasswordDialog(context=admin, user=me)
    yield "cancel referral", lambda: ActionDialog(Event.CANCEL.value, draft)
    yield "mark sent", lambda: ActionDialog(Event.SEND.value, draft)
    yield "file a report", lambda: ReportDialog(context=c, referral=draft)
    yield (
        "Part 2 consent",
        lambda: Part2ConsentDialog(
            chart=chart, recipient_member_id=None, recipient_name="Dr Example"
        ),
    )
    yield "team member", lambda: MemberForm(context=c)
    yield "diagnosis picker", lambda: IcdPicker()
    yield "note", lambda: NoteDialog(chart=chart)
    yield "PHQ-9", lambda: AssessmentDialog(chart=chart, kind=AssessmentKind.PHQ9)
    yield "plan", lambda: PlanDialog(chart=chart)
    yield "medication", lambda: MedicationDialog(chart=chart)
    yield "allergy", lambda: AllergyDialog(chart=chart)


def wait_until_ready(qtbot: QtBot, loader: object) -> None:
    """The code set's index is built on a worker thread; closing first would crash."""
    qtbot.waitUntil(lambda: bool(getattr(loader, "is_ready", False)), timeout=30_000)


def test_dialogs_fit(qtbot: QtBot, demo_context: AppContext, screen: QRect) -> None:
    seen = 0
    for name, build in dialogs(demo_context):
        dialog = build()
        qtbot.addWidget(dialog)
        dialog.show()
        assert_fits(qtbot, dialog, screen, name)
        # Background work must end before the dialog goes (as the dialogs' own tests do).
        loader = getattr(dialog, "loader", None)
        if loader is not None:
            wait_until_ready(qtbot, loader)
        wait = getattr(dialog, "wait", None)
        if callable(wait):
            wait()
        dialog.close()
        seen += 1
    assert seen >= 20
