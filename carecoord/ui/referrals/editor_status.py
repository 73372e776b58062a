"""The top of the referral editor: the title, the patient, the state chips, and the Workflow
box with the state in words and a button per action the referral allows now."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.vocabulary import Priority, ReferralState
from carecoord.services.patients import PatientDetail
from carecoord.services.referral_views import ReferralView
from carecoord.ui.referrals.editor_authorization import authorization_warnings, warning_chip
from carecoord.ui.referrals.editor_widgets import WidgetRow
from carecoord.ui.style import chip, hint, page_title

S = ReferralState
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


def state_summary(view: ReferralView) -> str:
    """The Workflow box's line: the state, each step reached with its date, then what is
    pending or unusual (no report, the next step's date, a hold, a late booking, no-shows)."""
    via = f" by {view.sent_via.label.lower()}" if view.sent_via else ""
    steps: tuple[tuple[str, date | None, str], ...] = (
        ("sent", view.sent_on, via),
        ("accepted", view.accepted_on, ""),
        ("appointment", view.appointment_date, ""),
        ("seen", view.seen_on, ""),
        ("report received", view.report_received_on, ""),
    )
    parts = [f"<b>{view.state.label}</b>"]
    parts += [f"{step} {on:%Y-%m-%d}{detail}" for step, on, detail in steps if on]
    held = view.state == S.ON_HOLD
    if view.no_report_reason:
        parts.append(f"no report: {view.no_report_reason}")
    if view.due_on:
        parts.append(f"next step due {view.due_on:%Y-%m-%d}")
    if held and view.held_from:
        parts.append(f"held while {view.held_from.label.lower()}")
    if view.booked_late:
        parts.append(f"booked past its target ({view.appointment_due:%Y-%m-%d})")
    if view.no_show_count:
        parts.append(f"no-shows: {view.no_show_count}")
    if held and view.hold_review_on:
        late = " — past review" if view.hold_review_due else ""
        parts.append(f"review hold {view.hold_review_on:%Y-%m-%d}{late}")
    if view.entered_in_error:
        parts.append(f"entered in error: {view.entered_in_error_reason or ''}")
    return " · ".join(parts)


def named_chip(text: str, level: str, name: str = "") -> QLabel:
    label = chip(text, level)
    if name:
        label.setObjectName(name)
    return label


def referral_chips(view: ReferralView) -> list[QWidget]:
    """The state, then only what needs attention: priority, lateness, restriction, error,
    and the authorisation's warnings."""
    chips: list[QWidget] = [named_chip(view.state.label, STATE_LEVEL[view.state], "stateChip")]
    if view.priority != Priority.ROUTINE:
        chips.append(chip(view.priority.label, "danger"))
    if view.overdue:
        days = (date.today() - view.due_on).days if view.due_on else 0
        text = f"⚠ Overdue {days} d" if days else "⚠ Overdue"
        chips.append(named_chip(text, "danger", "overdueChip"))
    if view.restricted:
        chips.append(chip("Restricted", "warning"))
    if view.entered_in_error:
        chips.append(named_chip("Entered in error", "danger", "enteredInErrorChip"))
    chips += [warning_chip(text) for text in authorization_warnings(view)]
    return chips


def no_actions_hint(view: ReferralView) -> QLabel:
    """Why a referral shows no workflow buttons."""
    return hint(
        "This referral was entered in error; it is kept for the record only."
        if view.entered_in_error
        else "This referral is closed."
        if view.state in rules.CLOSED_STATES
        else "The front desk or the referring physician moves this referral on."
    )


class StatusPanel(QWidget):
    """Who and where the referral is. ``tools`` (the letter and calendar buttons) sit at the
    right of the workflow buttons; :attr:`buttons` are the action buttons shown now."""

    def __init__(self, *, tools: Iterable[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        self.title = page_title("Referral")
        self.title.setObjectName("referralTitle")
        self.patient_line = QLabel()
        self.patient_line.setObjectName("referralPatient")
        self.patient_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chips = WidgetRow()
        chip_row = QHBoxLayout()
        chip_row.addWidget(self.chips)
        chip_row.addStretch(1)

        self.workflow = QGroupBox("Workflow")
        self.workflow.setObjectName("workflowGroup")
        self.state_line = QLabel()
        self.state_line.setObjectName("stateLine")
        self.state_line.setWordWrap(True)
        self.transitions = WidgetRow()
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.transitions)
        buttons_row.addStretch(1)
        for tool in tools:
            buttons_row.addWidget(tool)
        workflow_layout = QVBoxLayout(self.workflow)
        workflow_layout.addWidget(self.state_line)
        workflow_layout.addLayout(buttons_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.patient_line)
        layout.addLayout(chip_row)
        layout.addWidget(self.workflow)

    def show_new(self, patient: PatientDetail) -> None:
        """A referral not saved yet: nothing can happen to it before it is."""
        self.title.setText("New referral")
        self.patient_line.setText(
            f"{patient.family_name}, {patient.given_name} · MRN {patient.mrn} · "
            f"born {patient.date_of_birth:%Y-%m-%d}"
        )
        self.state_line.setText("Save the draft first; then it can be sent.")
        self.chips.replace([chip("New draft", "info")])
        self.buttons = {}
        self.transitions.replace([])

    def show_view(self, view: ReferralView, buttons: Mapping[str, QPushButton]) -> None:
        """The stored referral, with one button per action it allows (``buttons``)."""
        self.title.setText(f"Referral to {view.discipline.label}")
        self.patient_line.setText(
            f"{view.patient_name} · MRN {view.patient_mrn} · "
            f"born {view.patient_date_of_birth:%Y-%m-%d}"
            + (f" · referred by {view.referring_name}" if view.referring_name else "")
            + (f" · Ref. {view.reference}" if view.reference else "")
        )
        self.chips.replace(referral_chips(view))
        self.state_line.setText(state_summary(view))
        self.buttons = dict(buttons)
        self.transitions.replace(self.buttons.values() if buttons else [no_actions_hint(view)])
