"""Headache rules for neurology referrals: medication overuse by drug class (ICHD-3 8.2),
SNNOOP10 red flags and the ICHD-3 1.1 migraine criteria (docs/clinical-reference.md §6)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from carecoord.clinical.vocabulary import LabelledEnum
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
    """Grade the risk of medication-overuse headache when the drug class is not known.

    ICHD-3 sets the overuse threshold at >= 10 days a month for triptans, ergots,
    opioids and combination analgesics and at >= 15 days for simple analgesics;
    without knowing the drug class, 10-14 days is "possible" and 15+ "likely".
    :func:`overuse_risk` applies the class thresholds when the days per class are known.

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
    days_by_class: Mapping[AcuteDrugClass, int | None] | None = None,
) -> None:
    """Check a headache profile's monthly counts.

    Attacks may exceed 31 (cluster headache can strike several times a day);
    days cannot. Acute-medication days are not tied to headache days: they are
    counted differently (a tablet taken at the start of an aura, or pre-emptively)
    and often exceed them. A day with two drugs counts once in the total, so no
    class can have more days than the total.

    Args:
        attacks_per_month: Attacks in a month, >= 0.
        headache_days_per_month: Days with headache, 0-31.
        acute_medication_days_per_month: Days with acute medication, 0-31.
        days_by_class: Days per drug class, 0-31 each; None means not recorded.

    Raises:
        ValidationError: A ValueError naming the first bad field.
    """
    _whole(attacks_per_month, "attacks_per_month", 0, None)
    _whole(headache_days_per_month, "headache_days_per_month", 0, 31)
    total = _whole(acute_medication_days_per_month, "acute_medication_days_per_month", 0, 31)
    for drug_class, value in (days_by_class or {}).items():
        if value is None:
            continue
        days = _whole(value, drug_class.field, 0, 31)
        if days > total:
            raise ValidationError(
                drug_class.field,
                f"{drug_class.label} on {days} days cannot exceed the {total} "
                "acute-medication days a month (a day counts once however many drugs)",
            )


# ------------------------------------------------------------ overuse by drug class
CHRONIC_HEADACHE_DAYS: Final = 15
"""ICHD-3 8.2 criterion A: headache on >= 15 days a month in a patient with a headache."""
MULTIPLE_CLASSES_DAYS: Final = 10
"""ICHD-3 8.2.6: several classes, none overused alone, on >= 10 days a month in total."""


class AcuteDrugClass(LabelledEnum):
    """The acute (symptomatic) headache drug classes ICHD-3 8.2 counts separately."""

    TRIPTAN = "triptan", "Triptans"
    ERGOT = "ergot", "Ergots"
    OPIOID = "opioid", "Opioids"
    COMBINATION_ANALGESIC = "combination_analgesic", "Combination analgesics"
    SIMPLE_ANALGESIC = "simple_analgesic", "Simple analgesics / NSAIDs"

    @property
    def field(self) -> str:
        """The headache-profile field holding this class's days a month."""
        return f"{self.value}_days_per_month"


OVERUSE_DAYS: Final[dict[AcuteDrugClass, int]] = {
    AcuteDrugClass.TRIPTAN: 10,
    AcuteDrugClass.ERGOT: 10,
    AcuteDrugClass.OPIOID: 10,
    AcuteDrugClass.COMBINATION_ANALGESIC: 10,
    AcuteDrugClass.SIMPLE_ANALGESIC: 15,
}
"""ICHD-3 8.2 overuse thresholds, days a month (regular use for more than 3 months)."""

ICHD3_SUBTYPE: Final[dict[AcuteDrugClass, str]] = {
    AcuteDrugClass.ERGOT: "8.2.1",
    AcuteDrugClass.TRIPTAN: "8.2.2",
    AcuteDrugClass.SIMPLE_ANALGESIC: "8.2.3",
    AcuteDrugClass.OPIOID: "8.2.4",
    AcuteDrugClass.COMBINATION_ANALGESIC: "8.2.5",
}


@dataclass(frozen=True, slots=True)
class OveruseRisk:
    """The medication-overuse grade and the reasons behind it, in words for the chart.

    ``level`` is "none", "possible" or "likely": "likely" when a class (or several
    together) reach the ICHD-3 8.2 threshold and headache is present on >= 15 days;
    "possible" when the medication threshold is reached with fewer headache days (or,
    with no class recorded, on 10-14 acute-medication days).
    """

    level: str
    reasons: tuple[str, ...]


def _days(value: object, field: str) -> int:
    return _whole(value, field, 0, 31)


def overuse_risk(
    acute_medication_days_per_month: int,
    days_by_class: Mapping[AcuteDrugClass, int | None],
    headache_days_per_month: int,
) -> OveruseRisk:
    """Grade medication-overuse risk by drug class (ICHD-3 8.2).

    Triptans, ergots, opioids and combination analgesics count from 10 days a month,
    simple analgesics and NSAIDs from 15 (8.2.1-8.2.5); several classes none of which is
    overused alone count from 10 days in total (8.2.6). Without any class recorded the
    class-blind grading of :func:`medication_overuse_risk` applies.

    Args:
        acute_medication_days_per_month: Days with any acute medication, 0-31.
        days_by_class: Days per class, 0-31; None or missing means not recorded.
        headache_days_per_month: Days with headache, 0-31.

    Returns:
        The level and the reasons, e.g. ``("likely", ("Triptans on 12 days a month
        (>= 10, ICHD-3 8.2.2)", ...))``.

    Raises:
        ValidationError: A count that is not a whole number 0-31, or an unknown class.
    """
    total = _days(acute_medication_days_per_month, "acute_medication_days_per_month")
    headache_days = _days(headache_days_per_month, "headache_days_per_month")
    recorded: dict[AcuteDrugClass, int] = {}
    for key, value in days_by_class.items():
        try:
            drug_class = AcuteDrugClass(key)
        except ValueError:
            raise ValidationError("drug_class", f"unknown acute drug class {key!r}") from None
        if value is not None:
            recorded[drug_class] = _days(value, drug_class.field)
    if not any(recorded.values()):
        level = medication_overuse_risk(total)
        if level == "none":
            return OveruseRisk("none", ())
        return OveruseRisk(
            level,
            (
                f"Acute medication on {total} days a month, drug class not recorded "
                "(>= 10 days for triptans, ergots, opioids or combination analgesics, "
                ">= 15 for simple analgesics)",
            ),
        )
    reasons = [
        f"{c.label} on {recorded[c]} days a month (>= {OVERUSE_DAYS[c]}, ICHD-3 {ICHD3_SUBTYPE[c]})"
        for c in AcuteDrugClass
        if recorded.get(c, 0) >= OVERUSE_DAYS[c]
    ]
    used = [c for c in AcuteDrugClass if recorded.get(c, 0) > 0]
    if not reasons and len(used) >= 2 and total >= MULTIPLE_CLASSES_DAYS:
        names = ", ".join(c.label.lower() for c in used)
        reasons.append(
            f"Several classes ({names}) on {total} days a month in total "
            f"(>= {MULTIPLE_CLASSES_DAYS}, ICHD-3 8.2.6)"
        )
    if not reasons:
        return OveruseRisk("none", ())
    if headache_days >= CHRONIC_HEADACHE_DAYS:
        return OveruseRisk("likely", tuple(reasons))
    reasons.append(
        f"Headache on {headache_days} days a month (ICHD-3 8.2 needs >= {CHRONIC_HEADACHE_DAYS})"
    )
    return OveruseRisk("possible", tuple(reasons))


# --------------------------------------------------------------------- red flags
class RedFlag(LabelledEnum):
    """SNNOOP10 red and orange flags for secondary headache (Do et al., Neurology 2019), in
    the paper's order and our words."""

    SYSTEMIC = "systemic", "Systemic symptoms, including fever"
    NEOPLASM = "neoplasm", "Neoplasm in the history"
    NEUROLOGICAL_DEFICIT = "neurological_deficit", "Neurological deficit or reduced consciousness"
    SUDDEN_ONSET = "sudden_onset", "Sudden or abrupt (thunderclap) onset"
    OLDER_AGE = "older_age", "Onset after age 50"
    PATTERN_CHANGE = "pattern_change", "Pattern change or recent onset of headache"
    POSITIONAL = "positional", "Positional headache"
    PRECIPITATED = "precipitated", "Precipitated by sneezing, coughing or exercise"
    PAPILLOEDEMA = "papilloedema"
    PROGRESSIVE = "progressive", "Progressive headache or atypical presentation"
    PREGNANCY = "pregnancy", "Pregnancy or puerperium"
    PAINFUL_EYE = "painful_eye", "Painful eye with autonomic features"
    POST_TRAUMATIC = "post_traumatic", "Post-traumatic onset"
    IMMUNE = "immune", "Immune disorder (e.g. HIV, immunosuppression)"
    PAINKILLER_OVERUSE = "painkiller_overuse", "Painkiller overuse or a new drug at onset"


def red_flags(values: Iterable[RedFlag | str]) -> tuple[RedFlag, ...]:
    """The flags named, each once, in SNNOOP10 order.

    Args:
        values: Flag values as stored or chosen, e.g. ``["sudden_onset", "papilloedema"]``.

    Returns:
        The flags in the published order.

    Raises:
        ValidationError: On field ``"red_flags"`` for an unknown flag.
    """
    chosen: set[RedFlag] = set()
    for value in values:
        try:
            chosen.add(RedFlag(value))
        except ValueError:
            raise ValidationError("red_flags", f"unknown headache red flag {value!r}") from None
    return tuple(flag for flag in RedFlag if flag in chosen)
