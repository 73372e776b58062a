"""Therapeutic duplicate groups and the chart-fit rules, as pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.clinical import coherence, drugs
from carecoord.clinical.coherence import ChartFacts, Line, Score

DAY = date(2025, 6, 2)


@pytest.mark.parametrize(
    ("name", "route", "group"),
    [
        ("sertraline", "oral", "SSRI/SNRI"),
        ("venlafaxine ER", "oral", "SSRI/SNRI"),
        ("Cymbalta", "oral", "SSRI/SNRI"),
        ("amitriptyline", "oral", "tricyclic antidepressant"),
        ("Xanax", "oral", "benzodiazepine"),
        ("pregabalin", "oral", "gabapentinoid"),
        ("tizanidine", "oral", "muscle relaxant"),
        ("naproxen", "oral", "systemic NSAID"),
        ("diclofenac 1% gel", "other", None),
        ("aspirin", "oral", None),
        ("oxycodone ER", "oral", "long-acting opioid"),
        ("OxyContin", "oral", "long-acting opioid"),
        ("fentanyl transdermal", "transdermal", "long-acting opioid"),
        ("buprenorphine buccal film", "sublingual", "long-acting opioid"),
        ("methadone", "oral", "long-acting opioid"),
        ("oxycodone", "oral", None),
        ("Percocet", "oral", None),
        ("buprenorphine/naloxone", "sublingual", None),
        ("Suboxone", "sublingual", None),
        ("naloxone nasal spray", "other", None),
    ],
)
def test_duplicate_groups(name: str, route: str, group: str | None) -> None:
    assert drugs.duplicate_group(name, route) == group


def test_a_stopped_line_is_no_duplicate() -> None:
    lines = (
        Line("duloxetine", date(2024, 1, 1)),
        Line("sertraline", date(2024, 1, 1), date(2025, 1, 1)),
        Line("oxycodone ER", date(2024, 1, 1)),
        Line("oxycodone", date(2024, 1, 1)),
    )
    assert coherence.duplicate_classes(lines, DAY) == []
    assert coherence.duplicate_classes(lines, date(2024, 6, 1)) == [
        ("SSRI/SNRI", ["duloxetine", "sertraline"])
    ]


def test_referral_text_is_judged_on_its_day() -> None:
    facts = ChartFacts(
        codes=("M54.50",),
        lines=(Line("duloxetine", date(2025, 3, 1)),),
        phq9=(Score(date(2025, 4, 1), 12, 0),),
    )
    texts = ("Positive PHQ-9 screen.", "Is the antidepressant adequate?")
    assert coherence.referral_problems(facts, "psychiatry", date(2025, 4, 1), texts) == []
    assert coherence.referral_problems(facts, "psychiatry", date(2025, 2, 1), texts) == [
        ("reason_without_finding", "'Positive PHQ-9 screen.' without a PHQ-9 total >= 10"),
        (
            "drug_not_taken",
            "'Is the antidepressant adequate?' asks about antidepressant; none is taken on "
            "2025-02-01",
        ),
        (
            "psychiatry_without_reason",
            "psychiatry referral of 2025-02-01 without an F diagnosis, PHQ-9 or GAD-7 >= 10 "
            "or PHQ-9 item 9 > 0",
        ),
    ]


def test_either_drug_named_is_enough_and_starting_one_always_fits() -> None:
    facts = ChartFacts(lines=(Line("naproxen"),))
    question = "Please optimise renal function before NSAID or opioid changes."
    assert coherence.drug_problem(question, facts, DAY) is None
    assert coherence.drug_problem("Trial of topical lidocaine", facts, DAY) is None
    assert coherence.drug_problem(
        "Frequent headaches despite preventive treatment.", facts, DAY
    ) == (
        "'Frequent headaches despite preventive treatment.' asks about a headache preventive; "
        "none is taken on 2025-06-02"
    )


def test_activity_sites() -> None:
    knee = ChartFacts(codes=("M17.11",))
    assert coherence.activity_problems(knee, "Genicular nerve block", DAY) == []
    assert coherence.activity_problems(knee, "MRI of the lumbar spine", DAY) == [
        (
            "activity_diagnosis_mismatch",
            "'MRI of the lumbar spine' needs lumbar spine pain; codes ('M17.11',)",
        )
    ]
