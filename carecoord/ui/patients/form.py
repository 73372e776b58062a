"""The new/edit patient form (duplicate warning before saving) and the discharge dialog."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import AdministrativeSex, PatientStatus
from carecoord.errors import ValidationError, ValidationErrors
from carecoord.services import patients
from carecoord.services.patients import PatientDetail, PatientInput, PatientSummary
from carecoord.ui import forms, style
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.screen_fit import fit_dialog, grow_to_fit, remember_geometry, restore_geometry
from carecoord.ui.translation import translate

US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
DATE_HINT = "YYYY-MM-DD or MM/DD/YYYY"


def typed_date(text: str) -> str | date:
    """What the person typed as a date: a ``date`` for MM/DD/YYYY, otherwise the text.

    The service reads ISO dates and explains anything else it cannot read.
    """
    match = US_DATE.match(text)
    if match:
        month, day, year = (int(x) for x in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    return text.strip()


DuplicateAnswer = bool | int
"""What to do about look-alikes: True = save anyway, False = go back, an int = open that chart."""


def ask_duplicate(parent: QWidget | None, matches: list[PatientSummary]) -> DuplicateAnswer:
    """Ask whether to register a patient although look-alikes exist, or open the existing
    chart (the first, closest match) instead."""
    discharged = translate("PatientForm", " (discharged)")
    listed = "\n".join(
        translate("PatientForm", "• {name}, born {born}, MRN {mrn}").format(
            name=m.display_name, born=m.date_of_birth.isoformat(), mrn=m.mrn
        )
        + (discharged if m.status == PatientStatus.DISCHARGED else "")
        for m in matches[:8]
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        translate("PatientForm", "Possible duplicate patient"),
        translate(
            "PatientForm", "A patient with the same name and date of birth is already registered:"
        ),
        parent=parent,
    )
    box.setObjectName("duplicateDialog")
    box.setInformativeText(
        listed
        + "\n\n"
        + translate(
            "PatientForm",
            "Open the existing chart instead if this is the same person. "
            "Save anyway only for a different person.",
        )
    )
    label = translate("PatientForm", "Open the existing chart")
    if len(matches) > 1:
        label = translate("PatientForm", "Open the chart of MRN {mrn}").format(mrn=matches[0].mrn)
    open_chart = box.addButton(label, QMessageBox.ButtonRole.ActionRole)
    open_chart.setObjectName("openExistingChart")
    save = box.addButton(translate("PatientForm", "Save anyway"), QMessageBox.ButtonRole.AcceptRole)
    save.setObjectName("saveAnyway")
    back = box.addButton(translate("PatientForm", "Go back"), QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("goBack")
    box.setDefaultButton(back)
    box.exec()
    if box.clickedButton() is open_chart:
        return matches[0].id
    return box.clickedButton() is save


def explain_dates(error: ValidationError) -> ValidationError:
    """The service reads ISO only; the form also takes MM/DD/YYYY, so its message says so."""
    parts = forms.errors_in(error)
    fixed = [
        ValidationError(e.field, f"must be a real date, typed as {DATE_HINT}")
        if e.field == "date_of_birth" and e.message.startswith("must be a date")
        else e
        for e in parts
    ]
    if fixed == parts:
        return error
    return fixed[0] if len(fixed) == 1 else ValidationErrors(fixed)


class PatientForm(QDialog):
    """Register a new patient or edit one; validation messages appear under each field.

    Attributes:
        saved_patient_id: the id saved, once the form was accepted.
        confirm_duplicate: asked with the look-alike patients before registering anyway
            (a message box by default; tests replace it).
    """

    def __init__(
        self, *, context: AppContext, patient_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.version: int | None = None
        self.saved_patient_id: int | None = None
        self.confirm_duplicate: Callable[[list[PatientSummary]], DuplicateAnswer]
        self.confirm_duplicate = lambda matches: ask_duplicate(self, matches)
        self.setObjectName("patientForm")
        self.setWindowTitle(
            self.tr("New patient") if patient_id is None else self.tr("Edit patient")
        )
        self.errors = forms.FieldErrors(
            revalidate=lambda: patients.validate(self.data()), grows=self
        )
        self._build()
        self._loaded = self.data()  # what "unsaved" is measured against
        if patient_id is not None:
            self.load()
        self._restore_geometry()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        errors = self.errors
        self.family = forms.line_edit(max_length=80)
        self.given = forms.line_edit(max_length=80)
        self.middle = forms.line_edit(max_length=80)
        self.born = forms.line_edit(placeholder=DATE_HINT, max_length=10)
        self.sex = forms.combo([(s.label, s.value) for s in AdministrativeSex], "unknown")
        self.mrn = forms.line_edit(placeholder="blank = next clinic number", max_length=32)
        self.phone = forms.line_edit(placeholder="e.g. 555-0142", max_length=40)
        self.email = forms.line_edit(max_length=254)
        self.address = forms.limited_text(max_length=400, lines=3)
        self.language = forms.line_edit(placeholder="e.g. English, Spanish", max_length=40)
        self.payer = forms.line_edit(max_length=120)
        self.member_id = forms.line_edit(max_length=60)
        self.notes = forms.limited_text(max_length=4000, lines=3)

        identity = QGroupBox(self.tr("Patient"))
        left = QFormLayout(identity)
        errors.add_row(left, self.tr("Family name *"), "family_name", self.family)
        errors.add_row(left, self.tr("Given name *"), "given_name", self.given)
        errors.add_row(left, self.tr("Middle name"), "middle_name", self.middle)
        errors.add_row(left, self.tr("Date of birth *"), "date_of_birth", self.born)
        errors.add_row(left, self.tr("Sex"), "sex", self.sex)
        errors.add_row(left, self.tr("MRN"), "mrn", self.mrn)
        if self.patient_id is None:
            left.addRow("", style.hint(self.tr("Assigned automatically when left blank.")))

        contact = QGroupBox(self.tr("Contact and insurance"))
        right = QFormLayout(contact)
        errors.add_row(right, self.tr("Phone"), "phone", self.phone)
        errors.add_row(right, self.tr("E-mail"), "email", self.email)
        errors.add_row(right, self.tr("Address"), "address", self.address)
        errors.add_row(right, self.tr("Preferred language"), "preferred_language", self.language)
        errors.add_row(right, self.tr("Insurance payer"), "insurance_payer", self.payer)
        errors.add_row(right, self.tr("Member id"), "insurance_member_id", self.member_id)

        notes_form = QFormLayout()
        errors.add_row(notes_form, self.tr("Notes"), "notes", self.notes)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("patientFormButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("savePatient")
        self.save_button.setAccessibleName(self.tr("Save patient"))
        self.save_button.setProperty("role", "primary")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelPatient")
        cancel.setAccessibleName(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(identity, 1)
        columns.addWidget(contact, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(style.hint(self.tr("Fields marked * are required.")))
        layout.addLayout(columns)
        layout.addLayout(notes_form)
        layout.addWidget(self.buttons)
        self.family.setFocus()
        self.setMinimumWidth(820)

    # -------------------------------------------------------------------- data
    def load(self) -> None:
        """Fill the form from the database (also the "reload" after a conflict)."""
        assert self.patient_id is not None
        detail = patients.get_patient(self.context.db, self.context.actor, self.patient_id)
        self.fill(detail)

    def fill(self, detail: PatientDetail) -> None:
        self.version = detail.version
        self.family.setText(detail.family_name)
        self.given.setText(detail.given_name)
        self.middle.setText(detail.middle_name or "")
        self.born.setText(detail.date_of_birth.isoformat())
        self.sex.setCurrentIndex(max(0, self.sex.findData(detail.sex.value)))
        self.mrn.setText(detail.mrn)
        self.phone.setText(detail.phone or "")
        self.email.setText(detail.email or "")
        self.address.setPlainText(detail.address or "")
        self.language.setText(detail.preferred_language or "")
        self.payer.setText(detail.insurance_payer or "")
        self.member_id.setText(detail.insurance_member_id or "")
        self.notes.setPlainText(detail.notes or "")
        self.setWindowTitle(self.tr("Edit patient — {name}").format(name=detail.display_name))
        self._loaded = self.data()

    def data(self) -> PatientInput:
        return PatientInput(
            family_name=self.family.text(),
            given_name=self.given.text(),
            middle_name=forms.text_of(self.middle),
            date_of_birth=typed_date(self.born.text()),
            sex=str(self.sex.currentData()),
            mrn=forms.text_of(self.mrn),
            phone=forms.text_of(self.phone),
            email=forms.text_of(self.email),
            address=forms.text_of(self.address),
            preferred_language=forms.text_of(self.language),
            insurance_payer=forms.text_of(self.payer),
            insurance_member_id=forms.text_of(self.member_id),
            notes=forms.text_of(self.notes),
        )

    def has_unsaved_work(self) -> bool:
        """Typed changes not saved (the window it belongs to asks; ui/unsaved.py)."""
        return self.isVisible() and self.saved_patient_id is None and self.data() != self._loaded

    def save_unsaved_work(self) -> bool:
        self.save()
        return self.saved_patient_id is not None

    def save(self) -> None:
        """Save through the service; stay open (showing why) when it refuses."""
        self.errors.clear()
        saved = forms.service_result(
            self,
            self.errors,
            self._store,
            self.tr("Patient not saved"),
            reload=self.load,
            explain=explain_dates,
        )
        if saved is None:
            return
        self.saved_patient_id = saved.id
        self.context.events.patient_changed.emit(saved.id)
        self.accept()

    def _store(self) -> PatientDetail | None:
        """The service call of :meth:`save`; None when the person, shown a possible
        duplicate, went back to the form or chose the existing chart instead."""
        data = self.data()
        db, actor = self.context.db, self.context.actor
        if self.patient_id is not None:
            assert self.version is not None
            return patients.update_patient(
                db, actor, self.patient_id, data, expected_version=self.version
            )
        try:
            return patients.create_patient(db, actor, data)
        except patients.PossibleDuplicate as duplicate:
            answer = self.confirm_duplicate(duplicate.matches)
            if answer is False:
                return None
            if answer is not True:  # the id of the existing chart to open instead
                self.context.navigator.chart_requested.emit(int(answer))
                self.reject()
                return None
            return patients.create_patient(db, actor, data, allow_duplicate=True)

    # ---------------------------------------------------------------- geometry
    def _restore_geometry(self) -> None:
        hint = self.sizeHint()
        restore_geometry(self, "patientForm/geometry", hint.width(), hint.height())

    def done(self, result: int) -> None:
        remember_geometry(self, "patientForm/geometry")
        super().done(result)


class DischargeDialog(ServiceFormDialog):
    """Discharge a patient: the date and a required reason (the record stays searchable).

    Its title names the patient once :meth:`load` has read them."""

    NAME = "dischargeDialog"

    def __init__(self, *, chart: ChartScope, parent: QWidget | None = None) -> None:
        super().__init__(context=chart.context, parent=parent)
        self.patient_id = chart.patient_id
        self.on_date = forms.date_edit(date.today())
        self.on_date.setObjectName("dischargeDate")
        self.reason = forms.limited_text(max_length=400, lines=3)
        self.reason.setObjectName("dischargeReason")
        self.title = style.hint("")
        form = QFormLayout()
        self.errors.add_row(form, self.tr("Discharged on *"), "discharged_on", self.on_date)
        self.errors.add_row(
            form, self.tr("Reason *"), "discharge_reason", self.reason, aliases=("status",)
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Discharge"))
        ok.setObjectName("confirmDischarge")
        ok.setAccessibleName(self.tr("Discharge"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelDischarge")
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.version = 0
        self.load()
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_dialog(self)

    def load(self) -> None:
        detail = patients.get_patient(self.context.db, self.context.actor, self.patient_id)
        self.version = detail.version
        self.setWindowTitle(self.tr("Discharge {name}").format(name=detail.display_name))
        self.title.setText(
            self.tr(
                "Discharge {name} (MRN {mrn}). The chart stays searchable "
                "with “Show discharged”, and the patient can be readmitted later."
            ).format(name=detail.display_name, mrn=detail.mrn)
        )

    def save(self) -> None:
        if not self.save_and_accept(self._discharge, self.tr("Not discharged"), reload=self.load):
            grow_to_fit(self)  # room for the error line shown under its field

    def _discharge(self) -> None:
        """The service call of :meth:`save`; the chart's readers hear of it."""
        patients.discharge_patient(
            self.context.db,
            self.context.actor,
            self.patient_id,
            on=forms.saved_date(self.on_date),
            reason=forms.text_of(self.reason),
            expected_version=self.version,
        )
        self.context.events.patient_changed.emit(self.patient_id)
