"""The Psychotherapy notes tab: the author's own notes only, a clear privacy statement, and
a new-note dialog whose errors sit beside the field."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.models import Patient
from carecoord.services import notes
from carecoord.ui.chart.notes_tab import PRIVACY_STATEMENT, NotesTab
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from tests.conftest import make_actor
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot

CANARY = "CANARY-NOTE-UI-41"


def tab_for(qtbot: QtBot, context: AppContext, patient_id: int) -> NotesTab:
    tab = NotesTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_author_writes_and_amends_own_notes(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = tab_for(qtbot, context, patient.id)
    statement = tab.findChild(QLabel, "notesPrivacyStatement")
    assert statement is not None and statement.text() == PRIVACY_STATEMENT
    assert "visible only to their author" in statement.text()
    assert tab.empty.isVisible() and not tab.splitter.isVisible()

    dialog = tab.note_dialog()
    qtbot.addWidget(dialog)
    assert not dialog.save()  # empty
    error = dialog.findChild(QLabel, "textError")
    assert error is not None and not error.isHidden()
    dialog.text.setPlainText(f"First session. {CANARY}\nExplored avoidance.")
    with qtbot.waitSignal(tab.changed):
        assert dialog.save() and dialog.saved is not None
        tab.note_saved(dialog.saved)
    assert tab.list.count() == 1 and tab.summary.text() == "1 note by you"
    assert CANARY in tab.viewer.toPlainText()

    amend = tab.note_dialog(tab.selected())
    qtbot.addWidget(amend)
    amend.text.setPlainText("First session (amended).")
    assert amend.save() and amend.saved is not None
    tab.note_saved(amend.saved)
    assert "amended (version 2)" in tab.viewer_title.text()


def test_other_people_never_see_them(
    qtbot: QtBot, context: AppContext, desk_context: AppContext, password_hash: str
) -> None:
    patient = new_patient(context.db, context.actor)
    notes.create_note(context.db, context.actor, patient.id, CANARY)
    colleague = make_actor(context.db, password_hash, "drkim", UserRole.PHYSICIAN, "Dr Kim")
    other = AppContext(db=context.db, actor=colleague, settings=context.settings)
    theirs = tab_for(qtbot, other, patient.id)
    assert theirs.list.count() == 0 and theirs.empty.isVisible()
    desk = tab_for(qtbot, desk_context, patient.id)
    refusal = desk.findChild(QLabel, "notesNotForRole")
    assert refusal is not None and refusal.isVisible()
    assert not desk.new_button.isVisible() and desk.list.count() == 0
    for tab in (theirs, desk):
        texts = [label.text() for label in tab.findChildren(QLabel)]
        assert not any(CANARY in t for t in texts)


def test_notes_load_when_the_tab_is_first_shown(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = NotesTab(context=context, patient_id=patient.id)
    qtbot.addWidget(tab)
    assert not tab.loaded  # opening a chart is not a read of psychotherapy notes
    tab.show()
    assert tab.loaded


def test_screenshot_notes_tab_in_a_chart(qtbot: QtBot, demo_context: AppContext) -> None:
    with demo_context.db.session() as session:
        patient_id = session.scalar(select(Patient.id).order_by(Patient.id))
    assert patient_id is not None
    for text in (
        "Session 3. Pain catastrophising lower (PCS 28 → 21). Practised paced activity "
        "plan; patient anxious about return to work. Plan: graded exposure to lifting.",
        "Session 2. Discussed sleep and rumination at night. Introduced thought record.",
        "Session 1. Intake: 4 years of low back pain, job loss, low mood. Goals agreed.",
    ):
        notes.create_note(demo_context.db, demo_context.actor, patient_id, text)
    chart = ChartWindow(context=demo_context, patient_id=patient_id)
    qtbot.addWidget(chart)
    chart.resize(1180, 760)
    chart.show()
    assert chart.show_tab("notes")
    tab = chart.tab("notes")
    assert isinstance(tab, NotesTab) and tab.list.count() == 3
    path = save_screenshot(chart, "notes_tab")
    image = chart.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 11) for y in range(0, 500, 7)}
    assert len(colours) > 10 and path.exists()
