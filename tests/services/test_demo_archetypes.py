"""Demo patients built from clinical archetypes: what each archetype promises shows in the
rows, the same seed writes the same clinic, and references are the app's own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from carecoord.clinical import headache
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.demo.archetypes import ARCHETYPES, ICD

DAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('archetypes') / 'demo.sqlite3'}")
    fill_demo(db, patients=400, seed=3, today=DAY)
    yield db
    db.dispose()


def _rows(db: Database, sql: str) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(text(sql)))


def _codes(db: Database) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = defaultdict(set)
    for patient_id, code in _rows(db, "SELECT patient_id, code FROM diagnoses"):
        codes[patient_id].add(code)
    return codes


def _activities(db: Database) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for patient_id, description in _rows(
        db,
        "SELECT p.patient_id, a.description FROM plan_activities a "
        "JOIN treatment_plans p ON p.id = a.plan_id",
    ):
        found[patient_id].append(description)
    return found


def test_the_case_mix_adds_up_and_every_code_has_its_title() -> None:
    assert sum(a.weight for a in ARCHETYPES) == 100
    assert len({a.name for a in ARCHETYPES}) == len(ARCHETYPES) == 14
    for archetype in ARCHETYPES:
        assert set(archetype.primary + archetype.extra + archetype.always) <= set(ICD)
        assert 0 <= archetype.oud <= 1 and 0 <= archetype.opioid <= 1


def test_stimulator_patients_have_one_and_are_never_offered_a_trial(clinic: Database) -> None:
    codes, activities = _codes(clinic), _activities(clinic)
    implanted = {p for p, c in codes.items() if "Z96.89" in c}
    assert len(implanted) >= 5
    for patient in implanted:
        assert "M96.1" in codes[patient]  # the post-laminectomy archetype's implant
        assert "Spinal cord stimulator trial" not in activities[patient]
    reprogrammed = {
        p for p, a in activities.items() if "Spinal cord stimulator reprogramming and review" in a
    }
    assert reprogrammed and reprogrammed <= implanted
    for patient_id, question in _rows(
        clinic, "SELECT patient_id, clinical_question FROM referrals"
    ):
        if patient_id in implanted:
            assert "stimulator trial" not in question


def test_medication_overuse_is_coded_only_where_the_headache_profile_shows_it(
    clinic: Database,
) -> None:
    codes = _codes(clinic)
    profiles = {
        p: (days, acute)
        for p, days, acute in _rows(
            clinic,
            "SELECT patient_id, headache_days_per_month, acute_medication_days_per_month "
            "FROM headache_profiles",
        )
    }
    overuse = {p for p, c in codes.items() if "G44.40" in c}
    assert len(overuse) >= 5
    for patient in overuse:
        days, acute = profiles[patient]
        assert "G43.709" in codes[patient]
        assert days >= 15  # chronic migraine: 15 or more headache days a month
        assert headache.medication_overuse_risk(acute) == "likely"
    withdrawal = {
        p
        for p, a in _activities(clinic).items()
        if "Withdrawal of the overused acute medication with a headache diary" in a
    }
    assert withdrawal and withdrawal <= overuse


def test_archetype_only_activities_stay_with_their_archetype(clinic: Database) -> None:
    codes, activities = _codes(clinic), _activities(clinic)
    belongs = {
        "Graded motor imagery and mirror therapy": "G90.50",
        "Foot care and activity education": "E11.42",
        "Buprenorphine/naloxone maintenance with monthly review": "F11.20",
    }
    for description, code in belongs.items():
        patients = {p for p, a in activities.items() if description in a}
        assert patients, description
        assert all(code in codes[p] for p in patients), description


def test_references_are_the_apps_own(clinic: Database) -> None:
    rows = _rows(clinic, "SELECT id, reference FROM referrals ORDER BY id")
    assert rows and all(reference == f"RPFC-{rid:06d}" for rid, reference in rows)


def test_same_seed_same_clinic(tmp_path: Path) -> None:
    def clinic_rows(name: str, seed: int) -> list[list[Any]]:
        db = Database(f"sqlite:///{tmp_path / name}")
        fill_demo(db, patients=40, seed=seed, today=DAY)
        rows = [
            _rows(db, "SELECT patient_id, code, onset FROM diagnoses ORDER BY id"),
            _rows(db, "SELECT patient_id, drug, dose, start_date FROM medications ORDER BY id"),
            _rows(db, "SELECT plan_id, description, status FROM plan_activities ORDER BY id"),
            _rows(
                db,
                "SELECT patient_id, discipline, reason, clinical_question, state, due_on "
                "FROM referrals ORDER BY id",
            ),
            _rows(db, "SELECT patient_id, kind, taken_on, total FROM assessments ORDER BY id"),
        ]
        db.dispose()
        return rows

    first = clinic_rows("a.sqlite3", 11)
    assert first == clinic_rows("b.sqlite3", 11)
    assert first != clinic_rows("c.sqlite3", 12)
