"""The main window end to end: navigation, shortcuts, windows opened on request, and every
main screen rendered on the demo clinic (PNGs kept in test-artifacts/ for people to look at)."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from carecoord.services import patients, referrals
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from tests.ui.conftest import save_screenshot


def distinct_colours(widget: QWidget) -> int:
    """How many different colours a grid of sample points shows (a blank screen has 1-2)."""
    image: QImage = widget.grab().toImage()
    seen = set()
    for x in range(0, image.width(), 7):
        for y in range(0, image.height(), 7):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_every_main_screen_renders_on_the_demo_clinic(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = MainWindow(context=demo_context)
    qtbot.addWidget(window)
    window.resize(1360, 860)
    window.show()
    for spec in window.specs:
        page = window.show_page(spec.key)
        qtbot.waitExposed(window)
        QApplication.processEvents()
        if hasattr(page, "wait_for_threads"):
            page.wait_for_threads()
        qtbot.wait(150)  # let threaded loads (dashboard, counts) arrive and paint
        path = save_screenshot(window, f"main_{spec.key}")
        assert path.stat().st_size > 10_000, spec.key
        assert distinct_colours(window) > 12, f"{spec.key} looks blank"
    patient_id = patients.search_patients(demo_context.db, demo_context.actor, "")[0].id
    chart = window.open_chart(patient_id)
    chart.resize(1280, 860)
    qtbot.waitExposed(chart)
    assert window.open_chart(patient_id) is chart  # one window per patient
    tabs = chart.findChild(QWidget, "chartTabs")
    assert tabs is not None
    for index in range(tabs.count()):  # type: ignore[attr-defined]
        tabs.setCurrentIndex(index)  # type: ignore[attr-defined]
        qtbot.wait(50)
        name = tabs.tabText(index).lower().replace(" ", "_")  # type: ignore[attr-defined]
        save_screenshot(chart, f"main_chart_{name}")
        assert distinct_colours(chart) > 12, name
    window.close()


def test_navigation_shortcuts_and_requests(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.find_action.trigger()
    assert window.current_key() == "patients"
    search = window.findChild(QLineEdit, "patientSearch")
    assert search is not None and window.focusWidget() is search
    window.navigation.setCurrentRow(2)
    assert window.current_key() == "referrals" and window.print_action.isEnabled()

    form = window.new_patient()
    form.family.setText("Ødegaard")
    form.given.setText("Søren")
    form.born.setText("1971-04-02")
    form.save()
    qtbot.waitUntil(lambda: len(window.chart_windows) == 1)
    (patient_id,) = window.chart_windows
    assert patients.get_patient(context.db, context.actor, patient_id).family_name == "Ødegaard"

    context.navigator.new_referral_requested.emit(patient_id, "psychiatry")
    assert len(window.referral_windows) == 1
    editor = window.referral_windows[0]
    assert editor.isVisible()
    editor.close()
    qtbot.waitUntil(lambda: not window.referral_windows)

    from tests.services.helpers import new_member, new_referral

    psych = new_member(context.db, context.actor, "psychiatry")
    made = new_referral(context.db, context.actor, patient_id, psych)
    context.navigator.referral_requested.emit(made.id)
    assert len(window.referral_windows) == 1
    window.close()
    assert referrals.get_referral(context.db, context.actor, made.id).state == "draft"


def test_audit_trail_section_only_for_administrators(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    physician_window = MainWindow(context=context)
    qtbot.addWidget(physician_window)
    assert "audit" not in [s.key for s in physician_window.specs]
    context.actor = make_actor(context.db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat")
    admin_window = MainWindow(context=context)
    qtbot.addWidget(admin_window)
    assert admin_window.specs[-1].key == "audit"
    page = admin_window.show_page("audit")
    assert page.objectName() == "auditPage"
