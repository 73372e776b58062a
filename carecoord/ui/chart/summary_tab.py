"""The chart's Summary tab: diagnoses (ICD-10-CM), medications with daily MME, allergies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import allergy_status, mme
from carecoord.clinical.mme import PRN
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.services import record
from carecoord.services.actor import Actor
from carecoord.services.chart import Chart
from carecoord.services.permissions import Action, allowed, diagnosis_category
from carecoord.services.record import (
    AllergyView,
    DiagnosisView,
    MedicationView,
)
from carecoord.ui import style
from carecoord.ui.chart.icd_picker import IcdPicker
from carecoord.ui.chart.medication_dialogs import (
    AllergyDialog,
    MedicationDialog,
    StopMedicationDialog,
)
from carecoord.ui.kit.chart_tab import ChartFedTab
from carecoord.ui.kit.records import (
    action_button,
    ask_yes_no,
    empty_hint,
    iso,
    records_table,
    selected_row,
)
from carecoord.ui.kit.table import Column, ColumnTableModel


def _part2_check(picker: IcdPicker) -> QCheckBox:
    """ "From a 42 CFR Part 2 program" under the picker's onset, for substance-use codes only
    (letters then disclose the diagnosis only with the patient's consent)."""
    check = QCheckBox("Received from a 42 CFR Part 2 substance-use program")
    check.setObjectName("icdPart2")
    check.setAccessibleName("Diagnosis received from a Part 2 program")
    check.setToolTip("Letters disclose it only with the patient's consent on file")
    form = picker.findChild(QFormLayout)
    if form is not None:
        form.addRow("", check)

    def update() -> None:
        code = picker.chosen_code()
        check.setEnabled(
            code is not None and diagnosis_category(code) == DataCategory.SUBSTANCE_USE
        )

    picker.results.currentItemChanged.connect(lambda *_: update())
    update()
    return check


def _mme_text(m: MedicationView) -> str:
    if m.daily_mme is not None:
        return f"{m.daily_mme:g} MME/day"
    if not m.is_opioid and not m.mme_note:
        return ""
    return m.mme_note or "not counted"


def _drug_text(m: MedicationView) -> str:
    return f"{m.drug} — needs review ({m.needs_review})" if m.needs_review else m.drug


def _dose_text(m: MedicationView) -> str:
    text = m.dose_label
    if m.frequency == PRN and m.max_doses_per_day:
        text += f" (max {m.max_doses_per_day:g}/day)"
    return text


DIAGNOSIS_COLUMNS: list[Column] = [
    Column("Code", lambda d: d.code),
    Column("Diagnosis", lambda d: d.title),
    Column("Onset", lambda d: iso(d.onset)),
    Column("Status", lambda d: "active" if d.active else "resolved"),
]
MEDICATION_COLUMNS: list[Column] = [
    Column("Drug", _drug_text),
    Column("Dose", _dose_text),
    Column("Frequency", lambda m: m.frequency_label),
    Column("Route", lambda m: m.route_label),
    Column("Indication", lambda m: m.indication_label),
    Column("Started", lambda m: iso(m.start_date)),
    Column("Stopped", lambda m: iso(m.stop_date)),
    Column("Daily MME", _mme_text),
]
ALLERGY_COLUMNS: list[Column] = [
    Column("Substance", lambda a: a.substance),
    Column("Reaction", lambda a: a.reaction or ""),
    Column("Severity", lambda a: a.severity.label),
]


class SummaryTab(ChartFedTab):
    """Diagnoses, medications (with the total daily MME and its advice) and allergies.

    Every change goes through ``services.record``; the tab then emits ``changed`` and
    ``context.events.patient_changed`` so the chart header and other windows update.

    Signals:
        changed(): data on this tab was changed by the person.
    """

    OBJECT_NAME = "summaryTab"

    def setup(self) -> None:
        self.can_edit = allowed(self.context.actor.role, Action.EDIT_CLINICAL, DataCategory.GENERAL)
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no
        self.make_picker: Callable[[], IcdPicker] = lambda: IcdPicker(parent=self)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.diagnoses = ColumnTableModel(
            DIAGNOSIS_COLUMNS, muted=lambda d: not d.active, parent=self
        )
        self.diagnosis_table = records_table(self.diagnoses, "diagnosisTable", "Diagnoses")
        self.add_diagnosis_button = action_button(
            "Add diagnosis…", "addDiagnosis", self.add_diagnosis
        )
        self.toggle_diagnosis_button = action_button(
            "Resolve", "toggleDiagnosis", self.toggle_diagnosis
        )
        diagnoses_box = self._box(
            "Diagnoses (ICD-10-CM)",
            self.diagnosis_table,
            [self.add_diagnosis_button, self.toggle_diagnosis_button],
            extra=[empty_hint(self.diagnoses, "No diagnoses recorded.", "noDiagnoses")],
        )
        self.diagnosis_table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.allergies = ColumnTableModel(ALLERGY_COLUMNS, parent=self)
        self.allergy_table = records_table(self.allergies, "allergyTable", "Allergies")
        self.add_allergy_button = action_button("Add allergy…", "addAllergy", self.add_allergy)
        self.remove_allergy_button = action_button("Remove…", "removeAllergy", self.remove_allergy)
        self.confirm_nka_button = action_button(
            "No known allergies…", "confirmNoKnownAllergies", self.confirm_no_known_allergies
        )
        self.withdraw_nka_button = action_button(
            "Withdraw…", "withdrawNoKnownAllergies", self.withdraw_no_known_allergies
        )
        # The chart's allergy state in words, under an empty list: "not yet recorded" and
        # "no known allergies (confirmed by …)" must never read alike.
        self.allergy_state = style.hint("")
        self.allergy_state.setObjectName("allergyState")
        self.allergy_state.hide()
        allergies_box = self._box(
            "Allergies and intolerances",
            self.allergy_table,
            [
                self.confirm_nka_button,
                self.withdraw_nka_button,
                self.add_allergy_button,
                self.remove_allergy_button,
            ],
            extra=[self.allergy_state],
        )
        self.allergy_table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.medications = ColumnTableModel(
            MEDICATION_COLUMNS, muted=lambda m: not m.current, parent=self
        )
        self.medication_table = records_table(self.medications, "medicationTable", "Medications")
        self.medication_table.doubleClicked.connect(lambda _i: self.edit_medication())
        self.mme_total = style.named(QLabel(), "mmeTotal", "Total daily MME")
        self.mme_total.setWordWrap(True)
        self.mme_advice = style.named(QLabel(), "mmeAdvice")
        self.mme_advice.setWordWrap(True)
        self.mme_advice.hide()
        self.add_medication_button = action_button(
            "Add medication…", "addMedication", self.add_medication
        )
        self.edit_medication_button = action_button("Edit…", "editMedication", self.edit_medication)
        self.stop_medication_button = action_button("Stop…", "stopMedication", self.stop_medication)
        medications_box = self._box(
            "Medications",
            self.medication_table,
            [self.add_medication_button, self.edit_medication_button, self.stop_medication_button],
            extra=[
                empty_hint(self.medications, "No medications recorded.", "noMedications"),
                self.mme_total,
                self.mme_advice,
            ],
        )
        self.medication_table.selectionModel().selectionChanged.connect(self._update_buttons)
        for column, width in enumerate((220, 130, 130, 100, 110, 90, 90)):
            self.medication_table.setColumnWidth(column, width)
        for column, width in enumerate((80, 300, 90)):
            self.diagnosis_table.setColumnWidth(column, width)
        for column, width in enumerate((140, 140)):
            self.allergy_table.setColumnWidth(column, width)

        top = QHBoxLayout()
        top.addWidget(diagnoses_box, 3)
        top.addWidget(allergies_box, 2)
        layout = QVBoxLayout(self)
        if not self.can_edit:
            notice = style.hint("Read only: your role can see this record but not change it.")
            notice.setObjectName("readOnlyNotice")
            layout.addWidget(notice)
        layout.addLayout(top, 2)
        layout.addWidget(medications_box, 3)
        for button in (
            self.add_diagnosis_button,
            self.toggle_diagnosis_button,
            self.add_allergy_button,
            self.remove_allergy_button,
            self.confirm_nka_button,
            self.withdraw_nka_button,
            self.add_medication_button,
            self.edit_medication_button,
            self.stop_medication_button,
        ):
            button.setVisible(self.can_edit)
        self._update_buttons()

    def _box(
        self,
        title: str,
        table: QTableView,
        buttons: list[QPushButton],
        extra: list[QWidget] | None = None,
    ) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        column.addWidget(table, 1)
        for widget in extra or []:
            column.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        column.addLayout(row)
        return box

    # -------------------------------------------------------------------- data
    def show_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.diagnoses.set_rows(chart.diagnoses)
        current = [m for m in chart.medications if m.current]
        stopped = [m for m in chart.medications if not m.current]
        self.medications.set_rows(current + stopped)
        self.allergies.set_rows(chart.allergies)
        self._show_allergy_state(chart)
        self._show_mme(chart)
        self._update_buttons()

    def _show_allergy_state(self, chart: Chart) -> None:
        status = chart.allergy_status
        listed = status is not None and status.state is allergy_status.AllergyState.HAS_ALLERGIES
        if status is None or listed:
            self.allergy_state.hide()
        else:
            text = allergy_status.statement(status, self.context.settings.date_format)
            self.allergy_state.setText(text + ".")
            self.allergy_state.show()
        self.confirm_nka_button.setText(
            "Confirm again…"
            if status is not None and status.no_known_allergies
            else "No known allergies…"
        )

    def _show_mme(self, chart: Chart) -> None:
        summary = chart.mme
        self.mme_total.setText(f"<b>Total daily MME:</b> {escape(mme.format_total(summary))}")
        shown = [a for a in chart.safety if a.code not in ("mme_50", "mme_90")]
        lines = [*summary.advice, *(a.text for a in shown)]
        if lines:
            serious = summary.at_least_90 or any(a.severity == "danger" for a in shown)
            level = "danger" if serious else "warning"
            self.mme_advice.setText("<br>".join(escape(line) for line in lines))
            self.mme_advice.setStyleSheet(
                f"QLabel {{ background: {style.bg(level)}; "
                f"color: {style.chip_fg(level)}; border-radius: 4px; padding: 4px 8px; "
                "font-weight: 600; }"
            )
            self.mme_advice.show()
        else:
            self.mme_advice.hide()

    def _update_buttons(self) -> None:
        diagnosis: DiagnosisView | None = selected_row(self.diagnosis_table)
        self.toggle_diagnosis_button.setEnabled(diagnosis is not None)
        self.toggle_diagnosis_button.setText(
            "Reactivate" if diagnosis is not None and not diagnosis.active else "Resolve"
        )
        medication: MedicationView | None = selected_row(self.medication_table)
        self.edit_medication_button.setEnabled(medication is not None)
        self.stop_medication_button.setEnabled(medication is not None and medication.current)
        self.remove_allergy_button.setEnabled(selected_row(self.allergy_table) is not None)
        status = self.chart.allergy_status if self.chart is not None else None
        self.confirm_nka_button.setEnabled(status is not None and not status.allergies)
        self.withdraw_nka_button.setVisible(
            self.can_edit and status is not None and status.no_known_allergies
        )

    def _open(self, dialog: QDialog) -> QDialog:
        """Open a dialog without blocking; a saved dialog reports the change."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.saved)
        dialog.open()
        return dialog

    # ----------------------------------------------------------------- actions
    def add_diagnosis(self) -> IcdPicker:
        picker = self.make_picker()
        db, actor = self.context.db, self.context.actor
        part2 = _part2_check(picker)

        def save(code: str, onset: date | None) -> None:
            from_part2 = part2.isEnabled() and part2.isChecked()
            record.add_diagnosis(db, actor, self.patient_id, code, onset=onset, part2=from_part2)

        picker.save = save
        self._open(picker)
        return picker

    def toggle_diagnosis(self) -> None:
        diagnosis: DiagnosisView | None = selected_row(self.diagnosis_table)
        if diagnosis is None:
            return
        if self.apply(
            lambda: record.set_diagnosis_active(
                self.context.db,
                self.context.actor,
                diagnosis.id,
                not diagnosis.active,
                expected_version=diagnosis.version,
            ),
            "Diagnosis",
        ):
            self.saved()

    def add_medication(self) -> QDialog:
        return self._open(
            MedicationDialog(chart=self.chart_scope, parent=self, reload=self.refresh)
        )

    def edit_medication(self) -> QDialog | None:
        medication: MedicationView | None = selected_row(self.medication_table)
        if medication is None or not self.can_edit:
            return None
        return self._open(
            MedicationDialog(
                chart=self.chart_scope, medication=medication, parent=self, reload=self.refresh
            )
        )

    def stop_medication(self) -> QDialog | None:
        medication: MedicationView | None = selected_row(self.medication_table)
        if medication is None:
            return None
        return self._open(
            StopMedicationDialog(
                context=self.context, medication=medication, parent=self, reload=self.refresh
            )
        )

    def add_allergy(self) -> QDialog:
        status = self.chart.allergy_status if self.chart is not None else None
        return self._open(
            AllergyDialog(
                chart=self.chart_scope,
                parent=self,
                no_known_allergies=status is not None and status.no_known_allergies,
                confirm=self.confirm,
            )
        )

    def remove_allergy(self) -> None:
        allergy: AllergyView | None = selected_row(self.allergy_table)
        if allergy is None:
            return
        if not self.confirm(
            self,
            "Remove allergy",
            f"Remove “{allergy.substance}” from the allergy list? Use this for an entry made "
            "in error; the removal is recorded in the audit trail.",
        ):
            return
        # The last one gone leaves "not yet recorded" unless the patient confirms none.
        last = self.allergies.rowCount() == 1
        confirm_none = last and self.confirm(
            self,
            "No known allergies?",
            "That was the only allergy listed. Has the patient confirmed they have no known "
            "allergies (drugs, foods, latex or anything else)? Answer No to leave the allergy "
            "status “not yet recorded”.",
        )
        if self.apply(
            lambda: record.remove_allergy(
                self.context.db,
                self.context.actor,
                allergy.id,
                expected_version=allergy.version,
                confirm_no_known_allergies=confirm_none,
            ),
            "Allergy",
        ):
            self.saved()

    def confirm_no_known_allergies(self) -> None:
        who = self.context.actor.display_name
        self._change_allergy_status(
            "No known allergies",
            "Record that the patient has confirmed no known allergies (drugs, foods, latex or "
            f"anything else)? Letters will say it was confirmed by {who} today.",
            record.confirm_no_known_allergies,
        )

    def withdraw_no_known_allergies(self) -> None:
        self._change_allergy_status(
            "Withdraw no known allergies",
            "Take back “no known allergies” (confirmed in error)? The allergy status becomes "
            "“not yet recorded”; the change is recorded in the audit trail.",
            record.withdraw_no_known_allergies,
        )

    def _change_allergy_status(
        self, title: str, question: str, change: Callable[[Database, Actor, int], object]
    ) -> None:
        """Ask ``question``; on yes make the patient's allergy-status ``change``."""
        if self.confirm(self, title, question) and self.apply(
            lambda: change(self.context.db, self.context.actor, self.patient_id),
            "Allergy status",
        ):
            self.saved()
