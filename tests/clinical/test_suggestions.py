"""Referral and reassessment suggestions (docs/clinical-reference.md §4-§6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.suggestions import Suggestion, suggest
from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.errors import ValidationError

D = Discipline


def _referrals(suggestions: list[Suggestion]) -> dict[Discipline | None, Priority]:
    return {s.discipline: s.priority for s in suggestions if s.kind == "referral"}


def test_nothing_to_suggest() -> None:
    assert suggest() == []
    assert suggest(phq9_total=9, phq9_item9=0, ort_band="moderate", daily_mme=49.9) == []


def test_phq9_10_suggests_routine_psychiatry() -> None:
    """PHQ-9 >= 10 (Kroenke 2001 moderate) -> psychiatry referral."""
    assert _referrals(suggest(phq9_total=10)) == {D.PSYCHIATRY: Priority.ROUTINE}
    assert suggest(phq9_total=9) == []


def test_phq9_item9_is_stat_regardless_of_total() -> None:
    """Issue #9 finding 8: same-day (STAT), with the 988 Lifeline in the alert."""
    result = suggest(phq9_total=2, phq9_item9=1)
    assert _referrals(result) == {D.PSYCHIATRY: Priority.STAT}
    assert "self-harm" in result[0].reason
    assert "same-day safety assessment" in result[0].reason
    assert "988 Suicide & Crisis Lifeline" in result[0].reason
    assert "team's psychiatrist" not in result[0].reason


def test_item9_with_psychiatry_on_team_still_asks_for_action() -> None:
    result = suggest(phq9_total=15, phq9_item9=2, team_disciplines=[D.PSYCHIATRY])
    assert result == [
        Suggestion(
            "reassess",
            D.PSYCHIATRY,
            Priority.STAT,
            result[0].reason,
        )
    ]
    assert "psychiatrist" in result[0].reason


def test_no_referral_to_discipline_already_on_team_or_referred() -> None:
    assert suggest(phq9_total=20, team_disciplines=["psychiatry"]) == []
    assert suggest(phq9_total=20, open_referral_disciplines=[D.PSYCHIATRY]) == []
    assert suggest(diagnosis_codes=["G43.909"], team_disciplines=[D.NEUROLOGY_HEADACHE]) == []
    assert suggest(ort_band="high", open_referral_disciplines=[D.PAIN_REHABILITATION_PROGRAM]) == []


@pytest.mark.parametrize(
    ("kwargs", "reason_part"),
    [
        ({"ort_band": "high"}, "ORT high"),
        ({"ort_band": "HIGH"}, "ORT high"),
        ({"diagnosis_codes": ["F11.20"]}, "F11.20"),
        ({"diagnosis_codes": ["f1190"]}, "f1190"),
    ],
)
def test_rehabilitation_program_for_ort_high_or_opioid_dependence(
    kwargs: dict[str, object], reason_part: str
) -> None:
    result = suggest(**kwargs)  # type: ignore[arg-type]  # parametrised keyword arguments
    assert _referrals(result) == {D.PAIN_REHABILITATION_PROGRAM: Priority.ROUTINE}
    assert reason_part in result[0].reason


@pytest.mark.parametrize("code", ["G43.009", "G43.909", "G44.209", "G44.229", "R51.9", "g43109"])
def test_headache_diagnosis_suggests_neurology(code: str) -> None:
    result = suggest(diagnosis_codes=[code, "M54.50"])
    assert _referrals(result) == {D.NEUROLOGY_HEADACHE: Priority.ROUTINE}
    assert code in result[0].reason


@pytest.mark.parametrize("code", ["M54.50", "G89.4", "Z79.891", "F41.1", "G62.9"])
def test_other_codes_suggest_nothing(code: str) -> None:
    assert suggest(diagnosis_codes=[code]) == []


@pytest.mark.parametrize(
    ("mme", "expected", "high"), [(49.9, False, False), (50, True, False), (90, True, True)]
)
def test_mme_reassessment(mme: float, expected: bool, high: bool) -> None:
    """CDC 2022: >= 50 MME/day pause and reassess, offer naloxone; >= 90 avoid or justify."""
    result = suggest(daily_mme=mme)
    assert bool(result) is expected
    if expected:
        (only,) = result
        assert only.kind == "reassess" and only.discipline is None
        assert "naloxone" in only.reason
        assert ("avoid or carefully justify" in only.reason) is high


def test_urgent_first() -> None:
    result = suggest(
        phq9_total=12, phq9_item9=1, diagnosis_codes=["G43.909", "F11.20"], daily_mme=120
    )
    assert result[0].priority is Priority.STAT and result[0].discipline is D.PSYCHIATRY
    assert {s.discipline for s in result} == {
        D.PSYCHIATRY,
        D.PAIN_REHABILITATION_PROGRAM,
        D.NEUROLOGY_HEADACHE,
        None,
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phq9_total": 28}, "phq9_total"),
        ({"phq9_item9": 4}, "phq9_item9"),
        ({"daily_mme": -1}, "daily_mme"),
        ({"ort_band": "extreme"}, "ort_band"),
        ({"team_disciplines": ["astrology"]}, "team_disciplines"),
    ],
)
def test_bad_input(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        suggest(**kwargs)  # type: ignore[arg-type]  # parametrised keyword arguments
    assert info.value.field == field


@given(
    st.one_of(st.none(), st.integers(0, 27)),
    st.one_of(st.none(), st.integers(0, 3)),
    st.sets(st.sampled_from(list(Discipline))),
)
def test_never_refers_to_covered_discipline(
    total: int | None, item9: int | None, covered: set[Discipline]
) -> None:
    result = suggest(
        phq9_total=total,
        phq9_item9=item9,
        ort_band="high",
        diagnosis_codes=["G43.909"],
        team_disciplines=covered,
    )
    for s in result:
        if s.kind == "referral":
            assert s.discipline not in covered


# ----------------------------------------------------------------- issue #9 rules
def test_item9_with_only_an_open_psychiatry_referral_does_not_name_a_team_psychiatrist() -> None:
    """Finding 8: "inform the team's psychiatrist" was said to a patient who has none."""
    result = suggest(phq9_total=6, phq9_item9=1, open_referral_disciplines=[D.PSYCHIATRY])
    (only,) = result
    assert only.priority is Priority.STAT and only.kind == "reassess"
    assert "team's psychiatrist" not in only.reason
    assert "open referral" in only.reason
    assert "988" in only.reason


def test_gad7_10_suggests_psychology_when_no_mental_health_care() -> None:
    """Spitzer 2006: GAD-7 >= 10 warrants further evaluation."""
    assert _referrals(suggest(gad7_total=10)) == {D.PSYCHOLOGY: Priority.ROUTINE}
    assert suggest(gad7_total=9) == []


def test_gad7_10_with_a_team_psychiatrist_is_a_reassessment() -> None:
    (only,) = suggest(gad7_total=15, team_disciplines=[D.PSYCHIATRY])
    assert only.kind == "reassess" and only.discipline is D.PSYCHIATRY
    assert "GAD-7 total 15" in only.reason
    assert suggest(gad7_total=15, open_referral_disciplines=[D.PSYCHOLOGY]) == []


@pytest.mark.parametrize(
    ("previous", "latest", "suggested"), [(5, 10, True), (6, 10, False), (12, 7, False)]
)
def test_phq9_rise_of_five_points_is_a_meaningful_worsening(
    previous: int, latest: int, suggested: bool
) -> None:
    """Löwe 2004: a 5-point PHQ-9 change is clinically meaningful."""
    result = [
        s for s in suggest(phq9_total=latest, phq9_previous_total=previous) if "rose" in s.reason
    ]
    assert bool(result) is suggested


def test_safety_alerts_are_not_silenced_by_an_open_referral() -> None:
    """Finding 7: an open referral silenced the OUD rule while no MOUD was on the list."""
    from carecoord.clinical.opioid_safety import alerts

    found = alerts([], ["F11.20"])
    result = suggest(
        diagnosis_codes=["F11.20"],
        open_referral_disciplines=[D.PAIN_REHABILITATION_PROGRAM],
        safety_alerts=found,
    )
    reasons = " | ".join(s.reason for s in result)
    assert "CDC 2022 Rec. 12" in reasons and "CDC 2022 Rec. 8" in reasons
    assert all(s.kind == "reassess" for s in result)
