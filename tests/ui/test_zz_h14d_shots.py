from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.patients.form import DischargeDialog, PatientForm
from carecoord.ui.referrals.worklist_page import ReferralsPage
from tests.services.helpers import new_patient


def test_shots(qtbot: QtBot, context: AppContext) -> None:
    form = PatientForm(context=context)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.family, "Okafor")
    qtbot.keyClicks(form.born, "02/30/1980")
    qtbot.keyClicks(form.email, "ada.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    form.grab().save("/tmp/h14d_patient_errors.png")
    p = new_patient(context.db, context.actor, "Okafor", "Ada", date(1975, 4, 2))
    d = DischargeDialog(context=context, patient_id=p.id)
    qtbot.addWidget(d)
    d.show()
    d.reason.edit.insertPlainText("x" * 10000)
    d.grab().save("/tmp/h14d_discharge.png")
    page = ReferralsPage(context=context)
    qtbot.addWidget(page)
    page.resize(1200, 500)
    page.show()
    page.from_filter.set_value(date(2026, 11, 1))
    page.wait_for_threads()
    page.grab().save("/tmp/h14d_worklist.png")
    page.to_filter.open_calendar()
    page.to_filter.popup.grab().save("/tmp/h14d_calendar.png")
    page.to_filter.popup.hide()
    page.wait_for_threads()
