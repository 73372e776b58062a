"""The referral editor: the request, its authorisation, the workflow buttons and the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QSettings, Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.referral_workflow import Event
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    Expectation,
    Priority,
    ReferralState,
)
from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.services import appointments, patients, referrals, team
from carecoord.services.permissions import Action, allowed, referral_category
from carecoord.services.referral_views import (
    AUTHORISE,
    EDIT,
    ENTERED_IN_ERROR,
    FILE_REPORT,
    LETTER,
    NOTE,
    AuthorizationInput,
    EventView,
    ReferralInput,
    ReferralView,
)
from carecoord.ui import unsaved
from carecoord.ui.calendar_file import Chooser, save_calendar_file
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import DateField
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    date_edit,
    date_of,
    limited_text,
    line_edit,
    set_date,
    text_of,
)
from carecoord.ui.keyboard import DateTimeEdit, close_shortcut
from carecoord.ui.kit.letter_sending import mark_sent
from carecoord.ui.kit.referral_actions import Answer, ReferralActions
from carecoord.ui.kit.referral_prompts import (
    SendDetails,
    ask_date,
    ask_reason,
    ask_send,
)
from carecoord.ui.kit.referral_report import ReportDialog
from carecoord.ui.openers import LetterPreviewWindow, open_letter, open_sent_copy
from carecoord.ui.screen_fit import restore_or_fit
from carecoord.ui.style import chip, hint, page_title

S = ReferralState
RESTRICTED_TEXT = "Restricted — clinical content is visible to clinicians only"
ACTION_LABELS: dict[ReferralState, str] = {
    S.SENT: "Mark sent…",
    S.ACCEPTED: "Accepted",
    S.SCHEDULED: "Schedule…",
    S.SEEN: "Seen",
    S.REPORT_RECEIVED: "Report received…",
    S.DECLINED: "Decline…",
    S.CANCELLED: "Cancel referral…",
    S.ON_HOLD: "Put on hold…",
}
ACTION_TIPS: dict[ReferralState, str] = {
    S.SENT: "Record how and when the referral left the clinic",
    S.ACCEPTED: "The specialist accepted the referral",
    S.SCHEDULED: "Record the appointment date",
    S.SEEN: "The patient attended the appointment",
    S.REPORT_RECEIVED: "File the specialist's report to close the loop",
    S.DECLINED: "The specialist declined (a reason is required)",
    S.CANCELLED: "The clinic withdraws the referral (a reason is required)",
    S.ON_HOLD: "Pause the referral (a reason is required)",
}
REASON_PROMPTS_BY_KEY: dict[str, tuple[str, str]] = {
    "decline": ("Referral declined", "Why did the specialist decline?"),
    "cancel": ("Cancel referral", "Why is the clinic cancelling this referral?"),
    ENTERED_IN_ERROR: (
        "Referral entered in error",
        "What was the mistake (wrong patient, duplicate, test entry)? The referral stays in "
        "the record with its history but leaves every worklist; this cannot be taken back.",
    ),
}
STATE_LEVEL: dict[ReferralState, str] = {
    S.DRAFT: "info",
    S.SENT: "info",
    S.ACCEPTED: "info",
    S.SCHEDULED: "info",
    S.SEEN: "info",
    S.REPORT_RECEIVED: "ok",
    S.DECLINED: "danger",
    S.CANCELLED: "warning",
    S.ON_HOLD: "warning",
}
EVENT_WHAT = {
    "created": "Created",
    "updated": "Edited",
    "authorization": "Authorisation",
    "note": "Note",
    "letter": "Letter",
}
# Errors from a transition that name its prompt's inputs, not a field on the form.
PROMPT_FIELDS = frozenset({"reason", "on", "sent_via", "appointment_date", "state", "note"})
NO_DATETIME = QDateTime(QDate(1900, 1, 1), QTime(0, 0))


def settings_store() -> QSettings:
    return QSettings("CareCoord", "CareCoord")


def local_time(moment: datetime) -> str:
    """A stored UTC timestamp in the workstation's time zone, YYYY-MM-DD HH:MM."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def describe_event(event: EventView) -> str:
    """What happened, in words: "Sent → Accepted", "Created (Draft)", "Note"."""
    if event.kind == "transition" and event.from_state and event.to_state:
        return f"{event.from_state.label} → {event.to_state.label}"
    if event.kind == "created":
        return "Created (Draft)"
    return EVENT_WHAT.get(event.kind, event.kind.replace("_", " ").capitalize())


# ------------------------------------------------------------------------- the editor
class ReferralEditor(QDialog):
    """One referral: a new one for a patient, or an existing one with its workflow.

    The workflow buttons are exactly the transitions the service allows from the current
    state (``ReferralView.allowed_actions``). A role that may handle logistics but not read the
    clinical content (front desk on a psychiatric referral) sees the logistics only.

    The small prompts (``ask_reason``, ``ask_send``, ``ask_date``, ``ask_action``,
    ``run_report_dialog``, ``confirm_discard``) are attributes so tests and scripts can
    answer them. Workflow buttons are exactly the view's ``allowed_actions`` and run
    through the shared :class:`ReferralActions` controller.

    Signals:
        saved(int): the referral id after any change was stored.

    Raises:
        NotFound, PermissionDenied: from the service when the referral or patient cannot be read.
    """

    saved = Signal(int)

    def __init__(
        self,
        *,
        context: AppContext,
        referral_id: int | None = None,
        patient_id: int | None = None,
        discipline: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        close_shortcut(self)  # Ctrl+W, as in a chart
        if referral_id is None and patient_id is None:
            raise ValueError("a referral editor needs a referral or a patient")
        self.context = context
        self.view: ReferralView | None = None
        self.patient_id = patient_id
        self.ask_reason: Callable[[str, str], str | None] = lambda title, prompt: ask_reason(
            self, title, prompt
        )
        self.ask_send: Callable[[], SendDetails | None] = lambda: ask_send(self)
        self.ask_date: Callable[[str, str], date | None] = lambda title, prompt: ask_date(
            self, title, prompt
        )
        self.run_report_dialog: Callable[[ReferralView], bool] = self._run_report_dialog
        self.choose_calendar_file: Chooser | None = None  # None: the Qt save dialog
        # Closing with unsaved edits: Save / Discard / Cancel (ui/unsaved.py); True = close.
        self.ask_unsaved: unsaved.Ask = unsaved.asker(self)
        self.confirm_discard: Callable[[], bool] = lambda: unsaved.settle([self], self.ask_unsaved)
        self._loaded_request: ReferralInput | None = None
        self._loaded_authorization: AuthorizationInput | None = None
        self._members_discipline: Discipline | None = None
        self.transition_buttons: dict[str, QPushButton] = {}
        self.letter_window: LetterPreviewWindow | None = None
        self.sent_copy_window: QDialog | None = None
        self.referral_actions = ReferralActions(context=context, parent=self)
        self.referral_actions.ask = self._ask_action
        self.referral_actions.file_report = self._file_report
        self.referral_actions.reload = self.reload
        self.ask_action: Callable[[str, ReferralView], Answer | None] = (
            self.referral_actions.ask_dialog
        )

        self.setObjectName("referralEditor")
        self.setWindowTitle("Referral")
        self.setSizeGripEnabled(True)
        self.errors = FieldErrors()
        self._build()
        if referral_id is not None:
            self._show(referrals.get_referral(context.db, context.actor, referral_id))
        else:
            assert patient_id is not None
            self._show_new(patient_id, discipline)
        self._announcing = False
        context.events.referral_changed.connect(self._changed_elsewhere)
        self._restore()

    # ------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.title = page_title("Referral")
        self.title.setObjectName("referralTitle")
        self.patient_line = QLabel()
        self.patient_line.setObjectName("referralPatient")
        self.patient_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        chip_row = QHBoxLayout()
        chip_row.addLayout(self.chips)
        chip_row.addStretch(1)

        self.workflow = QGroupBox("Workflow")
        self.workflow.setObjectName("workflowGroup")
        workflow_layout = QVBoxLayout(self.workflow)
        self.state_line = QLabel()
        self.state_line.setObjectName("stateLine")
        self.state_line.setWordWrap(True)
        self.transition_row = QHBoxLayout()
        self.transition_row.setSpacing(6)
        buttons_row = QHBoxLayout()
        buttons_row.addLayout(self.transition_row)
        buttons_row.addStretch(1)
        self.letter_button = QPushButton("Letter…")
        self.letter_button.setObjectName("openLetter")
        self.letter_button.setAccessibleName("Referral letter: choose contents, preview, print")
        self.letter_button.clicked.connect(self.open_letter)
        buttons_row.addWidget(self.letter_button)
        self.calendar_button = QPushButton("Add to calendar…")
        self.calendar_button.setObjectName("addToCalendar")
        self.calendar_button.setAccessibleName("Save the appointment as a calendar file")
        self.calendar_button.setToolTip("An .ics file: date, specialist, place; nothing clinical")
        self.calendar_button.clicked.connect(self.add_to_calendar)
        buttons_row.addWidget(self.calendar_button)
        workflow_layout.addWidget(self.state_line)
        workflow_layout.addLayout(buttons_row)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("referralTabs")
        self.tabs.setAccessibleName("Referral sections")
        self.tabs.addTab(self._build_request(), "Request")
        self.tabs.addTab(self._build_authorization(), "Authorisation")
        self.tabs.addTab(self._build_history(), "History")

        self.footer = hint("")
        self.footer.setObjectName("savedBy")
        box = QDialogButtonBox()
        self.save_button = box.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("saveReferral")
        self.save_button.setAccessibleName("Save referral")
        self.save_button.setProperty("role", "primary")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.close_button = box.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeReferral")
        self.close_button.setAccessibleName("Close")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.footer, 1)
        bottom.addWidget(box)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.patient_line)
        layout.addLayout(chip_row)
        layout.addWidget(self.workflow)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _build_request(self) -> QWidget:
        page = QWidget()
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.discipline_combo = combo([("Choose…", None)] + [(d.label, d) for d in Discipline])
        self.discipline_combo.setObjectName("discipline")
        self.errors.add_row(left, "Discipline:*", "discipline", self.discipline_combo)
        self.discipline_combo.currentIndexChanged.connect(self._discipline_changed)
        self.recipient_combo = QComboBox()
        self.recipient_combo.setObjectName("recipient")
        self.recipient_combo.setMinimumContentsLength(28)
        self.recipient_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.errors.add_row(left, "Recipient:", "recipient", self.recipient_combo)
        self.priority_combo = combo([(p.label, p) for p in Priority], Priority.ROUTINE)
        self.priority_combo.setObjectName("priority")
        self.errors.add_row(left, "Priority:", "priority", self.priority_combo)
        self.priority_combo.currentIndexChanged.connect(self._priority_changed)
        self.expectation_combo = combo([(e.label, e) for e in Expectation], Expectation.ADVICE)
        self.expectation_combo.setObjectName("expectation")
        self.errors.add_row(left, "Expectation:", "expectation", self.expectation_combo)
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

        self.clinical_box = QWidget()
        right = QFormLayout(self.clinical_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.priority_reason_edit = line_edit(
            placeholder="Required when not routine", max_length=400
        )
        self.priority_reason_edit.setObjectName("priorityReason")
        self.priority_reason_label_text = "Reason for urgency:"
        self.errors.add_row(
            right, self.priority_reason_label_text, "priority_reason", self.priority_reason_edit
        )
        self.reason_edit = limited_text(max_length=4000, lines=3)
        self.reason_edit.setObjectName("reason")
        self.errors.add_row(right, "Reason for referral:*", "reason", self.reason_edit)
        self.question_edit = limited_text(max_length=4000, lines=2)
        self.question_edit.setObjectName("clinicalQuestion")
        self.errors.add_row(right, "Question to answer:", "clinical_question", self.question_edit)
        self.told_edit = limited_text(max_length=2000, lines=2)
        self.told_edit.setObjectName("patientTold")
        self.errors.add_row(right, "Patient was told:", "patient_told", self.told_edit)
        self.tried_edit = limited_text(max_length=4000, lines=2)
        self.tried_edit.setObjectName("treatmentsTried")
        self.errors.add_row(right, "Treatments tried:", "treatments_tried", self.tried_edit)

        self.restricted_label = chip(RESTRICTED_TEXT, "warning")
        self.restricted_label.setObjectName("restrictedNotice")
        self.restricted_label.setWordWrap(True)
        self.restricted_label.hide()
        right_column = QVBoxLayout()
        right_column.addWidget(self.restricted_label)
        right_column.addWidget(self.clinical_box)
        right_column.addStretch(1)

        columns = QHBoxLayout(page)
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right_column, 1)
        return page

    def _build_authorization(self) -> QWidget:
        page = QWidget()
        self.auth_chips = QHBoxLayout()
        left = QFormLayout()
        right = QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.auth_outcome_combo = combo([(o.label, o) for o in AuthorizationOutcome])
        self.auth_outcome_combo.setObjectName("authOutcome")
        self.auth_outcome_combo.currentIndexChanged.connect(self._outcome_changed)
        self.errors.add_row(left, "Outcome:", "auth_outcome", self.auth_outcome_combo)
        self.auth_payer_edit = line_edit(max_length=120)
        self.auth_payer_edit.setObjectName("authPayer")
        self.errors.add_row(left, "Payer:", "auth_payer", self.auth_payer_edit)
        self.auth_member_edit = line_edit(max_length=60)
        self.auth_member_edit.setObjectName("authMemberId")
        self.errors.add_row(left, "Member id:", "auth_member_id", self.auth_member_edit)
        self.auth_number_edit = line_edit(max_length=60)
        self.auth_number_edit.setObjectName("authNumber")
        self.errors.add_row(left, "Authorisation number:", "auth_number", self.auth_number_edit)
        self.auth_denial_edit = line_edit(max_length=400)
        self.auth_denial_edit.setObjectName("authDenialReason")
        self.errors.add_row(left, "Denial reason:", "auth_denial_reason", self.auth_denial_edit)
        self.auth_expedited_check = QCheckBox("Expedited request (72 h decision)")
        self.auth_expedited_check.setObjectName("authExpedited")
        self.errors.add_row(left, "", "auth_expedited", self.auth_expedited_check)
        self.auth_expedited_check.setAccessibleName("Expedited request")
        self.auth_requested_edit = DateTimeEdit()
        self.auth_requested_edit.setObjectName("authRequestedAt")
        self.auth_requested_edit.setCalendarPopup(True)
        self.auth_requested_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.auth_requested_edit.setMinimumDateTime(NO_DATETIME)
        self.auth_requested_edit.setSpecialValueText("not set")
        self.errors.add_row(left, "Requested at:", "auth_requested_at", self.auth_requested_edit)

        self.auth_issued_edit = date_edit(optional=True)
        self.auth_issued_edit.setObjectName("authIssuedOn")
        self.errors.add_row(right, "Issued on:", "auth_issued_on", self.auth_issued_edit)
        self.auth_provider_edit = line_edit(max_length=160)
        self.auth_provider_edit.setObjectName("authProvider")
        self.errors.add_row(right, "Authorised provider:", "auth_provider", self.auth_provider_edit)
        self.auth_service_edit = line_edit(max_length=160)
        self.auth_service_edit.setObjectName("authService")
        self.errors.add_row(right, "Authorised service:", "auth_service", self.auth_service_edit)
        self.auth_visits_edit = QSpinBox()
        self.auth_visits_edit.setObjectName("authVisitsAuthorized")
        self.auth_visits_edit.setRange(-1, 999)
        self.auth_visits_edit.setSpecialValueText("not limited")
        self.errors.add_row(
            right, "Visits authorised:", "auth_visits_authorized", self.auth_visits_edit
        )
        self.auth_used_edit = QSpinBox()
        self.auth_used_edit.setObjectName("authVisitsUsed")
        self.auth_used_edit.setRange(0, 999)
        self.errors.add_row(right, "Visits used:", "auth_visits_used", self.auth_used_edit)
        self.auth_from_edit = date_edit(optional=True)
        self.auth_from_edit.setObjectName("authValidFrom")
        self.errors.add_row(right, "Valid from:", "auth_valid_from", self.auth_from_edit)
        self.auth_to_edit = date_edit(optional=True)
        self.auth_to_edit.setObjectName("authValidTo")
        self.errors.add_row(right, "Valid to:", "auth_valid_to", self.auth_to_edit)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        chips_row = QHBoxLayout()
        chips_row.addLayout(self.auth_chips)
        chips_row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(chips_row)
        layout.addLayout(columns)
        layout.addWidget(
            hint(
                "Payers must decide standard requests within 7 days and expedited ones within "
                "72 hours. CareCoord warns 14 days before expiry or when one visit is left."
            )
        )
        layout.addStretch(1)
        return page

    def _build_history(self) -> QWidget:
        page = QWidget()
        self.history = QTreeWidget()
        self.history.setObjectName("historyList")
        self.history.setAccessibleName("Referral history")
        self.history.setHeaderLabels(["When", "Who", "What", "Why"])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(True)
        self.history.setStyleSheet("QTreeWidget::item { padding: 3px 8px 3px 0; }")
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.itemDoubleClicked.connect(self._history_opened)
        header = self.history.header()
        header.setStretchLastSection(True)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.note_button = QPushButton("Add note…")
        self.note_button.setObjectName("addNote")
        self.note_button.setAccessibleName("Add a note to the history")
        self.note_button.setToolTip("Record a phone call, a chase or anything worth keeping")
        self.note_button.clicked.connect(self.add_note)
        self.error_button = QPushButton("Entered in error…")
        self.error_button.setObjectName("markEnteredInError")
        self.error_button.setAccessibleName("Mark this referral as entered in error")
        self.error_button.setToolTip(
            "Created by mistake (wrong patient, duplicate): kept in the record with its "
            "history, removed from every worklist; cannot be taken back"
        )
        self.error_button.setProperty("role", "danger")
        self.error_button.clicked.connect(lambda: self.run_action(ENTERED_IN_ERROR))
        row = QHBoxLayout()
        row.addWidget(hint("Every change, with who made it, when, and why."), 1)
        row.addWidget(self.note_button)
        row.addWidget(self.error_button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.history)
        return page

    # ----------------------------------------------------------------- filling
    def _show_new(self, patient_id: int, discipline: str) -> None:
        patient = patients.get_patient(self.context.db, self.context.actor, patient_id)
        self.setWindowTitle(f"New referral — {patient.family_name}, {patient.given_name}")
        self.title.setText("New referral")
        self.patient_line.setText(
            f"{patient.family_name}, {patient.given_name} · MRN {patient.mrn} · "
            f"born {patient.date_of_birth:%Y-%m-%d}"
        )
        self.state_line.setText("Save the draft first; then it can be sent.")
        self._clear_layout(self.chips)
        self.chips.addWidget(chip("New draft", "info"))
        chosen = Discipline(discipline) if discipline in set(Discipline) else None
        self._set_combo(self.discipline_combo, chosen)
        self._reload_members(chosen, None, None)
        self._set_authorization(
            AuthorizationInput(payer=patient.insurance_payer, member_id=patient.insurance_member_id)
        )
        self._loaded_request = None
        self._loaded_authorization = self._authorization_input()
        self._apply_permissions()
        self.tabs.setTabEnabled(2, False)
        self.footer.setText("")
        self._priority_changed()
        self._outcome_changed()

    def _show(self, view: ReferralView) -> None:
        """Fill every part of the editor from the service's view."""
        self.view = view
        self.patient_id = view.patient_id
        self.setWindowTitle(f"Referral — {view.patient_name} — {view.discipline.label}")
        self.title.setText(f"Referral to {view.discipline.label}")
        self.patient_line.setText(
            f"{view.patient_name} · MRN {view.patient_mrn} · "
            f"born {view.patient_date_of_birth:%Y-%m-%d}"
            + (f" · referred by {view.referring_name}" if view.referring_name else "")
            + (f" · Ref. {view.reference}" if view.reference else "")
        )
        self._show_chips(view)
        self._show_workflow(view)

        self._set_combo(self.discipline_combo, view.discipline)
        self._reload_members(view.discipline, view.recipient_member_id, view.recipient_name)
        self._set_combo(self.priority_combo, view.priority)
        self._set_combo(self.expectation_combo, view.expectation)
        self.sensitive_check.setChecked(view.sensitive)
        if not view.restricted:
            self.priority_reason_edit.setText(view.priority_reason or "")
            self.reason_edit.setPlainText(view.reason)
            self.question_edit.setPlainText(view.clinical_question or "")
            self.told_edit.setPlainText(view.patient_told or "")
            self.tried_edit.setPlainText(view.treatments_tried or "")
        self.clinical_box.setVisible(not view.restricted)
        self.restricted_label.setVisible(view.restricted)
        self._set_authorization(view.authorization)
        self._show_history(view)
        self.tabs.setTabEnabled(2, True)
        self.footer.setText(
            f"Last changed by {view.updated_by or 'unknown'} at {local_time(view.updated_at)}"
        )
        self._loaded_request = self._request_input() if self._can_edit_request() else None
        self._loaded_authorization = self._authorization_input()
        self._apply_permissions()
        self._priority_changed()
        self._outcome_changed()
        self.errors.clear()

    def _show_chips(self, view: ReferralView) -> None:
        self._clear_layout(self.chips)
        state = chip(view.state.label, STATE_LEVEL[view.state])
        state.setObjectName("stateChip")
        self.chips.addWidget(state)
        if view.priority != Priority.ROUTINE:
            self.chips.addWidget(chip(view.priority.label, "danger"))
        if view.overdue:
            days = (date.today() - view.due_on).days if view.due_on else 0
            overdue = chip(f"⚠ Overdue {days} d" if days else "⚠ Overdue", "danger")
            overdue.setObjectName("overdueChip")
            self.chips.addWidget(overdue)
        if view.restricted:
            self.chips.addWidget(chip("Restricted", "warning"))
        if view.entered_in_error:
            mistaken = chip("Entered in error", "danger")
            mistaken.setObjectName("enteredInErrorChip")
            self.chips.addWidget(mistaken)
        self._clear_layout(self.auth_chips)
        for text, show in (
            ("⚠ Authorisation expiring", view.authorization_expiring),
            ("⚠ Payer decision overdue", view.authorization_decision_overdue),
        ):
            if show:
                for target in (self.chips, self.auth_chips):
                    warning = chip(text, "warning")
                    warning.setObjectName("authWarningChip")
                    target.addWidget(warning)

    def _show_workflow(self, view: ReferralView) -> None:
        parts = [f"<b>{view.state.label}</b>"]
        if view.sent_on:
            via = f" by {view.sent_via.label.lower()}" if view.sent_via else ""
            parts.append(f"sent {view.sent_on:%Y-%m-%d}{via}")
        if view.appointment_date:
            parts.append(f"appointment {view.appointment_date:%Y-%m-%d}")
        if view.seen_on:
            parts.append(f"seen {view.seen_on:%Y-%m-%d}")
        if view.report_received_on:
            parts.append(f"report received {view.report_received_on:%Y-%m-%d}")
        if view.no_report_reason:
            parts.append(f"no report: {view.no_report_reason}")
        if view.due_on:
            parts.append(f"next step due {view.due_on:%Y-%m-%d}")
        if view.state == S.ON_HOLD and view.held_from:
            parts.append(f"held while {view.held_from.label.lower()}")
        if view.accepted_on:
            parts.insert(2 if view.sent_on else 1, f"accepted {view.accepted_on:%Y-%m-%d}")
        if view.booked_late:
            parts.append(f"booked past its target ({view.appointment_due:%Y-%m-%d})")
        if view.no_show_count:
            parts.append(f"no-shows: {view.no_show_count}")
        if view.state == S.ON_HOLD and view.hold_review_on:
            late = " — past review" if view.hold_review_due else ""
            parts.append(f"review hold {view.hold_review_on:%Y-%m-%d}{late}")
        if view.entered_in_error:
            parts.append(f"entered in error: {view.entered_in_error_reason or ''}")
        self.state_line.setText(" · ".join(parts))

        self._clear_layout(self.transition_row)
        self.transition_buttons = {}
        keys = self.referral_actions.keys_for(view)
        if not keys:
            self.transition_row.addWidget(
                hint(
                    "This referral was entered in error; it is kept for the record only."
                    if view.entered_in_error
                    else "This referral is closed."
                    if view.state in rules.CLOSED_STATES
                    else "The front desk or the referring physician moves this referral on."
                )
            )
            return
        for key, button in self.referral_actions.buttons_for(view, self.run_action).items():
            self.transition_row.addWidget(button)
            self.transition_buttons[key] = button

    def _show_history(self, view: ReferralView) -> None:
        self.history.clear()
        for event in sorted(view.events, key=lambda e: (e.at, e.id), reverse=True):
            item = QTreeWidgetItem(
                [local_time(event.at), event.username, describe_event(event), event.reason or ""]
            )
            item.setToolTip(3, event.reason or "")
            if event.document_id is not None:
                # The stored copy of the letter that left: double-click opens it.
                item.setData(0, Qt.ItemDataRole.UserRole, event.document_id)
                item.setText(2, f"{item.text(2)} · open copy")
                item.setToolTip(2, "Double-click to open the copy of the letter as it was sent")
            self.history.addTopLevelItem(item)
        self.tabs.setTabText(2, f"History ({len(view.events)})")

    def _set_authorization(self, auth: AuthorizationInput) -> None:
        self._set_combo(self.auth_outcome_combo, AuthorizationOutcome(auth.outcome))
        self.auth_payer_edit.setText(auth.payer or "")
        self.auth_member_edit.setText(auth.member_id or "")
        self.auth_number_edit.setText(auth.number or "")
        self.auth_denial_edit.setText(auth.denial_reason or "")
        self.auth_expedited_check.setChecked(auth.expedited)
        if auth.requested_at is None:
            self.auth_requested_edit.setDateTime(NO_DATETIME)
        else:
            local = auth.requested_at.astimezone()
            self.auth_requested_edit.setDateTime(
                QDateTime(
                    QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)
                )
            )
        self._set_date(self.auth_issued_edit, auth.issued_on)
        self.auth_provider_edit.setText(auth.provider or "")
        self.auth_service_edit.setText(auth.service or "")
        self.auth_visits_edit.setValue(
            -1 if auth.visits_authorized is None else auth.visits_authorized
        )
        self.auth_used_edit.setValue(auth.visits_used or 0)
        self._set_date(self.auth_from_edit, auth.valid_from)
        self._set_date(self.auth_to_edit, auth.valid_to)

    @staticmethod
    def _set_date(edit: DateField, value: date | str | None) -> None:
        set_date(
            edit, date.fromisoformat(value) if isinstance(value, str) else value, optional=True
        )

    # ----------------------------------------------------------- permissions
    def _can_edit_request(self) -> bool:
        actor = self.context.actor
        view = self.view
        if view is None:
            return allowed(actor.role, Action.EDIT_CLINICAL, self._chosen_category())
        return not view.restricted and view.may(EDIT)

    def _can_edit_authorization(self) -> bool:
        view = self.view
        if view is None:
            return self._can_edit_request()
        return view.may(AUTHORISE)

    def _chosen_discipline(self) -> Discipline | None:
        # Qt hands string enums back as plain str.
        value = self.discipline_combo.currentData()
        return Discipline(value) if value else None

    def _chosen_category(self) -> DataCategory:
        discipline = self._chosen_discipline() or Discipline.OTHER_SPECIALIST
        return referral_category(discipline, self.sensitive_check.isChecked())

    def _apply_permissions(self) -> None:
        request = self._can_edit_request()
        drafting = self.view is None or self.view.state == S.DRAFT
        self.discipline_combo.setEnabled(request and drafting)
        for widget in (
            self.recipient_combo,
            self.priority_combo,
            self.expectation_combo,
            self.sensitive_check,
        ):
            widget.setEnabled(request)
        for edit in (
            self.priority_reason_edit,
            self.reason_edit,
            self.question_edit,
            self.told_edit,
            self.tried_edit,
        ):
            edit.setReadOnly(not request)
        authorization = self._can_edit_authorization()
        for auth_widget in self._authorization_widgets():
            auth_widget.setEnabled(authorization)
        can_log = self.view is not None and self.view.may(NOTE)
        self.note_button.setVisible(can_log)
        self.error_button.setVisible(self.view is not None and self.view.may(ENTERED_IN_ERROR))
        self.save_button.setVisible(request or authorization)
        self.calendar_button.setVisible(
            self.view is not None
            and self.view.state == S.SCHEDULED
            and self.view.appointment_date is not None
        )
        printable = self.view is not None and self.view.may(LETTER)
        self.letter_button.setEnabled(printable)
        self.letter_button.setToolTip(
            "Choose what goes in the letter, then preview, print or save it"
            if printable
            else "Save the draft first"
            if self.view is None
            else "Your role may not print this referral's clinical content"
        )

    def _authorization_widgets(self) -> tuple[QWidget, ...]:
        return (
            self.auth_outcome_combo,
            self.auth_payer_edit,
            self.auth_member_edit,
            self.auth_number_edit,
            self.auth_denial_edit,
            self.auth_expedited_check,
            self.auth_requested_edit,
            self.auth_issued_edit,
            self.auth_provider_edit,
            self.auth_service_edit,
            self.auth_visits_edit,
            self.auth_used_edit,
            self.auth_from_edit,
            self.auth_to_edit,
        )

    # --------------------------------------------------------------- reactions
    def _discipline_changed(self) -> None:
        chosen = self._chosen_discipline()
        if chosen != self._members_discipline:
            self._reload_members(chosen, None, None)

    def _reload_members(
        self, discipline: Discipline | None, current_id: int | None, current_name: str | None
    ) -> None:
        """Fill the recipient list with the active members of ``discipline``."""
        self._members_discipline = discipline
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

    def _priority_changed(self) -> None:
        urgent = self.priority_combo.currentData() not in (None, Priority.ROUTINE)
        request = self._can_edit_request()
        self.priority_reason_edit.setEnabled(urgent or not request)
        self.priority_reason_edit.setPlaceholderText(
            "Required: why is this not routine?" if urgent else "Only for urgent, ASAP or STAT"
        )
        self.priority_reason_edit.setAccessibleName(
            "Reason for urgency (required)" if urgent else "Reason for urgency"
        )

    def _outcome_changed(self) -> None:
        denied = self.auth_outcome_combo.currentData() == AuthorizationOutcome.DENIED
        self.auth_denial_edit.setEnabled(denied and self._can_edit_authorization())

    # ------------------------------------------------------------------ input
    def _request_input(self) -> ReferralInput:
        assert self.patient_id is not None
        discipline = self._chosen_discipline()
        priority = self.priority_combo.currentData()
        return ReferralInput(
            patient_id=self.patient_id,
            discipline=discipline or "",
            reason=text_of(self.reason_edit) or "",
            recipient_member_id=self.recipient_combo.currentData(),
            referring_member_id=self.view.referring_member_id if self.view else None,
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

    def _authorization_input(self) -> AuthorizationInput:
        requested = self.auth_requested_edit.dateTime()
        requested_at = None
        if requested != NO_DATETIME:
            # The picker shows local time; services store aware UTC.
            local = requested.toPython()
            assert isinstance(local, datetime)
            requested_at = local.astimezone(UTC)
        visits = self.auth_visits_edit.value()
        outcome = self.auth_outcome_combo.currentData()
        return AuthorizationInput(
            outcome=outcome,
            payer=text_of(self.auth_payer_edit),
            member_id=text_of(self.auth_member_edit),
            number=text_of(self.auth_number_edit),
            denial_reason=(
                text_of(self.auth_denial_edit) if outcome == AuthorizationOutcome.DENIED else None
            ),
            requested_at=requested_at,
            expedited=self.auth_expedited_check.isChecked(),
            issued_on=date_of(self.auth_issued_edit),
            provider=text_of(self.auth_provider_edit),
            service=text_of(self.auth_service_edit),
            visits_authorized=None if visits < 0 else visits,
            visits_used=self.auth_used_edit.value(),
            valid_from=date_of(self.auth_from_edit),
            valid_to=date_of(self.auth_to_edit),
        )

    def is_dirty(self) -> bool:
        """Whether the form holds edits that are not saved yet."""
        if self.view is None:
            return any(
                text_of(edit) for edit in (self.reason_edit, self.question_edit, self.told_edit)
            )
        request = self._can_edit_request() and self._request_input() != self._loaded_request
        authorization = (
            self._can_edit_authorization()
            and self._authorization_input() != self._loaded_authorization
        )
        return request or authorization

    # ------------------------------------------------------------------ actions
    def _guarded(
        self, action: Callable[[], ReferralView], failure_title: str
    ) -> ReferralView | None:
        """Run a service call; show its refusal (beside the field, as a conflict to reload,
        or in a message) and return None instead of raising."""
        try:
            return action()
        except ValidationError as error:
            self._show_error(error)
        except ConflictError as error:
            offer_reload(self, error, self.reload)
        except CareCoordError as error:
            retried: list[ReferralView | None] = []
            show_problem(
                self,
                error,
                failure_title,
                retry=lambda: retried.append(self._guarded(action, failure_title)),
            )
            return retried[0] if retried else None
        return None

    def save(self) -> bool:
        """Store the request and the authorisation; True when everything was saved."""
        self.errors.clear()
        db, actor = self.context.db, self.context.actor

        def store() -> ReferralView:
            if self.view is None:
                view = referrals.create_referral(
                    db, actor, self._request_input(), self._authorization_input()
                )
            else:
                view = self.view
                if self._can_edit_request() and self._request_input() != self._loaded_request:
                    view = referrals.update_referral(
                        db, actor, view.id, self._request_input(), expected_version=view.version
                    )
                    # Keep later steps on the fresh version even if the next one fails.
                    self.view = view
                if (
                    self._can_edit_authorization()
                    and self._authorization_input() != self._loaded_authorization
                ):
                    view = referrals.update_authorization(
                        db,
                        actor,
                        view.id,
                        self._authorization_input(),
                        expected_version=view.version,
                    )
            return view

        view = self._guarded(store, "Referral not saved")
        if view is None:
            return False
        self._show(view)
        self._announce(view)
        return True

    def move_to(self, target: ReferralState) -> bool:
        """Take the referral to ``target`` (the matching action; see :meth:`run_action`)."""
        view = self.view
        if view is None:
            return False
        if target == S.REPORT_RECEIVED:
            return self.run_action(FILE_REPORT)
        event = referrals.event_for(view.state, view.held_from, target)
        return self.run_action(event.value)

    def run_action(self, key: str) -> bool:
        """Run one workflow action through the shared controller (saving edits first).

        Returns:
            True when the referral changed; False when the person cancelled or it failed.
        """
        view = self.view
        if view is None or not view.may(key):
            return False
        if self.is_dirty() and not self.save():
            return False
        view = self.view
        assert view is not None
        self._announcing = True
        try:
            moved = self.referral_actions.run(view, key)
        finally:
            self._announcing = False
        if moved is None:
            return False
        self._show(moved)
        self.saved.emit(moved.id)
        return True

    def _send(self, view: ReferralView, sent: SendDetails) -> bool:
        """Mark sent through the one service that keeps a copy of the letter that left."""

        def send() -> ReferralView:
            mark_sent(
                self.context, view.id, sent.method, sent.sent_on, expected_version=view.version
            )
            return referrals.get_referral(self.context.db, self.context.actor, view.id)

        moved = self._guarded(send, "Referral not sent")
        if moved is None:
            return False
        self._show(moved)
        self._announce(moved)
        return True

    def _history_opened(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        document_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(document_id, int):
            self.sent_copy_window = open_sent_copy(
                context=self.context, document_id=document_id, parent=self
            )

    def _ask_action(self, key: str, view: ReferralView) -> Answer | None:
        """The editor's own small prompts where it has them; the shared dialog otherwise."""
        if key == Event.SEND.value:
            sent = self.ask_send()
            return None if sent is None else Answer(on=sent.sent_on, sent_via=sent.method)
        if key == Event.SCHEDULE.value:
            booked = self.ask_date("Schedule", "Appointment date:")
            return None if booked is None else Answer(appointment_date=booked)
        if key in REASON_PROMPTS_BY_KEY:
            title, prompt = REASON_PROMPTS_BY_KEY[key]
            reason = self.ask_reason(title, prompt)
            return None if not reason else Answer(reason=reason)
        return self.ask_action(key, view)

    def _file_report(self, view: ReferralView) -> ReferralView | None:
        if not self.run_report_dialog(view):
            return None
        return referrals.get_referral(self.context.db, self.context.actor, view.id)

    def open_letter(self) -> None:
        """Choose the letter's contents, then preview, print or save it (saving edits first)."""
        view = self.view
        if view is None or (self.is_dirty() and not self.save()):
            return
        self.letter_window = open_letter(context=self.context, referral_id=view.id, parent=self)

    def add_to_calendar(self) -> Path | None:
        """Save the booked appointment as an .ics file (no clinical detail in it)."""
        if self.view is None:
            return None
        db, actor, referral_id = self.context.db, self.context.actor, self.view.id
        return save_calendar_file(
            self,
            lambda: appointments.referral_calendar(db, actor, referral_id),
            self.choose_calendar_file,
        )

    def add_note(self) -> None:
        """Record a note in the history (a call chasing the report, say)."""
        view = self.view
        if view is None:
            return
        note = self.ask_reason("Add note", "Note for the referral's history:")
        if not note:
            return
        try:
            updated = referrals.add_note(self.context.db, self.context.actor, view.id, note)
        except CareCoordError as error:
            show_problem(self, error, "Note not added")
            return
        self._show(updated)
        self._announce(updated)

    def reload(self) -> None:
        """Read the referral again (after someone else changed it)."""
        if self.view is None:
            return
        try:
            view = referrals.get_referral(self.context.db, self.context.actor, self.view.id)
        except CareCoordError as error:
            show_problem(self, error)
            return
        self._show(view)

    def _run_report_dialog(self, view: ReferralView) -> bool:
        dialog = ReportDialog(context=self.context, referral=view, parent=self)
        return bool(dialog.exec()) and dialog.result_view is not None

    def _show_error(self, error: ValidationError) -> None:
        if error.field not in PROMPT_FIELDS and self.errors.show(error):
            widget = self.errors.widgets.get(error.field)
            if widget is None:
                widget = next(
                    (w for name, w in self.errors.widgets.items() if error.field.startswith(name)),
                    None,
                )
            if widget is not None:
                for index in range(self.tabs.count()):
                    tab = self.tabs.widget(index)
                    if tab is not None and tab.isAncestorOf(widget):
                        self.tabs.setCurrentIndex(index)
            return
        show_problem(self, error, "Referral not changed")

    def _announce(self, view: ReferralView) -> None:
        self._announcing = True
        try:
            self.saved.emit(view.id)
            self.context.events.referral_changed.emit(view.id)
            self.context.events.patient_changed.emit(view.patient_id)
        finally:
            self._announcing = False

    def _changed_elsewhere(self, referral_id: int) -> None:
        """Another screen (the worklist, a report drop) moved this referral: show it, unless
        the person has unsaved edits here (saving will then offer the reload)."""
        if self._announcing or self.view is None or referral_id != self.view.id:
            return
        if not self.is_dirty():
            self.reload()

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _set_combo(box: QComboBox, value: object) -> None:
        index = box.findData(value)
        box.setCurrentIndex(max(index, 0))

    @staticmethod
    def _clear_layout(layout: QHBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _restore(self) -> None:
        store = settings_store()
        restore_or_fit(self, store.value("referralEditor/geometry"), 1000, 660)
        tab = store.value("referralEditor/tab", 0)
        index = int(tab) if isinstance(tab, int | str) and str(tab).isdigit() else 0
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    def _remember(self) -> None:
        store = settings_store()
        store.setValue("referralEditor/geometry", self.saveGeometry())
        store.setValue("referralEditor/tab", self.tabs.currentIndex())

    def has_unsaved_work(self) -> bool:
        return self.is_dirty()

    def save_unsaved_work(self) -> bool:
        return self.save()

    def reject(self) -> None:
        if self.is_dirty() and not self.property(unsaved.SETTLED) and not self.confirm_discard():
            return
        self._remember()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        super().closeEvent(event)
