"""The referral editor's letter and calendar buttons and the windows they open: the letter
(contents, preview, print) and the appointment as an .ics file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from carecoord.clinical.vocabulary import ReferralState
from carecoord.services import appointments
from carecoord.services.referral_views import LETTER, ReferralView
from carecoord.ui.calendar_file import Chooser, save_calendar_file
from carecoord.ui.context import AppContext
from carecoord.ui.openers import LetterPreviewWindow, open_letter
from carecoord.ui.referrals.editor_widgets import labelled_button


class LetterTools:
    """ "Letter…" and "Add to calendar…" for the referral shown (:meth:`show_view`).

    ``save_first`` is the editor's: it stores pending edits and says whether that worked,
    so a letter never prints what is not saved. ``choose_calendar_file`` is None for the Qt
    save dialog, or a test's answer.
    """

    def __init__(
        self, *, context: AppContext, parent: QWidget, save_first: Callable[[], bool]
    ) -> None:
        self.context = context
        self.parent = parent
        self.save_first = save_first
        self.view: ReferralView | None = None
        self.letter_window: LetterPreviewWindow | None = None
        self.choose_calendar_file: Chooser | None = None
        self.letter_button = labelled_button(
            "Letter…",
            "openLetter",
            "Referral letter: choose contents, preview, print",
            self.open_letter,
        )
        self.calendar_button = labelled_button(
            "Add to calendar…",
            "addToCalendar",
            "Save the appointment as a calendar file",
            self.add_to_calendar,
            tip="An .ics file: date, specialist, place; nothing clinical",
        )

    def buttons(self) -> tuple[QWidget, ...]:
        return (self.letter_button, self.calendar_button)

    def show_view(self, view: ReferralView | None) -> None:
        """Offer the letter when the role may print it and the calendar once it is booked."""
        self.view = view
        self.calendar_button.setVisible(
            view is not None
            and view.state == ReferralState.SCHEDULED
            and view.appointment_date is not None
        )
        printable = view is not None and view.may(LETTER)
        self.letter_button.setEnabled(printable)
        self.letter_button.setToolTip(
            "Choose what goes in the letter, then preview, print or save it"
            if printable
            else "Save the draft first"
            if view is None
            else "Your role may not print this referral's clinical content"
        )

    def open_letter(self) -> None:
        """Choose the letter's contents, then preview, print or save it (saving edits first)."""
        view = self.view
        if view is None or not self.save_first():
            return
        self.letter_window = open_letter(
            context=self.context, referral_id=view.id, parent=self.parent
        )

    def add_to_calendar(self) -> Path | None:
        """Save the booked appointment as an .ics file (no clinical detail in it)."""
        if self.view is None:
            return None
        db, actor, referral_id = self.context.db, self.context.actor, self.view.id
        return save_calendar_file(
            self.parent,
            lambda: appointments.referral_calendar(db, actor, referral_id),
            self.choose_calendar_file,
        )
