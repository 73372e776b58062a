"""The referral editor's Authorisation tab: the payer's prior authorisation, filled from and
read back as an :class:`AuthorizationInput`, with its warnings as chips."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import AuthorizationOutcome
from carecoord.services.referral_views import AuthorizationInput, ReferralView
from carecoord.ui.date_field import DateField
from carecoord.ui.forms import FieldErrors, combo, date_edit, date_of, line_edit, set_date, text_of
from carecoord.ui.keyboard import DateTimeEdit
from carecoord.ui.referrals.editor_widgets import W, WidgetRow, choose, form_field
from carecoord.ui.style import chip, hint

NO_DATETIME = QDateTime(QDate(1900, 1, 1), QTime(0, 0))
DEADLINES = (
    "Payers must decide standard requests within 7 days and expedited ones within "
    "72 hours. CareCoord warns 14 days before expiry or when one visit is left."
)


def authorization_warnings(view: ReferralView) -> list[str]:
    """The authorisation's warnings for this referral, shown as chips in two places."""
    return [
        text
        for text, show in (
            ("⚠ Authorisation expiring", view.authorization_expiring),
            ("⚠ Payer decision overdue", view.authorization_decision_overdue),
        )
        if show
    ]


def warning_chip(text: str) -> QWidget:
    warning = chip(text, "warning")
    warning.setObjectName("authWarningChip")
    return warning


class AuthorizationForm(QWidget):
    """The prior-authorisation fields; the denial reason opens only for a denied request.

    ``can_edit`` answers whether the person may change the authorisation now.
    """

    def __init__(
        self, *, errors: FieldErrors, can_edit: Callable[[], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.errors = errors
        self.can_edit = can_edit
        self.warnings = WidgetRow(spacing=-1)
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._build_request(left)
        self._build_grant(right)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        warnings_row = QHBoxLayout()
        warnings_row.addWidget(self.warnings)
        warnings_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(warnings_row)
        layout.addLayout(columns)
        layout.addWidget(hint(DEADLINES))
        layout.addStretch(1)

    def _row(self, form: QFormLayout, label: str, field: str, widget: W) -> W:
        return form_field(self.errors, form, label, field, widget)

    def _text(self, form: QFormLayout, label: str, field: str, max_length: int) -> QLineEdit:
        return self._row(form, label, field, line_edit(max_length=max_length))

    def _date(self, form: QFormLayout, label: str, field: str) -> DateField:
        return self._row(form, label, field, date_edit(optional=True))

    def _count(self, form: QFormLayout, label: str, field: str, lowest: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lowest, 999)
        return self._row(form, label, field, spin)

    def _build_request(self, left: QFormLayout) -> None:
        """What was asked of the payer, and its answer."""
        outcomes = combo([(o.label, o) for o in AuthorizationOutcome])
        self.outcome_combo = self._row(left, "Outcome:", "auth_outcome", outcomes)
        self.outcome_combo.currentIndexChanged.connect(self.refresh_denial)
        self.payer_edit = self._text(left, "Payer:", "auth_payer", 120)
        self.member_edit = self._text(left, "Member id:", "auth_member_id", 60)
        self.number_edit = self._text(left, "Authorisation number:", "auth_number", 60)
        self.denial_edit = self._text(left, "Denial reason:", "auth_denial_reason", 400)
        expedited = QCheckBox("Expedited request (72 h decision)")
        self.expedited_check = self._row(left, "", "auth_expedited", expedited)
        self.expedited_check.setAccessibleName("Expedited request")
        requested = DateTimeEdit()
        requested.setCalendarPopup(True)
        requested.setDisplayFormat("yyyy-MM-dd HH:mm")
        requested.setMinimumDateTime(NO_DATETIME)
        requested.setSpecialValueText("not set")
        self.requested_edit = self._row(left, "Requested at:", "auth_requested_at", requested)

    def _build_grant(self, right: QFormLayout) -> None:
        """What the payer granted: who, what, how many visits and for how long."""
        self.issued_edit = self._date(right, "Issued on:", "auth_issued_on")
        self.provider_edit = self._text(right, "Authorised provider:", "auth_provider", 160)
        self.service_edit = self._text(right, "Authorised service:", "auth_service", 160)
        self.visits_edit = self._count(right, "Visits authorised:", "auth_visits_authorized", -1)
        self.visits_edit.setSpecialValueText("not limited")
        self.used_edit = self._count(right, "Visits used:", "auth_visits_used", 0)
        self.from_edit = self._date(right, "Valid from:", "auth_valid_from")
        self.to_edit = self._date(right, "Valid to:", "auth_valid_to")

    def fields(self) -> tuple[QWidget, ...]:
        return (
            self.outcome_combo,
            self.payer_edit,
            self.member_edit,
            self.number_edit,
            self.denial_edit,
            self.expedited_check,
            self.requested_edit,
            self.issued_edit,
            self.provider_edit,
            self.service_edit,
            self.visits_edit,
            self.used_edit,
            self.from_edit,
            self.to_edit,
        )

    # ----------------------------------------------------------------- filling
    def show_authorization(self, auth: AuthorizationInput) -> None:
        choose(self.outcome_combo, AuthorizationOutcome(auth.outcome))
        self.payer_edit.setText(auth.payer or "")
        self.member_edit.setText(auth.member_id or "")
        self.number_edit.setText(auth.number or "")
        self.denial_edit.setText(auth.denial_reason or "")
        self.expedited_check.setChecked(auth.expedited)
        if auth.requested_at is None:
            self.requested_edit.setDateTime(NO_DATETIME)
        else:
            local = auth.requested_at.astimezone()
            self.requested_edit.setDateTime(
                QDateTime(
                    QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)
                )
            )
        self._set_date(self.issued_edit, auth.issued_on)
        self.provider_edit.setText(auth.provider or "")
        self.service_edit.setText(auth.service or "")
        self.visits_edit.setValue(-1 if auth.visits_authorized is None else auth.visits_authorized)
        self.used_edit.setValue(auth.visits_used or 0)
        self._set_date(self.from_edit, auth.valid_from)
        self._set_date(self.to_edit, auth.valid_to)

    @staticmethod
    def _set_date(edit: DateField, value: date | str | None) -> None:
        set_date(
            edit, date.fromisoformat(value) if isinstance(value, str) else value, optional=True
        )

    def show_warnings(self, view: ReferralView | None) -> None:
        texts = authorization_warnings(view) if view is not None else []
        self.warnings.replace(warning_chip(text) for text in texts)

    def set_editable(self, editable: bool) -> None:
        for field in self.fields():
            field.setEnabled(editable)
        self.refresh_denial()

    def refresh_denial(self) -> None:
        """The denial reason is open only for a denied request the person may edit."""
        denied = self.outcome_combo.currentData() == AuthorizationOutcome.DENIED
        self.denial_edit.setEnabled(denied and self.can_edit())

    # ------------------------------------------------------------------ reading
    def authorization_input(self) -> AuthorizationInput:
        """What the fields say, as the service takes it."""
        requested = self.requested_edit.dateTime()
        requested_at = None
        if requested != NO_DATETIME:
            # The picker shows local time; services store aware UTC.
            local = requested.toPython()
            assert isinstance(local, datetime)
            requested_at = local.astimezone(UTC)
        visits = self.visits_edit.value()
        outcome = self.outcome_combo.currentData()
        return AuthorizationInput(
            outcome=outcome,
            payer=text_of(self.payer_edit),
            member_id=text_of(self.member_edit),
            number=text_of(self.number_edit),
            denial_reason=(
                text_of(self.denial_edit) if outcome == AuthorizationOutcome.DENIED else None
            ),
            requested_at=requested_at,
            expedited=self.expedited_check.isChecked(),
            issued_on=date_of(self.issued_edit),
            provider=text_of(self.provider_edit),
            service=text_of(self.service_edit),
            visits_authorized=None if visits < 0 else visits,
            visits_used=self.used_edit.value(),
            valid_from=date_of(self.from_edit),
            valid_to=date_of(self.to_edit),
        )
