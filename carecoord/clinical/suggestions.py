"""Referral and reassessment suggestions from scores, diagnoses and MME (advice, never orders)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from carecoord.clinical.headache import RedFlag, red_flags
from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.errors import ValidationError

SuggestionKind = Literal["referral", "reassess"]

OPIOID_DISORDER_PREFIXES: Final = ("F11",)
HEADACHE_PREFIXES: Final = ("G43", "G44", "R51")
MME_REASSESS: Final = 50
MME_HIGH: Final = 90
ORT_CAVEAT: Final = (
    "CDC 2022: risk tools such as the ORT predict opioid misuse and overdose poorly; "
    "do not use the score alone to withhold, stop or change treatment"
)
ORT_HIGH_REASON: Final = (
    "ORT high (score >= 8): consider evaluation for opioid-misuse risk "
    f"(a screening result, not a diagnosis). {ORT_CAVEAT}"
)

_PRIORITY_RANK: Final = {
    Priority.STAT: 0,
    Priority.ASAP: 1,
    Priority.URGENT: 2,
    Priority.ROUTINE: 3,
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested action for the clinician to accept or dismiss."""

    kind: SuggestionKind
    discipline: Discipline | None
    priority: Priority
    reason: str


def _disciplines(values: Iterable[Discipline | str], field: str) -> set[Discipline]:
    result = set()
    for value in values:
        try:
            result.add(Discipline(value))
        except ValueError:
            raise ValidationError(field, f"unknown discipline {value!r}") from None
    return result


def _has_code(codes: Iterable[str], prefixes: tuple[str, ...]) -> list[str]:
    return [code for code in codes if code.strip().upper().replace(".", "").startswith(prefixes)]


def _check_range(value: int | float | None, field: str, high: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(field, f"must be a number >= 0 (got {value!r})")
    if high is not None and value > high:
        raise ValidationError(field, f"must be at most {high:g} (got {value})")


def suggest(
    *,
    phq9_total: int | None = None,
    phq9_item9: int | None = None,
    ort_band: str | None = None,
    diagnosis_codes: Iterable[str] = (),
    team_disciplines: Iterable[Discipline | str] = (),
    daily_mme: float | None = None,
    open_referral_disciplines: Iterable[Discipline | str] = (),
    headache_red_flags: Iterable[RedFlag | str] = (),
) -> list[Suggestion]:
    """Suggest referrals and reassessments for one patient.

    Rules (docs/clinical-reference.md §4-§6):

    * PHQ-9 total >= 10 or item 9 > 0 -> psychiatry (urgent when item 9 > 0).
      When psychiatry is already on the team or referred and item 9 > 0, an urgent
      "reassess" suggestion for psychiatry still appears: a self-harm answer needs
      action whoever is on the team.
    * ORT band "high" or an opioid-related disorder (ICD-10-CM F11.*) ->
      chronic-pain rehabilitation program. ORT "high" is worded as "consider
      evaluation" with the CDC 2022 caveat that risk tools predict poorly: never a
      conclusion about the patient.
    * A migraine / headache diagnosis (G43.*, G44.*, R51.*) -> neurology /
      headache medicine, routine. Any SNNOOP10 red flag on the headache profile
      makes it urgent with the flags as the reason (an urgent "reassess" when
      neurology is already on the team or referred).
    * Daily MME >= 50 -> reassess ("pause and reassess; offer naloxone", CDC 2022);
      >= 90 the same suggestion adds "high dose: avoid or carefully justify".

    No referral is suggested to a discipline already on the team or with an open
    referral.

    Args:
        phq9_total: Latest PHQ-9 total, 0-27.
        phq9_item9: Latest PHQ-9 item 9, 0-3.
        ort_band: Latest ORT band ("low", "moderate", "high").
        diagnosis_codes: Active ICD-10-CM codes (with or without the dot).
        team_disciplines: Disciplines of the active team members.
        daily_mme: Current total daily MME.
        open_referral_disciplines: Disciplines with a referral not yet closed.
        headache_red_flags: SNNOOP10 red flags from the headache profile.

    Returns:
        Suggestions, most urgent first (stable otherwise).

    Raises:
        ValidationError: Out-of-range scores, an unknown band or discipline.
    """
    _check_range(phq9_total, "phq9_total", 27)
    _check_range(phq9_item9, "phq9_item9", 3)
    _check_range(daily_mme, "daily_mme", None)
    band = None if ort_band is None else ort_band.strip().lower()
    if band not in (None, "low", "moderate", "high"):
        raise ValidationError("ort_band", f"unknown ORT band {ort_band!r}")
    codes = list(diagnosis_codes)
    covered = _disciplines(team_disciplines, "team_disciplines") | _disciplines(
        open_referral_disciplines, "open_referral_disciplines"
    )
    result: list[Suggestion] = []

    def refer(discipline: Discipline, priority: Priority, reason: str) -> None:
        if discipline not in covered:
            result.append(Suggestion("referral", discipline, priority, reason))

    self_harm = phq9_item9 is not None and phq9_item9 > 0
    depressed = phq9_total is not None and phq9_total >= 10
    if self_harm:
        reason = f"PHQ-9 item 9 (thoughts of self-harm) scored {phq9_item9}: assess safety now"
        if Discipline.PSYCHIATRY in covered:
            result.append(
                Suggestion(
                    "reassess",
                    Discipline.PSYCHIATRY,
                    Priority.URGENT,
                    reason + " and inform the team's psychiatrist",
                )
            )
        else:
            refer(Discipline.PSYCHIATRY, Priority.URGENT, reason)
    elif depressed:
        refer(Discipline.PSYCHIATRY, Priority.ROUTINE, f"PHQ-9 total {phq9_total} (>= 10)")

    opioid_codes = _has_code(codes, OPIOID_DISORDER_PREFIXES)
    if band == "high" or opioid_codes:
        why = []
        if band == "high":
            why.append(ORT_HIGH_REASON)
        if opioid_codes:
            why.append("opioid use disorder " + ", ".join(opioid_codes))
        refer(Discipline.PAIN_REHABILITATION_PROGRAM, Priority.ROUTINE, "; ".join(why))

    headache_codes = _has_code(codes, HEADACHE_PREFIXES)
    flags = red_flags(headache_red_flags)
    if flags:
        reason = (
            "Headache red flag (SNNOOP10): "
            + "; ".join(f.label for f in flags)
            + ": urgent neurological assessment for a secondary headache"
        )
        if Discipline.NEUROLOGY_HEADACHE in covered:
            result.append(
                Suggestion(
                    "reassess",
                    Discipline.NEUROLOGY_HEADACHE,
                    Priority.URGENT,
                    reason + "; tell the team's neurologist",
                )
            )
        else:
            refer(Discipline.NEUROLOGY_HEADACHE, Priority.URGENT, reason)
    elif headache_codes:
        refer(
            Discipline.NEUROLOGY_HEADACHE,
            Priority.ROUTINE,
            "Headache diagnosis " + ", ".join(headache_codes) + " without headache specialist",
        )

    if daily_mme is not None and daily_mme >= MME_REASSESS:
        reason = f"{daily_mme:g} MME/day: pause and reassess benefit and risk; offer naloxone"
        if daily_mme >= MME_HIGH:
            reason += "; high dose (>= 90): avoid or carefully justify"
        result.append(Suggestion("reassess", None, Priority.ROUTINE, reason))

    return sorted(result, key=lambda s: _PRIORITY_RANK[s.priority])
