"""'Add to calendar…' in the referral editor and the plan tab: the .ics lands where the
save dialog says, reads back with icalendar, and holds no diagnosis or other clinical text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icalendar import Calendar
from pytestqt.qtbot import QtBot

from carecoord.services import plans, record, referrals, team
from carecoord.ui.chart.plan_tab import PlanTab
from carecoord.ui.context import AppContext
from carecoord.ui.referrals.editor import ReferralEditor
from tests.services.helpers import new_member, new_patient, new_referral
from tests.ui.conftest import save_screenshot

BOOKED = date(2027, 3, 9)


def _booked_referral(context: AppContext) -> int:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    record.add_diagnosis(db, actor, patient.id, "M54.50")
    member = new_member(
        db, actor, "neurosurgery", "Wróbel", "Łukasz", organisation="Northside Spine Clinic"
    )
    row = new_referral(db, actor, patient.id, member)
    for state, extra in (
        ("sent", {"sent_via": "fax"}),
        ("accepted", {"on": date.today()}),
        ("scheduled", {"appointment_date": BOOKED}),
    ):
        row = referrals.transition(db, actor, row.id, state, expected_version=row.version, **extra)
    return row.id


def test_editor_saves_the_appointment_as_an_ics_without_clinical_detail(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    referral_id = _booked_referral(context)
    editor = ReferralEditor(context=context, referral_id=referral_id)
    qtbot.addWidget(editor)
    editor.resize(980, 760)
    assert editor.letter_tools.calendar_button.isVisibleTo(editor)
    suggested: list[str] = []

    def choose(start: str) -> str:
        suggested.append(Path(start).name)
        return str(tmp_path / "visit")  # no extension: .ics is added

    editor.letter_tools.choose_calendar_file = choose
    written = editor.letter_tools.add_to_calendar()
    view = referrals.get_referral(context.db, context.actor, referral_id)
    assert suggested == [f"appointment-{view.reference}.ics"]
    assert written == tmp_path / "visit.ics"
    [event] = Calendar.from_ical(written.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == BOOKED
    assert str(event["summary"]) == "Appointment with Łukasz Wróbel, MD"
    assert str(event["location"]) == "Northside Spine Clinic"
    text = written.read_text(encoding="utf-8").replace("\r\n ", "").lower()
    for clinical in ("m54.50", "low back pain", "snri", "neurosurgery", "ñúñez"):
        assert clinical not in text, clinical
    save_screenshot(editor, "referral_editor_add_to_calendar")


def test_editor_hides_the_button_until_an_appointment_is_booked(
    qtbot: QtBot, context: AppContext
) -> None:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    row = new_referral(db, actor, patient.id, new_member(db, actor))
    editor = ReferralEditor(context=context, referral_id=row.id)
    qtbot.addWidget(editor)
    assert not editor.letter_tools.calendar_button.isVisibleTo(editor)


def test_plan_tab_saves_the_selected_activity_and_cancel_writes_nothing(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    physio = new_member(db, actor, "physical_therapy", "Renner", "Tobias", phone="555-0142")
    team.assign_member(db, actor, patient.id, physio.id, "therapist")
    plan = plans.create_plan(db, actor, patient.id, title="Walk 30 min", started_on=BOOKED)
    plans.save_activity(
        db,
        actor,
        plan.id,
        plans.ActivityInput(
            "physical_therapy",
            "Graded lumbar stabilisation",
            BOOKED,
            responsible_member_id=physio.id,
        ),
    )
    tab = PlanTab(context=context, patient_id=patient.id)
    qtbot.addWidget(tab)
    tab.activities_table.selectRow(0)
    tab.choose_calendar_file = lambda _start: None
    assert tab.add_to_calendar() is None
    assert list(tmp_path.glob("*.ics")) == []
    tab.choose_calendar_file = lambda _start: str(tmp_path / "physio.ics")
    written = tab.add_to_calendar()
    assert written == tmp_path / "physio.ics"
    [event] = Calendar.from_ical(written.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == BOOKED
    assert str(event["summary"]) == "Appointment with Tobias Renner, MD"
    text = written.read_text(encoding="utf-8").lower()
    assert "lumbar" not in text and "physical therapy" not in text and "walk 30" not in text
