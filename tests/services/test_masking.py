"""Every clinical item has a data category, and every free-text field is masked by it.

The attacks (issue #10, item 2): the "no report" reason, on-hold reasons and history notes of
psychiatric and substance-use referrals reached the front desk and the clinician without
substance-use access; the front desk read medications "for OUD", psychological plan
activities ("CBT for PTSD") and documents filed without a referral; the administrator read
drug names, F-codes and break-glass reasons in the audit trail's detail column.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import DataCategory, Modality
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import AuditEvent
from carecoord.services import audit_log, chart, documents, plans, record, referrals
from carecoord.services.actor import Actor
from carecoord.services.permissions import RESTRICTED, activity_category, medication_category
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

G, P, S = DataCategory.GENERAL, DataCategory.PSYCHIATRIC, DataCategory.SUBSTANCE_USE


@pytest.mark.parametrize(
    ("drug", "why", "category"),
    [
        ("buprenorphine", "for OUD, induction week 2", S),
        ("methadone", "MOUD from the opioid treatment program", S),
        ("buprenorphine/naloxone", None, S),
        ("naltrexone", None, S),
        ("methadone", "chronic cancer pain", G),
        ("buprenorphine", "transdermal for low back pain", G),
        ("sertraline", None, P),
        ("duloxetine", "for depression", P),
        ("duloxetine", "neuropathic pain", G),
        ("amitriptyline", None, G),
        ("ibuprofen", None, G),
    ],
)
def test_medication_category_defaults(drug: str, why: str | None, category: DataCategory) -> None:
    assert medication_category(drug, why) == category


def test_activity_category_defaults() -> None:
    assert activity_category(Modality.PSYCHOLOGICAL) == P
    assert [activity_category(m) for m in Modality if m != Modality.PSYCHOLOGICAL] == [G] * 6


def _referral_with_history(
    db: Database, physician: Actor, patient_id: int, discipline: str
) -> referrals.ReferralView:
    recipient = new_member(db, physician, discipline, family=f"Doe{discipline[:4]}")
    made = new_referral(db, physician, patient_id, recipient)
    view = referrals.transition(
        db, physician, made.id, "sent", expected_version=made.version, sent_via="fax"
    )
    view = referrals.transition(
        db,
        physician,
        made.id,
        "on_hold",
        expected_version=view.version,
        reason="HOLD-REASON patient in detox this month",
        review_on=date.today() + timedelta(days=14),
    )
    view = referrals.transition(db, physician, made.id, "sent", expected_version=view.version)
    referrals.add_note(db, physician, made.id, "HISTORY-NOTE relapse discussed by phone")
    view = referrals.get_referral(db, physician, made.id)
    view = referrals.transition(
        db, physician, made.id, "accepted", on=view.sent_on, expected_version=view.version
    )
    view = referrals.transition(
        db,
        physician,
        made.id,
        "scheduled",
        expected_version=view.version,
        appointment_date=view.sent_on,
    )
    return referrals.record_report_received(
        db,
        physician,
        made.id,
        expected_version=view.version,
        no_report_reason="NO-REPORT patient left the program after relapse",
    )


def _free_text(view: referrals.ReferralView) -> list[str | None]:
    return [
        view.reason,
        view.clinical_question,
        view.no_report_reason,
        *(e.reason for e in view.events),
    ]


def test_every_free_text_field_of_a_restricted_referral_is_masked(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)
    addiction = _referral_with_history(db, physician, patient.id, "pain_rehabilitation_program")
    psych = _referral_with_history(db, physician, patient.id, "psychiatry")
    assert addiction.category == S and psych.category == P

    full = referrals.get_referral(db, physician, addiction.id)
    assert full.no_report_reason == "NO-REPORT patient left the program after relapse"
    reasons = [e.reason for e in full.events]
    assert any(r and r.startswith("HOLD-REASON patient in detox this month") for r in reasons)
    assert "HISTORY-NOTE relapse discussed by phone" in reasons

    with pytest.raises(PermissionDenied):  # no logistics role either: not opened at all
        referrals.get_referral(db, clinician, addiction.id)
    for reader, hidden in ((front_desk, (addiction.id, psych.id)), (clinician, (addiction.id,))):
        views = [
            referrals.get_referral(db, reader, psych.id),
            *([referrals.get_referral(db, reader, addiction.id)] if reader == front_desk else []),
            *referrals.list_for_patient(db, reader, patient.id),
            *chart.load_chart(db, reader, patient.id).referrals,
        ]
        for view in views:
            texts = [t for t in _free_text(view) if t]
            if view.id in hidden:
                assert texts and set(texts) == {RESTRICTED}, (reader.username, view.id)
            else:
                assert RESTRICTED not in texts
    # Logistics stay readable: state, dates, who.
    seen = referrals.get_referral(db, front_desk, psych.id)
    assert seen.state.value == "report_received" and seen.report_received_on is not None


def test_medications_are_shown_by_category(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)

    def add(drug: str, notes: str, **extra: object) -> record.MedicationView:
        data = record.MedicationInput(drug, 8, "mg", "daily", notes=notes, **extra)  # type: ignore[arg-type]
        return record.add_medication(db, physician, patient.id, data)

    oud = add("buprenorphine", "for OUD since 2024")
    mood = add("sertraline", "for depression")
    pain = add("duloxetine", "neuropathic pain")
    chosen = add("ibuprofen", "kept apart on the patient's request", category="substance_use")
    assert (oud.category, mood.category, pain.category, chosen.category) == (S, P, G, S)
    with pytest.raises(ValidationError) as wrong:
        add("ibuprofen", "x", category="psychotherapy_note")
    assert wrong.value.field == "category"

    def listed(actor: Actor) -> list[tuple[str, str | None]]:
        return [(m.drug, m.notes) for m in chart.load_chart(db, actor, patient.id).medications]

    assert listed(physician) == [
        ("buprenorphine", "for OUD since 2024"),
        ("sertraline", "for depression"),
        ("duloxetine", "neuropathic pain"),
        ("ibuprofen", "kept apart on the patient's request"),
    ]
    assert listed(clinician) == [
        ("sertraline", "for depression"),
        ("duloxetine", "neuropathic pain"),
    ]
    assert listed(front_desk) == [("duloxetine", "neuropathic pain")]


def test_plan_activities_keep_their_schedule_but_mask_their_text(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)
    plan = plans.create_plan(
        db, physician, patient.id, title="Back to work", started_on="2026-01-05"
    )
    plan = plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput("psychological", "CBT for PTSD, 12 sessions", "2026-01-12"),
    )
    plan = plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput(
            "education", "Naloxone training after overdose", "2026-01-13", category="substance_use"
        ),
    )
    plan = plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput("physical_therapy", "Core strength", "2026-01-14"),
    )
    assert [a.category for a in plan.activities] == [P, S, G]

    def texts(actor: Actor) -> list[str]:
        [seen] = plans.list_plans(db, actor, patient.id)
        return [a.description for a in seen.activities]

    assert texts(physician) == [
        "CBT for PTSD, 12 sessions",
        "Naloxone training after overdose",
        "Core strength",
    ]
    assert texts(clinician) == ["CBT for PTSD, 12 sessions", RESTRICTED, "Core strength"]
    assert texts(front_desk) == [RESTRICTED, RESTRICTED, "Core strength"]
    [desk_plan] = chart.load_chart(db, front_desk, patient.id).plans
    assert [a.start_on for a in desk_plan.activities] == [
        date(2026, 1, 12),
        date(2026, 1, 13),
        date(2026, 1, 14),
    ]


def test_documents_take_a_category_when_filed(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)
    psych = new_referral(db, physician, patient.id, new_member(db, physician, "psychiatry"))
    on_referral = documents.attach_document(
        db,
        physician,
        patient.id,
        documents.DocumentUpload("report.pdf", PDF_BYTES, "specialist_report", title="Psych eval"),
        referral_id=psych.id,
    )
    loose = documents.attach_document(
        db,
        physician,
        patient.id,
        documents.DocumentUpload(
            "opioid-program-discharge.pdf", PDF_BYTES, "other", category="substance_use"
        ),
    )
    plain = documents.attach_document(
        db, physician, patient.id, documents.DocumentUpload("mri.pdf", PDF_BYTES, "imaging")
    )
    assert (on_referral.category, loose.category, plain.category) == (P, S, G)
    assert [d.id for d in documents.list_documents(db, front_desk, patient.id)] == [plain.id]
    assert len(documents.list_documents(db, physician, patient.id)) == 3


def test_audit_details_name_ids_and_fields_only(
    db: Database, physician: Actor, admin: Actor
) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "F11.20")
    record.add_medication(
        db,
        physician,
        patient.id,
        record.MedicationInput("methadone", 60, "mg", "daily", notes="OUD"),
    )
    record.add_allergy(db, physician, patient.id, "penicillin")
    with db.session() as session:
        details = [e.detail or "" for e in session.scalars(select(AuditEvent))]
    joined = " ".join(details).lower()
    for value in ("f11", "methadone", "oud", "penicillin"):
        assert value not in joined
    rows = audit_log.page(db, admin, audit_log.AuditFilter())
    assert {r.entity for r in rows} >= {"Diagnosis", "Medication", "Allergy"}


def test_the_demo_clinic_carries_categories(db: Database) -> None:
    from sqlalchemy import func

    from carecoord.demo import fill_demo
    from carecoord.models import Document, PlanActivity

    fill_demo(db, patients=40, seed=3)
    with db.session() as session:
        psychological = session.scalar(
            select(func.count())
            .select_from(PlanActivity)
            .where(PlanActivity.modality == Modality.PSYCHOLOGICAL)
        )
        psychiatric = session.scalar(
            select(func.count())
            .select_from(PlanActivity)
            .where(PlanActivity.category == DataCategory.PSYCHIATRIC)
        )
        assert psychological and psychiatric == psychological
        restricted_documents = session.scalar(
            select(func.count()).select_from(Document).where(Document.category != G)
        )
        assert restricted_documents
