"""Opioid-safety alert vectors, each tied to its CDC 2022 recommendation.

Source: Dowell D, et al. CDC Clinical Practice Guideline for Prescribing Opioids for
Pain — United States, 2022. MMWR Recomm Rep 2022;71(3) (docs/clinical-reference.md §5):
Rec. 4 (dosage: >= 50 MME/day reassess; >= 90 avoid or justify), Rec. 8 (offer naloxone:
>= 50 MME/day, history of overdose, substance use disorder, concurrent benzodiazepine),
Rec. 11 (avoid opioids with benzodiazepines; caution with other CNS depressants such as
gabapentinoids), Rec. 12 (offer or arrange medication for opioid use disorder), and the
Table's footnotes (factors for oral opioids and transdermal fentanyl only).
"""

from __future__ import annotations

import pytest

from carecoord.clinical.mme import MedicationDose
from carecoord.clinical.opioid_safety import CODES, alerts, has_overdose

M = MedicationDose
OXY = M("oxycodone", 10, "bid")  # 30 MME/day
OXY_HIGH = M("oxycodone", 20, "bid")  # 60 MME/day
MORPHINE_120 = M("morphine", 60, "bid")  # 120 MME/day
NALOXONE = M("naloxone", 4, "prn", max_doses_per_day=2, route="other")
NARCAN = M("Narcan", 4, "prn", max_doses_per_day=2, route="other")
SUBOXONE_OUD = M("Suboxone", 8, "daily", route="sublingual", indication="oud")
METHADONE_OUD = M("methadone", 80, "daily", indication="opioid_use_disorder")
XANAX = M("Xanax", 0.5, "tid")
LYRICA = M("Lyrica", 75, "bid")

VECTORS = [
    # medications, diagnoses, overdose history, expected codes, source line
    ([], [], False, [], "no medication, no risk"),
    ([OXY], [], False, [], "Rec. 4: 30 MME/day is below 50"),
    ([OXY, XANAX], [], False, ["opioid_benzodiazepine", "naloxone"], "Rec. 11 and Rec. 8"),
    (
        [OXY, M("Valium", 5, "bid")],
        [],
        False,
        ["opioid_benzodiazepine", "naloxone"],
        "Rec. 11: diazepam",
    ),
    (
        [OXY, M("Ativan", 1, "bid")],
        [],
        False,
        ["opioid_benzodiazepine", "naloxone"],
        "Rec. 11: lorazepam",
    ),
    (
        [OXY, M("Klonopin", 0.5, "bid")],
        [],
        False,
        ["opioid_benzodiazepine", "naloxone"],
        "Rec. 11: clonazepam",
    ),
    (
        [OXY, M("clonazepam", 0.5, "qhs")],
        [],
        False,
        ["opioid_benzodiazepine", "naloxone"],
        "Rec. 11: generic",
    ),
    ([OXY, XANAX, NALOXONE], [], False, ["opioid_benzodiazepine"], "Rec. 8 met by naloxone"),
    ([XANAX], [], False, [], "Rec. 11 needs an opioid"),
    ([OXY, LYRICA], [], False, ["opioid_gabapentinoid"], "Rec. 11: pregabalin"),
    (
        [OXY, M("Neurontin", 300, "tid")],
        [],
        False,
        ["opioid_gabapentinoid"],
        "Rec. 11: gabapentin",
    ),
    ([OXY, M("gabapentin", 600, "tid")], [], False, ["opioid_gabapentinoid"], "Rec. 11"),
    ([LYRICA], [], False, [], "Rec. 11 needs an opioid"),
    ([OXY, M("Cymbalta", 60, "daily")], [], False, [], "duloxetine is not a CNS-depressant rule"),
    ([OXY_HIGH], [], False, ["naloxone", "mme_50"], "Rec. 4 (>= 50) and Rec. 8"),
    ([OXY_HIGH, NALOXONE], [], False, ["mme_50"], "Rec. 8 met by naloxone"),
    ([OXY_HIGH, NARCAN], [], False, ["mme_50"], "Rec. 8 met by Narcan (brand)"),
    ([M("morphine", 50, "daily")], [], False, ["naloxone", "mme_50"], "Rec. 4: exactly 50"),
    ([M("morphine", 49, "daily")], [], False, [], "Rec. 4: 49 is below 50"),
    ([MORPHINE_120], [], False, ["naloxone", "mme_90"], "Rec. 4: >= 90"),
    ([M("morphine", 90, "daily"), NALOXONE], [], False, ["mme_90"], "Rec. 4: exactly 90"),
    ([], ["F11.20"], False, ["naloxone", "moud"], "Rec. 8 (SUD) and Rec. 12"),
    ([], ["F1120"], False, ["naloxone", "moud"], "Rec. 12: code without the dot"),
    ([SUBOXONE_OUD], ["F11.20"], False, ["naloxone", "not_converted"], "Rec. 12 met"),
    ([METHADONE_OUD], ["F11.21"], False, ["naloxone", "not_converted"], "Rec. 12 met"),
    (
        [SUBOXONE_OUD, NALOXONE],
        ["F11.20"],
        False,
        ["not_converted"],
        "Rec. 8 and 12 met; Table footnote",
    ),
    (
        [M("Vivitrol", 380, "daily", route="im", indication="oud"), NALOXONE],
        ["F11.20"],
        False,
        [],
        "Rec. 12: naltrexone is medication for OUD",
    ),
    (
        [M("Butrans", 10, "continuous", unit="mcg/h", route="transdermal")],
        [],
        False,
        ["not_converted"],
        "Table footnote: buprenorphine",
    ),
    ([OXY], [], True, ["naloxone"], "Rec. 8: history of overdose"),
    ([OXY], ["T40.2X1A"], False, ["naloxone"], "Rec. 8: overdose read from T40.2"),
    ([], [], True, ["naloxone"], "Rec. 8: overdose history without a current opioid"),
    (
        [M("morphine", 2, "daily", route="intrathecal")],
        [],
        False,
        ["not_converted"],
        "Table footnote: intrathecal",
    ),
    (
        [OXY, M("hydromorphone", 1, "q4h", route="IV")],
        [],
        False,
        ["not_converted"],
        "Table footnote: IV",
    ),
    ([M("oxycodon", 5, "bid")], [], False, ["unrecognised_opioid"], "Rec. 4: count every opioid"),
    (
        [M("fentanyl patch", 25, "bid", unit="mcg/h", route="transdermal")],
        [],
        False,
        ["not_converted"],
        "Table: a patch is a continuous mcg/h rate",
    ),
    (
        [MORPHINE_120, XANAX, LYRICA],
        ["F11.20"],
        False,
        ["opioid_benzodiazepine", "opioid_gabapentinoid", "naloxone", "moud", "mme_90"],
        "Rec. 4, 8, 11 and 12 together",
    ),
]


@pytest.mark.parametrize(("meds", "codes", "overdose", "expected", "source"), VECTORS)
def test_alert_vector(
    meds: list[MedicationDose],
    codes: list[str],
    overdose: bool,
    expected: list[str],
    source: str,
) -> None:
    found = alerts(meds, codes, overdose_history=overdose)
    assert [a.code for a in found] == expected, source


def test_there_are_at_least_thirty_vectors() -> None:
    assert len(VECTORS) >= 30


@pytest.mark.parametrize(
    ("meds", "codes", "code", "cites"),
    [
        ([OXY, XANAX], [], "opioid_benzodiazepine", "CDC 2022 Rec. 11"),
        ([OXY, LYRICA], [], "opioid_gabapentinoid", "CDC 2022 Rec. 11"),
        ([OXY_HIGH], [], "naloxone", "CDC 2022 Rec. 8"),
        ([], ["F11.20"], "moud", "CDC 2022 Rec. 12"),
        ([OXY_HIGH], [], "mme_50", "CDC 2022 Rec. 4"),
        ([MORPHINE_120], [], "mme_90", "CDC 2022 Rec. 4"),
        ([M("morphine", 2, "daily", route="intrathecal")], [], "not_converted", "CDC 2022"),
        ([M("oxycodon", 5, "bid")], [], "unrecognised_opioid", "CDC 2022"),
    ],
)
def test_every_alert_cites_the_guideline(
    meds: list[MedicationDose], codes: list[str], code: str, cites: str
) -> None:
    (alert,) = [a for a in alerts(meds, codes) if a.code == code]
    assert cites in alert.text
    assert alert.severity in ("danger", "warning")
    assert alert.title


def test_severities() -> None:
    by_code = {a.code: a.severity for a in alerts([MORPHINE_120, XANAX, LYRICA], ["F11.20"])}
    assert by_code == {
        "opioid_benzodiazepine": "danger",
        "opioid_gabapentinoid": "warning",
        "naloxone": "warning",
        "moud": "warning",
        "mme_90": "danger",
    }


def test_texts_name_the_drugs_and_the_incomplete_total() -> None:
    found = {a.code: a for a in alerts([OXY_HIGH, XANAX, M("morphine", 1, "q4h", route="iv")], [])}
    assert "Xanax" in found["opioid_benzodiazepine"].text
    assert found["mme_50"].title == "60 MME/day (incomplete) (≥ 50)"
    assert "morphine (route IV" in found["not_converted"].text


def test_codes_listed() -> None:
    assert set(CODES) >= {
        "opioid_benzodiazepine",
        "opioid_gabapentinoid",
        "naloxone",
        "moud",
        "mme_50",
        "mme_90",
        "not_converted",
        "unrecognised_opioid",
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [("T40.2X1A", True), ("T40.0X1A", True), ("T40.4X1A", True), ("T40.5X1A", False)],
)
def test_overdose_codes(code: str, expected: bool) -> None:
    """T40.5 is cocaine, not an opioid; T40.0-T40.4 and T40.6 are opioid poisonings."""
    assert has_overdose([code]) is expected
