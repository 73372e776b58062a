"""Medication-overuse risk and ICHD-3 1.1 migraine without aura (docs/clinical-reference.md §6)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.headache import (
    MigraineCriteria,
    medication_overuse_risk,
    meets_migraine_without_aura,
    validate_profile,
)
from carecoord.errors import ValidationError


@pytest.mark.parametrize(
    ("days", "risk"),
    [(0, "none"), (9, "none"), (10, "possible"), (14, "possible"), (15, "likely"), (31, "likely")],
)
def test_medication_overuse_ichd3_thresholds(days: int, risk: str) -> None:
    """ICHD-3 8.2: >= 10 days/month (triptans, opioids, combinations), >= 15 (simple)."""
    assert medication_overuse_risk(days) == risk


@pytest.mark.parametrize("days", [-1, 32, 10.5, True, "12"])
def test_medication_overuse_validates(days: object) -> None:
    with pytest.raises(ValidationError, match="acute_medication_days_per_month"):
        medication_overuse_risk(days)  # type: ignore[arg-type]  # deliberately wrong type


TYPICAL: dict[str, Any] = {
    "attacks": 5,
    "duration_hours_min": 4,
    "duration_hours_max": 72,
    "unilateral": True,
    "pulsating": True,
    "moderate_or_severe": False,
    "aggravated_by_activity": False,
    "nausea_or_vomiting": True,
    "photophobia_and_phonophobia": False,
}


def test_ichd3_minimum_case_meets_criteria() -> None:
    """ICHD-3 1.1: 5 attacks, 4-72 h, 2 of 4 characteristics, 1 of the accompaniments."""
    assert meets_migraine_without_aura(**TYPICAL)


@pytest.mark.parametrize(
    ("change", "letter"),
    [
        ({"attacks": 4}, "A"),
        ({"duration_hours_min": 3.5}, "B"),
        ({"duration_hours_max": 73}, "B"),
        ({"pulsating": False}, "C"),
        ({"nausea_or_vomiting": False}, "D"),
    ],
)
def test_each_criterion_can_fail(change: dict[str, Any], letter: str) -> None:
    args = {**TYPICAL, **change}
    assert not meets_migraine_without_aura(**args)
    assert MigraineCriteria(**args).unmet() == (letter,)


def test_photophobia_with_phonophobia_satisfies_d() -> None:
    args = {**TYPICAL, "nausea_or_vomiting": False, "photophobia_and_phonophobia": True}
    assert meets_migraine_without_aura(**args)


def test_children_may_have_2_hour_attacks() -> None:
    """ICHD-3 1.1 note: under 18, attacks may last 2-72 hours."""
    args = {**TYPICAL, "duration_hours_min": 2}
    assert not meets_migraine_without_aura(**args)
    assert meets_migraine_without_aura(**args, under_18=True)


def test_criteria_validate() -> None:
    with pytest.raises(ValidationError, match="attacks"):
        MigraineCriteria(**{**TYPICAL, "attacks": -1})
    with pytest.raises(ValidationError, match="duration_hours_min"):
        MigraineCriteria(**{**TYPICAL, "duration_hours_min": 10, "duration_hours_max": 8})
    with pytest.raises(ValidationError, match="duration_hours_max"):
        MigraineCriteria(**{**TYPICAL, "duration_hours_max": float("nan")})


@given(st.lists(st.booleans(), min_size=4, max_size=4), st.booleans(), st.booleans())
def test_criteria_c_and_d_property(features: list[bool], nausea: bool, photo: bool) -> None:
    args = {
        **TYPICAL,
        "unilateral": features[0],
        "pulsating": features[1],
        "moderate_or_severe": features[2],
        "aggravated_by_activity": features[3],
        "nausea_or_vomiting": nausea,
        "photophobia_and_phonophobia": photo,
    }
    assert meets_migraine_without_aura(**args) == (sum(features) >= 2 and (nausea or photo))


def test_validate_profile_accepts_valid() -> None:
    validate_profile(0, 0, 0)
    validate_profile(60, 31, 31)  # cluster headache: several attacks a day


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ((-1, 0, 0), "attacks_per_month"),
        ((0, 32, 0), "headache_days_per_month"),
        ((0, -1, 0), "headache_days_per_month"),
        ((0, 0, 32), "acute_medication_days_per_month"),
        ((0, 0, -1), "acute_medication_days_per_month"),
        ((1.5, 0, 0), "attacks_per_month"),
    ],
)
def test_validate_profile_names_the_field(values: tuple[Any, Any, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field) as info:
        validate_profile(*values)
    assert isinstance(info.value, ValidationError) and info.value.field == field
