"""The allergy state on a chart: the header chip, the Summary tab's buttons and the real
"This chart says no known allergies — record an allergy and clear that?" question."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.allergy_status import ADD_QUESTION, NOT_RECORDED
from carecoord.letters.dates import format_date
from carecoord.services import record
from carecoord.services.chart import load_chart
from carecoord.ui.chart.medication_dialogs import AllergyDialog
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[ChartWindow]:
    pid = new_patient(context.db, context.actor).id
    window = ChartWindow(context=context, patient_id=pid)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    window.show_tab("summary")
    yield window


class MessageBoxAnswers:
    """Answers the real QMessageBox the app opens (it blocks in exec), noting its text."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.questions: list[str] = []

    def answer(self, *buttons: QMessageBox.StandardButton) -> None:
        """Click ``buttons`` in order, each on the next question box that opens."""
        pending = list(buttons)
        answered: list[QMessageBox] = []

        def click() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox) or box in answered:
                QTimer.singleShot(20, click)
                return
            answered.append(box)
            self.questions.append(box.text())
            self.qtbot.mouseClick(box.button(pending.pop(0)), Qt.MouseButton.LeftButton)
            if pending:
                QTimer.singleShot(20, click)

        QTimer.singleShot(0, click)


def summary_of(window: ChartWindow) -> SummaryTab:
    tab = window.tab("summary")
    assert isinstance(tab, SummaryTab)
    return tab


def chip(window: ChartWindow) -> QLabel:
    label = window.header.findChild(QLabel, "allergyStatus")
    assert label is not None
    return label


def test_header_chip_and_the_confirm_question(
    qtbot: QtBot, window: ChartWindow, context: AppContext
) -> None:
    answers = MessageBoxAnswers(qtbot)
    summary = summary_of(window)
    assert chip(window).isVisible()
    assert chip(window).text() == NOT_RECORDED
    assert chip(window).property("level") == "warning"
    assert summary.allergy_state.text() == NOT_RECORDED + "."
    assert not summary.withdraw_nka_button.isVisible()
    save_screenshot(window.header, "allergy_chip_unknown")

    # "No known allergies…": a real question, answered Yes.
    answers.answer(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(summary.confirm_nka_button, Qt.MouseButton.LeftButton)
    today = format_date(date.today(), context.settings.date_format)
    confirmed = f"No known drug allergies (confirmed by Drlee on {today})"
    qtbot.waitUntil(lambda: chip(window).text() == confirmed)
    assert chip(window).property("level") == "ok"
    assert summary.allergy_state.text() == confirmed + "."
    assert summary.confirm_nka_button.text() == "Confirm again…"
    assert summary.withdraw_nka_button.isVisible()
    save_screenshot(window.header, "allergy_chip_no_known")
    save_screenshot(window, "allergy_chart_no_known")

    # Add allergy on that chart: Save asks first; No keeps the dialog and saves nothing.
    qtbot.mouseClick(summary.add_allergy_button, Qt.MouseButton.LeftButton)
    dialog = summary.findChild(AllergyDialog, "allergyDialog")
    assert dialog is not None and dialog.isVisible()
    assert "says no known allergies" in dialog.intro.text()
    qtbot.keyClicks(dialog.substance, "Penicillin")
    answers.answer(QMessageBox.StandardButton.No)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert answers.questions[-1] == ADD_QUESTION
    assert dialog.isVisible() and dialog.substance.text() == "Penicillin"
    assert load_chart(context.db, context.actor, window.patient_id).allergies == ()
    assert chip(window).text() == confirmed

    answers.answer(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert answers.questions[-1] == ADD_QUESTION
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: chip(window).text() == "Allergies: Penicillin")
    assert chip(window).property("level") == "danger"
    assert not summary.allergy_state.isVisible()
    assert not summary.confirm_nka_button.isEnabled()
    save_screenshot(window.header, "allergy_chip_listed")

    # Removing the only allergy asks twice; answering No to "none known?" leaves unknown.
    summary.allergy_table.selectRow(0)
    answers.answer(QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    qtbot.mouseClick(summary.remove_allergy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chip(window).text() == NOT_RECORDED)
    assert answers.questions[-2].startswith("Remove “Penicillin” from the allergy list?")
    assert "only allergy listed" in answers.questions[-1]
    assert len(answers.questions) == 5


def test_front_desk_sees_the_chip_but_no_buttons(
    qtbot: QtBot, desk_context: AppContext, password_hash: str
) -> None:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    doctor = make_actor(desk_context.db, password_hash, "drkim", UserRole.PHYSICIAN, "Dr Kim")
    pid = new_patient(desk_context.db, doctor).id
    record.confirm_no_known_allergies(desk_context.db, doctor, pid)
    window = ChartWindow(context=desk_context, patient_id=pid)
    qtbot.addWidget(window)
    window.show()
    assert chip(window).text().startswith("No known drug allergies (confirmed by Dr Kim on ")
    summary = window.tab("summary")
    if summary is not None:  # the front desk may see the Summary tab read-only
        for name in ("confirmNoKnownAllergies", "withdrawNoKnownAllergies", "addAllergy"):
            button = summary.findChild(QPushButton, name)
            assert button is not None and not button.isVisible()
