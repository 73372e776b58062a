"""Headache rules for neurology referrals: medication-overuse risk and ICHD-3 1.1 criteria."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from carecoord.errors import ValidationError

OVERUSE_POSSIBLE_DAYS: Final = 10
OVERUSE_LIKELY_DAYS: Final = 15
MIN_ATTACKS: Final = 5
MIN_HOURS: Final = 4.0
MIN_HOURS_UNDER_18: Final = 2.0
MAX_HOURS: Final = 72.0


def _whole(value: object, field: str, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be a whole number (got {value!r})")
    if value < low or (high is not None and value > high):
        bounds = f"{low}-{high}" if high is not None else f">= {low}"
        raise ValidationError(field, f"must be {bounds} (got {value})")
    return value


def medication_overuse_risk(acute_medication_days_per_month: int) -> str:
    """Grade the risk of medication-overuse headache (ICHD-3 8.2).

    ICHD-3 sets the overuse threshold at >= 10 days a month for triptans, ergots,
    opioids and combination analgesics and at >= 15 days for simple analgesics;
    without knowing the drug class, 10-14 days is "possible" and 15+ "likely".

    Args:
        acute_medication_days_per_month: Days in a month with acute medication, 0-31.

    Returns:
        "none" (< 10), "possible" (10-14) or "likely" (>= 15).

    Raises:
        ValidationError: Not a whole number 0-31.
    """
    days = _whole(acute_medication_days_per_month, "acute_medication_days_per_month", 0, 31)
    if days >= OVERUSE_LIKELY_DAYS:
        return "likely"
    if days >= OVERUSE_POSSIBLE_DAYS:
        return "possible"
    return "none"


@dataclass(frozen=True, slots=True)
class MigraineCriteria:
    """Answers for ICHD-3 1.1 migraine without aura, criteria A-D.

    Criterion E ("not better accounted for by another ICHD-3 diagnosis") is the
    clinician's judgement and is not checked. ``duration_hours_min``/``_max`` are
    the usual shortest and longest (untreated or unsuccessfully treated) attacks.
    """

    attacks: int
    duration_hours_min: float
    duration_hours_max: float
    unilateral: bool
    pulsating: bool
    moderate_or_severe: bool
    aggravated_by_activity: bool
    nausea_or_vomiting: bool
    photophobia_and_phonophobia: bool
    under_18: bool = False

    def __post_init__(self) -> None:
        _whole(self.attacks, "attacks", 0, None)
        for name in ("duration_hours_min", "duration_hours_max"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValidationError(name, f"must be a number of hours >= 0 (got {value!r})")
        if self.duration_hours_min > self.duration_hours_max:
            raise ValidationError("duration_hours_min", "must not exceed duration_hours_max")

    def unmet(self) -> tuple[str, ...]:
        """Return the letters (A-D) of the criteria not fulfilled, empty when all are."""
        shortest = MIN_HOURS_UNDER_18 if self.under_18 else MIN_HOURS
        characteristics = sum(
            (self.unilateral, self.pulsating, self.moderate_or_severe, self.aggravated_by_activity)
        )
        checks = (
            ("A", self.attacks >= MIN_ATTACKS),
            ("B", shortest <= self.duration_hours_min and self.duration_hours_max <= MAX_HOURS),
            ("C", characteristics >= 2),
            ("D", self.nausea_or_vomiting or self.photophobia_and_phonophobia),
        )
        return tuple(letter for letter, ok in checks if not ok)

    @property
    def met(self) -> bool:
        """True when criteria A-D are all fulfilled."""
        return not self.unmet()


def meets_migraine_without_aura(
    attacks: int,
    duration_hours_min: float,
    duration_hours_max: float,
    unilateral: bool,
    pulsating: bool,
    moderate_or_severe: bool,
    aggravated_by_activity: bool,
    nausea_or_vomiting: bool,
    photophobia_and_phonophobia: bool,
    *,
    under_18: bool = False,
) -> bool:
    """Check ICHD-3 1.1 migraine without aura, criteria A-D.

    A: at least 5 attacks; B: lasting 4-72 h (2-72 h under 18, ICHD-3 note);
    C: at least 2 of unilateral, pulsating, moderate/severe, aggravated by routine
    activity; D: nausea and/or vomiting, or photophobia and phonophobia.

    Args:
        attacks: Number of attacks so far.
        duration_hours_min: Usual shortest attack, hours.
        duration_hours_max: Usual longest attack, hours.
        unilateral: Unilateral location.
        pulsating: Pulsating quality.
        moderate_or_severe: Moderate or severe intensity.
        aggravated_by_activity: Aggravated by or causing avoidance of routine activity.
        nausea_or_vomiting: Nausea and/or vomiting during the headache.
        photophobia_and_phonophobia: Both photophobia and phonophobia.
        under_18: Patient is a child or adolescent.

    Returns:
        True when A-D are met (E is left to the clinician).

    Raises:
        ValidationError: Negative counts or durations, or min above max.
    """
    return MigraineCriteria(
        attacks=attacks,
        duration_hours_min=duration_hours_min,
        duration_hours_max=duration_hours_max,
        unilateral=unilateral,
        pulsating=pulsating,
        moderate_or_severe=moderate_or_severe,
        aggravated_by_activity=aggravated_by_activity,
        nausea_or_vomiting=nausea_or_vomiting,
        photophobia_and_phonophobia=photophobia_and_phonophobia,
        under_18=under_18,
    ).met


def validate_profile(
    attacks_per_month: int,
    headache_days_per_month: int,
    acute_medication_days_per_month: int,
) -> None:
    """Check a headache profile's monthly counts.

    Attacks may exceed 31 (cluster headache can strike several times a day);
    days cannot. Acute-medication days are not tied to headache days (some
    patients take them pre-emptively).

    Args:
        attacks_per_month: Attacks in a month, >= 0.
        headache_days_per_month: Days with headache, 0-31.
        acute_medication_days_per_month: Days with acute medication, 0-31.

    Raises:
        ValidationError: A ValueError naming the first bad field.
    """
    _whole(attacks_per_month, "attacks_per_month", 0, None)
    _whole(headache_days_per_month, "headache_days_per_month", 0, 31)
    _whole(acute_medication_days_per_month, "acute_medication_days_per_month", 0, 31)
