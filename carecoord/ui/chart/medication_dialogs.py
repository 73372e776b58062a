"""The Summary tab's dialogs: add or change a medication (structured dose, route and
frequency, daily MME), stop one, record an allergy."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QCompleter,
    QWidget,
)

from carecoord.clinical import allergy_status, drugs, medication_line
from carecoord.clinical.mme import FREQUENCY_LABELS, PRN
from carecoord.clinical.vocabulary import AllergySeverity
from carecoord.errors import ValidationError
from carecoord.services import record
from carecoord.services.record import (
    MedicationInput,
    MedicationView,
)
from carecoord.ui import forms, style
from carecoord.ui.category_field import category_combo, chosen, may_write
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.kit.records import ask_yes_no
from carecoord.ui.kit.service_dialog import DatedChangeDialog, ServiceDialog

INDICATION_ITEMS = tuple(medication_line.INDICATIONS.items())


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

    NAME = "medicationDialog"
    OK_TEXT = "Save medication"

    def __init__(
        self,
        *,
        chart: ChartScope,
        medication: MedicationView | None = None,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        title = "Add medication" if medication is None else f"Edit {medication.drug}"
        super().__init__(context=chart.context, title=title, parent=parent, reload=reload)
        self.patient_id = chart.patient_id
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
            may_write(self.context.actor),
            m.category if m else None,
            automatic="from drug and notes",
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
            start_date=forms.saved_date(self.start),
            stop_date=forms.saved_date(self.stop),
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


class StopMedicationDialog(DatedChangeDialog):
    """Stop a medication on a date (it stays in the list, greyed)."""

    NAME = "stopMedicationDialog"
    OK_TEXT = "Stop medication"

    def __init__(
        self,
        *,
        context: AppContext,
        medication: MedicationView,
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        title = f"Stop {medication.drug}"
        super().__init__(context=context, title=title, parent=parent, reload=reload)
        self.medication = m = medication
        self.ask_date(
            "Stopped on *",
            "stop_date",
            f"{m.drug} {m.dose:g} {m.unit} {m.frequency_label}. The line stays on the chart, "
            "greyed, and counts toward the daily MME up to and including the day it stopped.",
            lambda on: record.stop_medication(
                context.db, context.actor, m.id, on=on, expected_version=m.version
            ),
        )


class AllergyDialog(ServiceDialog):
    """Record an allergy or intolerance.

    On a chart that says "no known allergies" Save first asks whether to record the
    allergy and clear that statement (``confirm``, injectable like the tab's); the
    service refuses the allergy without that answer.
    """

    TITLE = "Add allergy"
    NAME = "allergyDialog"
    OK_TEXT = "Save allergy"

    def __init__(
        self,
        *,
        chart: ChartScope,
        parent: QWidget | None = None,
        no_known_allergies: bool = False,
        confirm: Callable[[QWidget, str, str], bool] = ask_yes_no,
    ) -> None:
        super().__init__(context=chart.context, parent=parent)
        self.patient_id = chart.patient_id
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
