"""Sent letters and Part 2 consent in the app: marking sent from the referral editor keeps
the letter, the history opens the copy, the preview names what the recipient lacks, the
letter dialog records a consent, the chart flags a Part 2 diagnosis."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState, SendMethod
from carecoord.services import consents, letters, record, referrals
from carecoord.services.chart import load_chart
from carecoord.services.letters import Section
from carecoord.ui.chart.icd_picker import IcdPicker
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.kit.referral_prompts import SendDetails
from carecoord.ui.letters.choices_dialog import LetterChoicesDialog
from carecoord.ui.letters.consent_dialog import Part2ConsentDialog
from carecoord.ui.letters.preview import LetterPreviewWindow, SentCopyWindow
from carecoord.ui.referrals.editor import ReferralEditor
from tests.letters.samples import page_texts, pdf_text
from tests.services.helpers import new_member, new_patient, new_referral
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


def _referral(
    context: AppContext, discipline: str = "neurosurgery", family: str = "Ñúñez", **member: object
) -> int:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor, family)
    record.add_diagnosis(db, actor, patient.id, "M54.50")
    person = new_member(db, actor, discipline, "Wróbel", "Łukasz", **member)
    return new_referral(db, actor, patient.id, person).id


def test_editor_mark_sent_keeps_the_letter_and_history_opens_the_copy(
    qtbot: QtBot, context: AppContext
) -> None:
    referral_id = _referral(context, fax="(503) 555-0201", address="88 Elm Road")
    editor = ReferralEditor(context=context, referral_id=referral_id)
    qtbot.addWidget(editor)
    editor.confirm_discard = lambda: True
    view = editor.view
    assert view is not None and f"Ref. {view.reference}" in editor.status.patient_line.text()
    editor.prompts.ask_send = lambda: SendDetails(DeliveryMethod.HAND, date.today())
    assert editor.move_to(ReferralState.SENT)
    moved = referrals.get_referral(context.db, context.actor, referral_id)
    assert moved.state == ReferralState.SENT and moved.sent_via == SendMethod.PRINT
    [copy] = letters.sent_letters(context.db, context.actor, referral_id)
    assert copy.method == DeliveryMethod.HAND
    assert "Wróbel" in pdf_text(
        letters.sent_letter_copy(context.db, context.actor, copy.document_id, stamped=False)
    )

    # The history line links to the copy; double-clicking opens it, marked as a copy.
    items = [
        editor.history.tree.topLevelItem(i) for i in range(editor.history.tree.topLevelItemCount())
    ]
    linked = [i for i in items if i is not None and i.data(0, Qt.ItemDataRole.UserRole)]
    assert linked and "open copy" in linked[0].text(2)
    editor.history.open_copy(linked[0])
    window = editor.history.sent_copy_window
    assert isinstance(window, SentCopyWindow)  # deletes itself on close
    assert all("COPY of the letter sent on" in p for p in page_texts(window.preview.pdf_bytes()))
    window.close()


def test_preview_says_what_the_recipient_lacks(qtbot: QtBot, context: AppContext) -> None:
    referral_id = _referral(context)  # no address, no fax
    window = LetterPreviewWindow(context=context, referral_id=referral_id)
    qtbot.addWidget(window)
    window.show()
    gaps = window.findChild(QLabel, "letterRecipientGaps")
    assert gaps is not None and gaps.isVisible()
    assert gaps.text() == (
        "The letter prints, but to send it you still need: no postal address, no fax number."
    )
    assert window.preview.page_count() >= 1  # it prints all the same
    save_screenshot(window, "letter_preview_gaps")

    complete = _referral(context, family="Côté", fax="(503) 555-0201", address="88 Elm Road")
    window = LetterPreviewWindow(context=context, referral_id=complete)
    qtbot.addWidget(window)
    window.show()
    gaps = window.findChild(QLabel, "letterRecipientGaps")
    assert gaps is not None and not gaps.isVisible()


def test_letter_dialog_records_a_part2_consent_and_unlocks_the_diagnosis(
    qtbot: QtBot, context: AppContext
) -> None:
    db, actor = context.db, context.actor
    patient = new_patient(db, actor)
    opioid_use = record.add_diagnosis(db, actor, patient.id, "F11.20", part2=True)
    program = new_member(db, actor, "pain_rehabilitation_program", "Hale", "Jo")
    referral_id = new_referral(db, actor, patient.id, program).id

    dialog = LetterChoicesDialog(context=context, referral_id=referral_id)
    qtbot.addWidget(dialog)
    dialog.show()
    check = dialog.item_check(Section.DIAGNOSES, opioid_use.id)
    assert not check.isEnabled() and not check.isChecked()
    status = dialog.findChild(QLabel, "part2ConsentStatus")
    assert status is not None and "No 42 CFR Part 2 consent" in status.text()
    save_screenshot(dialog, "letter_choices_part2")

    def fill_and_accept(form: QDialog) -> bool:
        assert isinstance(form, Part2ConsentDialog)
        qtbot.addWidget(form)
        assert form.this_recipient.isChecked()
        form.given_by.setText("")  # a missing element is refused beside its field
        form.accept()
        error = form.findChild(QLabel, "given_byError")
        assert error is not None and not error.isHidden()
        form.given_by.setText("the patient")
        form.accept()
        return form.recorded is not None

    dialog.run_consent_dialog = fill_and_accept
    assert dialog.record_consent()
    assert check.isEnabled() and check.isChecked()
    assert "in force" in status.text() and "Jo Hale" in status.text()
    [consent] = consents.consents_of(db, actor, patient.id)
    assert consent.recipient_member_id == program.id
    text = pdf_text(letters.generate_letter(db, actor, referral_id, dialog.options()))
    assert "F11.20" in text and "42 CFR part 2 prohibits" in " ".join(text.split())


def test_consent_dialog_screenshot(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    dialog = Part2ConsentDialog(
        chart=ChartScope(context, patient.id),
        recipient_member_id=None,
        recipient_name=None,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.this_recipient.isEnabled()
    save_screenshot(dialog, "part2_consent")


def test_chart_flags_a_part2_diagnosis_only_for_substance_use_codes(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    summary = SummaryTab(context=context, patient_id=patient.id)
    qtbot.addWidget(summary)
    picker = summary.add_diagnosis()
    assert isinstance(picker, IcdPicker)
    qtbot.waitUntil(lambda: picker.results.count() > 0, timeout=30_000)
    part2 = picker.findChild(QCheckBox, "icdPart2")
    assert part2 is not None
    qtbot.keyClicks(picker.search, "F11.20")
    qtbot.waitUntil(lambda: picker.select_code("F11.20"), timeout=10_000)
    assert part2.isEnabled()
    part2.setChecked(True)
    qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
    [diagnosis] = load_chart(context.db, context.actor, patient.id).diagnoses
    assert diagnosis.code == "F11.20" and diagnosis.part2

    picker = summary.add_diagnosis()
    qtbot.waitUntil(lambda: picker.results.count() > 0, timeout=30_000)
    part2 = picker.findChild(QCheckBox, "icdPart2")
    assert part2 is not None
    assert picker.select_code("G89.29")
    assert not part2.isEnabled()
    picker.reject()
    assert isinstance(summary.findChild(QPushButton, "addDiagnosis"), QPushButton)
