"""The demo coherence checker: each rule caught on a small chart built through the real
services, and the 300-patient demo clinic passing every rule."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from carecoord import cli
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.demo.check import RULES, Finding, check, counts
from carecoord.services import assessments, patients, plans, record
from carecoord.services.actor import Actor, system_actor
from carecoord.services.common import today
from carecoord.services.monitoring import ResultEntry, record_result
from carecoord.services.record import MedicationInput
from tests.services.helpers import new_member, new_patient, new_referral

DEMO_DAY = date(2025, 6, 2)
PHQ9_CALM = {"items": [1, 1, 0, 1, 0, 0, 1, 0, 0]}


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def add_drug(
    db: Database,
    actor: Actor,
    patient_id: int,
    drug: str,
    dose: float,
    frequency: str = "daily",
    *,
    unit: str = "mg",
    route: str = "oral",
    max_doses_per_day: float | None = None,
    start_date: date | None = None,
    stop_date: date | None = None,
) -> None:
    line = MedicationInput(
        drug,
        dose,
        unit,
        frequency,
        route,
        start_date=start_date,
        stop_date=stop_date,
        max_doses_per_day=max_doses_per_day,
    )
    record.add_medication(db, actor, patient_id, line)


def add_naloxone(db: Database, actor: Actor, patient_id: int) -> None:
    add_drug(
        db, actor, patient_id, "naloxone nasal spray", 4, "prn", route="other", max_doses_per_day=2
    )


def test_every_rule_has_a_test_below() -> None:
    assert RULES == (
        "discipline_mismatch",
        "reason_without_finding",
        "self_harm_without_phq9_item9",
        "drug_not_taken",
        "duplicate_drug_class",
        "activity_diagnosis_mismatch",
        "taper_in_oud",
        "trial_of_current_drug",
        "after_discharge",
        "before_registration",
        "in_future",
        "naloxone_claimed_missing",
        "psychiatry_without_reason",
    )


def test_discipline_mismatch(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    psychologist = new_member(db, physician, "psychology", "Berg", "Lena")
    record.add_diagnosis(db, physician, patient.id, "M54.50")
    new_referral(
        db,
        physician,
        patient.id,
        psychologist,
        reason="Back pain not settling.",
        clinical_question="Please give a lumbar epidural steroid injection.",
    )
    found = check(db, today=today())
    assert rules_of(found) == ["discipline_mismatch"]
    assert found[0].detail == (
        "referral 1: 'epidural' in a Psychology referral: "
        "'Please give a lumbar epidural steroid injection.'"
    )


def test_reason_without_finding(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    neurologist = new_member(db, physician, "neurology_headache", "Sato", "Emi")
    record.add_diagnosis(db, physician, patient.id, "M54.50")
    new_referral(
        db,
        physician,
        patient.id,
        neurologist,
        reason="Frequent migraine attacks.",
        clinical_question="Please advise.",
    )
    found = check(db, today=today())
    assert rules_of(found) == ["reason_without_finding"]
    assert found[0].detail == (
        "referral 1: 'Frequent migraine attacks.' without a headache diagnosis (G43/G44)"
    )
    record.add_diagnosis(db, physician, patient.id, "G43.009")
    assert check(db, today=today()) == []


def test_self_harm_text_without_phq9_item_9(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    psychiatrist = new_member(db, physician, "psychiatry")
    record.add_diagnosis(db, physician, patient.id, "F41.1")
    assessments.record_assessment(db, physician, patient.id, "phq9", PHQ9_CALM)
    new_referral(
        db,
        physician,
        patient.id,
        psychiatrist,
        reason="Generalised anxiety with chronic pain.",
        clinical_question="Please assess.",
        priority="urgent",
        priority_reason="Thoughts of self-harm reported.",
    )
    found = check(db, today=today())
    assert rules_of(found) == ["self_harm_without_phq9_item9"]
    assert found[0].detail == (
        f"referral 1: 'Thoughts of self-harm reported.' but no PHQ-9 item 9 > 0 by "
        f"{today().isoformat()}"
    )
    assessments.record_assessment(
        db, physician, patient.id, "phq9", {"items": [1, 1, 0, 1, 0, 0, 1, 0, 1]}
    )
    assert check(db, today=today()) == []


def test_question_about_a_drug_not_taken(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    internist = new_member(db, physician, "internal_medicine", "Novak", "Ivo")
    new_referral(
        db,
        physician,
        patient.id,
        internist,
        reason="Kidney disease and chronic pain.",
        clinical_question="Please optimise renal function before NSAID or opioid changes.",
        treatments_tried="pregabalin; physical therapy",
    )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "drug_not_taken",
            "referral 1: 'Please optimise renal function before NSAID or opioid changes.' "
            f"asks about NSAID, opioid; none is taken on {today().isoformat()}",
        ),
        (
            "drug_not_taken",
            "referral 1: treatments tried name pregabalin, never on the medication list",
        ),
    ]
    add_drug(db, physician, patient.id, "naproxen", 500, frequency="bid")
    add_drug(
        db, physician, patient.id, "pregabalin", 75, frequency="bid",
        start_date=today() - timedelta(days=200), stop_date=today() - timedelta(days=100),
    )  # fmt: skip
    assert check(db, today=today()) == []


def test_duplicate_drug_classes(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add_drug(db, physician, patient.id, "sertraline", 50)
    add_drug(db, physician, patient.id, "duloxetine", 60)
    add_drug(db, physician, patient.id, "oxycodone ER", 10, frequency="q12h")
    add_drug(db, physician, patient.id, "morphine sulfate ER", 15, frequency="q12h")
    add_drug(db, physician, patient.id, "oxycodone", 5, frequency="prn", max_doses_per_day=3)
    add_drug(db, physician, patient.id, "lorazepam", 1, frequency="bid")
    add_drug(db, physician, patient.id, "Xanax", 0.5, frequency="tid")
    add_naloxone(db, physician, patient.id)
    add_drug(db, physician, patient.id, "ibuprofen", 400, frequency="tid")
    add_drug(db, physician, patient.id, "diclofenac 1% gel", 4, "qid", unit="g", route="other")
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        ("duplicate_drug_class", "2 current SSRI/SNRI lines: sertraline, duloxetine"),
        ("duplicate_drug_class", "2 current benzodiazepine lines: lorazepam, Xanax"),
        (
            "duplicate_drug_class",
            "2 current long-acting opioid lines: oxycodone ER, morphine sulfate ER",
        ),
    ]


def test_activity_that_does_not_fit_the_diagnosis(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "M54.50")
    plan = plans.create_plan(db, physician, patient.id, title="Back pain plan", started_on=today())
    for description in ("Lumbar epidural steroid injection", "Occipital nerve block"):
        plans.save_activity(
            db, physician, plan.id, plans.ActivityInput("interventional", description, today())
        )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "activity_diagnosis_mismatch",
            "activity 2: 'Occipital nerve block' needs headache or neck pain; codes ('M54.50',)",
        )
    ]


def test_opioid_taper_for_a_patient_with_an_opioid_use_disorder(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "F11.20")
    add_drug(db, physician, patient.id, "buprenorphine/naloxone", 8, "daily", route="sublingual")
    add_naloxone(db, physician, patient.id)
    plan = plans.create_plan(db, physician, patient.id, title="OUD and pain", started_on=today())
    plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput("medication", "Opioid taper by 10 % a month", today()),
    )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "taper_in_oud",
            "activity 1: 'Opioid taper by 10 % a month' for a patient with an opioid use "
            "disorder (F11): offer or continue its treatment instead (CDC 2022 Rec. 12)",
        )
    ]


def test_trial_of_a_drug_already_taken(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "G62.9")
    add_drug(db, physician, patient.id, "lidocaine 5% patch", 1, unit="patch", route="other")
    plan = plans.create_plan(db, physician, patient.id, title="Neuropathy", started_on=today())
    plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput("medication", "Trial of topical lidocaine", today()),
    )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "trial_of_current_drug",
            "activity 1: 'Trial of topical lidocaine' while lidocaine is taken on "
            f"{today().isoformat()}",
        )
    ]


def test_dates_after_discharge(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    left = today() - timedelta(days=1)
    patients.discharge_patient(
        db, physician, patient.id, on=left, reason="Moved away.", expected_version=patient.version
    )
    assessments.record_assessment(db, physician, patient.id, "nrs", {"value": 4})
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "after_discharge",
            f"nrs assessment {today().isoformat()} after discharge on {left.isoformat()}",
        )
    ]


def test_results_before_registration(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    earlier = today() - timedelta(days=30)
    record_result(
        db, physician, patient.id, ResultEntry("kidney", earlier, values={"creatinine": 0.9})
    )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "before_registration",
            f"monitoring result 1 {earlier.isoformat()} before registration on "
            f"{today().isoformat()}",
        )
    ]


def test_dates_in_the_future(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    record_result(
        db, physician, patient.id, ResultEntry("kidney", today(), values={"creatinine": 0.9})
    )
    yesterday = today() - timedelta(days=1)
    found = check(db, today=yesterday)
    assert [(f.rule, f.detail) for f in found] == [
        ("in_future", f"monitoring result 1 {today().isoformat()} after {yesterday.isoformat()}")
    ]


def test_naloxone_taught_but_not_on_the_list(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add_drug(db, physician, patient.id, "morphine sulfate ER", 30, frequency="q12h")  # 60 MME
    plan = plans.create_plan(db, physician, patient.id, title="Opioid safety", started_on=today())
    plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput(
            "education",
            "Naloxone and safe opioid storage teaching",
            today(),
            end_on=today(),
            status="done",
            sessions_planned=1,
            sessions_done=1,
        ),
    )
    found = check(db, today=today())
    assert rules_of(found) == ["naloxone_claimed_missing"]
    add_naloxone(db, physician, patient.id)
    assert check(db, today=today()) == []


def test_psychiatry_referral_without_a_mental_health_reason(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    psychiatrist = new_member(db, physician, "psychiatry")
    new_referral(
        db,
        physician,
        patient.id,
        psychiatrist,
        reason="Chronic widespread pain.",
        clinical_question="Please see.",
    )
    found = check(db, today=today())
    assert [(f.rule, f.detail) for f in found] == [
        (
            "psychiatry_without_reason",
            f"referral 1: psychiatry referral of {today().isoformat()} without an F "
            "diagnosis, PHQ-9 or GAD-7 >= 10 or PHQ-9 item 9 > 0",
        )
    ]
    assessments.record_assessment(db, physician, patient.id, "gad7", {"items": [2] * 7})
    assert check(db, today=today()) == []


def test_the_300_patient_demo_is_coherent(db: Database) -> None:
    fill_demo(db, patients=300, seed=13, today=DEMO_DAY)
    findings = check(db, today=DEMO_DAY)
    assert counts(findings) == dict.fromkeys(RULES, 0), "\n".join(map(str, findings[:40]))


def test_cli_check_prints_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.sqlite3"
    assert cli.main(["--database", str(path), "demo", "--patients", "40"]) == 0
    capsys.readouterr()
    assert cli.main(["--database", str(path), "demo", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("0 coherence finding(s)\n")


def test_cli_check_fails_on_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.sqlite3"
    assert cli.main(["--database", str(path), "demo", "--patients", "5"]) == 0
    db = Database(f"sqlite:///{path}")
    doctor = system_actor(UserRole.PHYSICIAN)
    for drug in ("sertraline", "escitalopram", "fluoxetine"):
        record.add_medication(db, doctor, 1, MedicationInput(drug, 10, "mg", "daily"))
    db.dispose()
    capsys.readouterr()
    assert cli.main(["--database", str(path), "demo", "--check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("patient ")] == [
        "patient 1: duplicate_drug_class: 4 current SSRI/SNRI lines: "
        "duloxetine, sertraline, escitalopram, fluoxetine"  # the demo's one, and the three added
    ]
    assert lines[-1].endswith(": 1 coherence finding(s): duplicate_drug_class 1")


def test_cli_check_never_creates_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing.sqlite3"
    assert cli.main(["--database", str(path), "demo", "--check"]) == 1
    assert capsys.readouterr().err == f"carecoord: there is no CareCoord database at {path}\n"
    assert not path.exists()
