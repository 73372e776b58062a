"""One controller for every referral action, used by the editor, the letter preview, the
worklist and the chart: what the user may do comes from the service's view, never from
the screen. In the kit because the letter preview and the chart use it as much as the
referral screens do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.referral_workflow import Event
from carecoord.clinical.vocabulary import DeliveryMethod, SendMethod
from carecoord.errors import CareCoordError, ConflictError
from carecoord.services import referral_errors, referrals
from carecoord.services.referral_views import ENTERED_IN_ERROR, FILE_REPORT, UNDO, ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.forms import LimitedTextEdit, combo, date_edit, date_of
from carecoord.ui.kit.letter_sending import mark_sent
from carecoord.ui.kit.referral_report import ReportDialog
from carecoord.ui.screen_fit import fit_dialog

E = Event
ORDER: Final = (
    E.SEND.value,
    E.ACCEPT.value,
    E.SCHEDULE.value,
    E.RESCHEDULE.value,
    E.NO_SHOW.value,
    E.SEEN.value,
    FILE_REPORT,
    E.RESUME.value,
    E.HOLD.value,
    E.DECLINE.value,
    E.CANCEL.value,
    UNDO,
)
"""Workflow buttons in the order a referral usually moves. "Entered in error" is not a
step of the workflow: the editor offers it apart, beside the history."""

LABELS: Final = {
    E.SEND.value: "Mark sent…",
    E.ACCEPT.value: "Accepted…",
    E.SCHEDULE.value: "Schedule…",
    E.RESCHEDULE.value: "Reschedule…",
    E.NO_SHOW.value: "No-show…",
    E.SEEN.value: "Seen…",
    FILE_REPORT: "Report received…",
    E.RESUME.value: "Resume",
    E.HOLD.value: "Put on hold…",
    E.DECLINE.value: "Decline…",
    E.CANCEL.value: "Cancel referral…",
    UNDO: "Undo last step…",
    ENTERED_IN_ERROR: "Entered in error…",
}
TIPS: Final = {
    E.SEND.value: "Record how and when the referral left the clinic",
    E.ACCEPT.value: "The specialist accepted the referral (on which day)",
    E.SCHEDULE.value: "Record the appointment date",
    E.RESCHEDULE.value: "The appointment moved to another day",
    E.NO_SHOW.value: "The patient missed the appointment: back to “to schedule”",
    E.SEEN.value: "The patient attended the appointment (on which day)",
    FILE_REPORT: "File the specialist's report; the referring physician then acknowledges it",
    E.RESUME.value: "Back to the step it was held at",
    E.HOLD.value: "Pause the referral (reason and review date)",
    E.DECLINE.value: "The specialist declined (a reason is required)",
    E.CANCEL.value: "The clinic withdraws the referral (a reason is required)",
    UNDO: "Undo your last step (within 24 hours, with a reason)",
    ENTERED_IN_ERROR: "Created by mistake (wrong patient, duplicate): kept in the record, "
    "removed from every worklist; cannot be taken back",
}
DANGER: Final = frozenset({E.DECLINE.value, E.CANCEL.value, ENTERED_IN_ERROR})

REASON_PROMPTS: Final = {
    E.DECLINE.value: "Why did the specialist decline?",
    E.CANCEL.value: "Why is the clinic cancelling this referral?",
    E.HOLD.value: "Why is this referral on hold?",
    E.NO_SHOW.value: "Note (optional):",
    E.RESCHEDULE.value: "Why did it move? (optional)",
    UNDO: "Why are you undoing the last step?",
    ENTERED_IN_ERROR: "What was the mistake (wrong patient, duplicate, test entry)?\n"
    "The referral stays in the record with its history but leaves every worklist; "
    "this cannot be taken back.",
}
REASON_REQUIRED: Final = frozenset(
    {E.DECLINE.value, E.CANCEL.value, E.HOLD.value, UNDO, ENTERED_IN_ERROR}
)


@dataclass(frozen=True)
class Answer:
    """What the person said about an action (only the fields the action needs are set)."""

    on: date | None = None
    appointment_date: date | None = None
    reason: str | None = None
    review_on: date | None = None
    sent_via: SendMethod | DeliveryMethod | None = None
    confirm: bool = False
    letter_pdf: bytes | None = None
    """The letter exactly as it left (the letter preview's bytes); None: the default
    letter is generated and kept."""


class ActionDialog(QDialog):
    """Asks what one action needs: a date, the appointment, how it was sent, a reason, a
    review date, or the confirmation that the visit was before the booked day."""

    def __init__(self, key: str, view: ReferralView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("actionDialog")
        self.setWindowTitle(LABELS[key].rstrip("…"))
        form = QFormLayout()
        self.sent_via = self.on = self.appointment = self.review_on = None
        self.reason: LimitedTextEdit | None = None
        self.confirm: QCheckBox | None = None
        today = date.today()
        if key == E.SEND.value:
            self.sent_via = combo([("Choose…", None)] + [(m.label, m) for m in SendMethod])
            self.sent_via.setObjectName("actionSentVia")
            self.sent_via.setAccessibleName("Sent by")
            form.addRow("Sent by:", self.sent_via)
        if key in (E.SEND.value, E.ACCEPT.value, E.SEEN.value):
            self.on = date_edit(today)
            self.on.setObjectName("actionOn")
            self.on.setAccessibleName("On")
            self.on.setMaximumDate(QDate.currentDate())
            label = {E.SEND.value: "Sent on:", E.ACCEPT.value: "Accepted on:"}.get(key, "Seen on:")
            form.addRow(label, self.on)
        if key in (E.SCHEDULE.value, E.RESCHEDULE.value):
            self.appointment = date_edit(view.appointment_date or today)
            self.appointment.setObjectName("actionAppointment")
            self.appointment.setAccessibleName("Appointment date")
            form.addRow("Appointment date:", self.appointment)
            if view.appointment_due is not None:
                form.addRow(QLabel(f"Target: on or before {view.appointment_due:%Y-%m-%d}"))
        if key == E.SEEN.value and view.appointment_date is not None:
            self.confirm = QCheckBox(
                f"The visit was before the booked day ({view.appointment_date:%Y-%m-%d})"
            )
            self.confirm.setObjectName("actionConfirm")
            self.confirm.setAccessibleName("Visit before the booked day")
            form.addRow(self.confirm)
        if key == E.HOLD.value:
            self.review_on = date_edit(today)
            self.review_on.setObjectName("actionReviewOn")
            self.review_on.setAccessibleName("Review on")
            form.addRow("Review on:", self.review_on)
        if key in REASON_PROMPTS:
            self.reason = LimitedTextEdit(max_length=400)
            self.reason.setObjectName("actionReason")
            self.reason.setAccessibleName(REASON_PROMPTS[key])
            self.reason.setTabChangesFocus(True)
            self.reason.setMinimumSize(360, 80)
            prompt = QLabel(REASON_PROMPTS[key])
            prompt.setWordWrap(True)
            form.addRow(prompt)
            form.addRow(self.reason)
            self.reason.textChanged.connect(self._update)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("actionOk")
        self.ok_button.setAccessibleName("OK")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if self.sent_via is not None:
            self.sent_via.currentIndexChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update()
        fit_dialog(self)

    def _update(self) -> None:
        ready = True
        if self.sent_via is not None and not self.sent_via.currentData():
            ready = False
        if self.key in REASON_REQUIRED and self.reason is not None:
            ready = ready and bool(self.reason.toPlainText().strip())
        self.ok_button.setEnabled(ready)

    def answer(self) -> Answer:
        """What was entered (the service validates it)."""
        via = self.sent_via.currentData() if self.sent_via is not None else None
        return Answer(
            on=date_of(self.on) if self.on is not None else None,
            appointment_date=date_of(self.appointment) if self.appointment is not None else None,
            reason=(self.reason.toPlainText().strip() or None) if self.reason else None,
            review_on=date_of(self.review_on) if self.review_on is not None else None,
            sent_via=SendMethod(via) if via else None,
            confirm=bool(self.confirm and self.confirm.isChecked()),
        )


class ReferralActions(QObject):
    """Runs referral actions for one screen: asks what each needs, calls the service,
    shows a refusal, announces the change.

    ``ask`` and ``file_report`` are attributes so a screen (or a test) can answer in its
    own way; by default they open :class:`ActionDialog` and the report dialog.

    Signals:
        changed(object): the :class:`ReferralView` after an action succeeded.
    """

    changed = Signal(object)

    def __init__(self, *, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.widget = parent
        self.ask: Callable[[str, ReferralView], Answer | None] = self.ask_dialog
        self.file_report: Callable[[ReferralView], ReferralView | None] = self._report_dialog
        self.reload: Callable[[], None] = lambda: None

    # ------------------------------------------------------------------- queries
    @staticmethod
    def keys_for(view: ReferralView) -> tuple[str, ...]:
        """The workflow actions the service allows this user now, in display order."""
        return tuple(key for key in ORDER if view.may(key))

    def buttons_for(
        self, view: ReferralView, on_click: Callable[[str], object]
    ) -> dict[str, QPushButton]:
        """One push button per allowed action (object name ``action_<key>``); a click calls
        ``on_click(key)`` so the screen can save its edits first."""
        buttons: dict[str, QPushButton] = {}
        for key in self.keys_for(view):
            button = QPushButton(LABELS[key])
            button.setObjectName(f"action_{key}")
            button.setAccessibleName(LABELS[key].rstrip("…"))
            button.setToolTip(TIPS[key])
            if key in DANGER:
                button.setProperty("role", "danger")  # red text from the app style sheet
            button.clicked.connect(lambda _=False, k=key: on_click(k))
            buttons[key] = button
        return buttons

    # ------------------------------------------------------------------- actions
    def run(self, view: ReferralView, key: str) -> ReferralView | None:
        """Ask what ``key`` needs and do it; the new view, or None (cancelled or refused)."""
        if not view.may(key):
            return None
        if key == FILE_REPORT:
            moved = self.file_report(view)
            if moved is not None:
                self._announce(moved)
            return moved
        answer: Answer | None = Answer()
        if key != E.RESUME.value:
            answer = self.ask(key, view)
        if answer is None:
            return None
        return self._call(view, key, answer)

    def mark_sent(self, views: Iterable[ReferralView]) -> tuple[list[ReferralView], list[str]]:
        """Mark several referrals sent with one answer (the worklist's "Mark sent…").

        Returns:
            The moved views and, for each refusal, "patient (discipline): why".
        """
        chosen = [v for v in views if v.may(E.SEND.value)]
        if not chosen:
            return [], []
        answer = self.ask(E.SEND.value, chosen[0])
        if answer is None:
            return [], []
        moved, problems = [], []
        for view in chosen:
            try:
                moved.append(self._perform(view, E.SEND.value, answer))
            except CareCoordError as error:
                problems.append(f"{view.patient_name} ({view.discipline.label}): {error}")
        for view in moved:
            self._announce(view)
        return moved, problems

    # ------------------------------------------------------------------- helpers
    def _call(self, view: ReferralView, key: str, answer: Answer) -> ReferralView | None:
        try:
            moved = self._perform(view, key, answer)
        except ConflictError as error:
            offer_reload(self.widget, error, self.reload)
            return None
        except CareCoordError as error:
            show_problem(self.widget, error, "Referral not changed")
            return None
        self._announce(moved)
        return moved

    def _perform(self, view: ReferralView, key: str, answer: Answer) -> ReferralView:
        db, actor = self.context.db, self.context.actor
        if key == ENTERED_IN_ERROR:
            return referral_errors.mark_entered_in_error(
                db, actor, view.id, answer.reason or "", expected_version=view.version
            )
        if key == UNDO:
            return referrals.undo_last_move(
                db, actor, view.id, reason=answer.reason or "", expected_version=view.version
            )
        if key == E.SEND.value:
            # One path for every screen: the letter that left is kept, exactly, and the
            # referral moves to Sent in the same transaction.
            method = DeliveryMethod((answer.sent_via or DeliveryMethod.PRINT).value)
            mark_sent(
                self.context,
                view.id,
                method,
                answer.on,
                expected_version=view.version,
                pdf=answer.letter_pdf,
            )
            return referrals.get_referral(db, actor, view.id)
        return referrals.perform(
            db,
            actor,
            view.id,
            key,
            expected_version=view.version,
            reason=answer.reason,
            on=answer.on,
            sent_via=answer.sent_via,
            appointment_date=answer.appointment_date,
            review_on=answer.review_on,
            confirm=answer.confirm,
        )

    def _announce(self, view: ReferralView) -> None:
        self.changed.emit(view)
        self.context.events.referral_changed.emit(view.id)
        self.context.events.patient_changed.emit(view.patient_id)

    def ask_dialog(self, key: str, view: ReferralView) -> Answer | None:
        dialog = ActionDialog(key, view, self.widget)
        return dialog.answer() if dialog.exec() else None

    def _report_dialog(self, view: ReferralView) -> ReferralView | None:
        dialog = ReportDialog(context=self.context, referral=view, parent=self.widget)
        if dialog.exec() and dialog.result_view is not None:
            result: ReferralView = dialog.result_view
            return result
        return None
