"""Due dates written out by hand: every priority from starts on weekdays, weekends, US
public holidays and clinic closures (docs/clinical-reference.md §2.2 and §2.3).

Each expected date was counted on a 2026/2027 calendar, not computed with the code:
stat / asap / urgent add 1 / 2 / 4 calendar days; routine adds 15 business days (10 for
psychology and social work), counting from the day after the start and skipping
weekends, public holidays and closure dates. The report is due 14 calendar days after
the visit.

US federal holidays used: 2026-01-19 (Martin Luther King Jr. Day), 2026-05-25 (Memorial
Day), 2026-06-19 (Juneteenth, a Friday), 2026-07-03 (Independence Day observed: July 4
is a Saturday), 2026-11-26 (Thanksgiving), 2026-12-25 (Christmas), 2027-01-01 (New
Year). California adds 2026-11-27, the day after Thanksgiving.
"""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.clinical.referral_workflow import (
    Calendar,
    Details,
    Event,
    Facts,
    Settings,
    apply,
    appointment_target,
    report_target,
)
from carecoord.clinical.vocabulary import Discipline, Priority, ReferralState, SendMethod

D = date
US = Settings()
CALIFORNIA = Settings(calendar=Calendar("US", "CA"))
CLOSED_JUNE_16_17 = Settings(
    calendar=Calendar(closures=frozenset({D(2026, 6, 16), D(2026, 6, 17)}))
)
SETTINGS = {"US": US, "US-CA": CALIFORNIA, "US+closure": CLOSED_JUNE_16_17}

SURGERY = Discipline.NEUROSURGERY  # a physician specialty: 15 business days
PSYCHIATRY = Discipline.PSYCHIATRY  # physician mental health: also 15
PSYCHOLOGY = Discipline.PSYCHOLOGY  # non-physician mental health: 10
SOCIAL_WORK = Discipline.SOCIAL_WORK  # non-physician mental health: 10

ST, AS, UR, RO = Priority.STAT, Priority.ASAP, Priority.URGENT, Priority.ROUTINE

# (start, calendar, priority, discipline, expected due date)
TABLE = [
    # Friday 2026-07-03: Independence Day observed (July 4 is a Saturday).
    (D(2026, 7, 3), "US", ST, SURGERY, D(2026, 7, 4)),  # calendar days: a Saturday is fine
    (D(2026, 7, 3), "US", AS, SURGERY, D(2026, 7, 5)),
    (D(2026, 7, 3), "US", UR, SURGERY, D(2026, 7, 7)),
    (D(2026, 7, 3), "US", RO, SURGERY, D(2026, 7, 24)),
    (D(2026, 7, 3), "US", RO, PSYCHIATRY, D(2026, 7, 24)),
    (D(2026, 7, 3), "US", RO, PSYCHOLOGY, D(2026, 7, 17)),
    # Saturday 2026-11-21, Thanksgiving the Thursday after.
    (D(2026, 11, 21), "US", ST, SURGERY, D(2026, 11, 22)),
    (D(2026, 11, 21), "US", AS, SURGERY, D(2026, 11, 23)),
    (D(2026, 11, 21), "US", UR, SURGERY, D(2026, 11, 25)),
    (D(2026, 11, 21), "US", RO, SURGERY, D(2026, 12, 14)),
    (D(2026, 11, 21), "US", RO, PSYCHOLOGY, D(2026, 12, 7)),
    # Wednesday 2026-11-25: federal calendar against California's extra Friday.
    (D(2026, 11, 25), "US", RO, SOCIAL_WORK, D(2026, 12, 10)),
    (D(2026, 11, 25), "US-CA", RO, SOCIAL_WORK, D(2026, 12, 11)),
    (D(2026, 11, 25), "US-CA", UR, SOCIAL_WORK, D(2026, 11, 29)),  # calendar days ignore it
    # Wednesday 2026-12-23: Christmas (Friday) and New Year (Friday 2027-01-01).
    (D(2026, 12, 23), "US", ST, SURGERY, D(2026, 12, 24)),
    (D(2026, 12, 23), "US", UR, SURGERY, D(2026, 12, 27)),
    (D(2026, 12, 23), "US", RO, SURGERY, D(2027, 1, 15)),
    (D(2026, 12, 23), "US", RO, PSYCHOLOGY, D(2027, 1, 8)),
    # Sunday 2026-01-18, Martin Luther King Jr. Day the next day.
    (D(2026, 1, 18), "US", AS, PSYCHOLOGY, D(2026, 1, 20)),
    (D(2026, 1, 18), "US", RO, PSYCHOLOGY, D(2026, 2, 2)),
    (D(2026, 1, 18), "US", RO, SURGERY, D(2026, 2, 9)),
    # Friday 2026-05-22, Memorial Day the Monday after.
    (D(2026, 5, 22), "US", ST, SURGERY, D(2026, 5, 23)),
    (D(2026, 5, 22), "US", UR, SURGERY, D(2026, 5, 26)),
    (D(2026, 5, 22), "US", RO, SURGERY, D(2026, 6, 15)),
    (D(2026, 5, 22), "US", RO, PSYCHOLOGY, D(2026, 6, 8)),
    # Monday 2026-06-15, clinic closed 16-17 June, Juneteenth Friday, July 3 observed.
    (D(2026, 6, 15), "US+closure", RO, SURGERY, D(2026, 7, 10)),
    (D(2026, 6, 15), "US+closure", RO, PSYCHOLOGY, D(2026, 7, 2)),
    (D(2026, 6, 15), "US+closure", AS, PSYCHOLOGY, D(2026, 6, 17)),  # closures: calendar
    (D(2026, 6, 15), "US", RO, PSYCHOLOGY, D(2026, 6, 30)),  # the same start, no closure
]


def _id(row: tuple[date, str, Priority, Discipline, date]) -> str:
    start, calendar, priority, discipline, _ = row
    return f"{start:%Y-%m-%d-%a}-{calendar}-{priority.value}-{discipline.value}"


@pytest.mark.parametrize(
    ("start", "calendar", "priority", "discipline", "due"), TABLE, ids=map(_id, TABLE)
)
def test_appointment_target(
    start: date, calendar: str, priority: Priority, discipline: Discipline, due: date
) -> None:
    assert appointment_target(start, priority, discipline, SETTINGS[calendar]) == due


@pytest.mark.parametrize(
    ("start", "calendar", "priority", "discipline", "due"), TABLE, ids=map(_id, TABLE)
)
def test_sending_sets_the_written_due_date(
    start: date, calendar: str, priority: Priority, discipline: Discipline, due: date
) -> None:
    """Marking a draft sent on ``start`` stores the same target as its due date."""
    draft = Facts(state=ReferralState.DRAFT, priority=priority, discipline=discipline)
    details = Details(Event.SEND, on=start, sent_via=SendMethod.FAX)
    moved = apply(draft, details, today=start, settings=SETTINGS[calendar])
    assert moved.changes["appointment_due"] == due
    assert moved.changes["due_on"] == due


@pytest.mark.parametrize(
    ("seen_on", "due"),
    [
        (D(2026, 12, 24), D(2027, 1, 7)),  # across the new year; holidays do not matter
        (D(2026, 2, 15), D(2026, 3, 1)),  # 2026 has no 29 February
        (D(2028, 2, 15), D(2028, 2, 29)),  # 2028 does
        (D(2026, 11, 21), D(2026, 12, 5)),  # a Saturday visit, a Saturday due date
    ],
)
def test_report_target(seen_on: date, due: date) -> None:
    assert report_target(seen_on, US) == due
