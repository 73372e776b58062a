"""Instrument scoring against the published cut points of docs/clinical-reference.md §4."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.instruments import (
    BANDS,
    ITEM_WORDING,
    ORT_FIELDS,
    ORT_POINTS,
    Gad7Result,
    NrsResult,
    OrtAnswers,
    OrtResult,
    PegResult,
    Phq9Result,
    gad7,
    meaningful_change,
    nrs,
    ort,
    peg,
    phq9,
    score,
)
from carecoord.clinical.vocabulary import AdministrativeSex, AssessmentKind
from carecoord.errors import ValidationError

# ------------------------------------------------------------------------------ NRS


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (4, "mild"),
        (5, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_nrs_serlin_1995_cut_points(value: int, band: str) -> None:
    """Serlin 1995: 1-4 mild, 5-6 moderate, 7-10 severe."""
    result = nrs(value)
    assert result == NrsResult(total=value, band=band)


@pytest.mark.parametrize("value", [-1, 11, 5.5, True, False, "5", None])
def test_nrs_refuses_bad_values(value: object) -> None:
    with pytest.raises(ValueError, match="nrs value"):
        nrs(value)  # type: ignore[arg-type]  # deliberately wrong type


# ------------------------------------------------------------------------------ PEG


def test_peg_krebs_2009_is_the_mean() -> None:
    """Krebs 2009: PEG = mean of pain, enjoyment and general-activity items."""
    result = peg(7, 5, 6)
    assert result.total == 6
    # Krebs 2009 publishes no bands: the NRS band is stored labelled as derived
    assert result.band == "moderate (derived from NRS cut points)"
    assert (result.pain, result.enjoyment, result.activity) == (7, 5, 6)


@pytest.mark.parametrize(
    ("items", "band"),
    [
        ((0, 0, 0), "none"),
        ((1, 0, 0), "mild"),  # 0.33: any pain is at least mild
        ((4, 4, 5), "mild"),  # 4.33
        ((4, 5, 5), "moderate"),  # 4.67 rounds to 5
        ((6, 6, 7), "moderate"),  # 6.33
        ((6, 7, 7), "severe"),  # 6.67 rounds to 7
        ((10, 10, 10), "severe"),
        ((5, 4, 0), "mild"),  # 3.0
    ],
)
def test_peg_band_applies_nrs_cut_points_to_rounded_mean(
    items: tuple[int, int, int], band: str
) -> None:
    assert peg(*items).band == f"{band} (derived from NRS cut points)"


@pytest.mark.parametrize("name", ["pain", "enjoyment", "activity"])
def test_peg_names_the_bad_item(name: str) -> None:
    values = {"pain": 5, "enjoyment": 5, "activity": 5, name: 11}
    with pytest.raises(ValueError, match=f"peg {name}"):
        peg(**values)


# ---------------------------------------------------------------------------- PHQ-9


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_kroenke_2001_bands(total: int, band: str) -> None:
    """Kroenke 2001: 5, 10, 15, 20 mark mild, moderate, moderately severe, severe."""
    # Fill items 1-8 first so item 9 (the safety item) stays 0 unless the total needs it.
    items = [min(3, max(0, total - 3 * i)) for i in range(9)]
    result = phq9(items)
    assert result.total == total
    assert result.band == band
    assert result.suggest_psychiatry == (total >= 10 or result.self_harm_flag)


def test_phq9_item9_flags_regardless_of_total() -> None:
    result = phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.band == "minimal"
    assert result.self_harm_flag and result.suggest_psychiatry


def test_phq9_total_10_suggests_psychiatry_without_flag() -> None:
    result = phq9([2, 2, 2, 2, 2, 0, 0, 0, 0])
    assert result.total == 10 and not result.self_harm_flag and result.suggest_psychiatry
    assert not phq9([2, 2, 2, 2, 1, 0, 0, 0, 0]).suggest_psychiatry


@pytest.mark.parametrize(
    ("first", "second", "positive"), [(1, 1, False), (2, 1, True), (3, 3, True)]
)
def test_phq2_kroenke_2003_cut_point_3(first: int, second: int, positive: bool) -> None:
    """Kroenke 2003: PHQ-2 (items 1-2) >= 3 is a positive screen."""
    result = phq9([first, second, 0, 0, 0, 0, 0, 0, 0])
    assert result.phq2_total == first + second
    assert result.phq2_positive is positive


def test_phq9_names_the_bad_item() -> None:
    with pytest.raises(ValueError, match="phq9 item 3: must be 0-3"):
        phq9([0, 0, 4, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("items", [[0] * 8, [0] * 10, "000000000", None, 5])
def test_phq9_needs_nine_answers(items: object) -> None:
    with pytest.raises(ValueError, match="phq9 items"):
        phq9(items)  # type: ignore[arg-type]  # deliberately wrong type


def test_bools_are_not_scores() -> None:
    with pytest.raises(ValueError, match="phq9 item 1"):
        phq9([True, 0, 0, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="gad7 item 7"):
        gad7([0, 0, 0, 0, 0, 0, False])


# ---------------------------------------------------------------------------- GAD-7


@pytest.mark.parametrize(
    ("items", "band", "further"),
    [
        ([0] * 7, "minimal", False),
        ([1, 1, 1, 1, 0, 0, 0], "minimal", False),
        ([1, 1, 1, 1, 1, 0, 0], "mild", False),
        ([2, 2, 2, 1, 1, 1, 0], "mild", False),
        ([2, 2, 2, 2, 2, 0, 0], "moderate", True),
        ([2, 2, 2, 2, 2, 2, 2], "moderate", True),
        ([3, 3, 3, 3, 3, 0, 0], "severe", True),
        ([3] * 7, "severe", True),
    ],
)
def test_gad7_spitzer_2006_bands(items: list[int], band: str, further: bool) -> None:
    """Spitzer 2006: 5, 10, 15 mark mild, moderate, severe; >= 10 warrants evaluation."""
    result = gad7(items)
    assert result.total == sum(items)
    assert result.band == band
    assert result.further_evaluation is further


def test_gad7_needs_seven_answers() -> None:
    with pytest.raises(ValueError, match="gad7 items"):
        gad7([0] * 9)


# ------------------------------------------------------------------------------ ORT

ALL_BOXES = OrtAnswers(**{name: True for name in ORT_FIELDS})


def test_ort_webster_2005_points_table() -> None:
    """Webster 2005 points (female, male) as printed in docs/clinical-reference.md §4."""
    assert ORT_POINTS == {
        "family_alcohol": (1, 3),
        "family_illegal_drugs": (2, 3),
        "family_prescription_drugs": (4, 4),
        "personal_alcohol": (3, 3),
        "personal_illegal_drugs": (4, 4),
        "personal_prescription_drugs": (5, 5),
        "age_16_to_45": (1, 1),
        "preadolescent_sexual_abuse": (3, 0),
        "psychological_disease": (2, 2),
        "depression": (1, 1),
    }


@pytest.mark.parametrize("name", ORT_FIELDS)
def test_each_ort_box_scores_its_points(name: str) -> None:
    answers = OrtAnswers(**{name: True})
    female, male = ORT_POINTS[name]
    assert ort("female", answers).total == female
    assert ort(AdministrativeSex.MALE, answers).total == male


def test_ort_maximum_is_26_for_both_sexes() -> None:
    assert ort("female", ALL_BOXES).total == 26
    assert ort("male", ALL_BOXES).total == 26


@pytest.mark.parametrize(
    ("total", "band"), [(0, "low"), (3, "low"), (4, "moderate"), (7, "moderate"), (8, "high")]
)
def test_ort_band_boundaries(total: int, band: str) -> None:
    """Webster 2005: 0-3 low, 4-7 moderate, >= 8 high."""
    chosen = {
        0: OrtAnswers(),
        3: OrtAnswers(personal_alcohol=True),
        4: OrtAnswers(family_prescription_drugs=True),
        7: OrtAnswers(personal_alcohol=True, family_prescription_drugs=True),
        8: OrtAnswers(personal_prescription_drugs=True, personal_alcohol=True),
    }[total]
    result = ort("male", chosen)
    assert (result.total, result.band) == (total, band)
    assert result.suggest_rehabilitation is (band == "high")


def test_ort_example_family_alcohol_scores_differently_by_sex() -> None:
    """Family alcohol + personal alcohol + age 16-45: female 1+3+1 = 5, male 3+3+1 = 7."""
    answers = OrtAnswers(family_alcohol=True, personal_alcohol=True, age_16_to_45=True)
    assert ort("female", answers).total == 5
    assert ort("male", answers).total == 7


@pytest.mark.parametrize("sex", ["other", "unknown", AdministrativeSex.OTHER, " Unknown "])
def test_ort_other_or_unknown_sex_keeps_the_higher_table(sex: str) -> None:
    male_heavy = OrtAnswers(family_alcohol=True, family_illegal_drugs=True)
    result = ort(sex, male_heavy)
    assert (result.total, result.scored_as) == (6, AdministrativeSex.MALE)
    female_heavy = OrtAnswers(preadolescent_sexual_abuse=True, depression=True)
    result = ort(sex, female_heavy)
    assert (result.total, result.scored_as) == (4, AdministrativeSex.FEMALE)
    assert result.band == "moderate"


def test_ort_unknown_sex() -> None:
    with pytest.raises(ValueError, match="ort sex"):
        ort("x", OrtAnswers())


def test_ort_from_mapping() -> None:
    answers = OrtAnswers.from_mapping({"depression": True, "age_16_to_45": False})
    assert answers == OrtAnswers(depression=True)
    with pytest.raises(ValueError, match="ort depresion"):
        OrtAnswers.from_mapping({"depresion": True})
    with pytest.raises(ValueError, match="ort depression"):
        OrtAnswers.from_mapping({"depression": 1})
    with pytest.raises(ValueError, match="ort depression"):
        OrtAnswers(depression=1)  # type: ignore[arg-type]  # deliberately wrong type


# ------------------------------------------------------------------------- dispatch


def test_score_dispatches_every_kind() -> None:
    assert isinstance(score(AssessmentKind.NRS, {"value": 6}), NrsResult)
    assert isinstance(score("peg", {"pain": 5, "enjoyment": 5, "activity": 5}), PegResult)
    assert isinstance(score("phq9", {"items": [1] * 9}), Phq9Result)
    assert isinstance(score("gad7", {"items": [1] * 7}), Gad7Result)
    result = score("ort", {"sex": "female", "preadolescent_sexual_abuse": True})
    assert isinstance(result, OrtResult)
    assert result.total == 3


def test_results_know_their_kind() -> None:
    assert score("nrs", {"value": 6}).kind is AssessmentKind.NRS
    assert score("ort", {"sex": "male"}).kind is AssessmentKind.ORT


@pytest.mark.parametrize(
    ("kind", "answers", "field"),
    [
        ("nrs", {}, "nrs value"),
        ("nrs", {"value": 5, "note": "x"}, "nrs note"),
        ("peg", {"pain": 5, "enjoyment": 5}, "peg activity"),
        ("phq9", {"items": [0] * 8}, "phq9 items"),
        ("ort", {"depression": True}, "ort sex"),
        ("ort", {"sex": "male", "depressed": True}, "ort depressed"),
        ("sf36", {}, "kind"),
    ],
)
def test_score_names_the_problem(kind: str, answers: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        score(kind, answers)
    assert info.value.field == field


def test_results_are_frozen() -> None:
    result = nrs(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 4  # type: ignore[misc]  # checking immutability


# -------------------------------------------------------------------------- wording


def test_item_wording_counts_match_the_instruments() -> None:
    counts = {
        AssessmentKind.NRS: 1,
        AssessmentKind.PEG: 3,
        AssessmentKind.PHQ9: 9,
        AssessmentKind.GAD7: 7,
        AssessmentKind.ORT: 10,
    }
    assert {kind: len(items) for kind, items in ITEM_WORDING.items()} == counts
    assert len(ORT_FIELDS) == 10
    assert "better off dead" in ITEM_WORDING[AssessmentKind.PHQ9][8]
    assert ITEM_WORDING[AssessmentKind.GAD7][0].startswith("Feeling nervous")
    assert "enjoyment of life" in ITEM_WORDING[AssessmentKind.PEG][1]


def test_bands_cover_each_range_without_gaps() -> None:
    for rows in BANDS.values():
        for (_, high, _), (low, _, _) in itertools.pairwise(rows):
            assert low == high + 1
        assert rows[0][0] == 0


# ------------------------------------------------------------------- meaningful change


@pytest.mark.parametrize(
    ("baseline", "current", "meaningful", "category"),
    [
        (8, 6, True, "minimal"),  # 2 points (25 %): Farrar's 2-point rule
        (10, 7, True, "moderate"),  # 3 points, exactly 30 %
        (5, 4, False, "minimal"),  # 1 point, 20 %
        (3, 2, True, "moderate"),  # 1 point but 33 %
        (10, 9, False, "minimal"),  # exactly 10 %: IMMPACT minimal
        (10, 5, True, "substantial"),  # exactly 50 %
        (10, 10, False, "none"),
        (0, 0, False, "none"),
        (4, 6, False, "none"),
    ],
)
def test_nrs_farrar_2001_and_immpact(
    baseline: int, current: int, meaningful: bool, category: str
) -> None:
    """Farrar 2001: >= 2 points or >= 30 %; IMMPACT 10-20 % minimal, 30 % moderate, 50 %."""
    result = meaningful_change("nrs", baseline, current)
    assert result.meaningful is meaningful
    assert result.category == category
    assert result.change == current - baseline


def test_nrs_worsening() -> None:
    assert meaningful_change("nrs", 4, 6).worsened
    assert not meaningful_change("nrs", 6, 7).worsened
    assert meaningful_change("nrs", 0, 1).worsened
    assert not meaningful_change("nrs", 6, 4).worsened


def test_peg_30_percent_rule() -> None:
    """Krebs 2009: a >= 30 % drop of the PEG from baseline is a meaningful improvement."""
    baseline = peg(7, 7, 7).total
    assert meaningful_change("peg", baseline, peg(5, 5, 5).total).meaningful is False  # 28.6 %
    assert meaningful_change("peg", baseline, peg(5, 5, 4).total).meaningful is True  # 33 %
    # 2 points is not enough for the PEG on its own
    assert not meaningful_change(AssessmentKind.PEG, 10, 8).meaningful
    exact = meaningful_change("peg", peg(6, 6, 8).total, peg(4, 5, 5).total)  # 6.67 -> 4.67
    assert exact.meaningful and exact.category == "moderate"


def test_percent_improvement() -> None:
    result = meaningful_change("nrs", 8, 6)
    assert result.percent_improvement == 25
    assert meaningful_change("nrs", 0, 3).percent_improvement is None


@pytest.mark.parametrize(
    ("kind", "baseline", "current"), [("phq9", 10, 5), ("nrs", 11, 5), ("nrs", 5, -1)]
)
def test_meaningful_change_refuses(kind: str, baseline: float, current: float) -> None:
    with pytest.raises(ValueError):
        meaningful_change(kind, baseline, current)


# ----------------------------------------------------------------------- properties

item = st.integers(min_value=0, max_value=3)


@given(st.lists(item, min_size=9, max_size=9))
def test_phq9_properties(items: list[int]) -> None:
    result = phq9(items)
    assert 0 <= result.total <= 27
    assert result.total == sum(items)
    assert result.phq2_total == items[0] + items[1]
    assert result.self_harm_flag == (items[8] > 0)
    assert result.band in {row[2] for row in BANDS[AssessmentKind.PHQ9]}


@given(st.lists(item, min_size=7, max_size=7))
def test_gad7_properties(items: list[int]) -> None:
    result = gad7(items)
    assert 0 <= result.total <= 21
    assert result.further_evaluation == (result.total >= 10)


@given(
    st.lists(st.integers(), min_size=9, max_size=9).filter(lambda xs: max(xs) > 3 or min(xs) < 0)
)
def test_phq9_refuses_out_of_range(items: list[int]) -> None:
    with pytest.raises(ValueError, match="phq9 item"):
        phq9(items)


@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_peg_properties(p: int, e: int, a: int) -> None:
    result = peg(p, e, a)
    assert 0 <= result.total <= 10
    assert min(p, e, a) <= result.total <= max(p, e, a)


@given(st.sampled_from(list(AdministrativeSex)), st.lists(st.booleans(), min_size=10, max_size=10))
def test_ort_properties(sex: AdministrativeSex, boxes: list[bool]) -> None:
    answers = OrtAnswers(**dict(zip(ORT_FIELDS, boxes, strict=True)))
    result = ort(sex, answers)
    assert 0 <= result.total <= 26
    female, male = ort("female", answers).total, ort("male", answers).total
    assert result.total >= min(female, male)
    if sex in (AdministrativeSex.OTHER, AdministrativeSex.UNKNOWN):
        assert result.total == max(female, male)


@given(st.floats(0, 10), st.floats(0, 10))
def test_change_properties(baseline: float, current: float) -> None:
    result = meaningful_change("nrs", baseline, current)
    assert not (result.meaningful and result.worsened)
    if current >= baseline:
        assert not result.meaningful


@pytest.mark.parametrize(
    ("baseline", "current", "improved", "worsened"),
    [(15, 10, True, False), (15, 11, False, False), (5, 10, False, True), (9, 13, False, False)],
)
def test_phq9_change_of_five_points_is_meaningful(
    baseline: int, current: int, improved: bool, worsened: bool
) -> None:
    """Löwe 2004: a 5-point PHQ-9 change is clinically meaningful (issue #9)."""
    from carecoord.clinical.instruments import phq9_change

    result = phq9_change(baseline, current)
    assert (result.improved, result.worsened) == (improved, worsened)
    assert result.change == current - baseline


def test_phq9_change_refuses_out_of_range_totals() -> None:
    from carecoord.clinical.instruments import phq9_change
    from carecoord.errors import ValidationError

    with pytest.raises(ValidationError):
        phq9_change(28, 3)
