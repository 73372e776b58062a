"""CMS50's own measurement period beside the rolling 12 months (docs/clinical-reference.md §2).

The eCQM measures a calendar year and counts each patient's first referral made from
January 1 to October 31; the rolling view covers the 12 months ending today with
referrals from its first ten months. Measured here on 2025-12-15:

* calendar 2025: referrals 2025-01-01 .. 2025-10-31, reports to 2025-12-15;
* rolling: period 2024-12-16 .. 2025-12-15, referrals 2024-12-16 .. 2025-10-15.
"""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.db import Database
from carecoord.services import referrals
from carecoord.services.actor import Actor
from carecoord.services.dashboard import (
    calendar_measurement_period,
    dashboard,
    measurement_period,
)
from carecoord.services.documents import DocumentUpload
from carecoord.services.referrals import ReferralView
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

ON = date(2025, 12, 15)


def _send(db: Database, actor: Actor, ref: ReferralView, on: date) -> ReferralView:
    return referrals.transition(
        db, actor, ref.id, "sent", sent_via="fax", on=on, expected_version=ref.version
    )


def _report(db: Database, actor: Actor, ref: ReferralView, on: date) -> None:
    ref = referrals.transition(db, actor, ref.id, "accepted", on=on, expected_version=ref.version)
    ref = referrals.transition(
        db, actor, ref.id, "scheduled", appointment_date=on, expected_version=ref.version
    )
    referrals.record_report_received(
        db,
        actor,
        ref.id,
        expected_version=ref.version,
        report=DocumentUpload("report.pdf", PDF_BYTES),
        received_on=on,
    )


def test_the_calendar_period_of_the_measure() -> None:
    assert calendar_measurement_period(ON) == (
        date(2025, 1, 1),
        date(2025, 12, 15),
        date(2025, 10, 31),
    )
    assert calendar_measurement_period(date(2026, 3, 2)) == (
        date(2026, 1, 1),
        date(2026, 3, 2),
        date(2026, 10, 31),
    )
    assert measurement_period(ON) == (date(2024, 12, 16), date(2025, 12, 15), date(2025, 10, 15))


def test_calendar_and_rolling_views_count_their_own_referrals(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    rehab = new_member(db, physician, "physical_rehabilitation", "Berg", "Lena")

    def referral(name: str, sent_on: date) -> ReferralView:
        patient = new_patient(db, physician, name, "Test")
        return _send(db, front_desk, new_referral(db, physician, patient.id, rehab), sent_on)

    # P1 sent 2025-01-10, report 2025-02-01: closed in both views.
    _report(db, front_desk, referral("Pone", date(2025, 1, 10)), date(2025, 2, 1))
    # P2 sent on October 31, no report: calendar denominator only; after the rolling window.
    p2 = referral("Ptwo", date(2025, 10, 31))
    # P3 sent 2024-12-20, report 2025-01-05: rolling numerator; not in calendar 2025.
    _report(db, front_desk, referral("Pthree", date(2024, 12, 20)), date(2025, 1, 5))
    # P4 sent 2025-10-20, report 2025-11-02: calendar numerator; after the rolling window.
    _report(db, front_desk, referral("Pfour", date(2025, 10, 20)), date(2025, 11, 2))
    # P5 sent 2025-11-01: after October 31 and after the rolling window; in neither.
    referral("Pfive", date(2025, 11, 1))
    # P6: first referral 2025-02-01 still open; a later one with a report does not count.
    p6_patient = new_patient(db, physician, "Psix", "Test")
    p6 = _send(db, front_desk, new_referral(db, physician, p6_patient.id, rehab), date(2025, 2, 1))
    later = _send(
        db, front_desk, new_referral(db, physician, p6_patient.id, rehab), date(2025, 3, 1)
    )
    _report(db, front_desk, later, date(2025, 3, 20))

    board = dashboard(db, front_desk, on=ON)
    calendar = board.loop_closure_calendar
    # calendar 2025: P1, P2, P4, P6 in the denominator; P1 and P4 closed
    assert (calendar.numerator, calendar.denominator) == (2, 4)
    assert calendar.percentage == pytest.approx(50.0)
    assert calendar.period == "calendar"
    assert calendar.label == "CMS50 period: calendar year 2025 so far"
    assert {o.referral_id for o in calendar.open_loops} == {p2.id, p6.id}
    # rolling: P1, P3, P6 in the denominator; P1 and P3 closed
    rolling = board.loop_closure
    assert (rolling.numerator, rolling.denominator) == (2, 3)
    assert rolling.percentage == pytest.approx(66.666, abs=0.001)
    assert rolling.label == "rolling 12 months"
    assert {o.referral_id for o in rolling.open_loops} == {p6.id}


def test_a_finished_year_is_not_so_far(db: Database, physician: Actor) -> None:
    board = dashboard(db, physician, on=date(2025, 12, 31))
    assert board.loop_closure_calendar.label == "CMS50 period: calendar year 2025"
