"""The dashboard: CMS50 loop closure per patient, care-team gaps, payer decisions, counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import CareTeamRole, ReferralState
from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.models import AuditEvent
from carecoord.services import referrals, team
from carecoord.services.actor import Actor
from carecoord.services.dashboard import add_months, dashboard, measurement_period
from carecoord.services.documents import DocumentUpload, attach_document
from carecoord.services.patients import discharge_patient
from carecoord.services.referrals import AuthorizationInput, ReferralView
from carecoord.services.worklist import WorklistView, worklist_counts
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

TODAY = date.today()
START, END, UNTIL = measurement_period(TODAY)
IN_PERIOD = START + timedelta(days=30)


def send(db: Database, actor: Actor, ref: ReferralView, on: date) -> ReferralView:
    return referrals.transition(
        db, actor, ref.id, "sent", sent_via="fax", on=on, expected_version=ref.version
    )


def report(
    db: Database, actor: Actor, ref: ReferralView, on: date, *, why_none: str | None = None
) -> ReferralView:
    """Walk a sent referral to "report received" on ``on`` (with a filed PDF by default)."""
    ref = referrals.transition(
        db, actor, ref.id, "accepted", on=date.today(), expected_version=ref.version
    )
    ref = referrals.transition(
        db, actor, ref.id, "scheduled", appointment_date=on, expected_version=ref.version
    )
    return referrals.record_report_received(
        db,
        actor,
        ref.id,
        expected_version=ref.version,
        report=None if why_none else DocumentUpload("report.pdf", PDF_BYTES),
        no_report_reason=why_none,
        received_on=on,
    )


def test_measurement_period_is_a_rolling_year_with_referrals_from_its_first_ten_months() -> None:
    assert measurement_period(date(2026, 11, 29)) == (
        date(2025, 11, 30),
        date(2026, 11, 29),
        date(2026, 9, 29),
    )
    assert add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert measurement_period(date(2026, 12, 31))[0] == date(2026, 1, 1)
    assert measurement_period(date(2026, 12, 31))[2] == date(2026, 10, 31)


def test_cms50_counts_each_patient_once_by_their_first_referral(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    psych = new_member(db, physician, "psychiatry")

    # A: first referral closed with a report; a later, open one does not count.
    a = new_patient(db, physician, "Abara", "Ada")
    a1 = send(db, front_desk, new_referral(db, physician, a.id, rehab), IN_PERIOD)
    report(db, front_desk, a1, IN_PERIOD + timedelta(days=20))
    send(db, front_desk, new_referral(db, physician, a.id, psych), IN_PERIOD + timedelta(days=5))

    # B: first referral still open; a later one with a report does not rescue it.
    b = new_patient(db, physician, "Bauer", "Ben")
    b1 = send(db, front_desk, new_referral(db, physician, b.id, rehab), IN_PERIOD)
    b2 = send(db, front_desk, new_referral(db, physician, b.id, psych), IN_PERIOD)
    report(db, front_desk, b2, IN_PERIOD + timedelta(days=10))

    # C: a "report" filed on the referral before it was sent does not close the loop.
    c = new_patient(db, physician, "Chen", "Cai")
    c1 = new_referral(db, physician, c.id, rehab)
    attach_document(
        db,
        front_desk,
        c.id,
        DocumentUpload(
            "old.pdf",
            PDF_BYTES,
            kind="specialist_report",
            received_on=IN_PERIOD - timedelta(days=5),
        ),
        referral_id=c1.id,
    )
    c1 = send(db, front_desk, c1, IN_PERIOD)

    # D: closed without a report (a reason instead): in the denominator only.
    d = new_patient(db, physician, "Diaz", "Dora")
    d1 = send(db, front_desk, new_referral(db, physician, d.id, rehab), IN_PERIOD)
    report(db, front_desk, d1, IN_PERIOD + timedelta(days=9), why_none="Specialist retired")

    # E: sent before the period (with a report), and one sent after the 10-month window:
    # not in the measure at all. A draft never sent does not count either.
    e = new_patient(db, physician, "Eze", "Emeka")
    e1 = send(db, front_desk, new_referral(db, physician, e.id, rehab), START - timedelta(days=1))
    report(db, front_desk, e1, START + timedelta(days=3))
    send(db, front_desk, new_referral(db, physician, e.id, psych), TODAY)
    new_referral(db, physician, e.id, rehab)

    loop = dashboard(db, front_desk).loop_closure
    assert (loop.numerator, loop.denominator) == (1, 4)
    assert loop.percentage == pytest.approx(25.0)
    assert (loop.period_start, loop.period_end, loop.referrals_until) == (START, END, UNTIL)
    assert {o.referral_id for o in loop.open_loops} == {b1.id, c1.id, d1.id}
    by_id = {o.referral_id: o for o in loop.open_loops}
    assert by_id[b1.id].recipient_name == "Lena Berg, MD"
    assert by_id[b1.id].sent_on == IN_PERIOD
    assert by_id[b1.id].state == ReferralState.SENT
    assert by_id[d1.id].state == ReferralState.REPORT_RECEIVED


def test_cms50_same_day_tie_goes_to_the_earlier_referral(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    p = new_patient(db, physician)
    first = send(db, front_desk, new_referral(db, physician, p.id, rehab), IN_PERIOD)
    second = send(db, front_desk, new_referral(db, physician, p.id, rehab), IN_PERIOD)
    report(db, front_desk, second, IN_PERIOD + timedelta(days=3))
    loop = dashboard(db, front_desk).loop_closure
    assert (loop.numerator, loop.denominator) == (0, 1)
    assert [o.referral_id for o in loop.open_loops] == [first.id]


def test_empty_clinic(db: Database, physician: Actor) -> None:
    board = dashboard(db, physician)
    assert board.loop_closure.denominator == 0
    assert board.loop_closure.percentage is None
    assert board.open_total == 0 and board.overdue_count == 0
    assert board.team_gap_count == 0 and board.team_gaps == ()


def test_open_and_overdue_counts_match_the_worklist(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    p = new_patient(db, physician)
    new_referral(db, physician, p.id, rehab)
    late = send(db, front_desk, new_referral(db, physician, p.id, rehab), TODAY - timedelta(40))
    send(db, front_desk, new_referral(db, physician, p.id, rehab), TODAY)
    board = dashboard(db, front_desk)
    counts = worklist_counts(db, front_desk)
    assert board.overdue_count == counts[WorklistView.OVERDUE] == 1
    assert [r.id for r in board.overdue] == [late.id]
    assert board.open_count(ReferralState.DRAFT) == counts[WorklistView.TO_SEND] == 1
    assert board.open_count(ReferralState.SENT) == counts[WorklistView.AWAITING_ACCEPTANCE] == 2
    assert board.open_total == 3


def test_care_team_gaps_name_the_missing_core_roles(db: Database, physician: Actor) -> None:
    coordinator = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    psych = new_member(db, physician, "psychiatry")
    complete = new_patient(db, physician, "Able", "Amy")
    partial = new_patient(db, physician, "Baker", "Bo")
    nobody = new_patient(db, physician, "Cole", "Cy")
    discharged_gap = new_patient(db, physician, "Dunn", "Di")
    for member, role in (
        (coordinator, CareTeamRole.COORDINATING_PHYSICIAN),
        (rehab, CareTeamRole.REHABILITATION_SPECIALIST),
        (psych, CareTeamRole.PSYCHIATRIST),
    ):
        team.assign_member(db, physician, complete.id, member.id, role)
    team.assign_member(db, physician, partial.id, coordinator.id, "coordinating_physician")
    ended = team.assign_member(db, physician, partial.id, psych.id, "psychiatrist")
    team.end_membership(db, physician, ended.id, expected_version=ended.version)
    discharge_patient(
        db,
        physician,
        discharged_gap.id,
        on=TODAY,
        reason="Moved away",
        expected_version=discharged_gap.version,
    )

    board = dashboard(db, physician)
    assert board.team_gap_count == 2
    assert [(g.patient_id, g.missing) for g in board.team_gaps] == [
        (
            partial.id,
            (CareTeamRole.REHABILITATION_SPECIALIST, CareTeamRole.PSYCHIATRIST),
        ),
        (nobody.id, tuple(CareTeamRole)[:3]),
    ]


def test_payer_decisions_overdue_by_cms_0057_f(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")
    p = new_patient(db, physician)
    now = datetime.now(UTC)

    def pending(requested: datetime, expedited: bool) -> int:
        ref = new_referral(db, physician, p.id, rehab)
        referrals.update_authorization(
            db,
            front_desk,
            ref.id,
            AuthorizationInput(
                outcome="pending", payer="Acme Health", requested_at=requested, expedited=expedited
            ),
            expected_version=ref.version,
        )
        return ref.id

    late_standard = pending(now - timedelta(days=8), False)
    pending(now - timedelta(days=5), False)  # within 7 days
    late_expedited = pending(now - timedelta(hours=80), True)
    pending(now - timedelta(hours=60), True)  # within 72 h

    board = dashboard(db, front_desk, now=now)
    assert board.decisions_overdue_count == 2
    assert [d.referral_id for d in board.decisions_overdue] == [late_standard, late_expedited]
    first = board.decisions_overdue[0]
    assert first.payer == "Acme Health" and not first.expedited
    assert first.waiting >= timedelta(days=8)


def test_permission_and_one_audit_event(db: Database, physician: Actor, clinician: Actor) -> None:
    with pytest.raises(PermissionDenied):
        dashboard(db, clinician)
    dashboard(db, physician)
    with db.session() as session:
        events = [
            (e.action, e.username, e.detail or "")
            for e in session.scalars(select(AuditEvent).where(AuditEvent.entity == "Dashboard"))
        ]
    assert [(action, who) for action, who, _ in events] == [("read", "drlee")]
    assert events[0][2].startswith("dashboard")
