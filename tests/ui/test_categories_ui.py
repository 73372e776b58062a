"""The clinician chooses who may read a medication on its form; a busy database offers Retry."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import DataCategory, UserRole
from carecoord.errors import TemporaryFailure
from carecoord.services import chart as chart_service
from carecoord.ui.category_field import category_combo, may_write
from carecoord.ui.chart.medication_dialogs import MedicationDialog
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.errors import show_problem
from tests.conftest import make_actor
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


def test_the_medication_form_sets_its_category(
    qtbot: QtBot, context: AppContext, desk_context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    summary = SummaryTab(context=context, patient_id=patient.id)
    qtbot.addWidget(summary)
    summary.refresh()
    dialog = MedicationDialog(chart=ChartScope(context, patient.id), parent=summary)
    qtbot.addWidget(dialog)
    labels = [dialog.category.itemText(i) for i in range(dialog.category.count())]
    assert labels == [
        "Automatic (from drug and notes)",
        "General",
        "Psychiatric (not the front desk)",
        "Substance use, 42 CFR Part 2 (physicians only)",
    ]
    qtbot.keyClicks(dialog.drug, "ibuprofen")
    qtbot.keyClicks(dialog.dose, "400")
    dialog.category.setCurrentIndex(dialog.category.findData(DataCategory.SUBSTANCE_USE))
    dialog.show()
    save_screenshot(dialog, "medication_dialog_category")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [line] = chart_service.load_chart(context.db, context.actor, patient.id).medications
    assert line.category == DataCategory.SUBSTANCE_USE
    assert (
        chart_service.load_chart(desk_context.db, desk_context.actor, patient.id).medications == ()
    )


def test_a_clinician_is_offered_only_categories_it_may_write(
    context: AppContext, password_hash: str, qtbot: QtBot
) -> None:
    therapist = make_actor(context.db, password_hash, "jpark", UserRole.CLINICIAN, "Jo Park")
    box = category_combo(may_write(therapist), automatic="from the modality")
    qtbot.addWidget(box)
    assert [box.itemData(i) or None for i in range(box.count())] == [
        None,
        DataCategory.GENERAL,
        DataCategory.PSYCHIATRIC,
    ]


def test_a_temporary_failure_offers_retry(qtbot: QtBot, tmp_path: Path) -> None:
    calls: list[str] = []

    def press_retry() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        save_screenshot(box, "temporary_failure_retry")
        button = box.findChild(QPushButton, "retryButton")
        assert button is not None
        button.click()

    QTimer.singleShot(50, press_retry)
    show_problem(
        None,
        TemporaryFailure("The database is busy; try again in a moment."),
        "Not saved",
        retry=lambda: calls.append("again"),
    )
    assert calls == ["again"]
