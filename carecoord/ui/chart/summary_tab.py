"""The chart's Summary tab: diagnoses (ICD-10-CM), medications with daily MME, allergies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import allergy_status, drugs, medication_line, mme
from carecoord.clinical.mme import FREQUENCY_LABELS, PRN
from carecoord.clinical.vocabulary import AllergySeverity, DataCategory
from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.services import record
from carecoord.services.chart import Chart, load_chart
from carecoord.services.permissions import Action, allowed, diagnosis_category
from carecoord.services.record import (
    AllergyView,
    DiagnosisView,
    MedicationInput,
    MedicationView,
)
from carecoord.ui import forms, style
from carecoord.ui.category_field import category_combo, chosen, may_write
from carecoord.ui.chart.icd_picker import IcdPicker
from carecoord.ui.context import AppContext
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.patients.form import grow_to_fit
from carecoord.ui.screen_fit import fit_dialog

AnyIndex = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], str]]
INDICATION_ITEMS = tuple(medication_line.INDICATIONS.items())


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """A yes/no question (the default of the tabs' injectable ``confirm``)."""
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


# --------------------------------------------------------------------- shared widgets
class RecordsModel(QAbstractTableModel):
    """A read-only table over a short list of plain records (a chart's lists are short).

    ``muted(row)`` greys a row (resolved diagnoses, stopped medications, past members).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        muted: Callable[[Any], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.muted = muted
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        item = self.rows[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self.columns[index.column()][1](item)
        if role == Qt.ItemDataRole.ForegroundRole and self.muted is not None and self.muted(item):
            return QBrush(style.qcolor("muted"))
        return None


class RecordsTable(QTableView):
    """A records table that asks for about four rows, not Qt's default 192 px: pages in a
    scroll area are laid out at their preferred height, and three default tables plus
    wrapped warnings would push the tab's buttons below a laptop screen. Spare room
    still goes to the tables (their layout stretches them)."""

    PREFERRED_HEIGHT = 140

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), self.PREFERRED_HEIGHT))


def records_table(model: RecordsModel, name: str, accessible: str) -> QTableView:
    table = RecordsTable()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def empty_hint(model: RecordsModel, text: str, name: str) -> QLabel:
    """A line shown only while ``model`` is empty, so an empty table reads as "none"."""
    label = style.hint(text)
    label.setObjectName(name)

    def update() -> None:
        label.setVisible(model.rowCount() == 0)

    model.modelReset.connect(update)
    if model.rowCount():  # shown now, before it has a parent, it would flash up as a window
        label.hide()
    return label


def selected_row(table: QTableView) -> Any:
    model = table.model()
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().hasSelection():
        return None
    assert isinstance(model, RecordsModel)
    return model.row_at(index.row())


def action_button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.rstrip("…"))
    button.clicked.connect(lambda: slot())
    return button


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


class ServiceDialog(QDialog):
    """A small form dialog whose OK runs a service call; refusals are shown beside fields.

    Subclasses fill ``self.form`` through ``self.errors.add_row`` and implement ``save``,
    which calls :meth:`attempt`. ``reload`` runs when the person chooses to reload after a
    conflict (the dialog then closes: the record it edited has changed).
    """

    def __init__(
        self,
        *,
        context: AppContext,
        title: str,
        name: str,
        ok_text: str,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.reload = reload
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.errors = forms.FieldErrors()
        self.intro = style.hint("")
        self.intro.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName(f"{name}Ok")
        self.ok_button.setAccessibleName(ok_text)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName(f"{name}Cancel")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        fit_dialog(self)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def save(self) -> None:
        raise NotImplementedError

    def reroute(self, error: ValidationError) -> ValidationError:
        """An error wrapped under another field ("frequency: max_doses_per_day: ...") goes
        to the field it names, when this form has that field."""
        inner, _, message = error.message.partition(": ")
        if message and inner in self.errors.labels:
            return ValidationError(inner, message)
        return error

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run ``action``; True when it succeeded (then the dialog is accepted)."""
        self.errors.clear()
        try:
            action()
        except ValidationError as error:
            error = self.reroute(error)
            if self.errors.show(error):
                grow_to_fit(self)
            else:
                show_problem(self, error, self.windowTitle())
            return False
        except ConflictError as error:

            def reload() -> None:
                if self.reload is not None:
                    self.reload()
                self.reject()

            offer_reload(self, error, reload)
            return False
        except CareCoordError as error:
            retried: list[bool] = []
            show_problem(
                self, error, self.windowTitle(), retry=lambda: retried.append(self.attempt(action))
            )
            return bool(retried and retried[0])
        self.accept()
        return True


# ---------------------------------------------------------------------- medications
@cache
def accepted_frequencies() -> frozenset[str]:
    """The frequency codes the medication service accepts (asked once, without a database),
    so the combo never offers a choice that the service would refuse."""
    accepted = set()
    for code in FREQUENCY_LABELS:
        probe = MedicationInput("paracetamol", 1, "mg", code, max_doses_per_day=4)
        try:
            record.validate_medication(probe)
        except ValidationError as error:
            if error.field == "frequency":
                continue
        accepted.add(code)
    return frozenset(accepted)


def frequency_items(current: str | None = None) -> list[tuple[str, object]]:
    """Frequency choices, one per meaning ("qd" and "daily" are both once a day)."""
    items: list[tuple[str, object]] = []
    labels: set[str] = set()
    accepted = accepted_frequencies()
    for code, label in FREQUENCY_LABELS.items():
        if code != current and (label in labels or code not in accepted):
            continue
        labels.add(label)
        items.append((f"{label} ({code})", code))
    return items


def drug_hint(name: str) -> str:
    """What the vocabulary makes of a typed drug name, shown under the field."""
    if not name.strip():
        return ""
    match = drugs.recognise(name)
    if match.ingredients:
        classes = sorted({c.value for c in match.classes if c is not drugs.DrugClass.OTHER})
        text = " + ".join(match.ingredients)
        return f"{text} · {', '.join(classes)}" if classes else text
    typo = drugs.looks_like_opioid(name)
    if typo is not None:
        return f"Looks like an opioid ({typo}?) — not counted in the MME until the name is fixed."
    return "Not in the drug list (free text is kept as typed)."


class MedicationDialog(ServiceDialog):
    """Add or edit a structured medication line (opioid daily MME is computed by the service).

    The drug field offers the vocabulary's generic and brand names as you type, but any
    text is kept; unit, route, frequency and indication are coded. A refused save shows
    its message beside the field at fault.
    """

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        medication: MedicationView | None = None,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(
            context=context,
            title="Add medication" if medication is None else f"Edit {medication.drug}",
            name="medicationDialog",
            ok_text="Save medication",
            parent=parent,
            reload=reload,
        )
        self.patient_id = patient_id
        self.medication = medication
        m = medication
        self.drug = forms.line_edit(
            m.drug if m else None, placeholder="e.g. oxycodone, Percocet", max_length=120
        )
        completer = QCompleter(drugs.display_names(), self.drug)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.drug.setCompleter(completer)
        self.drug_info = style.hint("")
        self.drug_info.setObjectName("drugHint")
        self.dose = forms.line_edit(f"{m.dose:g}" if m else None, placeholder="e.g. 10")
        units = list(medication_line.UNITS)
        if m and m.unit not in units:
            units.append(m.unit)
        self.unit = forms.combo([(u, u) for u in units], m.unit if m else "mg")
        self.concentration = forms.line_edit(
            f"{m.concentration_mg_per_ml:g}" if m and m.concentration_mg_per_ml else None,
            placeholder="mg per mL, e.g. 10",
        )
        self.frequency = forms.combo(
            frequency_items(m.frequency if m else None), m.frequency if m else "bid"
        )
        self.max_doses = forms.line_edit(
            f"{m.max_doses_per_day:g}" if m and m.max_doses_per_day else None,
            placeholder="e.g. 4",
        )
        routes: list[tuple[str, object]] = [
            (label, code) for code, label in medication_line.ROUTES.items()
        ]
        if m and m.route not in medication_line.ROUTES:
            routes.append((medication_line.route_label(m.route), m.route))
        self.route = forms.combo(routes, m.route if m else "oral")
        self.indication = forms.combo(
            [("not recorded", ""), *((label, code) for code, label in INDICATION_ITEMS)],
            (m.indication or "") if m else "",
        )
        self.start = forms.date_edit(m.start_date if m else None, optional=True)
        self.stop = forms.date_edit(m.stop_date if m else None, optional=True)
        self.notes = forms.line_edit(m.notes if m and m.notes else None, max_length=400)
        add = self.errors.add_row
        add(self.form, "Drug *", "drug", self.drug)
        self.form.addRow("", self.drug_info)
        add(self.form, "Dose (strength) *", "dose", self.dose)
        add(self.form, "Unit *", "unit", self.unit)
        add(self.form, "Concentration *", "concentration_mg_per_ml", self.concentration)
        add(self.form, "Route *", "route", self.route)
        add(self.form, "Frequency *", "frequency", self.frequency)
        add(self.form, "Max doses per day *", "max_doses_per_day", self.max_doses)
        add(self.form, "Indication", "indication", self.indication)
        add(self.form, "Started", "start_date", self.start)
        add(self.form, "Stopped", "stop_date", self.stop)
        add(self.form, "Notes", "notes", self.notes)
        self.category = category_combo(
            may_write(context.actor), m.category if m else None, automatic="from drug and notes"
        )
        add(self.form, "Who may read", "category", self.category)
        self.set_intro(
            "A fentanyl or buprenorphine patch: its rate in mcg/h, route transdermal, "
            "frequency “continuous”. Combination tablets: the opioid component in mg. "
            "Liquids in mL need the concentration. Methadone or buprenorphine for opioid "
            "use disorder: choose that indication (it is not converted to MME)."
        )
        if m and m.needs_review:
            self.review = style.hint(f"Needs review: {m.needs_review}")
            self.review.setObjectName("medicationNeedsReview")
            self.form.insertRow(0, self.review)
        self.frequency.currentIndexChanged.connect(self._frequency_changed)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.drug.textChanged.connect(self._drug_changed)
        self._frequency_changed()
        self._unit_changed()
        self._drug_changed()
        self.drug.setFocus()

    def _row_visible(self, widget: QWidget, visible: bool) -> None:
        holder = widget.parentWidget()
        assert holder is not None
        self.form.setRowVisible(holder, visible)

    def _frequency_changed(self) -> None:
        """Maximum doses per day only matter (and are required) for as-needed medicines."""
        self._row_visible(self.max_doses, self.frequency.currentData() == PRN)

    def _unit_changed(self) -> None:
        """The concentration only matters for a dose measured in mL."""
        self._row_visible(self.concentration, self.unit.currentData() == "mL")

    def _drug_changed(self) -> None:
        self.drug_info.setText(drug_hint(self.drug.text()))

    def _number(self, text: str, field: str, *, required: bool) -> float | None:
        text = text.strip().replace(",", ".")
        if not text:
            if required:
                raise ValidationError(field, "is required")
            return None
        try:
            return float(text)
        except ValueError:
            raise ValidationError(field, "must be a number") from None

    def data(self) -> MedicationInput:
        prn = self.frequency.currentData() == PRN
        in_ml = self.unit.currentData() == "mL"
        return MedicationInput(
            drug=self.drug.text(),
            dose=self._number(self.dose.text(), "dose", required=True) or 0.0,
            unit=str(self.unit.currentData()),
            frequency=str(self.frequency.currentData()),
            route=str(self.route.currentData()),
            start_date=forms.date_of(self.start),
            stop_date=forms.date_of(self.stop),
            max_doses_per_day=(
                self._number(self.max_doses.text(), "max_doses_per_day", required=False)
                if prn
                else None
            ),
            notes=forms.text_of(self.notes),
            indication=str(self.indication.currentData() or "") or None,
            concentration_mg_per_ml=(
                self._number(self.concentration.text(), "concentration_mg_per_ml", required=False)
                if in_ml
                else None
            ),
            category=chosen(self.category),
        )

    def save(self) -> None:
        db, actor = self.context.db, self.context.actor
        if self.medication is None:
            self.attempt(lambda: record.add_medication(db, actor, self.patient_id, self.data()))
        else:
            m = self.medication
            self.attempt(
                lambda: record.update_medication(
                    db, actor, m.id, self.data(), expected_version=m.version
                )
            )


class StopMedicationDialog(ServiceDialog):
    """Stop a medication on a date (it stays in the list, greyed)."""

    def __init__(
        self,
        *,
        context: AppContext,
        medication: MedicationView,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(
            context=context,
            title=f"Stop {medication.drug}",
            name="stopMedicationDialog",
            ok_text="Stop medication",
            parent=parent,
            reload=reload,
        )
        self.medication = medication
        self.on = forms.date_edit(date.today())
        self.errors.add_row(self.form, "Stopped on *", "stop_date", self.on)
        self.set_intro(
            f"{medication.drug} {medication.dose:g} {medication.unit} "
            f"{medication.frequency_label}. The line stays on the chart, greyed, and counts "
            "toward the daily MME up to and including the day it stopped."
        )

    def save(self) -> None:
        m = self.medication
        self.attempt(
            lambda: record.stop_medication(
                self.context.db,
                self.context.actor,
                m.id,
                on=forms.date_of(self.on),
                expected_version=m.version,
            )
        )


class AllergyDialog(ServiceDialog):
    """Record an allergy or intolerance.

    On a chart that says "no known allergies" Save first asks whether to record the
    allergy and clear that statement (``confirm``, injectable like the tab's); the
    service refuses the allergy without that answer.
    """

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        parent: QWidget | None = None,
        no_known_allergies: bool = False,
        confirm: Callable[[QWidget, str, str], bool] = ask_yes_no,
    ) -> None:
        super().__init__(
            context=context,
            title="Add allergy",
            name="allergyDialog",
            ok_text="Save allergy",
            parent=parent,
        )
        self.patient_id = patient_id
        self.no_known_allergies = no_known_allergies
        self.confirm = confirm
        self.substance = forms.line_edit(placeholder="e.g. penicillin, latex", max_length=120)
        self.reaction = forms.line_edit(placeholder="e.g. hives", max_length=200)
        self.severity = forms.combo([(s.label, s.value) for s in AllergySeverity], "unknown")
        self.errors.add_row(self.form, "Substance *", "substance", self.substance)
        self.errors.add_row(self.form, "Reaction", "reaction", self.reaction)
        self.errors.add_row(self.form, "Severity", "severity", self.severity)
        if no_known_allergies:
            self.set_intro("This chart says no known allergies; saving an allergy clears that.")
        self.substance.setFocus()

    def save(self) -> None:
        clear = self.no_known_allergies
        if clear and not self.confirm(self, "No known allergies", allergy_status.ADD_QUESTION):
            return  # the dialog stays open with what was typed
        self.attempt(
            lambda: record.add_allergy(
                self.context.db,
                self.context.actor,
                self.patient_id,
                self.substance.text(),
                reaction=forms.text_of(self.reaction),
                severity=str(self.severity.currentData()),
                clear_no_known_allergies=clear,
            )
        )


# -------------------------------------------------------------------------- the tab
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
    ("Code", lambda d: d.code),
    ("Diagnosis", lambda d: d.title),
    ("Onset", lambda d: iso(d.onset)),
    ("Status", lambda d: "active" if d.active else "resolved"),
]
MEDICATION_COLUMNS: list[Column] = [
    ("Drug", _drug_text),
    ("Dose", _dose_text),
    ("Frequency", lambda m: m.frequency_label),
    ("Route", lambda m: m.route_label),
    ("Indication", lambda m: m.indication_label),
    ("Started", lambda m: iso(m.start_date)),
    ("Stopped", lambda m: iso(m.stop_date)),
    ("Daily MME", _mme_text),
]
ALLERGY_COLUMNS: list[Column] = [
    ("Substance", lambda a: a.substance),
    ("Reaction", lambda a: a.reaction or ""),
    ("Severity", lambda a: a.severity.label),
]


class SummaryTab(QWidget):
    """Diagnoses, medications (with the total daily MME and its advice) and allergies.

    Every change goes through ``services.record``; the tab then emits ``changed`` and
    ``context.events.patient_changed`` so the chart header and other windows update.

    Signals:
        changed(): data on this tab was changed by the person.
    """

    changed = Signal()

    def __init__(
        self, *, context: AppContext, patient_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.setObjectName("summaryTab")
        self.chart: Chart | None = None
        # Standing alone the tab re-reads after a change; the chart window turns this off
        # because it re-reads once for the header and every tab.
        self.self_refresh = True
        self.can_edit = allowed(context.actor.role, Action.EDIT_CLINICAL, DataCategory.GENERAL)
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no
        self.make_picker: Callable[[], IcdPicker] = lambda: IcdPicker(parent=self)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.diagnoses = RecordsModel(DIAGNOSIS_COLUMNS, muted=lambda d: not d.active, parent=self)
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

        self.allergies = RecordsModel(ALLERGY_COLUMNS, parent=self)
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

        self.medications = RecordsModel(
            MEDICATION_COLUMNS, muted=lambda m: not m.current, parent=self
        )
        self.medication_table = records_table(self.medications, "medicationTable", "Medications")
        self.medication_table.doubleClicked.connect(lambda _i: self.edit_medication())
        self.mme_total = QLabel()
        self.mme_total.setObjectName("mmeTotal")
        self.mme_total.setAccessibleName("Total daily MME")
        self.mme_total.setWordWrap(True)
        self.mme_advice = QLabel()
        self.mme_advice.setObjectName("mmeAdvice")
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
    def refresh(self) -> None:
        """Read the chart again and show it (the window usually hands it over instead)."""
        try:
            chart = load_chart(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            show_problem(self, error, "Chart")
            return
        self.show_chart(chart)

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

    def _saved(self) -> None:
        if self.self_refresh:
            self.refresh()
        self.context.events.patient_changed.emit(self.patient_id)
        self.changed.emit()

    def _open(self, dialog: QDialog) -> QDialog:
        """Open a dialog without blocking; a saved dialog reports the change."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._saved)
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
        try:
            record.set_diagnosis_active(
                self.context.db,
                self.context.actor,
                diagnosis.id,
                not diagnosis.active,
                expected_version=diagnosis.version,
            )
        except ConflictError as error:
            offer_reload(self, error, self.refresh)
            return
        except CareCoordError as error:
            show_problem(self, error, "Diagnosis")
            return
        self._saved()

    def add_medication(self) -> QDialog:
        return self._open(
            MedicationDialog(
                context=self.context, patient_id=self.patient_id, parent=self, reload=self.refresh
            )
        )

    def edit_medication(self) -> QDialog | None:
        medication: MedicationView | None = selected_row(self.medication_table)
        if medication is None or not self.can_edit:
            return None
        return self._open(
            MedicationDialog(
                context=self.context,
                patient_id=self.patient_id,
                medication=medication,
                parent=self,
                reload=self.refresh,
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
                context=self.context,
                patient_id=self.patient_id,
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
        try:
            record.remove_allergy(
                self.context.db,
                self.context.actor,
                allergy.id,
                expected_version=allergy.version,
                confirm_no_known_allergies=confirm_none,
            )
        except ConflictError as error:
            offer_reload(self, error, self.refresh)
            return
        except CareCoordError as error:
            show_problem(self, error, "Allergy")
            return
        self._saved()

    def confirm_no_known_allergies(self) -> None:
        who = self.context.actor.display_name
        if not self.confirm(
            self,
            "No known allergies",
            "Record that the patient has confirmed no known allergies (drugs, foods, latex or "
            f"anything else)? Letters will say it was confirmed by {who} today.",
        ):
            return
        try:
            record.confirm_no_known_allergies(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            show_problem(self, error, "Allergy status")
            return
        self._saved()

    def withdraw_no_known_allergies(self) -> None:
        if not self.confirm(
            self,
            "Withdraw no known allergies",
            "Take back “no known allergies” (confirmed in error)? The allergy status becomes "
            "“not yet recorded”; the change is recorded in the audit trail.",
        ):
            return
        try:
            record.withdraw_no_known_allergies(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            show_problem(self, error, "Allergy status")
            return
        self._saved()
