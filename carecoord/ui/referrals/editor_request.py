"""The referral editor's Request tab: who the referral goes to, how urgent it is and the
clinical text, filled from a :class:`ReferralView` and read back as a :class:`ReferralInput`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from carecoord.clinical.vocabulary import DataCategory, Discipline, Expectation, Priority
from carecoord.services import team
from carecoord.services.permissions import referral_category
from carecoord.services.referral_views import ReferralInput, ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.forms import (
    FieldErrors,
    LimitedTextEdit,
    combo,
    limited_text,
    line_edit,
    text_of,
)
from carecoord.ui.referrals.editor_widgets import choose, form_field
from carecoord.ui.style import chip, hint

RESTRICTED_TEXT = "Restricted — clinical content is visible to clinicians only"


class RequestForm(QWidget):
    """The request's fields. A role that may not read the clinical content (front desk on a
    psychiatric referral) sees a notice in place of the clinical text.

    ``can_edit`` answers whether the person may change the request now (the editor decides
    from the referral and the role); a read-only urgency reason stays legible.
    """

    def __init__(
        self,
        *,
        context: AppContext,
        errors: FieldErrors,
        can_edit: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.can_edit = can_edit
        self.members_discipline: Discipline | None = None
        columns = QHBoxLayout(self)
        columns.addLayout(self._build_routing(errors), 1)
        columns.addSpacing(12)
        columns.addLayout(self._build_clinical(errors), 1)

    def _build_routing(self, errors: FieldErrors) -> QFormLayout:
        """Discipline, recipient, priority, expectation and the sensitive flag."""
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        disciplines = combo([("Choose…", None)] + [(d.label, d) for d in Discipline])
        self.discipline_combo = form_field(errors, left, "Discipline:*", "discipline", disciplines)
        self.discipline_combo.currentIndexChanged.connect(self._discipline_changed)
        self.recipient_combo = form_field(errors, left, "Recipient:", "recipient", QComboBox())
        self.recipient_combo.setMinimumContentsLength(28)
        self.recipient_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        priorities = combo([(p.label, p) for p in Priority], Priority.ROUTINE)
        self.priority_combo = form_field(errors, left, "Priority:", "priority", priorities)
        self.priority_combo.currentIndexChanged.connect(self.refresh_priority_reason)
        expectations = combo([(e.label, e) for e in Expectation], Expectation.ADVICE)
        self.expectation_combo = form_field(
            errors, left, "Expectation:", "expectation", expectations
        )
        self.sensitive_check = QCheckBox("Sensitive")
        self.sensitive_check.setObjectName("sensitive")
        self.sensitive_check.setAccessibleName("Sensitive referral")
        self.sensitive_check.setToolTip(
            "Restricts clinical content in letters and hides it from front-desk staff"
        )
        sensitive_box = QWidget()
        sensitive_layout = QVBoxLayout(sensitive_box)
        sensitive_layout.setContentsMargins(0, 0, 0, 0)
        sensitive_layout.addWidget(self.sensitive_check)
        sensitive_layout.addWidget(
            hint("Restricts clinical content in letters; front-desk staff see logistics only.")
        )
        left.addRow("", sensitive_box)
        return left

    def _build_clinical(self, errors: FieldErrors) -> QVBoxLayout:
        """The clinical text, or the notice that it is restricted."""
        self.clinical_box = QWidget()
        right = QFormLayout(self.clinical_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def text(label: str, field: str, max_length: int, lines: int = 2) -> LimitedTextEdit:
            return form_field(
                errors, right, label, field, limited_text(max_length=max_length, lines=lines)
            )

        urgency = line_edit(placeholder="Required when not routine", max_length=400)
        self.priority_reason_edit = form_field(
            errors, right, "Reason for urgency:", "priority_reason", urgency
        )
        self.reason_edit = text("Reason for referral:*", "reason", 4000, lines=3)
        self.question_edit = text("Question to answer:", "clinical_question", 4000)
        self.told_edit = text("Patient was told:", "patient_told", 2000)
        self.tried_edit = text("Treatments tried:", "treatments_tried", 4000)
        self.restricted_label = chip(RESTRICTED_TEXT, "warning")
        self.restricted_label.setObjectName("restrictedNotice")
        self.restricted_label.setWordWrap(True)
        self.restricted_label.hide()
        column = QVBoxLayout()
        column.addWidget(self.restricted_label)
        column.addWidget(self.clinical_box)
        column.addStretch(1)
        return column

    # ----------------------------------------------------------------- filling
    def show_new(self, discipline: str) -> None:
        """A new request, for ``discipline`` when it names one."""
        chosen = Discipline(discipline) if discipline in set(Discipline) else None
        choose(self.discipline_combo, chosen)
        self.reload_members(chosen, None, None)

    def show_view(self, view: ReferralView) -> None:
        """Fill the fields from the stored referral (the clinical text only when readable)."""
        choose(self.discipline_combo, view.discipline)
        self.reload_members(view.discipline, view.recipient_member_id, view.recipient_name)
        choose(self.priority_combo, view.priority)
        choose(self.expectation_combo, view.expectation)
        self.sensitive_check.setChecked(view.sensitive)
        if not view.restricted:
            self.priority_reason_edit.setText(view.priority_reason or "")
            self.reason_edit.setPlainText(view.reason)
            self.question_edit.setPlainText(view.clinical_question or "")
            self.told_edit.setPlainText(view.patient_told or "")
            self.tried_edit.setPlainText(view.treatments_tried or "")
        self.clinical_box.setVisible(not view.restricted)
        self.restricted_label.setVisible(view.restricted)

    def set_editable(self, editable: bool, *, drafting: bool) -> None:
        """Lock or unlock the fields; the discipline changes only while drafting."""
        self.discipline_combo.setEnabled(editable and drafting)
        for widget in (
            self.recipient_combo,
            self.priority_combo,
            self.expectation_combo,
            self.sensitive_check,
        ):
            widget.setEnabled(editable)
        for edit in (
            self.priority_reason_edit,
            self.reason_edit,
            self.question_edit,
            self.told_edit,
            self.tried_edit,
        ):
            edit.setReadOnly(not editable)

    # ------------------------------------------------------------------ reading
    def request_input(self, patient_id: int, referring_member_id: int | None) -> ReferralInput:
        """What the fields say, as the service takes it."""
        priority = self.priority_combo.currentData()
        return ReferralInput(
            patient_id=patient_id,
            discipline=self.chosen_discipline() or "",
            reason=text_of(self.reason_edit) or "",
            recipient_member_id=self.recipient_combo.currentData(),
            referring_member_id=referring_member_id,
            priority=priority,
            priority_reason=(
                text_of(self.priority_reason_edit) if priority != Priority.ROUTINE else None
            ),
            expectation=self.expectation_combo.currentData(),
            clinical_question=text_of(self.question_edit),
            patient_told=text_of(self.told_edit),
            treatments_tried=text_of(self.tried_edit),
            sensitive=self.sensitive_check.isChecked(),
        )

    def has_text(self) -> bool:
        """Whether anything was written in a new request (it then counts as unsaved)."""
        return any(text_of(edit) for edit in (self.reason_edit, self.question_edit, self.told_edit))

    def chosen_discipline(self) -> Discipline | None:
        # Qt hands string enums back as plain str.
        value = self.discipline_combo.currentData()
        return Discipline(value) if value else None

    def chosen_category(self) -> DataCategory:
        """The data category the request will have (who may read it)."""
        discipline = self.chosen_discipline() or Discipline.OTHER_SPECIALIST
        return referral_category(discipline, self.sensitive_check.isChecked())

    # --------------------------------------------------------------- reactions
    def _discipline_changed(self) -> None:
        chosen = self.chosen_discipline()
        if chosen != self.members_discipline:
            self.reload_members(chosen, None, None)

    def reload_members(
        self, discipline: Discipline | None, current_id: int | None, current_name: str | None
    ) -> None:
        """Fill the recipient list with the active members of ``discipline``."""
        self.members_discipline = discipline
        self.recipient_combo.blockSignals(True)
        self.recipient_combo.clear()
        if discipline is None:
            self.recipient_combo.addItem("Choose the discipline first", None)
        else:
            self.recipient_combo.addItem("Not chosen yet", None)
            members = team.list_members(self.context.db, self.context.actor, discipline=discipline)
            for member in members:
                text = member.display_name
                if member.organisation:
                    text += f" — {member.organisation}"
                self.recipient_combo.addItem(text, member.id)
            if current_id is not None and self.recipient_combo.findData(current_id) < 0:
                # Kept visible (not offered to others) when no longer active.
                self.recipient_combo.addItem(f"{current_name or 'Unknown'} (inactive)", current_id)
        index = self.recipient_combo.findData(current_id) if current_id is not None else 0
        self.recipient_combo.setCurrentIndex(max(index, 0))
        self.recipient_combo.blockSignals(False)

    def refresh_priority_reason(self) -> None:
        """The urgency reason is asked for (and enabled) only when the priority is not routine."""
        urgent = self.priority_combo.currentData() not in (None, Priority.ROUTINE)
        self.priority_reason_edit.setEnabled(urgent or not self.can_edit())
        self.priority_reason_edit.setPlaceholderText(
            "Required: why is this not routine?" if urgent else "Only for urgent, ASAP or STAT"
        )
        self.priority_reason_edit.setAccessibleName(
            "Reason for urgency (required)" if urgent else "Reason for urgency"
        )
