"""Suggestions corrected in issue #18: headache red flags, ORT wording.

See docs/clinical-reference.md §4, §6.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.headache import RedFlag
from carecoord.clinical.suggestions import Suggestion, suggest
from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.errors import ValidationError

D = Discipline


def test_headache_code_without_red_flags_stays_routine() -> None:
    result = suggest(diagnosis_codes=["G43.909"], headache_red_flags=[])
    assert [(s.discipline, s.priority) for s in result] == [
        (D.NEUROLOGY_HEADACHE, Priority.ROUTINE)
    ]


def test_a_red_flag_makes_neurology_urgent_with_the_reason() -> None:
    result = suggest(diagnosis_codes=["G43.909"], headache_red_flags=["sudden_onset"])
    assert result == [
        Suggestion(
            "referral",
            D.NEUROLOGY_HEADACHE,
            Priority.URGENT,
            "Headache red flag (SNNOOP10): Sudden or abrupt (thunderclap) onset: "
            "urgent neurological assessment for a secondary headache",
        )
    ]


def test_red_flags_without_a_headache_code_still_suggest_urgent_neurology() -> None:
    result = suggest(headache_red_flags=[RedFlag.PAPILLOEDEMA, RedFlag.OLDER_AGE])
    assert len(result) == 1
    assert (result[0].discipline, result[0].priority) == (D.NEUROLOGY_HEADACHE, Priority.URGENT)
    # named in SNNOOP10 order, whatever order they were ticked in
    assert "Onset after age 50; Papilloedema" in result[0].reason


def test_red_flag_with_neurology_on_the_team_asks_for_urgent_action() -> None:
    result = suggest(
        headache_red_flags=["neurological_deficit"], team_disciplines=[D.NEUROLOGY_HEADACHE]
    )
    assert [(s.kind, s.discipline, s.priority) for s in result] == [
        ("reassess", D.NEUROLOGY_HEADACHE, Priority.URGENT)
    ]
    assert result[0].reason.endswith("tell the team's neurologist")


def test_unknown_red_flag_is_refused() -> None:
    with pytest.raises(ValidationError, match="red_flags"):
        suggest(headache_red_flags=["headache"])


def test_ort_high_is_worded_as_consider_evaluation_with_the_cdc_caveat() -> None:
    (only,) = suggest(ort_band="high")
    assert (only.discipline, only.priority) == (D.PAIN_REHABILITATION_PROGRAM, Priority.ROUTINE)
    assert only.reason == (
        "ORT high (score >= 8): consider evaluation for opioid-misuse risk "
        "(a screening result, not a diagnosis). CDC 2022: risk tools such as the ORT "
        "predict opioid misuse and overdose poorly; do not use the score alone to "
        "withhold, stop or change treatment"
    )
