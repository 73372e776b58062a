"""Monitoring results through the services: validation naming the field, who may record and
see what (drug screens are substance-use data), audit rows, the unexpected-screen and
overdue-PDMP flags in the chart, the PDMP interval setting and the demo builder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.monitoring import PdmpResult, ResultKind
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import AuditEvent, MonitoringResult, MonitoringValue
from carecoord.services import chart, monitoring, record
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.monitoring import ResultEntry, ScreenEntry
from carecoord.services.monitoring_demo import record_demo_results
from carecoord.services.settings import ClinicSettings, get_settings, save_settings
from tests.services.helpers import count, new_patient


def _on_oxycodone(db: Database, physician: Actor, given: str = "Zoë") -> int:
    patient = new_patient(db, physician, given=given)
    record.add_medication(
        db, physician, patient.id, record.MedicationInput("oxycodone", 10, "mg", "bid")
    )
    return patient.id


def _screen(days_ago: int = 3, *, cannabis: str = "negative") -> ResultEntry:
    return ResultEntry(
        ResultKind.DRUG_SCREEN,
        today() - timedelta(days=days_ago),
        screens=(
            ScreenEntry("oxycodone", "positive", True),
            ScreenEntry("cannabinoids", cannabis, False),
        ),
    )


def _liver(alt: float = 32, days_ago: int = 10) -> ResultEntry:
    return ResultEntry(
        ResultKind.LIVER, today() - timedelta(days=days_ago), values={"alt": alt, "ast": 28}
    )


def _events(db: Database) -> list[tuple[str, str | None, str]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity.in_((monitoring.ENTITY, "monitoring")))
            .order_by(AuditEvent.id)
        )
        return [(e.action, e.detail, e.data_category) for e in rows]


# ------------------------------------------------------------------------- recording
def test_results_are_stored_with_unit_reference_and_who(db: Database, physician: Actor) -> None:
    patient_id = _on_oxycodone(db, physician)
    liver = monitoring.record_result(db, physician, patient_id, _liver(alt=71))
    assert liver.recorded_by == physician.username
    alt = liver.values[0]
    assert (alt.analyte, alt.value, alt.unit, alt.reference, alt.flag) == (
        "alt",
        71.0,
        "U/L",
        "7–56",
        "high",
    )
    assert liver.flags == ("ALT high",)
    pdmp = monitoring.record_result(
        db,
        physician,
        patient_id,
        ResultEntry(ResultKind.PDMP, today(), pdmp_result="consistent"),
    )
    assert pdmp.performed_by == physician.display_name  # who checked: the recorder by default
    vitals = monitoring.record_result(
        db,
        physician,
        patient_id,
        ResultEntry(
            ResultKind.VITALS,
            today(),
            values={"systolic": 128, "diastolic": 82, "weight": 81.5, "bmi": 27.4},
        ),
    )
    assert [v.unit for v in vitals.values] == ["mmHg", "mmHg", "kg", "kg/m²"]
    assert vitals.category == DataCategory.GENERAL
    overview = monitoring.list_results(db, physician, patient_id)
    assert [r.kind for r in overview.results][:1] in ([ResultKind.PDMP], [ResultKind.VITALS])
    assert count(db, MonitoringValue) == 2 + 1 + 4
    assert _events(db)[:3] == [
        ("create", "liver, 2 value(s)", "general"),
        ("create", "pdmp, 1 value(s)", "general"),
        ("create", "vitals, 4 value(s)", "general"),
    ]
    assert _events(db)[-1] == ("read", "list", "general")


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        (ResultEntry("liver", today(), values={"alt": 40000}), "alt", "not plausible"),
        (ResultEntry("kidney", today(), values={"egfr": 0}), "egfr", "not plausible"),
        (
            ResultEntry("kidney", today(), values={"creatinine": "a"}),  # type: ignore[dict-item]
            "creatinine",
            "number",
        ),
        (ResultEntry("vitals", today(), values={"systolic": 120}), "diastolic", "both"),
        (
            ResultEntry("vitals", today(), values={"systolic": 80, "diastolic": 90}),
            "diastolic",
            "lower",
        ),
        (ResultEntry("vitals", today(), values={"weight": 900}), "weight", "400"),
        (ResultEntry("vitals", today(), values={}), "systolic", "at least one"),
        (ResultEntry("liver", today(), values={"egfr": 90}), "analyte", "not part"),
        (
            ResultEntry("liver", today() + timedelta(days=1), values={"alt": 9}),
            "taken_on",
            "future",
        ),
        (ResultEntry("liver", None, values={"alt": 9}), "taken_on", "required"),
        (ResultEntry("glucose", today()), "kind", "one of"),
        (ResultEntry("pdmp", today()), "pdmp_result", "required"),
        (ResultEntry("pdmp", today(), pdmp_result="maybe"), "pdmp_result", "one of"),
        (
            ResultEntry("drug_screen", today(), screens=(ScreenEntry("kratom", "positive"),)),
            "substance",
            "not on the drug-screen panel",
        ),
        (
            ResultEntry("drug_screen", today(), screens=(ScreenEntry("cocaine", "maybe"),)),
            "cocaine",
            "one of",
        ),
        (
            ResultEntry(
                "drug_screen",
                today(),
                screens=(ScreenEntry("cocaine", "negative"), ScreenEntry("Cocaine", "negative")),
            ),
            "substance",
            "twice",
        ),
        (ResultEntry("drug_screen", today()), "screens", "at least one"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    db: Database, physician: Actor, entry: ResultEntry, field: str, words: str
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as caught:
        monitoring.record_result(db, physician, patient.id, entry)
    assert caught.value.field == field
    assert words in caught.value.message
    assert count(db, MonitoringResult) == 0


def test_removing_a_result_is_audited(db: Database, physician: Actor) -> None:
    patient_id = _on_oxycodone(db, physician)
    screen = monitoring.record_result(db, physician, patient_id, _screen())
    monitoring.remove_result(db, physician, screen.id)
    assert count(db, MonitoringResult) == 0 and count(db, MonitoringValue) == 0
    assert _events(db)[-1] == ("delete", "drug_screen", "substance_use")


# ------------------------------------------------------------------ roles and categories
def test_drug_screens_are_substance_use_hidden_from_roles_without_access(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor, admin: Actor
) -> None:
    patient_id = _on_oxycodone(db, physician)
    screen = monitoring.record_result(db, physician, patient_id, _screen(cannabis="positive"))
    assert screen.category == DataCategory.SUBSTANCE_USE
    assert _events(db)[0] == ("create", "drug_screen, 2 value(s)", "substance_use")
    monitoring.record_result(db, physician, patient_id, _liver())

    assert {r.kind for r in monitoring.list_results(db, physician, patient_id).results} == {
        ResultKind.DRUG_SCREEN,
        ResultKind.LIVER,
    }
    for reader in (clinician, front_desk):
        overview = monitoring.list_results(db, reader, patient_id)
        assert [r.kind for r in overview.results] == [ResultKind.LIVER]
        assert overview.unexpected_screens == ()
    with pytest.raises(PermissionDenied):
        monitoring.list_results(db, admin, patient_id)

    # Clinicians record general results, never drug screens; the front desk records nothing.
    monitoring.record_result(db, clinician, patient_id, _liver(days_ago=2))
    with pytest.raises(PermissionDenied):
        monitoring.record_result(db, clinician, patient_id, _screen())
    with pytest.raises(PermissionDenied):
        monitoring.record_result(db, front_desk, patient_id, _liver())
    with pytest.raises(PermissionDenied):
        monitoring.remove_result(db, clinician, screen.id)
    denied = [e[1] for e in _events(db) if e[0] == "denied"]
    assert denied == [
        "monitoring.list_results: read clinical",
        "monitoring.record_result: edit clinical",
        "monitoring.record_result: edit clinical",
        "monitoring.remove_result: edit clinical",
    ]
    assert count(db, MonitoringResult) == 3


def test_chart_alerts_name_an_unexpected_screen_only_to_those_who_may_see_it(
    db: Database, physician: Actor, clinician: Actor
) -> None:
    patient_id = _on_oxycodone(db, physician)
    monitoring.record_result(db, physician, patient_id, _screen(30))
    monitoring.record_result(db, physician, patient_id, _screen(2, cannabis="positive"))
    monitoring.record_result(
        db,
        physician,
        patient_id,
        ResultEntry("pdmp", today() - timedelta(days=5), pdmp_result="consistent"),
    )
    overview = monitoring.list_results(db, physician, patient_id)
    assert [r.taken_on for r in overview.unexpected_screens] == [today() - timedelta(days=2)]
    codes = {a.code: a.text for a in chart.load_chart(db, physician, patient_id).alerts}
    assert "Cannabinoids (THC): positive, not expected" in codes["unexpected_screen"]
    assert "pdmp_overdue" not in codes
    seen_by_clinician = {a.code for a in chart.load_chart(db, clinician, patient_id).alerts}
    assert "unexpected_screen" not in seen_by_clinician


def test_negative_screen_for_a_prescribed_opioid_is_unexpected(
    db: Database, physician: Actor
) -> None:
    patient_id = _on_oxycodone(db, physician)
    view = monitoring.record_result(
        db,
        physician,
        patient_id,
        ResultEntry("drug_screen", today(), screens=(ScreenEntry("oxycodone", "negative", True),)),
    )
    assert view.flags == ("Oxycodone: negative, expected (prescribed)",)


def test_pdmp_overdue_follows_the_setting(db: Database, physician: Actor, admin: Actor) -> None:
    patient_id = _on_oxycodone(db, physician)
    overview = monitoring.list_results(db, physician, patient_id)
    assert overview.pdmp is not None and overview.pdmp.overdue
    assert overview.pdmp.text == "No PDMP check recorded (patient on opioids)"
    monitoring.record_result(
        db,
        physician,
        patient_id,
        ResultEntry(
            "pdmp",
            today() - timedelta(days=60),
            pdmp_result=PdmpResult.CONSISTENT,
            performed_by="R. Delegate, RN",
        ),
    )
    overview = monitoring.list_results(db, physician, patient_id)
    assert overview.pdmp is not None and not overview.pdmp.overdue
    assert overview.results[0].performed_by == "R. Delegate, RN"

    save_settings(
        db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic", pdmp_interval_days=30)
    )
    assert get_settings(db).pdmp_interval_days == 30
    overview = monitoring.list_results(db, physician, patient_id)
    assert overview.pdmp is not None and overview.pdmp.overdue
    assert "60 days ago (every 30 days)" in overview.pdmp.text
    alerts = {a.code for a in chart.load_chart(db, physician, patient_id).alerts}
    assert "pdmp_overdue" in alerts

    with pytest.raises(ValidationError) as caught:
        save_settings(
            db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic", pdmp_interval_days=0)
        )
    assert caught.value.field == "pdmp_interval_days"


def test_no_pdmp_flag_without_opioids(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    assert monitoring.list_results(db, physician, patient.id).pdmp is None


def test_demo_builder_records_coherent_results(db: Database, physician: Actor) -> None:
    ids = [_on_oxycodone(db, physician, given) for given in ("Ana", "Bo", "Cy", "Di")]
    recorded = record_demo_results(db, physician)
    assert recorded == 4 * (4 + 2 + 1 + 1 + 4)
    overviews = [monitoring.list_results(db, physician, i) for i in ids]
    overdue = [o.pdmp is not None and o.pdmp.overdue for o in overviews]
    assert overdue == [False, False, True, False]
    unexpected = [bool(o.of_kind(ResultKind.DRUG_SCREEN)[0].unexpected) for o in overviews]
    assert unexpected == [False, False, False, True]
    oxycodone = [
        v
        for o in overviews
        for r in o.of_kind(ResultKind.DRUG_SCREEN)
        for v in r.values
        if v.analyte == "oxycodone"
    ]
    assert oxycodone and all(v.expected and v.outcome == "positive" for v in oxycodone)
