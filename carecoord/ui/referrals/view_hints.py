"""What each worklist view holds and what to do about it (the line under the view list).

English here, marked for ``pyside6-lupdate`` in the "ReferralsPage" context; the page shows
them through ``translate("ReferralsPage", …)``.
"""

from __future__ import annotations

from carecoord.services.worklist import WorklistView
from carecoord.ui.translation import QT_TRANSLATE_NOOP

V = WorklistView
VIEW_HINTS: dict[WorklistView, str] = {
    V.OVERDUE: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Past their target: no appointment by the due date, or no report 14 days after "
        "the visit. Chase the specialist's office.",
    ),
    V.TO_SEND: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Drafts ready to go. Select them, choose Letters… to save or print their letters, "
        "and Mark sent… once they have left (print, fax, e-mail or portal).",
    ),
    V.AWAITING_ACCEPTANCE: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Sent; waiting for the specialist to accept.",
    ),
    V.TO_SCHEDULE: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Accepted by the specialist; book the appointment.",
    ),
    V.AWAITING_VISIT: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Booked. A passed appointment date means the visit still needs recording.",
    ),
    V.AWAITING_REPORT: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Seen. Drop the specialist's report (PDF or image) on its row, or select "
        "the row and choose Attach report…, to close the loop.",
    ),
    V.AUTH_EXPIRING: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Approved authorisations ending within 14 days or down to one visit.",
    ),
    V.AUTH_PENDING: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Waiting for the payer's decision (7 days standard, 72 hours expedited).",
    ),
    V.ON_HOLD: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Paused referrals: open one to resume or cancel it.",
    ),
    V.BOOKED_LATE: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Booked later than the appointment target: ask the specialist's office "
        "for an earlier slot, or offer another specialist.",
    ),
    V.HOLD_REVIEW: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Held referrals past their review date: resume or cancel them.",
    ),
    V.CLOSED: QT_TRANSLATE_NOOP(
        "ReferralsPage",
        "Report received, declined or cancelled; newest first.",
    ),
}
