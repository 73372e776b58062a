"""Due dates for referrals: the clinic's time targets, its working calendar and the
appointment and report targets they give (docs/clinical-reference.md §2).

Below both ``referral_rules`` and ``referral_workflow`` (and the intake workflow), which
re-export these names, so the rules and the workflow share one piece without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import holidays as holiday_data

from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.errors import ValidationError

# ------------------------------------------------------------------------ time targets

MENTAL_HEALTH_DISCIPLINES: Final = frozenset({Discipline.PSYCHOLOGY, Discipline.SOCIAL_WORK})
"""Non-physician mental health (psychology / counselling): the shorter routine target."""


@dataclass(frozen=True, slots=True)
class Targets:
    """Default time targets (editable in settings), after California's timely-access rule."""

    stat_days: int = 1
    asap_days: int = 2
    urgent_days: int = 4
    routine_business_days: int = 15
    routine_mental_health_business_days: int = 10
    report_days: int = 14

    def __post_init__(self) -> None:
        for name in (
            "stat_days",
            "asap_days",
            "urgent_days",
            "routine_business_days",
            "routine_mental_health_business_days",
            "report_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(name, f"must be a whole number of days >= 0 (got {value!r})")


# ------------------------------------------------------------------------- calendar
@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    try:
        found = holiday_data.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        raise ValidationError(
            "holiday_country", f"no public-holiday calendar for {country!r} {subdivision!r}"
        ) from None
    return frozenset(found.keys())


def check_holiday_region(country: str, subdivision: str = "") -> None:
    """Refuse a country or subdivision the ``holidays`` package does not know.

    Raises:
        ValidationError: Unknown country or subdivision.
    """
    _public_holidays(country, subdivision, 2026)


@dataclass(frozen=True)
class Calendar:
    """The clinic's working days: weekdays minus public holidays and closure dates."""

    country: str = "US"
    subdivision: str = ""
    closures: frozenset[date] = frozenset()

    def is_business_day(self, day: date) -> bool:
        """Tell whether the clinic (and the specialist's office) works on ``day``."""
        if day.weekday() >= 5 or day in self.closures:
            return False
        return day not in _public_holidays(self.country, self.subdivision, day.year)

    def add_business_days(self, start: date, n: int) -> date:
        """Return the ``n``-th business day after ``start`` (``start`` itself not counted).

        Raises:
            ValidationError: Negative ``n``.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationError("n", f"must be a whole number >= 0 (got {n!r})")
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day


@dataclass(frozen=True)
class Settings:
    """The clinic settings the workflow needs: time targets and the working calendar."""

    targets: Targets = field(default_factory=Targets)
    calendar: Calendar = field(default_factory=Calendar)


def appointment_target(
    start: date, priority: Priority, discipline: Discipline, settings: Settings
) -> date:
    """The last day an appointment is on time, counted from ``start``.

    stat / asap / urgent count calendar days (hours in the source rule); routine counts
    business days, fewer for non-physician mental health.
    """
    t = settings.targets
    if priority is Priority.STAT:
        return start + timedelta(days=t.stat_days)
    if priority is Priority.ASAP:
        return start + timedelta(days=t.asap_days)
    if priority is Priority.URGENT:
        return start + timedelta(days=t.urgent_days)
    days = (
        t.routine_mental_health_business_days
        if discipline in MENTAL_HEALTH_DISCIPLINES
        else t.routine_business_days
    )
    return settings.calendar.add_business_days(start, days)


def report_target(seen_on: date, settings: Settings) -> date:
    """The last day the specialist's report is on time (calendar days after the visit)."""
    return seen_on + timedelta(days=settings.targets.report_days)
