"""Does a referral's text or a plan activity fit the chart it sits in? Pure rules.

A pain physician reading a chart notices at once a question about a drug the patient
does not take, a headache question for a back-pain patient, a psychiatry referral
without a mental-health reason or a genicular nerve block in a migraine plan. These
rules say so in words; the demo builder uses them to pick texts that fit each fictional
patient, and the demo coherence checker (carecoord/demo/check.py) uses them to prove
that it did. Activity sites follow the plan modalities of docs/clinical-reference.md §8.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final

from carecoord.clinical import drugs
from carecoord.clinical.drugs import DrugClass
from carecoord.clinical.vocabulary import Discipline

D = Discipline

DISCIPLINE_MISMATCH: Final = "discipline_mismatch"
REASON_WITHOUT_FINDING: Final = "reason_without_finding"
SELF_HARM_WITHOUT_PHQ9: Final = "self_harm_without_phq9_item9"
DRUG_NOT_TAKEN: Final = "drug_not_taken"
PSYCHIATRY_WITHOUT_REASON: Final = "psychiatry_without_reason"
ACTIVITY_DIAGNOSIS_MISMATCH: Final = "activity_diagnosis_mismatch"
TAPER_IN_OUD: Final = "taper_in_oud"
TRIAL_OF_CURRENT_DRUG: Final = "trial_of_current_drug"

HEADACHE: Final = ("G43", "G44", "R51")
LUMBAR: Final = ("M54.1", "M54.4", "M54.5", "M51", "M48.06", "M96.1", "M47.816", "M47.817")
CERVICAL: Final = ("M54.2", "M50", "M47.812", "M53.0")
NEUROPATHIC: Final = ("M54.1", "M96.1", "G62", "G63", "G90.5", "G57", "G56", "E11.4", "B02.2")
DEPRESSION: Final = ("F32", "F33", "F34")
ANXIETY: Final = ("F41", "F40", "F43")
OUD: Final = ("F11",)
PHQ9_POSITIVE: Final = 10
GAD7_POSITIVE: Final = 10


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TEXT_DISCIPLINES: Final[tuple[tuple[re.Pattern[str], frozenset[Discipline]], ...]] = (
    (_re(r"\bCBT\b|psychotherap|acceptance and commitment"),
     frozenset({D.PSYCHOLOGY, D.PSYCHIATRY, D.PAIN_REHABILITATION_PROGRAM})),
    (_re(r"acupuncture|chiropract|massage"), frozenset({D.COMPLEMENTARY_MEDICINE})),
    (_re(r"epidural|radiofrequency|nerve block|facet injection|medial branch"),
     frozenset({D.ANESTHESIOLOGY, D.PAIN_MEDICINE})),
    (_re(r"spinal cord stimulat|surgical|surgery"),
     frozenset({D.NEUROSURGERY, D.ANESTHESIOLOGY, D.PAIN_MEDICINE, D.OTHER_SPECIALIST})),
    (_re(r"nerve conduction|headache diagnosis"), frozenset({D.NEUROLOGY_HEADACHE})),
    (_re(r"graded activity|strengthening|home (exercise )?programme"),
     frozenset({D.PHYSICAL_THERAPY, D.PHYSICAL_REHABILITATION})),
    (_re(r"disability benefits|housing|transport to"), frozenset({D.SOCIAL_WORK})),
    (_re(r"work restrictions|return to work|graded return"),
     frozenset({D.OCCUPATIONAL_HEALTH, D.PHYSICAL_REHABILITATION})),
    (_re(r"psychotropic|depressive disorder"), frozenset({D.PSYCHIATRY})),
    (_re(r"opioid taper|interdisciplinary programme"),
     frozenset({D.PAIN_REHABILITATION_PROGRAM, D.PAIN_MEDICINE})),
    (_re(r"blood pressure|renal function"), frozenset({D.INTERNAL_MEDICINE})),
)  # fmt: skip
"""Words that name what only some disciplines do (a CBT course is not a surgeon's)."""

SELF_HARM: Final = _re(r"self[- ]harm|suicid")
POSITIVE_PHQ9: Final = _re(r"positive PHQ-9|PHQ-9 screen")
LOW_MOOD: Final = _re(r"low mood|\bdepress")  # not "antidepressant"
ANXIOUS: Final = _re(r"anxiety|anxious")

CHART_FINDINGS: Final[tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...]] = (
    (_re(r"headache|migraine"), HEADACHE, "a headache diagnosis (G43/G44)"),
    (_re(r"radicular|radiculopathy|sciatica"), ("M54.1", "M54.4", "M96.1", "M51.1"),
     "a radiculopathy diagnosis"),
    (_re(r"opioid dependence|opioid use disorder"), OUD, "an opioid use disorder (F11)"),
    (_re(r"numbness|burning|neuropath"), NEUROPATHIC, "a neuropathic diagnosis"),
)  # fmt: skip
"""Referral words that assert a problem the chart's diagnoses must show."""

DRUG_WORDS: Final[tuple[tuple[re.Pattern[str], frozenset[DrugClass]], ...]] = (
    (_re(r"\bopioids?\b"), frozenset({DrugClass.OPIOID})),
    (_re(r"\bantidepressants?\b"), frozenset({DrugClass.ANTIDEPRESSANT})),
    (_re(r"\bNSAIDs?\b"), frozenset({DrugClass.NSAID})),
    (_re(r"\bbenzodiazepines?\b"), frozenset({DrugClass.BENZODIAZEPINE})),
    (_re(r"\bsedatives?\b"),
     frozenset({DrugClass.BENZODIAZEPINE, DrugClass.SEDATIVE_HYPNOTIC})),
    (_re(r"\bneuropathic agents?\b"),
     frozenset({DrugClass.GABAPENTINOID, DrugClass.ANTIDEPRESSANT, DrugClass.ANTICONVULSANT})),
)  # fmt: skip
"""Drug-class words in a question: the patient should take at least one drug of the class."""
PREVENTIVE: Final = _re(r"\bpreventive (treatment|medication)")
HEADACHE_PREVENTIVES: Final = (
    "topiramate", "amitriptyline", "nortriptyline", "venlafaxine", "propranolol",
    "metoprolol", "candesartan", "valproate", "erenumab", "fremanezumab", "galcanezumab",
    "onabotulinumtoxin",
)  # fmt: skip
"""Headache preventives (AHS 2021 consensus): "despite preventive treatment" needs one."""
TAPER: Final = _re(r"\btaper")
TRIAL: Final = _re(r"\btrial of\b")
STARTING: Final = _re(r"\btrial of\b|\bstart(ing)?\b|\bconsider(ing)?\b")
"""Text about starting a drug, which the patient of course does not take yet."""

ACTIVITY_SITES: Final[tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...]] = (
    (_re(r"occipital"), (*HEADACHE, "M54.2", "M53.0"), "headache or neck pain"),
    (_re(r"lumbar"), LUMBAR, "lumbar spine pain"),
    (_re(r"epidural"), (*LUMBAR, *CERVICAL), "spinal pain"),
    (_re(r"medial branch|facet|radiofrequency"), (*LUMBAR, *CERVICAL), "spinal pain"),
    (_re(r"genicular|\bknee"), ("M17", "M22", "M23", "M25.56"), "knee pain"),
    (_re(r"spinal cord stimulat"), ("M96.1", "M54.1", "G90.5", "G62", "E11.4"),
     "post-laminectomy, radicular, CRPS or neuropathic pain"),
    (_re(r"nerve conduction"), NEUROPATHIC, "neuropathic pain"),
    (_re(r"neuropathic agent"), (*NEUROPATHIC, "M79.7", "G89.3"),
     "neuropathic pain, fibromyalgia or cancer pain"),
    (_re(r"sympathetic|stellate"), ("G90.5",), "complex regional pain syndrome"),
)  # fmt: skip
"""Activity words that belong to a body site or pain type, and the codes that show it."""


@dataclass(frozen=True, slots=True)
class Line:
    """One medication line as the rules need it."""

    drug: str
    start: date | None = None
    stop: date | None = None
    route: str | None = None

    def taken_on(self, day: date) -> bool:
        """Started by ``day`` (or start unknown) and not stopped before it."""
        return (self.start is None or self.start <= day) and (self.stop is None or self.stop >= day)


@dataclass(frozen=True, slots=True)
class Score:
    """A PHQ-9 or GAD-7 result: the day, the total and (PHQ-9) item 9."""

    day: date
    total: int
    item9: int = 0


@dataclass(frozen=True)
class ChartFacts:
    """What the rules read from one chart."""

    codes: tuple[str, ...] = ()
    lines: tuple[Line, ...] = ()
    phq9: tuple[Score, ...] = ()
    gad7: tuple[Score, ...] = ()
    _plain: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plain", tuple(_plain(c) for c in self.codes))

    def has_code(self, prefixes: tuple[str, ...]) -> bool:
        wanted = _plain_prefixes(prefixes)
        return any(code.startswith(wanted) for code in self._plain)

    def drugs_on(self, day: date) -> list[Line]:
        return [line for line in self.lines if line.taken_on(day)]

    def positive_phq9(self, day: date) -> bool:
        return any(s.day <= day and s.total >= PHQ9_POSITIVE for s in self.phq9)

    def self_harm(self, day: date) -> bool:
        return any(s.day <= day and s.item9 > 0 for s in self.phq9)

    def depressed(self, day: date) -> bool:
        return self.has_code(DEPRESSION) or self.positive_phq9(day)

    def anxious(self, day: date) -> bool:
        return self.has_code(ANXIETY) or any(
            s.day <= day and s.total >= GAD7_POSITIVE for s in self.gad7
        )

    def mental_health_reason(self, day: date) -> bool:
        """A psychiatric diagnosis (F codes) or a positive PHQ-9 / GAD-7 by ``day``."""
        return (
            self.has_code(("F",)) or self.depressed(day) or self.anxious(day) or self.self_harm(day)
        )


def _plain(code: str) -> str:
    return code.strip().upper().replace(".", "")


@lru_cache(maxsize=256)
def _plain_prefixes(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_plain(p) for p in prefixes)


def _classes(lines: Iterable[Line]) -> tuple[set[DrugClass], set[str]]:
    classes: set[DrugClass] = set()
    ingredients: set[str] = set()
    for line in lines:
        match = drugs.recognise(line.drug)
        classes |= match.classes
        ingredients |= set(match.ingredients)
    return classes, ingredients


@dataclass(frozen=True, slots=True)
class _Words:
    """What one text names, found once per distinct text (the demo asks millions of times)."""

    disciplines: tuple[tuple[str, frozenset[Discipline]], ...]
    self_harm: bool
    findings: tuple[tuple[tuple[str, ...], str], ...]
    sites: tuple[tuple[tuple[str, ...], str], ...]
    positive_phq9: bool
    low_mood: bool
    anxious: bool
    starting: bool
    taper: bool
    trial: bool
    classes: frozenset[DrugClass]
    named: frozenset[str]
    preventive: bool


@lru_cache(maxsize=4096)
def _words(text: str) -> _Words:
    wanted: set[DrugClass] = set()
    for pattern, word_classes in DRUG_WORDS:
        if pattern.search(text):
            wanted |= word_classes
    return _Words(
        disciplines=tuple(
            (hit.group(0), allowed)
            for pattern, allowed in TEXT_DISCIPLINES
            if (hit := pattern.search(text))
        ),
        self_harm=bool(SELF_HARM.search(text)),
        findings=tuple((p, needs) for pattern, p, needs in CHART_FINDINGS if pattern.search(text)),
        sites=tuple((p, needs) for pattern, p, needs in ACTIVITY_SITES if pattern.search(text)),
        positive_phq9=bool(POSITIVE_PHQ9.search(text)),
        low_mood=bool(LOW_MOOD.search(text)),
        anxious=bool(ANXIOUS.search(text)),
        starting=bool(STARTING.search(text)),
        taper=bool(TAPER.search(text)),
        trial=bool(TRIAL.search(text)),
        classes=frozenset(wanted),
        named=frozenset(drugs.recognise(text).ingredients),
        preventive=bool(PREVENTIVE.search(text)),
    )


def drug_problem(text: str, facts: ChartFacts, day: date) -> str | None:
    """Why ``text`` asks about drugs the patient does not take on ``day`` (None: it fits).

    A text naming drug classes or drugs fits when the patient takes at least one of them
    ("before NSAID or opioid changes" needs an NSAID or an opioid); text about starting a
    drug ("trial of topical lidocaine") always fits.
    """
    if not text:
        return None
    words = _words(text)
    if words.starting or not (words.classes or words.named or words.preventive):
        return None
    taken = facts.drugs_on(day)
    taken_classes, ingredients = _classes(taken)
    if words.classes & taken_classes or words.named & ingredients:
        return None
    if words.preventive and any(
        p in line.drug.lower() for line in taken for p in HEADACHE_PREVENTIVES
    ):
        return None
    asked = sorted(
        {str(c) for c in words.classes}
        | words.named
        | ({"a headache preventive"} if words.preventive else set())
    )
    return f"{text!r} asks about {', '.join(asked)}; none is taken on {day.isoformat()}"


def treatment_problems(text: str, facts: ChartFacts, day: date) -> list[tuple[str, str]]:
    """A taper asked for a patient with an opioid use disorder (CDC 2022 Rec. 12: offer or
    continue treatment for OUD; tapering is not its treatment), or a "trial of" a drug the
    patient already takes on ``day``."""
    words = _words(text)
    found: list[tuple[str, str]] = []
    if words.taper and facts.has_code(OUD):
        found.append(
            (
                TAPER_IN_OUD,
                f"{text!r} for a patient with an opioid use disorder (F11): offer or continue "
                "its treatment instead (CDC 2022 Rec. 12)",
            )
        )
    if words.trial and words.named:
        _, ingredients = _classes(facts.drugs_on(day))
        already = sorted(words.named & ingredients)
        if already:
            found.append(
                (
                    TRIAL_OF_CURRENT_DRUG,
                    f"{text!r} while {', '.join(already)} is taken on {day.isoformat()}",
                )
            )
    return found


def tried_problem(text: str | None, facts: ChartFacts) -> str | None:
    """Drugs named as tried that never were on the medication list."""
    if not text:
        return None
    _, ever = _classes(facts.lines)
    missing = sorted(set(drugs.recognise(text).ingredients) - ever)
    if missing:
        return f"treatments tried name {', '.join(missing)}, never on the medication list"
    return None


def referral_problems(
    facts: ChartFacts,
    discipline: Discipline | str,
    day: date,
    texts: Sequence[str | None],
    *,
    treatments_tried: str | None = None,
) -> list[tuple[str, str]]:
    """(rule, detail) for each way a referral's texts do not fit the chart on ``day``.

    ``texts`` are the reason, clinical question and priority reason (any may be None).
    """
    which = Discipline(discipline)
    found: list[tuple[str, str]] = []
    for text in texts:
        if not text:
            continue
        words = _words(text)
        for hit, allowed in words.disciplines:
            if which not in allowed:
                found.append(
                    (DISCIPLINE_MISMATCH, f"{hit!r} in a {which.label} referral: {text!r}")
                )
        if words.self_harm and not facts.self_harm(day):
            found.append(
                (SELF_HARM_WITHOUT_PHQ9, f"{text!r} but no PHQ-9 item 9 > 0 by {day.isoformat()}")
            )
        for prefixes, needs in words.findings:
            if not facts.has_code(prefixes):
                found.append((REASON_WITHOUT_FINDING, f"{text!r} without {needs}"))
        for prefixes, needs in words.sites:  # "epidural" for a migraine patient
            if not facts.has_code(prefixes):
                found.append((REASON_WITHOUT_FINDING, f"{text!r} needs {needs}"))
        if words.positive_phq9 and not facts.positive_phq9(day):
            found.append((REASON_WITHOUT_FINDING, f"{text!r} without a PHQ-9 total >= 10"))
        if words.low_mood and not facts.depressed(day):
            found.append(
                (REASON_WITHOUT_FINDING, f"{text!r} without depression (F32/F33, PHQ-9 >= 10)")
            )
        if words.anxious and not facts.anxious(day):
            found.append((REASON_WITHOUT_FINDING, f"{text!r} without anxiety (F41, GAD-7 >= 10)"))
        problem = drug_problem(text, facts, day)
        if problem:
            found.append((DRUG_NOT_TAKEN, problem))
        found += treatment_problems(text, facts, day)
    problem = tried_problem(treatments_tried, facts)
    if problem:
        found.append((DRUG_NOT_TAKEN, problem))
    if which is D.PSYCHIATRY and not facts.mental_health_reason(day):
        found.append(
            (
                PSYCHIATRY_WITHOUT_REASON,
                f"psychiatry referral of {day.isoformat()} without an F diagnosis, "
                "PHQ-9 or GAD-7 >= 10 or PHQ-9 item 9 > 0",
            )
        )
    return found


def activity_problems(facts: ChartFacts, description: str, day: date) -> list[tuple[str, str]]:
    """(rule, detail) for an activity that does not fit the diagnoses or the drugs on ``day``."""
    found: list[tuple[str, str]] = []
    for prefixes, needs in _words(description).sites:
        if not facts.has_code(prefixes):
            found.append(
                (ACTIVITY_DIAGNOSIS_MISMATCH, f"{description!r} needs {needs}; codes {facts.codes}")
            )
    problem = drug_problem(description, facts, day)
    if problem:
        found.append((DRUG_NOT_TAKEN, problem))
    found += treatment_problems(description, facts, day)
    return found


def duplicate_classes(lines: Iterable[Line], day: date) -> list[tuple[str, list[str]]]:
    """Therapeutic groups with two or more lines current on ``day`` (drugs.duplicate_group)."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        if line.taken_on(day):
            group = drugs.duplicate_group(line.drug, line.route)
            if group is not None:
                groups.setdefault(group, []).append(line.drug)
    return [(group, names) for group, names in groups.items() if len(names) > 1]
