"""The questions the referral editor asks before a workflow action (how it was sent, the
appointment date, a reason, the specialist's report), each one replaceable by a test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QWidget

from carecoord.clinical.referral_workflow import Event
from carecoord.services import referrals
from carecoord.services.referral_views import ENTERED_IN_ERROR, ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.kit.referral_actions import Answer, ReferralActions
from carecoord.ui.kit.referral_prompts import SendDetails, ask_date, ask_reason, ask_send
from carecoord.ui.kit.referral_report import ReportDialog

REASON_PROMPTS_BY_KEY: dict[str, tuple[str, str]] = {
    "decline": ("Referral declined", "Why did the specialist decline?"),
    "cancel": ("Cancel referral", "Why is the clinic cancelling this referral?"),
    ENTERED_IN_ERROR: (
        "Referral entered in error",
        "What was the mistake (wrong patient, duplicate, test entry)? The referral stays in "
        "the record with its history but leaves every worklist; this cannot be taken back.",
    ),
}


class EditorPrompts:
    """Answers ``actions``' questions with the editor's own small prompts where it has them
    (sent, scheduled, a reason) and the shared action dialog otherwise.

    Each prompt is an attribute a test or a script may replace: ``ask_reason(title,
    prompt)``, ``ask_send()``, ``ask_date(title, prompt)``, ``ask_action(key, view)`` and
    ``run_report_dialog(view)`` (True when a report was filed).
    """

    def __init__(self, *, context: AppContext, parent: QWidget, actions: ReferralActions) -> None:
        self.context = context
        self.parent = parent
        self.ask_reason: Callable[[str, str], str | None] = lambda title, prompt: ask_reason(
            parent, title, prompt
        )
        self.ask_send: Callable[[], SendDetails | None] = lambda: ask_send(parent)
        self.ask_date: Callable[[str, str], date | None] = lambda title, prompt: ask_date(
            parent, title, prompt
        )
        self.ask_action: Callable[[str, ReferralView], Answer | None] = actions.ask_dialog
        self.run_report_dialog: Callable[[ReferralView], bool] = self._run_report_dialog
        actions.ask = self.answer
        actions.file_report = self.file_report

    def answer(self, key: str, view: ReferralView) -> Answer | None:
        """What ``key`` needs, or None when the person cancelled."""
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

    def file_report(self, view: ReferralView) -> ReferralView | None:
        """File the specialist's report; the referral as it is then, or None if not filed."""
        if not self.run_report_dialog(view):
            return None
        return referrals.get_referral(self.context.db, self.context.actor, view.id)

    def _run_report_dialog(self, view: ReferralView) -> bool:
        dialog = ReportDialog(context=self.context, referral=view, parent=self.parent)
        return bool(dialog.exec()) and dialog.result_view is not None
