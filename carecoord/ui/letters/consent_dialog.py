"""Record the patient's 42 CFR Part 2 consent to disclose substance-use records."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from carecoord.services import consents
from carecoord.services.consents import ConsentInput, ConsentView
from carecoord.ui.context import ChartScope
from carecoord.ui.forms import (
    date_edit,
    line_edit,
    saved_date,
    service_call,
    text_of,
)
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint, page_title

EXPLANATION = (
    "Diagnoses received from a 42 CFR Part 2 substance-use program go into a letter only "
    "with the patient's signed consent naming the recipient, what may be disclosed, why "
    "and until when. Record the signed form here; the letter then carries the Part 2 "
    "notice against redisclosure."
)


class Part2ConsentDialog(ServiceFormDialog):
    """The 42 CFR 2.31 elements of one signed consent; OK files it through the service.

    ``recorded`` holds the filed consent after OK. A rule the service refuses (a date in
    the wrong order, a missing element) is shown under its field and the dialog stays.
    """

    NAME = "part2ConsentDialog"
    TITLE = "Part 2 consent"

    def __init__(
        self,
        *,
        chart: ChartScope,
        recipient_member_id: int | None,
        recipient_name: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=chart.context, parent=parent)
        self.patient_id = chart.patient_id
        self.recipient_member_id = recipient_member_id
        self.recorded: ConsentView | None = None
        form = QFormLayout()
        self.given_by = line_edit("the patient", max_length=160)
        self.given_by.setObjectName("consentGivenBy")
        self.signed_on = date_edit(date.today())
        self.signed_on.setObjectName("consentSignedOn")
        self.signed_on.setMaximumDate(QDate.currentDate())
        self.expires_on = date_edit(date.today().replace(year=date.today().year + 1))
        self.expires_on.setObjectName("consentExpiresOn")
        self.scope = line_edit(
            "substance-use diagnoses and treatment relevant to this referral", max_length=400
        )
        self.scope.setObjectName("consentScope")
        self.purpose = line_edit("treatment: referral", max_length=200)
        self.purpose.setObjectName("consentPurpose")
        self.this_recipient = QCheckBox(
            f"Only to {recipient_name}" if recipient_name else "Only to this recipient"
        )
        self.this_recipient.setObjectName("consentThisRecipient")
        self.this_recipient.setAccessibleName("Consent names only this recipient")
        self.this_recipient.setChecked(recipient_member_id is not None)
        self.this_recipient.setEnabled(recipient_member_id is not None)
        self.errors.add_row(form, "Signed by:", "given_by", self.given_by)
        self.errors.add_row(form, "Signed on:", "signed_on", self.signed_on)
        self.errors.add_row(form, "What may be disclosed:", "scope", self.scope)
        self.errors.add_row(form, "Purpose:", "purpose", self.purpose)
        self.errors.add_row(form, "Expires on:", "expires_on", self.expires_on)
        form.addRow("To whom:", self.this_recipient)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record consent")
        self.ok_button.setObjectName("recordConsent")
        self.ok_button.setAccessibleName("Record the consent")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Consent to disclose Part 2 records"))
        layout.addWidget(hint(EXPLANATION))
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_dialog(self)

    def data(self) -> ConsentInput:
        return ConsentInput(
            given_by=text_of(self.given_by) or "",
            signed_on=saved_date(self.signed_on),
            scope=text_of(self.scope) or "",
            purpose=text_of(self.purpose) or "",
            expires_on=saved_date(self.expires_on),
            recipient_member_id=self.recipient_member_id
            if self.this_recipient.isChecked()
            else None,
        )

    def accept(self) -> None:
        """File the consent; stay open with the reason when the service refuses it."""
        if not service_call(self, self.errors, self._record, "Consent not recorded"):
            return
        self.context.events.patient_changed.emit(self.patient_id)
        super().accept()

    def _record(self) -> None:
        """The service call of :meth:`accept`."""
        self.recorded = consents.record_consent(
            self.context.db, self.context.actor, self.patient_id, self.data()
        )
