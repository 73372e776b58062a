"""Referral and reassessment suggestions from scores, diagnoses and MME (advice, never orders)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from carecoord.clinical import instruments, opioid_safety
from carecoord.clinical.headache import RedFlag, red_flags
from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.errors import ValidationError

SuggestionKind = Literal["referral", "reassess"]

OPIOID_DISORDER_PREFIXES: Final = ("F11",)
HEADACHE_PREFIXES: Final = ("G43", "G44", "R51")
MME_REASSESS: Final = 50
MME_HIGH: Final = 90
GAD7_THRESHOLD: Final = 10
CRISIS_LINE: Final = "988 Suicide & Crisis Lifeline: call or text 988 (24/7)"
"""The US crisis line named wherever PHQ-9 item 9 is positive (docs/clinical-reference.md §4)."""
SAFETY_ACTIONS: Final[dict[str, Priority]] = {
    "opioid_benzodiazepine": Priority.URGENT,
    "naloxone": Priority.ROUTINE,
    "moud": Priority.ROUTINE,
    "opioid_gabapentinoid": Priority.ROUTINE,
    "not_converted": Priority.ROUTINE,
    "unrecognised_opioid": Priority.ROUTINE,
}
"""Opioid-safety alerts that are also a to-do (CDC 2022 Rec. 8, 11, 12); an open referral
never silences them, because the risk stays until the medication list changes."""
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
    gad7_total: int | None = None,
    phq9_previous_total: int | None = None,
    safety_alerts: Iterable[opioid_safety.Alert] = (),
    headache_red_flags: Iterable[RedFlag | str] = (),
) -> list[Suggestion]:
    """Suggest referrals and reassessments for one patient.

    Rules (docs/clinical-reference.md §4-§6):

    * PHQ-9 item 9 > 0 -> a STAT (same-day) safety assessment with the 988 Suicide &
      Crisis Lifeline named (Joint Commission NPSG 15.01.01): a STAT psychiatry referral
      when no psychiatrist is on the team, otherwise a STAT "reassess" that tells the
      team's psychiatrist (or chases the open psychiatry referral) — whoever is on the
      team, the answer needs action today.
    * PHQ-9 total >= 10 -> routine psychiatry referral (Kroenke 2001).
    * PHQ-9 up by >= 5 points since the previous PHQ-9 -> reassess (meaningful
      worsening, Löwe 2004).
    * GAD-7 >= 10 -> psychiatry / psychology evaluation (Spitzer 2006): a psychology
      referral when neither discipline is on the team or referred.
    * CDC 2022 opioid-safety alerts (``safety_alerts`` from
      :func:`carecoord.clinical.opioid_safety.alerts`: benzodiazepine or gabapentinoid
      with an opioid, naloxone, treatment for OUD, incomplete MME) -> a "reassess"
      suggestion each, never silenced by an open referral.
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
        gad7_total: Latest GAD-7 total, 0-21.
        phq9_previous_total: The PHQ-9 total before the latest one, 0-27.
        safety_alerts: The patient's current opioid-safety alerts.
        headache_red_flags: SNNOOP10 red flags from the headache profile.

    Returns:
        Suggestions, most urgent first (stable otherwise).

    Raises:
        ValidationError: Out-of-range scores, an unknown band or discipline.
    """
    _check_range(phq9_total, "phq9_total", 27)
    _check_range(phq9_item9, "phq9_item9", 3)
    _check_range(daily_mme, "daily_mme", None)
    _check_range(gad7_total, "gad7_total", 21)
    _check_range(phq9_previous_total, "phq9_previous_total", 27)
    band = None if ort_band is None else ort_band.strip().lower()
    if band not in (None, "low", "moderate", "high"):
        raise ValidationError("ort_band", f"unknown ORT band {ort_band!r}")
    codes = list(diagnosis_codes)
    on_team = _disciplines(team_disciplines, "team_disciplines")
    referred = _disciplines(open_referral_disciplines, "open_referral_disciplines")
    covered = on_team | referred
    result: list[Suggestion] = []

    def refer(discipline: Discipline, priority: Priority, reason: str) -> None:
        if discipline not in covered:
            result.append(Suggestion("referral", discipline, priority, reason))

    self_harm = phq9_item9 is not None and phq9_item9 > 0
    depressed = phq9_total is not None and phq9_total >= 10
    if self_harm:
        reason = (
            f"PHQ-9 item 9 (thoughts of self-harm) scored {phq9_item9}: same-day safety "
            "assessment today"
        )
        if Discipline.PSYCHIATRY in on_team:
            reason += " and inform the team's psychiatrist"
        elif Discipline.PSYCHIATRY in referred:
            reason += "; ask the psychiatry service of the open referral to see the patient today"
        reason += f". {CRISIS_LINE}."
        if Discipline.PSYCHIATRY in covered:
            result.append(Suggestion("reassess", Discipline.PSYCHIATRY, Priority.STAT, reason))
        else:
            refer(Discipline.PSYCHIATRY, Priority.STAT, reason)
    elif depressed:
        refer(Discipline.PSYCHIATRY, Priority.ROUTINE, f"PHQ-9 total {phq9_total} (>= 10)")

    if (
        phq9_total is not None
        and phq9_previous_total is not None
        and instruments.phq9_change(phq9_previous_total, phq9_total).worsened
    ):
        result.append(
            Suggestion(
                "reassess",
                None,
                Priority.ROUTINE,
                f"PHQ-9 rose from {phq9_previous_total} to {phq9_total} (>= 5 points, a "
                "meaningful worsening): review depression care",
            )
        )

    if gad7_total is not None and gad7_total >= GAD7_THRESHOLD:
        reason = f"GAD-7 total {gad7_total} (>= 10): further evaluation of anxiety"
        mental_health = {Discipline.PSYCHIATRY, Discipline.PSYCHOLOGY}
        if mental_health & covered:
            if not mental_health & referred:
                who = "psychiatrist" if Discipline.PSYCHIATRY in on_team else "psychologist"
                result.append(
                    Suggestion(
                        "reassess",
                        Discipline.PSYCHIATRY
                        if Discipline.PSYCHIATRY in on_team
                        else Discipline.PSYCHOLOGY,
                        Priority.ROUTINE,
                        f"{reason} with the team's {who}",
                    )
                )
        else:
            refer(Discipline.PSYCHOLOGY, Priority.ROUTINE, reason)

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

    for alert in safety_alerts:
        priority = SAFETY_ACTIONS.get(alert.code)
        if priority is not None:
            result.append(Suggestion("reassess", None, priority, alert.text))

    return sorted(result, key=lambda s: _PRIORITY_RANK[s.priority])
