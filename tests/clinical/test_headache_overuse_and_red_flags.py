"""Medication overuse by drug class (ICHD-3 8.2) and SNNOOP10 red flags.

See docs/clinical-reference.md §6.

Thresholds from ICHD-3 (Cephalalgia 2018;38:1-211), 8.2.1-8.2.6: ergotamine, triptans,
opioids and combination analgesics on >= 10 days a month; simple analgesics (paracetamol,
NSAIDs, aspirin) on >= 15; several classes, none overused alone, on >= 10 days in total;
criterion A: headache on >= 15 days a month. SNNOOP10 from Do et al., Neurology 2019.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.headache import (
    AcuteDrugClass,
    OveruseRisk,
    RedFlag,
    overuse_risk,
    red_flags,
    validate_profile,
)
from carecoord.errors import ValidationError

C = AcuteDrugClass


@pytest.mark.parametrize(
    ("drug_class", "days", "level"),
    [
        (C.TRIPTAN, 9, "none"),
        (C.TRIPTAN, 10, "likely"),
        (C.ERGOT, 9, "none"),
        (C.ERGOT, 10, "likely"),
        (C.OPIOID, 9, "none"),
        (C.OPIOID, 10, "likely"),
        (C.COMBINATION_ANALGESIC, 9, "none"),
        (C.COMBINATION_ANALGESIC, 10, "likely"),
        # simple analgesics and NSAIDs: 10-14 days is not overuse, 15 is
        (C.SIMPLE_ANALGESIC, 10, "none"),
        (C.SIMPLE_ANALGESIC, 14, "none"),
        (C.SIMPLE_ANALGESIC, 15, "likely"),
    ],
)
def test_each_class_has_its_own_threshold(drug_class: C, days: int, level: str) -> None:
    assert overuse_risk(days, {drug_class: days}, 20).level == level


def test_triptans_on_twelve_days_name_the_class_and_the_ichd3_subtype() -> None:
    assert overuse_risk(12, {C.TRIPTAN: 12}, 18) == OveruseRisk(
        "likely", ("Triptans on 12 days a month (>= 10, ICHD-3 8.2.2)",)
    )


def test_several_classes_none_overused_alone_count_together() -> None:
    # triptans 6 days + NSAIDs 8 days, 11 distinct days: 8.2.6
    risk = overuse_risk(11, {C.TRIPTAN: 6, C.SIMPLE_ANALGESIC: 8}, 16)
    assert risk == OveruseRisk(
        "likely",
        (
            "Several classes (triptans, simple analgesics / nsaids) on 11 days a month "
            "in total (>= 10, ICHD-3 8.2.6)",
        ),
    )
    assert overuse_risk(9, {C.TRIPTAN: 5, C.SIMPLE_ANALGESIC: 6}, 16).level == "none"


def test_one_class_alone_below_ten_days_is_not_8_2_6() -> None:
    assert overuse_risk(12, {C.SIMPLE_ANALGESIC: 12}, 20).level == "none"


def test_medication_threshold_with_fewer_than_15_headache_days_is_possible() -> None:
    risk = overuse_risk(12, {C.OPIOID: 12}, 8)
    assert risk == OveruseRisk(
        "possible",
        (
            "Opioids on 12 days a month (>= 10, ICHD-3 8.2.4)",
            "Headache on 8 days a month (ICHD-3 8.2 needs >= 15)",
        ),
    )


def test_medication_days_may_exceed_headache_days() -> None:
    # counted differently (pre-emptive or aura doses); no longer refused
    validate_profile(4, 8, 20, {C.SIMPLE_ANALGESIC: 20})


def test_without_a_class_the_class_blind_grading_applies() -> None:
    assert overuse_risk(12, {}, 20).level == "possible"
    assert overuse_risk(15, {c: None for c in C}, 20).level == "likely"
    assert overuse_risk(9, {}, 20) == OveruseRisk("none", ())


def test_a_class_cannot_have_more_days_than_the_total() -> None:
    with pytest.raises(ValidationError) as error:
        validate_profile(4, 10, 8, {C.TRIPTAN: 9})
    assert error.value.field == "triptan_days_per_month"


@pytest.mark.parametrize("days", [-1, 32, 2.5, True])
def test_class_days_are_whole_numbers_0_to_31(days: object) -> None:
    with pytest.raises(ValidationError) as error:
        overuse_risk(10, {C.ERGOT: days}, 10)  # type: ignore[dict-item]  # deliberately wrong
    assert error.value.field == "ergot_days_per_month"


def test_snnoop10_has_fifteen_items_in_published_order() -> None:
    assert [f.value for f in RedFlag] == [
        "systemic",
        "neoplasm",
        "neurological_deficit",
        "sudden_onset",
        "older_age",
        "pattern_change",
        "positional",
        "precipitated",
        "papilloedema",
        "progressive",
        "pregnancy",
        "painful_eye",
        "post_traumatic",
        "immune",
        "painkiller_overuse",
    ]


def test_red_flags_are_kept_once_in_published_order() -> None:
    assert red_flags(["papilloedema", "sudden_onset", "papilloedema"]) == (
        RedFlag.SUDDEN_ONSET,
        RedFlag.PAPILLOEDEMA,
    )
    with pytest.raises(ValidationError) as error:
        red_flags(["fever"])
    assert error.value.field == "red_flags"
