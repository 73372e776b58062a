"""The chart header: who the patient is and the alerts to see before anything else."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from carecoord.clinical import allergy_status
from carecoord.clinical.vocabulary import PatientStatus
from carecoord.services.chart import Chart
from carecoord.services.patients import age_on
from carecoord.services.permissions import Action, allowed
from carecoord.ui import style
from carecoord.ui.context import AppContext
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.kit.records import action_button


class ChartHeader(QWidget):
    """Name, age, date of birth, MRN, sex, coordinating physician and alert chips.

    Signals:
        edit_requested(): the person asked to edit the demographics.
    """

    edit_requested = Signal()

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartHeader")
        self.name = QLabel()
        self.name.setObjectName("patientName")
        self.name.setProperty("role", "pageTitle")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("patientFacts")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        self.coordinator = QLabel()
        self.coordinator.setObjectName("coordinator")
        self.context = context
        # Allergy state (clinical/allergy_status.py): not an alert, so beside the
        # coordinator rather than among the alert chips; hidden for roles without
        # clinical access.
        self.allergy_chip = style.chip("", "info")
        self.allergy_chip.setObjectName("allergyStatus")
        self.allergy_chip.hide()
        self.edit_button = action_button(
            "Edit details…",
            "editDemographics",
            self.edit_requested.emit,
            accessible="Edit patient details",
        )
        if not allowed(context.actor.role, Action.EDIT_DEMOGRAPHICS):
            self.edit_button.hide()  # (shown while parentless it would flash up as a window)
        self.alerts = QWidget()
        self.alerts.setObjectName("alertChips")
        self.alerts_layout = FlowLayout(self.alerts)
        self.chips: list[QLabel] = []

        top = QHBoxLayout()
        self.buttons = top  # the chart window adds its actions' buttons here
        top.addWidget(self.name)
        top.addStretch(1)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        people = QHBoxLayout()
        people.setSpacing(12)
        people.addWidget(self.coordinator)
        people.addWidget(self.allergy_chip)
        people.addStretch(1)
        layout.addLayout(people)
        layout.addWidget(self.alerts)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        colours = style.scheme()
        self.setStyleSheet(
            f"#chartHeader {{ background: {colours.panel[1]}; color: {colours.panel[0]}; "
            f"border-bottom: 1px solid {colours.panel_border}; }}"
        )

    def show_chart(self, chart: Chart, today: date | None = None) -> None:
        p = chart.patient
        on = today or date.today()
        self.name.setText(
            f"{p.family_name}, {p.given_name}" + (f" {p.middle_name}" if p.middle_name else "")
        )
        facts = [
            f"Age {age_on(p.date_of_birth, on)}",
            f"born {p.date_of_birth.isoformat()}",
            p.sex.label,
            f"MRN {p.mrn}",
        ]
        if p.phone:
            facts.append(f"phone {p.phone}")
        if p.insurance_payer:
            facts.append(f"insurance {p.insurance_payer}")
        self.facts.setText("  ·  ".join(facts))
        coordinator = chart.coordinator_name
        self.coordinator.setText(
            f"Coordinating physician: <b>{coordinator}</b>"
            if coordinator
            else "Coordinating physician: <b>none assigned</b>"
        )
        self._show_allergy_state(chart)
        self._show_alerts(chart)

    def _show_allergy_state(self, chart: Chart) -> None:
        status = chart.allergy_status
        if status is None:
            self.allergy_chip.hide()
            return
        text, level = allergy_status.chip(status, self.context.settings.date_format)
        self.allergy_chip.setText(text)
        self.allergy_chip.setAccessibleName(text)
        self.allergy_chip.setProperty("level", level)
        self.allergy_chip.setStyleSheet(style.chip_style(level))
        self.allergy_chip.show()

    def _show_alerts(self, chart: Chart) -> None:
        for chip in self.chips:
            self.alerts_layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self.chips = []
        if chart.patient.status == PatientStatus.DISCHARGED:
            when = chart.patient.discharged_on
            self.chips.append(
                style.chip(f"Discharged {when.isoformat() if when else ''}".strip(), "info")
            )
        for alert in chart.alerts:
            chip = style.chip(alert.text, alert.level)
            chip.setObjectName(f"alert_{alert.code}")
            chip.setProperty("level", alert.level)
            self.chips.append(chip)
        if not self.chips:
            calm = style.chip("No alerts", "ok")
            calm.setObjectName("alert_none")
            self.chips.append(calm)
        for chip in self.chips:
            self.alerts_layout.addWidget(chip)

    def alert_texts(self) -> list[str]:
        return [chip.text() for chip in self.chips]
