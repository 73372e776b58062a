"""Published-value vectors for total_mme: routes x units x brands x frequencies.

Every expected number is written out by hand from the CDC 2022 guideline's MME table
(Dowell D, et al. MMWR Recomm Rep 2022;71(3), Table: "Morphine milligram equivalent
conversion factors"): codeine 0.15, fentanyl transdermal 2.4 per mcg/h, hydrocodone 1,
hydromorphone 5, methadone 4.7, morphine 1, oxycodone 1.5, oxymorphone 3, tapentadol 0.4,
tramadol 0.2 (docs/clinical-reference.md §5). The table's footnotes: the factors are for
oral opioids and transdermal fentanyl; buprenorphine has none; they do not apply to
methadone or buprenorphine for opioid use disorder.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.mme import MedicationDose, format_total, total_mme

M = MedicationDose
T = "CDC 2022 Table"

CONVERTED = [
    # drug line, expected MME/day, source line
    (M("codeine", 30, "q6h"), 18, f"{T}: codeine 0.15 (120 mg/day)"),
    (M("codeine", 60, "qid"), 36, f"{T}: codeine 0.15 (240 mg/day)"),
    (M("Tylenol #3", 30, "q4h"), 27, f"{T}: codeine 0.15 (180 mg/day)"),
    (M("Tylenol No. 4", 60, "tid"), 27, f"{T}: codeine 0.15 (180 mg/day)"),
    (M("hydrocodone", 5, "qid"), 20, "CDC worked example: hydrocodone 5 mg x4/day = 20 MME"),
    (M("Norco", 10, "q6h"), 40, f"{T}: hydrocodone 1"),
    (M("Vicodin", 5, "tid"), 15, f"{T}: hydrocodone 1"),
    (M("Hycet", 7.5, "q6h"), 30, f"{T}: hydrocodone 1"),
    (M("Hysingla ER", 30, "daily"), 30, f"{T}: hydrocodone 1"),
    (M("hydrocodone", 10, "qhs"), 10, f"{T}: hydrocodone 1"),
    (M("hydromorphone", 2, "q4h"), 60, f"{T}: hydromorphone 5 (12 mg/day)"),
    (M("Dilaudid", 4, "q6h"), 80, f"{T}: hydromorphone 5 (16 mg/day)"),
    (M("hydromorphone", 2000, "q6h", unit="mcg"), 40, f"{T}: hydromorphone 5; 2000 mcg = 2 mg"),
    (M("hydromorphone", 500, "qid", unit="MCG"), 10, f"{T}: hydromorphone 5; 500 mcg = 0.5 mg"),
    (M("methadone", 10, "tid"), 141, f"{T}: methadone 4.7 (30 mg/day)"),
    (M("methadone", 5, "bid"), 47, f"{T}: methadone 4.7 (10 mg/day)"),
    (M("Dolophine", 2.5, "bid"), 23.5, f"{T}: methadone 4.7 (5 mg/day)"),
    (M("morphine", 15, "q4h"), 90, f"{T}: morphine 1 (90 mg/day)"),
    (M("MS Contin", 30, "q12h"), 60, f"{T}: morphine 1"),
    (M("Kadian", 20, "daily"), 20, f"{T}: morphine 1"),
    (M("Embeda", 20, "bid"), 40, f"{T}: morphine 1 (morphine/naltrexone)"),
    (M("morphine", 60, "qd"), 60, f"{T}: morphine 1"),
    (M("oxycodone", 10, "bid"), 30, "CDC worked example: oxycodone 10 mg x2/day = 30 MME"),
    (M("OxyContin", 20, "q12h"), 60, f"{T}: oxycodone 1.5 (40 mg/day)"),
    (M("Percocet", 5, "q6h"), 30, f"{T}: oxycodone 1.5 (20 mg/day)"),
    (M("Nalocet", 2.5, "qid"), 15, f"{T}: oxycodone 1.5 (10 mg/day)"),
    (M("Primlev", 10, "tid"), 45, f"{T}: oxycodone 1.5 (30 mg/day)"),
    (M("RoxyBond", 15, "bid"), 45, f"{T}: oxycodone 1.5 (30 mg/day)"),
    (
        M("Roxicodone", 5, "prn", max_doses_per_day=6),
        45,
        f"{T}: oxycodone 1.5; prn at its maximum 6/day",
    ),
    (M("Xtampza ER", 9, "bid"), 27, f"{T}: oxycodone 1.5 (18 mg/day)"),
    (M("oxycodone", 5000, "bid", unit="mcg"), 15, f"{T}: oxycodone 1.5; 5000 mcg = 5 mg"),
    (M("oxymorphone", 5, "q6h"), 60, f"{T}: oxymorphone 3 (20 mg/day)"),
    (M("Opana ER", 10, "q12h"), 60, f"{T}: oxymorphone 3"),
    (M("tapentadol", 50, "q6h"), 80, f"{T}: tapentadol 0.4 (200 mg/day)"),
    (M("Nucynta ER", 100, "bid"), 80, f"{T}: tapentadol 0.4"),
    (M("tramadol", 50, "q6h"), 40, f"{T}: tramadol 0.2 (200 mg/day)"),
    (M("Ultram", 50, "tid"), 30, f"{T}: tramadol 0.2 (150 mg/day)"),
    (M("Ultracet", 37.5, "qid"), 30, f"{T}: tramadol 0.2 (150 mg/day)"),
    (M("Seglentis", 44, "bid"), 17.6, f"{T}: tramadol 0.2 (88 mg/day, tramadol/celecoxib)"),
    (
        M("tramadol", 100, "prn", max_doses_per_day=2),
        40,
        f"{T}: tramadol 0.2; prn at its maximum",
    ),
    (
        M("morphine", 5, "q4h", unit="mL", concentration_mg_per_ml=2),
        60,
        f"{T}: morphine 1; oral solution 10 mg/5 mL, 5 mL = 10 mg",
    ),
    (
        M("methadone", 2, "daily", unit="ml", concentration_mg_per_ml=10),
        94,
        f"{T}: methadone 4.7; concentrate 10 mg/mL, 2 mL = 20 mg",
    ),
    (
        M("oxycodone", 10, "q6h", unit="mL", concentration_mg_per_ml=1),
        60,
        f"{T}: oxycodone 1.5; solution 5 mg/5 mL",
    ),
    (M("morphine", 30, "bid", route="PO"), 60, f"{T}: morphine 1 (route code 'PO' = oral)"),
    (M("oxycodone", 5, "bid", route="ORAL"), 15, f"{T}: oxycodone 1.5 (codes in any case)"),
    (
        M("fentanyl", 25, "continuous", unit="mcg/h", route="transdermal"),
        60,
        f"{T}: fentanyl transdermal 2.4 per mcg/h (25 mcg/h = 60)",
    ),
    (
        M("Duragesic", 50, "continuous", unit="mcg/hr", route="TD"),
        120,
        f"{T}: fentanyl transdermal 2.4 per mcg/h",
    ),
    (
        M("fentanyl patch", 12, "continuous", unit="mcg/h", route="transdermal"),
        28.8,
        f"{T}: fentanyl transdermal 2.4 per mcg/h",
    ),
    (
        M("fentanyl", 0.025, "continuous", unit="mg/h", route="Transdermal"),
        60,
        f"{T}: fentanyl transdermal 2.4 per mcg/h; 0.025 mg/h = 25 mcg/h",
    ),
    (
        M("fentanyl", 75, "continuous", unit="mcg/h", route="transdermal"),
        180,
        f"{T}: fentanyl transdermal 2.4 per mcg/h",
    ),
]

NOT_CONVERTED = [
    # drug line, words of the reason, source line
    (M("morphine", 2, "daily", route="intrathecal"), "intrathecal", f"{T} footnote: oral only"),
    (M("hydromorphone", 1, "q4h", route="IV"), "route IV", f"{T} footnote: oral only"),
    (M("oxycodone", 5, "q6h", route="rectal"), "route rectal", f"{T} footnote: oral only"),
    (M("morphine", 10, "q4h", route="im"), "route IM", f"{T} footnote: oral only"),
    (
        M("hydromorphone", 0.2, "continuous", unit="mg/h", route="sc"),
        "route SC",
        f"{T} footnote: oral only",
    ),
    (
        M("fentanyl", 50, "continuous", unit="mcg/h", route="epidural"),
        "epidural fentanyl",
        f"{T}: only transdermal fentanyl has a factor",
    ),
    (
        M("Actiq", 200, "qid", unit="mcg", route="sublingual"),
        "only transdermal fentanyl",
        f"{T}: only transdermal fentanyl has a factor",
    ),
    (
        M("Fentora", 100, "q6h", unit="mcg", route="buccal"),
        "only transdermal fentanyl",
        f"{T}: only transdermal fentanyl has a factor",
    ),
    (
        M("Butrans", 10, "continuous", unit="mcg/h", route="transdermal"),
        "buprenorphine",
        f"{T} footnote: buprenorphine has no factor",
    ),
    (
        M("Belbuca", 150, "bid", unit="mcg", route="sublingual"),
        "buprenorphine",
        f"{T} footnote: buprenorphine has no factor",
    ),
    (
        M("Suboxone", 8, "daily", route="SL", indication="OUD"),
        "opioid use disorder",
        f"{T} footnote: not for OUD treatment",
    ),
    (
        M("methadone", 100, "daily", indication="opioid use disorder treatment"),
        "opioid use disorder",
        f"{T} footnote: not for methadone for OUD",
    ),
    (M("Talwin", 50, "q4h"), "pentazocine", f"{T}: pentazocine is not in the table"),
    (M("Stadol", 1, "q4h", route="other"), "butorphanol", f"{T}: butorphanol is not listed"),
    (M("Demerol", 50, "q4h"), "meperidine", f"{T}: meperidine is not in the table"),
    (M("oxycodon", 5, "bid"), "looks like an opioid", f"{T}: oxycodone (misspelt)"),
    (M("hydrocodne", 10, "q6h"), "looks like an opioid", f"{T}: hydrocodone (misspelt)"),
]

PROBLEMS = [
    # drug line, field at fault, source line
    (
        M("fentanyl patch", 25, "bid", unit="mcg/h", route="transdermal"),
        "frequency",
        f"{T}: transdermal fentanyl is dosed per mcg/h (a patch is continuous)",
    ),
    (
        M("fentanyl", 25, "continuous", unit="mcg/h", route="oral"),
        "unit",
        f"{T}: mcg/h is the patch rate, not an oral dose",
    ),
    (M("oxycodone", 5, "prn"), "max_doses_per_day", f"{T}: daily dose needs the prn maximum"),
    (M("oxycodone", 5, "bid", unit="mL"), "concentration_mg_per_ml", f"{T}: mg per day"),
    (M("morphine", 1, "daily", unit="g"), "unit", f"{T}: opioid doses in mg"),
]


@pytest.mark.parametrize(("line", "expected", "source"), CONVERTED)
def test_converted_vector(line: MedicationDose, expected: float, source: str) -> None:
    summary = total_mme([line])
    assert summary.total == expected, source
    assert summary.complete, source
    assert format_total(summary) == f"{expected:g} MME/day"


@pytest.mark.parametrize(("line", "reason", "source"), NOT_CONVERTED)
def test_not_converted_vector(line: MedicationDose, reason: str, source: str) -> None:
    summary = total_mme([line])
    assert summary.lines == () and summary.total == 0, source
    assert not summary.complete and summary.has_opioids
    assert reason in summary.not_converted[0].reason, source
    shown = format_total(summary)
    assert shown.startswith("MME/day not calculated — incomplete: not counted: ")
    assert "0 MME/day" not in shown


@pytest.mark.parametrize(("line", "field", "source"), PROBLEMS)
def test_problem_vector(line: MedicationDose, field: str, source: str) -> None:
    summary = total_mme([line, M("oxycodone", 10, "bid")])
    assert [p.field for p in summary.problems] == [field], source
    assert summary.total == 30  # the good line still counts
    assert format_total(summary).startswith("30 MME/day — incomplete: not counted: ")


def test_there_are_at_least_sixty_vectors() -> None:
    assert len(CONVERTED) + len(NOT_CONVERTED) + len(PROBLEMS) >= 60


def test_mixed_list_is_incomplete_and_names_each_left_out_line() -> None:
    """Finding 1: an IV line beside oral lines makes the total incomplete, never complete."""
    summary = total_mme(
        [
            M("oxycodone", 10, "bid"),
            M("hydromorphone", 1, "q4h", route="iv"),
            M("gabapentin", 300, "tid"),
        ]
    )
    assert summary.total == 30
    assert format_total(summary) == (
        "30 MME/day — incomplete: not counted: hydromorphone (route IV: the CDC 2022 "
        "factors are for oral opioids and transdermal fentanyl only)"
    )
    assert format_total(summary, short=True) == "30 MME/day (incomplete)"


def test_no_opioid_wording() -> None:
    assert format_total(total_mme([M("gabapentin", 300, "tid")])) == "No current opioids"
    assert format_total(total_mme([M("naloxone", 4, "prn", max_doses_per_day=2)])) == (
        "No current opioids"
    )
