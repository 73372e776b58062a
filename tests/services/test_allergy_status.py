"""The explicit allergy state on a chart: unknown, no known allergies (who, when), a list.

Every change goes through services.record (role check, audit); the state reaches the chart,
the referral letter and the plan PDF (read back with pypdf) in the clinic's date format.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from carecoord.clinical.allergy_status import (
    CLEAR_FIELD,
    CONFIRM_FIELD,
    NOT_RECORDED,
    AllergyState,
)
from carecoord.dates import format_date
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import AuditEvent, NoKnownAllergies
from carecoord.services import plans, record
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.letters import generate_letter
from carecoord.services.plan_report import generate_plan_pdf
from carecoord.services.settings import ClinicSettings, save_settings
from tests.letters.samples import pdf_text
from tests.services.helpers import new_member, new_patient, new_referral

ENTITY = "Allergy status"


def state(db: Database, actor: Actor, patient_id: int) -> AllergyState:
    status = load_chart(db, actor, patient_id).allergy_status
    assert status is not None
    return status.state


def status_events(db: Database) -> list[tuple[str, str | None, int | None, str]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == ENTITY).order_by(AuditEvent.id)
        )
        return [(e.action, e.detail, e.patient_id, e.username) for e in rows]


def one_line(text: str) -> str:
    """PDF text with its line breaks undone (a long statement wraps)."""
    return " ".join(text.split())


def test_a_new_chart_is_not_yet_asked(db: Database, physician: Actor) -> None:
    pid = new_patient(db, physician).id
    chart = load_chart(db, physician, pid)
    assert chart.allergy_status is not None and chart.allergy_status.unknown
    assert chart.allergy_status.confirmation is None


def test_confirm_records_who_and_when_and_is_audited(db: Database, physician: Actor) -> None:
    pid = new_patient(db, physician).id
    status = record.confirm_no_known_allergies(db, physician, pid)
    assert status.state is AllergyState.NO_KNOWN_ALLERGIES
    assert status.confirmation is not None
    assert status.confirmation.by == "Dr Avery Lee"
    assert status.confirmation.on == date.today()
    assert state(db, physician, pid) is AllergyState.NO_KNOWN_ALLERGIES
    record.confirm_no_known_allergies(db, physician, pid)  # asked again at a later visit
    with db.session() as session:
        rows = session.scalars(select(NoKnownAllergies)).all()
        assert [(r.patient_id, r.confirmed_by) for r in rows] == [(pid, "drlee")]
    assert status_events(db) == [
        ("create", "no known allergies confirmed", pid, "drlee"),
        ("update", "no known allergies confirmed again", pid, "drlee"),
    ]


def test_adding_an_allergy_to_a_no_known_allergies_chart_needs_the_flag(
    db: Database, physician: Actor
) -> None:
    pid = new_patient(db, physician).id
    record.confirm_no_known_allergies(db, physician, pid)
    with pytest.raises(ValidationError) as refused:
        record.add_allergy(db, physician, pid, "Penicillin")
    assert refused.value.field == CLEAR_FIELD == "clear_no_known_allergies"
    assert "says no known allergies (confirmed by Dr Avery Lee" in refused.value.message
    assert "confirm that recording an allergy clears that" in refused.value.message
    # Refused means nothing changed.
    assert state(db, physician, pid) is AllergyState.NO_KNOWN_ALLERGIES
    assert load_chart(db, physician, pid).allergies == ()

    record.add_allergy(db, physician, pid, "Penicillin", clear_no_known_allergies=True)
    status = load_chart(db, physician, pid).allergy_status
    assert status is not None and status.state is AllergyState.HAS_ALLERGIES
    assert [a.substance for a in status.allergies] == ["Penicillin"]
    with db.session() as session:
        assert session.scalars(select(NoKnownAllergies)).all() == []
    assert status_events(db)[-1] == (
        "delete",
        "no known allergies cleared: an allergy was recorded",
        pid,
        "drlee",
    )


def test_the_flag_is_harmless_on_a_chart_without_the_confirmation(
    db: Database, physician: Actor
) -> None:
    pid = new_patient(db, physician).id
    record.add_allergy(db, physician, pid, "Latex", clear_no_known_allergies=True)
    assert state(db, physician, pid) is AllergyState.HAS_ALLERGIES
    assert status_events(db) == []


def test_removing_the_last_allergy_returns_to_unknown_not_to_none_known(
    db: Database, physician: Actor
) -> None:
    pid = new_patient(db, physician).id
    first = record.add_allergy(db, physician, pid, "Penicillin")
    second = record.add_allergy(db, physician, pid, "Latex")
    with pytest.raises(ValidationError) as refused:  # another allergy is still listed
        record.remove_allergy(
            db, physician, first.id, expected_version=first.version, confirm_no_known_allergies=True
        )
    assert refused.value.field == CONFIRM_FIELD
    assert len(load_chart(db, physician, pid).allergies) == 2  # rolled back whole
    record.remove_allergy(db, physician, first.id, expected_version=first.version)
    record.remove_allergy(db, physician, second.id, expected_version=second.version)
    assert state(db, physician, pid) is AllergyState.UNKNOWN

    third = record.add_allergy(db, physician, pid, "Codeine")
    record.remove_allergy(
        db, physician, third.id, expected_version=third.version, confirm_no_known_allergies=True
    )
    assert state(db, physician, pid) is AllergyState.NO_KNOWN_ALLERGIES
    with db.session() as session:
        removal = session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.entity == "Allergy", AuditEvent.action == "delete"
            )
        ).all()
    assert set(removal) == {"allergy removed (entered in error)"}
    assert status_events(db) == [("create", "no known allergies confirmed", pid, "drlee")]


def test_confirming_is_refused_while_allergies_are_listed(db: Database, physician: Actor) -> None:
    pid = new_patient(db, physician).id
    record.add_allergy(db, physician, pid, "Penicillin")
    with pytest.raises(ValidationError) as refused:
        record.confirm_no_known_allergies(db, physician, pid)
    assert refused.value.field == CONFIRM_FIELD
    assert "lists 1 allergy" in refused.value.message
    assert state(db, physician, pid) is AllergyState.HAS_ALLERGIES


def test_withdraw_returns_to_unknown(db: Database, physician: Actor) -> None:
    pid = new_patient(db, physician).id
    with pytest.raises(ValidationError) as refused:
        record.withdraw_no_known_allergies(db, physician, pid)
    assert refused.value.field == CONFIRM_FIELD
    record.confirm_no_known_allergies(db, physician, pid)
    status = record.withdraw_no_known_allergies(db, physician, pid)
    assert status.state is AllergyState.UNKNOWN
    assert state(db, physician, pid) is AllergyState.UNKNOWN
    assert status_events(db)[-1][:2] == (
        "delete",
        "no known allergies withdrawn (confirmed in error)",
    )


def test_roles(
    db: Database, physician: Actor, clinician: Actor, front_desk: Actor, admin: Actor
) -> None:
    """Physicians and clinicians record the state; front desk and administrators may not
    (each refusal audited as "denied"); the front desk sees the state on the header, the
    administrator (no clinical content) does not."""
    pid = new_patient(db, physician).id
    record.confirm_no_known_allergies(db, clinician, pid)
    status = load_chart(db, physician, pid).allergy_status
    assert status is not None and status.confirmation is not None
    assert status.confirmation.by == "Jo Park"
    for actor in (front_desk, admin):
        for call in (
            lambda a: record.confirm_no_known_allergies(db, a, pid),
            lambda a: record.withdraw_no_known_allergies(db, a, pid),
            lambda a: record.add_allergy(db, a, pid, "Latex", clear_no_known_allergies=True),
        ):
            with pytest.raises(PermissionDenied):
                call(actor)
    seen_by_front_desk = load_chart(db, front_desk, pid).allergy_status
    assert seen_by_front_desk is not None and seen_by_front_desk.no_known_allergies
    assert load_chart(db, admin, pid).allergy_status is None
    with db.session() as session:
        denied = session.execute(
            select(AuditEvent.username, AuditEvent.detail, AuditEvent.patient_id)
            .where(AuditEvent.action == "denied")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.username, e.detail) for e in denied] == [
        (who, f"record.{name}: edit clinical")
        for who in ("frontdesk", "admin")
        for name in ("confirm_no_known_allergies", "withdraw_no_known_allergies", "add_allergy")
    ]
    assert all(e.patient_id == pid for e in denied)
    assert state(db, physician, pid) is AllergyState.NO_KNOWN_ALLERGIES


# --------------------------------------------------------------- letter and plan PDF
@pytest.mark.parametrize("date_format", ["us_long", "day_month"])
def test_letter_and_plan_pdf_say_each_state(
    db: Database, physician: Actor, admin: Actor, date_format: str
) -> None:
    save_settings(
        db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic", date_format=date_format)
    )
    pid = new_patient(db, physician).id
    member = new_member(db, physician, "physical_rehabilitation", "Wróbel", "Łukasz")
    referral_id = new_referral(db, physician, pid, member).id
    plans.create_plan(db, physician, pid, title="Back to work", started_on=date.today())

    def letter() -> str:
        return one_line(pdf_text(generate_letter(db, physician, referral_id)))

    def plan() -> str:
        return one_line(pdf_text(generate_plan_pdf(db, physician, pid)))

    for text in (letter(), plan()):
        assert NOT_RECORDED in text
        assert "None recorded" not in text.split("Allerg", 1)[1][:80]
    record.confirm_no_known_allergies(db, physician, pid)
    confirmed = (
        "No known drug allergies (confirmed by Dr Avery Lee on "
        f"{format_date(date.today(), date_format)})"
    )
    for text in (letter(), plan()):
        assert confirmed in text
        assert NOT_RECORDED not in text
    record.add_allergy(
        db,
        physician,
        pid,
        "Penicillin",
        reaction="Hives",
        severity="moderate",
        clear_no_known_allergies=True,
    )
    letter_text, plan_text = letter(), plan()
    assert "Penicillin Hives Moderate" in letter_text  # the letter's table row
    assert "Penicillin (Hives; Moderate)" in plan_text
    for text in (letter_text, plan_text):
        assert "No known drug allergies" not in text and NOT_RECORDED not in text
