"""The referral editor's parts on their own: object names from field names, the row of
replaceable widgets, the workflow line and the chips."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import Priority, ReferralState, SendMethod
from carecoord.services.referrals import ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.referrals.editor_authorization import authorization_warnings
from carecoord.ui.referrals.editor_status import referral_chips, state_summary
from carecoord.ui.referrals.editor_widgets import WidgetRow, camel
from tests.services.helpers import new_member, new_patient, new_referral

S = ReferralState


def draft(context: AppContext) -> ReferralView:
    patient = new_patient(context.db, context.actor)
    member = new_member(context.db, context.actor, "physical_rehabilitation")
    return new_referral(context.db, context.actor, patient.id, member)


def test_object_names_are_the_field_names_in_camel_case() -> None:
    assert camel("reason") == "reason"
    assert camel("auth_member_id") == "authMemberId"
    assert camel("auth_visits_authorized") == "authVisitsAuthorized"


def test_a_widget_row_swaps_its_widgets_and_hides_when_empty(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    row = WidgetRow(parent=holder)
    holder.show()
    assert row.isHidden()  # nothing to show yet: no room taken

    first = [QLabel("one"), QLabel("two")]
    row.replace(first)
    assert not row.isHidden() and all(not label.isHidden() for label in first)

    second = QLabel("three")
    row.replace([second])
    QApplication.processEvents()
    shown = [w.text() for w in row.findChildren(QLabel) if not w.isHidden()]
    assert shown == ["three"]

    row.replace([])
    assert row.isHidden()


def test_the_workflow_line_lists_each_step_reached_in_order(context: AppContext) -> None:
    view = replace(
        draft(context),
        state=S.SCHEDULED,
        sent_on=date(2026, 3, 2),
        sent_via=SendMethod.FAX,
        accepted_on=date(2026, 3, 5),
        appointment_date=date(2026, 4, 1),
        appointment_due=date(2026, 3, 20),
        due_on=date(2026, 4, 1),
        booked_late=True,
        no_show_count=1,
    )
    assert state_summary(view) == (
        "<b>Scheduled</b> · sent 2026-03-02 by fax · accepted 2026-03-05 · "
        "appointment 2026-04-01 · next step due 2026-04-01 · "
        "booked past its target (2026-03-20) · no-shows: 1"
    )


def test_a_hold_names_the_state_it_paused_and_its_review(context: AppContext) -> None:
    view = replace(
        draft(context),
        state=S.ON_HOLD,
        held_from=S.SENT,
        sent_on=date(2026, 3, 2),
        hold_review_on=date(2026, 3, 9),
        hold_review_due=True,
    )
    assert state_summary(view) == (
        "<b>On hold</b> · sent 2026-03-02 · held while sent · review hold 2026-03-09 — past review"
    )


def test_chips_show_the_state_then_what_needs_attention(context: AppContext) -> None:
    calm = draft(context)
    assert [c.text() for c in referral_chips(calm)] == ["Draft"]  # type: ignore[attr-defined]

    worrying = replace(
        calm,
        priority=Priority.URGENT,
        restricted=True,
        authorization_expiring=True,
        authorization_decision_overdue=True,
    )
    assert authorization_warnings(worrying) == [
        "⚠ Authorisation expiring",
        "⚠ Payer decision overdue",
    ]
    chips = referral_chips(worrying)
    assert [c.text() for c in chips] == [  # type: ignore[attr-defined]
        "Draft",
        Priority.URGENT.label,
        "Restricted",
        "⚠ Authorisation expiring",
        "⚠ Payer decision overdue",
    ]
    assert chips[0].objectName() == "stateChip"
    assert chips[-1].objectName() == "authWarningChip"
