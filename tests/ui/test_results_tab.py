"""The Results tab with real widgets: entering results through the form (errors beside the
field), tables per kind, the trend plots painted, the flags, what a clinician sees, the
chart window's tab and header alert, and the PDMP interval on the settings page."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QTableWidgetItem
from pytestqt.qtbot import QtBot

from carecoord.clinical.monitoring import ResultKind
from carecoord.clinical.vocabulary import UserRole
from carecoord.services import monitoring, record
from carecoord.services.common import today
from carecoord.services.monitoring import ResultEntry, ScreenEntry
from carecoord.ui.chart.results_tab import ResultsTab, TrendPlot
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.settings_page import SettingsPage
from tests.services.helpers import new_patient
from tests.ui.conftest import _context, save_screenshot


def _patient_on_opioids(context: AppContext) -> int:
    patient = new_patient(context.db, context.actor)
    record.add_medication(
        context.db,
        context.actor,
        patient.id,
        record.MedicationInput("oxycodone", 10, "mg", "bid"),
    )
    return patient.id


def _history(context: AppContext, patient_id: int) -> None:
    """A year of results: vitals and liver trends, an unexpected latest screen, no PDMP."""
    add = monitoring.record_result
    db, actor = context.db, context.actor
    for months, (systolic, weight, alt) in enumerate(
        [(142, 96.0, 30), (138, 94.5, 41), (133, 93.0, 62), (128, 91.2, 48)]
    ):
        on = today() - timedelta(days=90 * (3 - months) + 3)
        add(
            db,
            actor,
            patient_id,
            ResultEntry(
                "vitals",
                on,
                values={
                    "systolic": systolic,
                    "diastolic": systolic - 50,
                    "weight": weight,
                    "bmi": round(weight / 1.78**2, 1),
                },
            ),
        )
        add(db, actor, patient_id, ResultEntry("liver", on, values={"alt": alt, "ast": 25}))
    add(
        db,
        actor,
        patient_id,
        ResultEntry(
            "kidney", today() - timedelta(days=40), values={"creatinine": 0.92, "egfr": 88}
        ),
    )
    add(
        db,
        actor,
        patient_id,
        ResultEntry(
            "drug_screen",
            today() - timedelta(days=2),
            screens=(
                ScreenEntry("oxycodone", "positive", True),
                ScreenEntry("cocaine", "positive", False),
                ScreenEntry("benzodiazepines", "negative", False),
            ),
        ),
    )


def _tab(qtbot: QtBot, context: AppContext, patient_id: int) -> ResultsTab:
    tab = ResultsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 860)
    tab.show()
    return tab


def cell(tab: ResultsTab, kind: ResultKind, row: int, column: int) -> QTableWidgetItem:
    item = tab.tables[kind].item(row, column)
    assert item is not None
    return item


def _choose(tab: ResultsTab, kind: ResultKind) -> None:
    tab.kind.setCurrentIndex(tab.kind.findData(kind))


def test_tab_shows_tables_plots_and_flags(qtbot: QtBot, context: AppContext) -> None:
    patient_id = _patient_on_opioids(context)
    _history(context, patient_id)
    tab = _tab(qtbot, context, patient_id)
    flags = {c.objectName(): c.text() for c in tab.flag_chips}
    assert "Cocaine: positive, not expected" in flags["flag_unexpected_screen"]
    assert flags["flag_pdmp_overdue"] == "No PDMP check recorded (patient on opioids)"
    assert tab.tables[ResultKind.VITALS].rowCount() == 4
    # Newest first; above the reference range gets an arrow.
    assert cell(tab, ResultKind.VITALS, 0, 1).text() == "128 ↑"
    liver = [cell(tab, ResultKind.LIVER, r, 1) for r in range(4)]
    flagged = [i for i in liver if "↑" in i.text()]
    assert [i.text() for i in flagged] == ["62 ↑"] and flagged[0].font().bold()
    assert cell(tab, ResultKind.DRUG_SCREEN, 0, 1).text() == "Oxycodone, Cocaine"
    assert "Cocaine positive, not expected" in cell(tab, ResultKind.DRUG_SCREEN, 0, 2).text()
    assert cell(tab, ResultKind.PDMP, 0, 0).text() == "None recorded."
    plot = tab.findChild(TrendPlot, "plot_blood_pressure")
    assert plot is not None
    assert [len(s.points) for s in plot.series] == [4, 4]
    assert plot.toolTip() == "Blood pressure: Systolic BP 128, Diastolic BP 78"
    image = plot.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(40, 100)}
    assert "#0072b2" in colours  # the systolic line was painted
    qtbot.waitExposed(tab)
    save_screenshot(tab, "results_tab")
    vitals_box = tab.findChild(QGroupBox, "box_vitals")
    assert vitals_box is not None
    save_screenshot(vitals_box, "results_tab_vitals")


def test_form_records_results_and_shows_errors_by_the_field(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = _patient_on_opioids(context)
    tab = _tab(qtbot, context, patient_id)
    changed: list[bool] = []
    tab.changed.connect(lambda: changed.append(True))

    _choose(tab, ResultKind.LIVER)
    qtbot.keyClicks(tab.value_edits["alt"], "40000")
    assert not tab.save()
    error = tab.findChild(QLabel, "altError")
    assert error is not None and error.isVisible()
    assert "not plausible" in error.text() and "U/L" in error.text()
    tab.value_edits["alt"].clear()
    qtbot.keyClicks(tab.value_edits["alt"], "abc")
    assert not tab.save()
    assert error.text() == "Must be a number"
    tab.value_edits["alt"].clear()
    qtbot.keyClicks(tab.value_edits["alt"], "44")
    assert tab.save()
    assert not error.isVisible()
    assert cell(tab, ResultKind.LIVER, 0, 1).text() == "44"

    _choose(tab, ResultKind.VITALS)
    qtbot.keyClicks(tab.value_edits["systolic"], "130")
    assert not tab.save()
    diastolic_error = tab.findChild(QLabel, "diastolicError")
    assert diastolic_error is not None and "both systolic and diastolic" in diastolic_error.text()

    _choose(tab, ResultKind.DRUG_SCREEN)
    assert not tab.save()
    screens_error = tab.findChild(QLabel, "screensError")
    assert screens_error is not None and "at least one substance" in screens_error.text()
    result, expected = tab.screen_boxes["oxycodone"]
    result.setCurrentIndex(result.findData("negative"))
    qtbot.mouseClick(expected, Qt.MouseButton.LeftButton)
    assert tab.save()
    assert "Oxycodone negative, expected" in cell(tab, ResultKind.DRUG_SCREEN, 0, 2).text()

    _choose(tab, ResultKind.PDMP)
    assert not tab.save()
    pdmp_error = tab.findChild(QLabel, "pdmp_resultError")
    assert pdmp_error is not None and pdmp_error.text() == "Is required"
    tab.pdmp_result.setCurrentIndex(tab.pdmp_result.findData("consistent"))
    qtbot.keyClicks(tab.performed_by, "Kim Ortiz, RN")
    yesterday = date.today() - timedelta(days=1)
    tab.taken_on.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert tab.save()
    assert cell(tab, ResultKind.PDMP, 0, 2).text() == "Kim Ortiz, RN"
    assert "Last PDMP check" in tab.pdmp_line.text()
    assert not any(c.objectName() == "flag_pdmp_overdue" for c in tab.flag_chips)
    assert len(changed) == 3


def test_clinician_sees_no_drug_screens_and_cannot_enter_them(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    patient_id = _patient_on_opioids(context)
    _history(context, patient_id)
    therapist = _context(context.db, password_hash, UserRole.CLINICIAN, "therapist")
    tab = _tab(qtbot, therapist, patient_id)
    assert cell(tab, ResultKind.DRUG_SCREEN, 0, 0).text() == "None recorded."
    assert not any(c.objectName() == "flag_unexpected_screen" for c in tab.flag_chips)
    kinds = [tab.kind.itemData(i) for i in range(tab.kind.count())]
    assert ResultKind.DRUG_SCREEN not in kinds and ResultKind.LIVER in kinds


def test_front_desk_reads_without_a_form(qtbot: QtBot, desk_context: AppContext) -> None:
    patient = new_patient(desk_context.db, desk_context.actor)
    tab = _tab(qtbot, desk_context, patient.id)
    assert tab.findChild(QGroupBox, "resultForm") is None
    assert tab.pdmp_line.text() == "Not on opioids: no PDMP check is due."


def test_chart_window_has_the_tab_and_the_header_alerts(qtbot: QtBot, context: AppContext) -> None:
    patient_id = _patient_on_opioids(context)
    _history(context, patient_id)
    window = ChartWindow(context=context, patient_id=patient_id)
    qtbot.addWidget(window)
    assert window.show_tab("results")
    tab = window.tab("results")
    assert isinstance(tab, ResultsTab)
    texts = window.header.alert_texts()
    assert any(t.startswith("Unexpected drug screen") for t in texts)
    assert "No PDMP check recorded (patient on opioids)" in texts
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    save_screenshot(window, "results_tab_in_chart")

    _choose(tab, ResultKind.PDMP)
    tab.pdmp_result.setCurrentIndex(tab.pdmp_result.findData("consistent"))
    assert tab.save()
    qtbot.waitUntil(
        lambda: "No PDMP check recorded (patient on opioids)" not in window.header.alert_texts()
    )


def test_settings_page_sets_the_pdmp_interval(
    qtbot: QtBot, ui_db: object, password_hash: str
) -> None:
    admin = _context(ui_db, password_hash, UserRole.ADMINISTRATOR, "admin")  # type: ignore[arg-type]
    page = SettingsPage(context=admin)
    qtbot.addWidget(page)
    assert page.pdmp_interval.value() == 90
    page.pdmp_interval.setValue(60)
    assert page.save()
    assert admin.settings.pdmp_interval_days == 60
