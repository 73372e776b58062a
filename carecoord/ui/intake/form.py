"""The entry form for a referral received by letter, fax or phone: the referrer, the
patient as the referrer gave them, and the question; errors appear beside each field."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import AdministrativeSex, Priority
from carecoord.services import intake
from carecoord.services.intake import IntakeDetail, IntakeInput
from carecoord.ui import forms, style
from carecoord.ui.context import AppContext
from carecoord.ui.screen_fit import fit_dialog


class IntakeForm(QDialog):
    """Enter one inbound referral.

    Attributes:
        saved: the item once the service accepted it (the dialog then closes).
    """

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.saved: IntakeDetail | None = None
        self.setObjectName("intakeForm")
        self.setWindowTitle("New inbound referral")
        self.errors = forms.FieldErrors(revalidate=lambda: intake.validate(self.data()), grows=self)
        self._build()
        fit_dialog(self)

    def _build(self) -> None:
        e = self.errors
        self.referrer_name = forms.line_edit(placeholder="e.g. Dr Mara Quinlan", max_length=160)
        self.referrer_practice = forms.line_edit(max_length=160)
        self.referrer_phone = forms.line_edit(placeholder="e.g. 555-0190", max_length=40)
        self.referrer_fax = forms.line_edit(max_length=40)
        self.referrer_email = forms.line_edit(max_length=254)
        self.received_on = forms.date_edit(None, optional=True)
        referrer = QGroupBox("Referring doctor")
        left = QFormLayout(referrer)
        e.add_row(left, "Name *", "referrer_name", self.referrer_name)
        e.add_row(left, "Practice", "referrer_practice", self.referrer_practice)
        e.add_row(left, "Phone", "referrer_phone", self.referrer_phone)
        e.add_row(left, "Fax", "referrer_fax", self.referrer_fax)
        e.add_row(left, "E-mail", "referrer_email", self.referrer_email)
        e.add_row(left, "Received on", "received_on", self.received_on)
        left.addRow("", style.hint("Left empty: today."))

        self.family = forms.line_edit(max_length=80)
        self.given = forms.line_edit(max_length=80)
        self.middle = forms.line_edit(max_length=80)
        self.born = forms.date_edit(None, optional=True)
        self.sex = forms.combo([(s.label, s.value) for s in AdministrativeSex], "unknown")
        self.phone = forms.line_edit(max_length=40)
        self.mrn = forms.line_edit(placeholder="the referrer's record number", max_length=60)
        patient = QGroupBox("Patient, as the referrer gives them")
        right = QFormLayout(patient)
        e.add_row(right, "Family name *", "family_name", self.family)
        e.add_row(right, "Given name *", "given_name", self.given)
        e.add_row(right, "Middle name", "middle_name", self.middle)
        e.add_row(right, "Date of birth *", "date_of_birth", self.born)
        e.add_row(right, "Sex", "sex", self.sex)
        e.add_row(right, "Phone", "phone", self.phone)
        e.add_row(right, "Referrer's MRN", "referrer_mrn", self.mrn)

        self.reason = forms.limited_text(max_length=4000, lines=4)
        self.reason.setPlaceholderText("The question and the history the referrer gives")
        self.codes = forms.line_edit(placeholder="e.g. M54.50, G89.4", max_length=200)
        self.priority = forms.combo([(p.label, p.value) for p in Priority], "routine")
        question = QFormLayout()
        e.add_row(question, "Reason for referral *", "reason", self.reason)
        e.add_row(question, "Diagnoses (ICD-10-CM)", "diagnosis_codes", self.codes)
        e.add_row(question, "Requested priority", "requested_priority", self.priority)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveIntake")
        self.save_button.setProperty("role", "primary")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(referrer, 1)
        columns.addWidget(patient, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(style.hint("Fields marked * are required."))
        layout.addLayout(columns)
        layout.addLayout(question)
        layout.addWidget(buttons)
        self.referrer_name.setFocus()

    def data(self) -> IntakeInput:
        """What is typed, as the service reads it."""
        text = forms.text_of
        typed_codes = (text(self.codes) or "").replace(";", ",")
        return IntakeInput(
            referrer_name=text(self.referrer_name) or "",
            referrer_practice=text(self.referrer_practice),
            referrer_phone=text(self.referrer_phone),
            referrer_fax=text(self.referrer_fax),
            referrer_email=text(self.referrer_email),
            received_on=forms.date_of(self.received_on),
            family_name=text(self.family) or "",
            given_name=text(self.given) or "",
            middle_name=text(self.middle),
            date_of_birth=forms.date_of(self.born),
            sex=self.sex.currentData(),
            phone=text(self.phone),
            referrer_mrn=text(self.mrn),
            reason=text(self.reason) or "",
            diagnosis_codes=tuple(c.strip() for c in typed_codes.split(",") if c.strip()),
            requested_priority=self.priority.currentData(),
        )

    def save(self) -> None:
        """Save through the service; its errors appear beside their fields."""
        saved = forms.service_result(
            self,
            self.errors,
            lambda: intake.create_intake(self.context.db, self.context.actor, self.data()),
        )
        if saved is None:
            return
        self.saved = saved
        self.accept()
