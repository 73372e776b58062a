"""MME conversion against the CDC 2022 table and its published worked examples."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical import mme
from carecoord.clinical.mme import (
    ADVICE_50,
    ADVICE_90,
    FREQUENCIES,
    FREQUENCY_LABELS,
    MedicationDose,
    NotConvertible,
    conversion_factor,
    daily_dose,
    daily_mme,
    frequency_label,
    is_opioid,
    total_mme,
)
from carecoord.errors import ValidationError

CDC_2022_FACTORS = {
    "codeine": 0.15,
    "fentanyl transdermal": 2.4,
    "hydrocodone": 1,
    "hydromorphone": 5,
    "methadone": 4.7,
    "morphine": 1,
    "oxycodone": 1.5,
    "oxymorphone": 3,
    "tapentadol": 0.4,
    "tramadol": 0.2,
}


@pytest.mark.parametrize(("drug", "factor"), CDC_2022_FACTORS.items())
def test_every_cdc_2022_factor(drug: str, factor: float) -> None:
    assert conversion_factor(drug) == factor
    assert mme.CONVERSION_FACTORS[drug] == factor


def test_table_has_exactly_the_cdc_2022_drugs() -> None:
    assert set(mme.CONVERSION_FACTORS) == set(CDC_2022_FACTORS)


@pytest.mark.parametrize(
    ("drug", "factor"),
    [
        ("Oxycodone", 1.5),
        ("OXYCODONE", 1.5),
        ("oxycodone hydrochloride", 1.5),
        ("Oxycodone HCl ER 10 mg tablet", 1.5),
        ("oxycodone/acetaminophen", 1.5),
        ("Percocet", 1.5),
        ("OxyContin", 1.5),
        ("fentanyl transdermal", 2.4),
        ("fentanyl patch", 2.4),
        ("Fentanyl 25 mcg/hr transdermal system", 2.4),
        ("Duragesic", 2.4),
        ("hydrocodone bitartrate", 1),
        ("hydrocodone bitartrate and acetaminophen", 1),
        ("Norco", 1),
        ("morphine sulfate", 1),
        ("morphine sulphate ER", 1),
        ("MS Contin", 1),
        ("methadone", 4.7),
        ("methadone hydrochloride", 4.7),
        ("tapentadol", 0.4),
        ("Nucynta ER", 0.4),
        ("tramadol", 0.2),
        ("tramadol hydrochloride", 0.2),
        ("acetaminophen with codeine", 0.15),
        ("codeine phosphate", 0.15),
        ("Tylenol #3", 0.15),
        ("Tylenol No. 4", 0.15),
        ("Dilaudid", 5),
        ("hydromorphone hydrochloride", 5),
        ("Opana ER", 3),
    ],
)
def test_common_name_forms(drug: str, factor: float) -> None:
    assert conversion_factor(drug) == factor


def test_cdc_2022_values_not_the_2016_ones() -> None:
    """The 2016 table had hydromorphone 4 and tramadol 0.1; do not mix tables."""
    assert conversion_factor("hydromorphone") == 5
    assert conversion_factor("tramadol") == 0.2
    # 2016 methadone was dose-tiered (4 at 1-20 mg/day ... 12 above 60); 2022 is 4.7 flat.
    assert daily_mme("methadone", 10) == 47
    assert daily_mme("methadone", 100) == 470


@pytest.mark.parametrize(
    "drug", ["buprenorphine", "Buprenorphine HCl", "Suboxone", "Butrans", "buprenorphine patch"]
)
def test_buprenorphine_is_not_converted(drug: str) -> None:
    with pytest.raises(NotConvertible, match="not converted"):
        conversion_factor(drug)
    assert issubclass(NotConvertible, ValueError)
    assert is_opioid(drug)


@pytest.mark.parametrize(
    "drug",
    [
        "fentanyl",
        "fentanyl buccal",
        "fentanyl citrate injection",
        "morphine injection",
        "hydromorphone IV",
        "morphine patch",
        "meperidine",
        "Demerol",
        "levorphanol",
    ],
)
def test_routes_and_opioids_without_factor_are_not_converted(drug: str) -> None:
    with pytest.raises(NotConvertible):
        conversion_factor(drug)
    assert is_opioid(drug)


@pytest.mark.parametrize("drug", ["ibuprofen", "gabapentin", "naloxone", "", "   ", "aspirin 81"])
def test_unknown_drug_error_names_the_drug(drug: str) -> None:
    with pytest.raises(ValueError, match="Unknown drug") as info:
        conversion_factor(drug)
    assert repr(drug) in str(info.value)
    assert not isinstance(info.value, NotConvertible)
    assert not is_opioid(drug)


def test_two_opioids_in_one_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="several opioids"):
        conversion_factor("oxycodone and morphine")


@pytest.mark.parametrize("value", [None, 3, b"oxycodone", object()])
def test_is_opioid_never_raises(value: object) -> None:
    assert is_opioid(value) is False  # type: ignore[arg-type]  # deliberately wrong type


def test_published_example_hydrocodone_5mg_qid_is_20_mme() -> None:
    """CDC worked example: hydrocodone 5 mg four times a day = 20 MME/day."""
    assert daily_mme("hydrocodone", daily_dose(5, "qid")) == 20
    assert total_mme([MedicationDose("hydrocodone", 5, "qid")]).total == 20


def test_published_example_oxycodone_10mg_bid_is_30_mme() -> None:
    """CDC worked example: oxycodone 10 mg twice a day = 30 MME/day."""
    assert daily_mme("oxycodone", daily_dose(10, "bid")) == 30
    assert total_mme([MedicationDose("oxycodone", 10, "bid")]).total == 30


def test_fentanyl_25_mcg_per_hour_is_60_mme() -> None:
    """CDC 2022: transdermal fentanyl factor 2.4 per mcg/hr, so 25 mcg/hr = 60 MME/day."""
    assert daily_mme("fentanyl patch", 25) == 60
    assert daily_dose(25, "continuous") == 25
    patch = MedicationDose("fentanyl", 25, "continuous", unit="mcg/h", route="transdermal")
    assert total_mme([patch]).total == 60


def test_decimal_exactness_codeine() -> None:
    """120 mg codeine x 0.15 is exactly 18 (binary floats would give 17.999...)."""
    assert daily_mme("codeine", 120) == 18


@pytest.mark.parametrize("dose", [-1, -0.01, math.nan, math.inf])
def test_bad_dose_names_the_dose(dose: float) -> None:
    with pytest.raises(ValueError, match="daily_dose") as info:
        daily_mme("morphine", dose)
    assert repr(dose) in str(info.value)


def test_bool_is_not_a_dose() -> None:
    with pytest.raises(ValueError):
        daily_mme("morphine", True)


@pytest.mark.parametrize(
    ("code", "per_day"),
    [
        ("qd", 1),
        ("daily", 1),
        ("bid", 2),
        ("tid", 3),
        ("qid", 4),
        ("q4h", 6),
        ("q6h", 4),
        ("q8h", 3),
        ("q12h", 2),
        ("qhs", 1),
        ("continuous", 1),
    ],
)
def test_frequencies(code: str, per_day: float) -> None:
    assert FREQUENCIES[code] == per_day
    assert daily_dose(10, code) == 10 * per_day
    assert daily_dose(10, code.upper()) == 10 * per_day


def test_frequency_codes_tolerate_dots() -> None:
    assert daily_dose(5, "b.i.d.") == 10
    assert frequency_label("Q.I.D.") == "four times a day"


def test_frequency_labels() -> None:
    assert frequency_label("bid") == "twice a day"
    assert frequency_label("prn") == "as needed"
    assert set(FREQUENCIES) | {"prn"} == set(FREQUENCY_LABELS)


@pytest.mark.parametrize("code", ["q2d", "", "weekly"])
def test_unknown_frequency_names_it(code: str) -> None:
    with pytest.raises(ValueError, match="frequency") as info:
        daily_dose(5, code)
    assert repr(code) in str(info.value)
    with pytest.raises(ValueError):
        frequency_label(code)


def test_prn_needs_a_maximum() -> None:
    with pytest.raises(ValidationError, match="max_doses_per_day"):
        daily_dose(5, "prn")
    assert daily_dose(5, "prn", max_doses_per_day=4) == 20


def test_maximum_caps_a_scheduled_frequency() -> None:
    """ "5 mg q4h, max 4 a day" is 4 doses, not 6."""
    assert daily_dose(5, "q4h", max_doses_per_day=4) == 20
    assert daily_dose(5, "bid", max_doses_per_day=4) == 10


def test_total_skips_non_opioids_and_lists_unconverted() -> None:
    summary = total_mme(
        [
            MedicationDose("oxycodone", 10, "bid"),
            MedicationDose("hydrocodone", 5, "qid"),
            MedicationDose("gabapentin", 300, "tid"),
            MedicationDose("buprenorphine", 8, "daily"),
        ]
    )
    assert summary.total == 50
    assert summary.lines == (("oxycodone", 30.0), ("hydrocodone", 20.0))
    assert [x.drug for x in summary.not_converted] == ["buprenorphine"]
    assert "buprenorphine has no CDC 2022 MME factor" in summary.not_converted[0].reason
    assert not summary.complete
    assert summary.at_least_50 and not summary.at_least_90


def test_only_buprenorphine_is_not_zero_but_unconverted() -> None:
    summary = total_mme([MedicationDose("Suboxone", 8, "bid", route="sublingual")])
    assert summary.lines == ()
    assert [x.drug for x in summary.not_converted] == ["Suboxone"]
    assert summary.advice == ()
    assert mme.format_total(summary).startswith("MME/day not calculated — incomplete")


def test_empty_list() -> None:
    summary = total_mme([])
    assert summary.total == 0 and summary.complete and summary.advice == ()


@pytest.mark.parametrize(
    ("dose", "at_50", "at_90"),
    [(49.99, False, False), (50, True, False), (89.99, True, False), (90, True, True)],
)
def test_thresholds_exactly_at_50_and_90(dose: float, at_50: bool, at_90: bool) -> None:
    summary = total_mme([MedicationDose("morphine", dose, "daily")])
    assert (summary.at_least_50, summary.at_least_90) == (at_50, at_90)
    expected = tuple(text for flag, text in ((at_50, ADVICE_50), (at_90, ADVICE_90)) if flag)
    assert summary.advice == expected


def test_threshold_reached_by_a_non_integer_factor() -> None:
    """Tramadol 50 mg q6h = 200 mg x 0.2 = 40; plus tapentadol 50 mg daily x 0.4 = 20 -> 60."""
    summary = total_mme(
        [MedicationDose("tramadol", 50, "q6h"), MedicationDose("tapentadol", 25, "bid")]
    )
    assert summary.total == 60
    assert summary.at_least_50


def test_advice_wording() -> None:
    assert "pause and reassess benefit and risk" in ADVICE_50
    assert "naloxone" in ADVICE_50
    assert "avoid or carefully justify" in ADVICE_90


def test_fentanyl_patch_must_be_continuous() -> None:
    """A bad line is reported in ``problems`` (never raised, never counted)."""
    patch = MedicationDose("fentanyl", 25, "daily", unit="mcg/h", route="transdermal")
    summary = total_mme([patch, MedicationDose("morphine", 25, "continuous")])
    assert summary.total == 0 and summary.lines == ()
    assert [(p.drug, p.field) for p in summary.problems] == [
        ("fentanyl", "frequency"),
        ("morphine", "unit"),
    ]
    assert "continuous" in summary.problems[0].message


def test_total_validates_converted_lines() -> None:
    summary = total_mme(
        [
            MedicationDose("morphine", 10, "sometimes"),
            MedicationDose("morphine", -10, "bid"),
            MedicationDose("oxycodone", 10, "bid"),
        ]
    )
    assert [p.field for p in summary.problems] == ["frequency", "dose"]
    assert summary.total == 30 and not summary.complete


def test_prn_line_counts_at_maximum() -> None:
    summary = total_mme([MedicationDose("oxycodone", 5, "prn", max_doses_per_day=4)])
    assert summary.total == 30


@dataclasses.dataclass(frozen=True)
class _StoredLine:
    """A stand-in for a stored prescription: the fields and more (like a database row)."""

    drug: str
    dose: float
    frequency: str
    max_doses_per_day: float | None
    unit: str
    route: str
    indication: str | None
    concentration_mg_per_ml: float | None
    notes: str = "not a dose field"


def test_dose_of_carries_every_field() -> None:
    # Every value differs from MedicationDose's defaults, so a dropped field shows.
    stored = _StoredLine("morphine oral solution", 5, "prn", 4, "mL", "oral", "pain", 2)
    line = mme.dose_of(stored)
    assert line == MedicationDose(
        "morphine oral solution",
        5,
        "prn",
        4,
        unit="mL",
        route="oral",
        indication="pain",
        concentration_mg_per_ml=2,
    )
    fields = {f.name for f in dataclasses.fields(MedicationDose)}
    assert {name: getattr(line, name) for name in fields} == {
        name: getattr(stored, name) for name in fields
    }
    assert total_mme([line]).total == 40  # 5 mL x 2 mg/mL x 4 a day, morphine factor 1
    with pytest.raises(AttributeError, match="dose"):
        mme.dose_of(_NameOnly("morphine"))  # a missing field fails; it never defaults


@dataclasses.dataclass(frozen=True)
class _NameOnly:
    drug: str


def test_summary_is_frozen() -> None:
    summary = total_mme([])
    with pytest.raises(AttributeError):
        summary.total = 1  # type: ignore[misc]  # checking immutability


table_drugs = st.sampled_from(sorted(CDC_2022_FACTORS))
doses = st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_subnormal=False)


@given(table_drugs, doses)
def test_mme_is_non_negative(drug: str, dose: float) -> None:
    assert daily_mme(drug, dose) >= 0


@given(table_drugs, doses, st.integers(min_value=0, max_value=20))
def test_mme_is_linear_in_dose(drug: str, dose: float, k: int) -> None:
    scaled, single = daily_mme(drug, dose * k), daily_mme(drug, dose)
    assert math.isclose(scaled, k * single, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(single, dose * CDC_2022_FACTORS[drug], rel_tol=1e-9, abs_tol=1e-9)


@given(st.lists(st.tuples(table_drugs, st.integers(0, 200), st.sampled_from(["bid", "tid"]))))
def test_total_is_sum_of_lines(lines: list[tuple[str, int, str]]) -> None:
    doses_ = [
        MedicationDose(drug, dose, freq)
        if drug != "fentanyl transdermal"
        else MedicationDose("fentanyl", dose, "continuous", unit="mcg/h", route="transdermal")
        for drug, dose, freq in lines
    ]
    summary = total_mme(doses_)
    assert math.isclose(summary.total, sum(m for _, m in summary.lines), abs_tol=1e-6)
    assert summary.at_least_50 == (summary.total >= 50)
    assert summary.at_least_90 == (summary.total >= 90)


@given(st.text(max_size=30))
def test_is_opioid_total_function(text: str) -> None:
    assert isinstance(is_opioid(text), bool)
