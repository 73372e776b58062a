"""Unsaved work is never lost without a question: closing a chart or referral window,
quitting and switching user ask (Save / Discard / Cancel, answered here through the
windows' ``ask_unsaved``), and the lock screen keeps typed text as it says."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from carecoord.services import notes, patients, referrals
from carecoord.ui.chart.notes_tab import NoteDialog, NotesTab
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.referrals.editor import ReferralEditor
from carecoord.ui.unsaved import Choice, unsaved_parts
from tests.ui.test_session import DEMO_PASSWORD, main_window

NOTE = "Sleep better since the pacing plan; fear of movement lower."


class Answer:
    """Answers the unsaved-work question with ``choice`` and keeps what it was asked."""

    def __init__(self, choice: Choice) -> None:
        self.choice = choice
        self.asked: list[list[str]] = []

    def __call__(self, where: list[str]) -> Choice:
        self.asked.append(where)
        return self.choice


def first_patient_id(context: AppContext) -> int:
    return patients.search_patients(context.db, context.actor, "")[0].id


def typed_note(qtbot: QtBot, window: MainWindow, patient_id: int) -> tuple[ChartWindow, NoteDialog]:
    """A chart with a psychotherapy note typed into its dialog and not saved."""
    chart = window.open_chart(patient_id)
    assert isinstance(chart, ChartWindow)
    tab = chart.tab("notes")
    assert isinstance(tab, NotesTab)
    dialog = tab.note_dialog()
    dialog.show()
    qtbot.keyClicks(dialog.text, NOTE)
    assert dialog.text.toPlainText() == NOTE
    return chart, dialog


def note_typed_in_a_chart(
    qtbot: QtBot, context: AppContext
) -> tuple[MainWindow, int, ChartWindow, NoteDialog]:
    """The physician's session with a note typed, not saved, in the first patient's chart."""
    window = main_window(qtbot, context)
    patient_id = first_patient_id(context)
    chart, dialog = typed_note(qtbot, window, patient_id)
    return window, patient_id, chart, dialog


def stored_notes(context: AppContext, patient_id: int) -> list[str]:
    return [n.text for n in notes.list_notes(context.db, context.actor, patient_id)]


def draft_referral(context: AppContext) -> int:
    for patient in patients.search_patients(context.db, context.actor, ""):
        for view in referrals.list_for_patient(context.db, context.actor, patient.id):
            if view.state == "draft" and not view.restricted:
                return view.id
    raise AssertionError("the demo clinic has drafts")


def question_of(context: AppContext, referral_id: int) -> str | None:
    return referrals.get_referral(context.db, context.actor, referral_id).clinical_question


def edited_referral(window: MainWindow, referral_id: int, question: str) -> ReferralEditor:
    editor = window.open_referral(referral_id)
    assert isinstance(editor, ReferralEditor)
    editor.request.question_edit.setPlainText(question)
    assert editor.has_unsaved_work()
    return editor


# ------------------------------------------------------------------ closing a window
def test_closing_a_chart_with_a_typed_note_asks_and_cancel_keeps_it(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, patient_id, chart, dialog = note_typed_in_a_chart(qtbot, demo_context)
    chart.ask_unsaved = cancel = Answer(Choice.CANCEL)
    chart.close()
    assert cancel.asked == [[chart.windowTitle()]]
    assert chart.isVisible() and dialog.isVisible() and dialog.text.toPlainText() == NOTE

    chart.ask_unsaved = save = Answer(Choice.SAVE)
    chart.close()
    assert save.asked
    qtbot.waitUntil(lambda: patient_id not in window.chart_windows)
    assert stored_notes(demo_context, patient_id) == [NOTE]


def test_closing_a_chart_and_discarding_stores_nothing(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, patient_id, chart, _dialog = note_typed_in_a_chart(qtbot, demo_context)
    chart.ask_unsaved = Answer(Choice.DISCARD)
    chart.close()
    qtbot.waitUntil(lambda: patient_id not in window.chart_windows)
    assert stored_notes(demo_context, patient_id) == []


def test_closing_a_referral_window_with_edits_asks(qtbot: QtBot, demo_context: AppContext) -> None:
    window = main_window(qtbot, demo_context)
    referral_id = draft_referral(demo_context)
    editor = edited_referral(window, referral_id, "Is a nerve block worth trying?")
    editor.ask_unsaved = Answer(Choice.CANCEL)
    editor.close()
    assert editor.isVisible() and editor.has_unsaved_work()
    editor.ask_unsaved = Answer(Choice.SAVE)
    editor.close()
    qtbot.waitUntil(lambda: not window.referral_windows)
    assert question_of(demo_context, referral_id) == "Is a nerve block worth trying?"


# ------------------------------------------------------------------------ quitting
def test_quitting_asks_once_about_every_window_and_saves_them_all(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, patient_id, chart, dialog = note_typed_in_a_chart(qtbot, demo_context)
    referral_id = draft_referral(demo_context)
    editor = edited_referral(window, referral_id, "Which dose of duloxetine?")
    window.ask_unsaved = cancel = Answer(Choice.CANCEL)
    window.close()
    assert len(cancel.asked) == 1
    assert sorted(cancel.asked[0]) == sorted([chart.windowTitle(), editor.windowTitle()])
    assert window.isVisible() and chart.isVisible() and editor.isVisible()
    assert dialog.text.toPlainText() == NOTE

    window.ask_unsaved = Answer(Choice.SAVE)
    window.close()
    assert not window.isVisible()
    assert stored_notes(demo_context, patient_id) == [NOTE]
    assert question_of(demo_context, referral_id) == "Which dose of duloxetine?"


# --------------------------------------------------------------------- the lock
def test_lock_and_unlock_by_the_same_user_keeps_the_typed_note(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, _patient_id, chart, dialog = note_typed_in_a_chart(qtbot, demo_context)
    window.session.lock_now()
    assert window.session.is_locked
    assert window.session.try_unlock(DEMO_PASSWORD)
    assert chart.isVisible() and dialog.isVisible() and dialog.text.toPlainText() == NOTE


def test_someone_else_signing_in_asks_first_and_cancel_loses_nothing(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window, patient_id, chart, dialog = note_typed_in_a_chart(qtbot, demo_context)
    family_name = patients.get_patient(demo_context.db, demo_context.actor, patient_id).family_name
    guard = window.session
    guard.lock_now()
    guard.ask_unsaved_on_switch = cancel = Answer(Choice.CANCEL)
    switched: list[object] = []
    guard.user_switched.connect(switched.append)
    assert not guard.try_switch("frontdesk", DEMO_PASSWORD)
    assert len(cancel.asked) == 1
    assert not any(family_name in where for where in cancel.asked[0])  # nothing shown while locked
    assert switched == [] and guard.is_locked
    unlock = guard.unlock_dialog
    assert unlock is not None and unlock.isVisible() and "kept" in unlock.error.text()
    assert chart.isVisible() and dialog.text.toPlainText() == NOTE
    assert guard.try_unlock(DEMO_PASSWORD)  # the first user comes back: the note is there
    assert dialog.isVisible() and dialog.text.toPlainText() == NOTE

    guard.lock_now()
    guard.ask_unsaved_on_switch = Answer(Choice.DISCARD)
    assert guard.try_switch("frontdesk", DEMO_PASSWORD)
    assert len(switched) == 1 and not window.isVisible()
    assert stored_notes(demo_context, patient_id) == []


def test_nothing_unsaved_means_no_question(qtbot: QtBot, demo_context: AppContext) -> None:
    window = main_window(qtbot, demo_context)
    chart = window.open_chart(first_patient_id(demo_context))
    assert isinstance(chart, QWidget)
    window.ask_unsaved = never = Answer(Choice.CANCEL)
    window.close()
    assert never.asked == [] and not window.isVisible() and not chart.isVisible()


def test_closing_a_chart_with_demographics_being_edited_asks_and_saves(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    window = main_window(qtbot, demo_context)
    patient_id = first_patient_id(demo_context)
    chart = window.open_chart(patient_id)
    assert isinstance(chart, ChartWindow)
    form = chart.edit_demographics()
    qtbot.waitExposed(form)
    assert unsaved_parts(chart) == []  # opened, not edited yet
    form.phone.setText("555-0199")  # type: ignore[attr-defined]
    assert unsaved_parts(chart) == [form]
    chart.ask_unsaved = save = Answer(Choice.SAVE)
    title = chart.windowTitle()
    chart.close()
    assert save.asked == [[title]]
    qtbot.waitUntil(lambda: patient_id not in window.chart_windows)
    assert patients.get_patient(demo_context.db, demo_context.actor, patient_id).phone == "555-0199"
