"""The structured medication dialog and the chart with a line that no longer validates."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from carecoord.models import Medication
from carecoord.services import record
from carecoord.services.record import MedicationInput
from carecoord.ui.chart.medication_dialogs import MedicationDialog
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
def summary(qtbot: QtBot, context: AppContext) -> SummaryTab:
    tab = SummaryTab(context=context, patient_id=new_patient(context.db, context.actor).id)
    qtbot.addWidget(tab)
    tab.refresh()
    tab.show()
    return tab


def choose(dialog: MedicationDialog, **values: str) -> None:
    for name, value in values.items():
        combo = getattr(dialog, name)
        combo.setCurrentIndex(combo.findData(value))


def error_of(dialog: MedicationDialog, field: str) -> str:
    label = dialog.findChild(QLabel, f"{field}Error")
    assert label is not None
    return label.text() if label.isVisible() else ""


def test_patch_with_twice_a_day_is_refused_beside_the_frequency(
    qtbot: QtBot, summary: SummaryTab
) -> None:
    """Finding 3: the form's default frequency on a patch doubled its MME."""
    dialog = summary.add_medication()
    assert isinstance(dialog, MedicationDialog)
    qtbot.keyClicks(dialog.drug, "fentanyl")
    qtbot.keyClicks(dialog.dose, "25")
    choose(dialog, unit="mcg/h", route="transdermal")
    assert dialog.frequency.currentData() == "bid"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "choose “continuous”" in error_of(dialog, "frequency")
    assert dialog.isVisible() and summary.medications.rowCount() == 0
    save_screenshot(dialog, "medication_dialog_patch_refused")
    choose(dialog, frequency="continuous")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "60 MME/day" in summary.mme_total.text())


def test_ml_needs_a_concentration_and_oud_indication(qtbot: QtBot, summary: SummaryTab) -> None:
    dialog = summary.add_medication()
    assert isinstance(dialog, MedicationDialog)
    assert not dialog.concentration.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.drug, "methadone")
    qtbot.keyClicks(dialog.dose, "10")
    choose(dialog, unit="mL", frequency="qd")
    assert dialog.concentration.isVisibleTo(dialog)
    dialog.save()
    assert "concentration" in error_of(dialog, "concentration_mg_per_ml")
    qtbot.keyClicks(dialog.concentration, "10")
    choose(dialog, indication="opioid_use_disorder")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: summary.medications.rowCount() == 1)
    assert summary.medications.data(summary.medications.index(0, 1)) == "10 mL (10 mg/mL)"
    assert summary.medications.data(summary.medications.index(0, 4)) == (
        "opioid use disorder treatment"
    )
    assert "MME/day not calculated — incomplete" in summary.mme_total.text()
    assert "0 MME/day" not in summary.mme_total.text().replace("MME/day not", "")


def test_drug_field_offers_names_and_flags_typos(qtbot: QtBot, summary: SummaryTab) -> None:
    dialog = summary.add_medication()
    assert isinstance(dialog, MedicationDialog)
    completer = dialog.drug.completer()
    assert completer is not None
    names = completer.model()
    listed = {names.index(row, 0).data() for row in range(names.rowCount())}
    assert {"Percocet", "Nalocet", "Xanax", "oxycodone"} <= listed
    qtbot.keyClicks(dialog.drug, "Nalocet")
    assert dialog.drug_info.text() == "oxycodone + acetaminophen · non-opioid analgesic, opioid"
    dialog.drug.setText("oxycodon")
    assert dialog.drug_info.text().startswith("Looks like an opioid (oxycodone?)")
    dialog.drug.setText("metoprolol")
    assert "free text" in dialog.drug_info.text()
    dialog.reject()


def test_a_stored_line_that_no_longer_validates_never_stops_the_chart(
    qtbot: QtBot, context: AppContext
) -> None:
    """Finding 3: a bad stored line made the chart refuse to open for everyone."""
    patient = new_patient(context.db, context.actor)
    record.add_medication(
        context.db,
        context.actor,
        patient.id,
        MedicationInput("fentanyl", 25, "mcg/h", "continuous", route="transdermal"),
    )
    with context.db.session(write=True) as session:
        session.execute(update(Medication).values(frequency="bid"))
        session.commit()
    window = ChartWindow(context=context, patient_id=patient.id)
    qtbot.addWidget(window)
    window.show()
    summary = window.summary
    assert summary is not None
    qtbot.waitUntil(lambda: summary.medications.rowCount() == 1)
    drug = str(summary.medications.data(summary.medications.index(0, 0)))
    assert drug.startswith("fentanyl — needs review (frequency:")
    assert "incomplete" in summary.mme_total.text()
    assert any("MME incomplete" in t for t in window.header.alert_texts())
    summary.medication_table.selectRow(0)
    dialog = summary.edit_medication()
    assert isinstance(dialog, MedicationDialog)
    review = dialog.findChild(QLabel, "medicationNeedsReview")
    assert review is not None and "continuous" in review.text()
    save_screenshot(window, "chart_needs_review")
    dialog.reject()
