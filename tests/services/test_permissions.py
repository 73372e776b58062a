"""The permission matrix is complete, and services obey it for every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from carecoord.clinical.vocabulary import DataCategory, Discipline, UserRole
from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.services import assessments, patients, plans, record, referrals, team, worklist
from carecoord.services.actor import Actor
from carecoord.services.permissions import (
    MATRIX,
    Action,
    allowed,
    assessment_category,
    diagnosis_category,
    referral_category,
)
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient, new_referral


def test_every_role_has_a_rule_for_every_action() -> None:
    for role in UserRole:
        assert set(MATRIX[role]) == set(Action), role
        for categories in MATRIX[role].values():
            assert DataCategory.PSYCHOTHERAPY_NOTE not in categories  # author-only, never by role


def test_front_desk_handles_logistics_but_reads_only_general_clinical_data() -> None:
    role = UserRole.FRONT_DESK
    assert allowed(role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.PSYCHIATRIC)
    assert allowed(role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.SUBSTANCE_USE)
    assert allowed(role, Action.READ_CLINICAL, DataCategory.GENERAL)
    assert not allowed(role, Action.READ_CLINICAL, DataCategory.PSYCHIATRIC)
    assert not allowed(role, Action.READ_CLINICAL, DataCategory.SUBSTANCE_USE)
    assert not allowed(role, Action.EDIT_CLINICAL, DataCategory.GENERAL)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("F11.20", "substance_use"),
        ("F32.A", "psychiatric"),
        ("F41.1", "psychiatric"),
        ("G89.4", "general"),
        ("M79.7", "general"),
    ],
)
def test_diagnosis_categories(code: str, category: str) -> None:
    assert diagnosis_category(code) == category


def test_referral_and_assessment_categories() -> None:
    assert referral_category(Discipline.PSYCHIATRY, False) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.PSYCHOLOGY, False) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.PAIN_REHABILITATION_PROGRAM, False) == "substance_use"
    assert referral_category(Discipline.NEUROSURGERY, True) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.NEUROSURGERY, False) == DataCategory.GENERAL
    assert assessment_category("phq9") == "psychiatric" and assessment_category("nrs") == "general"


Call = Callable[[Database, Actor, dict[str, Any]], object]

SERVICE_CALLS: list[tuple[str, Call, Action, DataCategory]] = [
    (
        "search patients",
        lambda db, a, d: patients.search_patients(db, a, "nu"),
        Action.READ_DEMOGRAPHICS,
        DataCategory.GENERAL,
    ),
    (
        "register patient",
        lambda db, a, d: patients.create_patient(
            db, a, patients.PatientInput("Côté", "Amélie", date(1990, 1, 1), "female")
        ),
        Action.EDIT_DEMOGRAPHICS,
        DataCategory.GENERAL,
    ),
    (
        "add member",
        lambda db, a, d: team.create_member(db, a, team.MemberInput("Mori", "Ken", "psychology")),
        Action.MANAGE_TEAM,
        DataCategory.GENERAL,
    ),
    (
        "add diagnosis",
        lambda db, a, d: record.add_diagnosis(db, a, d["patient"], "G89.4"),
        Action.EDIT_CLINICAL,
        DataCategory.GENERAL,
    ),
    (
        "add psychiatric diagnosis",
        lambda db, a, d: record.add_diagnosis(db, a, d["patient"], "F41.1"),
        Action.EDIT_CLINICAL,
        DataCategory.PSYCHIATRIC,
    ),
    (
        "add medication",
        lambda db, a, d: record.add_medication(
            db, a, d["patient"], record.MedicationInput("naproxen", 500, "mg", "bid")
        ),
        Action.EDIT_CLINICAL,
        DataCategory.GENERAL,
    ),
    (
        "record PHQ-9",
        lambda db, a, d: assessments.record_assessment(
            db, a, d["patient"], "phq9", {"items": [0] * 9}
        ),
        Action.EDIT_CLINICAL,
        DataCategory.PSYCHIATRIC,
    ),
    (
        "record ORT",
        lambda db, a, d: assessments.record_assessment(db, a, d["patient"], "ort", {"sex": "male"}),
        Action.EDIT_CLINICAL,
        DataCategory.SUBSTANCE_USE,
    ),
    (
        "create plan",
        lambda db, a, d: plans.create_plan(db, a, d["patient"], title="P", started_on=date.today()),
        Action.EDIT_CLINICAL,
        DataCategory.GENERAL,
    ),
    (
        "create psychiatry referral",
        lambda db, a, d: referrals.create_referral(
            db, a, referrals.ReferralInput(d["patient"], "psychiatry", "Low mood")
        ),
        Action.EDIT_CLINICAL,
        DataCategory.PSYCHIATRIC,
    ),
    (
        "send psychiatry referral",
        lambda db, a, d: referrals.transition(
            db, a, d["referral"].id, "sent", sent_via="fax", expected_version=d["referral"].version
        ),
        Action.EDIT_REFERRAL_LOGISTICS,
        DataCategory.PSYCHIATRIC,
    ),
    (
        "front-desk worklist",
        lambda db, a, d: worklist.worklist(db, a, "to_send"),
        Action.EDIT_REFERRAL_LOGISTICS,
        DataCategory.GENERAL,
    ),
    (
        "list assessments",
        lambda db, a, d: assessments.list_assessments(db, a, d["patient"]),
        Action.READ_CLINICAL,
        DataCategory.GENERAL,
    ),
]


@pytest.mark.parametrize("role", list(UserRole))
@pytest.mark.parametrize(
    ("name", "call", "action", "category"), SERVICE_CALLS, ids=[c[0] for c in SERVICE_CALLS]
)
def test_services_obey_the_matrix(
    db: Database,
    password_hash: str,
    physician: Actor,
    role: UserRole,
    name: str,
    call: Call,
    action: Action,
    category: DataCategory,
) -> None:
    patient = new_patient(db, physician)
    psych = new_member(db, physician, "psychiatry")
    data = {"patient": patient.id, "referral": new_referral(db, physician, patient.id, psych)}
    actor = make_actor(db, password_hash, f"user_{role.value}", role, role.label)
    if allowed(role, action, category):
        call(db, actor, data)
    else:
        with pytest.raises(PermissionDenied):
            call(db, actor, data)
