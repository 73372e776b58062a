"""The letter preview window: see the letter, print it, save it, send it by e-mail or fax,
mark the referral sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DeliveryMethod, ReferralState
from carecoord.errors import CareCoordError
from carecoord.services import letters, referrals
from carecoord.services.delivery import DeliveryView
from carecoord.services.letters import LetterOptions
from carecoord.services.referrals import ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.pdf_window import PdfWindow
from carecoord.ui.kit.referral_actions import Answer, ReferralActions
from carecoord.ui.kit.referral_prompts import SendDialog
from carecoord.ui.letters.buttons import letter_button
from carecoord.ui.letters.choices_dialog import LetterChoicesDialog
from carecoord.ui.letters.send_dialog import SendLetterDialog
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.style import chip, fg, hint, page_title

SETTINGS_GEOMETRY = "letterPreview/geometry"


def ask_send_details(parent: QWidget | None) -> tuple[DeliveryMethod, date] | None:
    """How and when the letter left (print preselected: it was just previewed to print)."""
    dialog = SendDialog(parent)
    dialog.method.setCurrentIndex(max(dialog.method.findData(DeliveryMethod.PRINT), 0))
    dialog.sent_on.setDate(QDate.currentDate())
    if not dialog.exec():
        return None
    answer = dialog.answer()
    return (answer.method, answer.sent_on) if answer else None


class LetterPreviewWindow(PdfWindow):
    """A referral's letter (or packet) as the specialist will get it.

    Generating it records "letter generated"; printing and saving record their own
    history entries. Mark as sent… appears while the referral can still be sent.
    ``ask_send`` and ``choose_contents`` are attributes so tests answer them.

    Signals:
        sent(int): the referral id after it was marked sent.

    Raises:
        NotFound, PermissionDenied, ValidationError: from the services, when the letter
            cannot be generated for this user.
    """

    sent = Signal(int)
    NAME = "letterPreviewWindow"
    GEOMETRY_KEY = SETTINGS_GEOMETRY

    def __init__(
        self,
        *,
        context: AppContext,
        referral_id: int,
        options: LetterOptions | None = None,
        packet: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.referral_id = referral_id
        self.options = options
        self.packet = packet
        self.ask_send: Callable[[], tuple[DeliveryMethod, date] | None] = lambda: ask_send_details(
            self
        )
        self.choose_contents: Callable[[], tuple[LetterOptions, bool] | None] = (
            self._choose_contents
        )
        self.view: ReferralView = referrals.get_referral(context.db, context.actor, referral_id)
        self.referral_actions = ReferralActions(context=context, parent=self)
        self.referral_actions.reload = self.reload
        pdf = self._generate()
        self._build(pdf)
        self._show_view()
        self.place()

    # ------------------------------------------------------------------ building
    def _generate(self) -> bytes:
        return letters.generate_letter(
            self.context.db,
            self.context.actor,
            self.referral_id,
            self.options,
            packet=self.packet,
        )

    def _file_name(self) -> str:
        return letters.letter_file_name(self.referral_id, packet=self.packet)

    def _build(self, pdf: bytes) -> None:
        self.title = page_title("")
        self.title.setObjectName("letterTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("letterSubtitle")
        self.chips = QHBoxLayout()
        self.status = hint("")
        self.status.setObjectName("letterStatus")
        self.gaps = hint("")
        self.gaps.setObjectName("letterRecipientGaps")
        self.gaps.setStyleSheet(f"color: {fg('warning')}; font-weight: 600;")

        self.contents_button = letter_button(
            "Contents…",
            "letterContents",
            "Choose what goes in the letter",
            self.change_contents,
            tip="Tick or untick sections and items, then regenerate",
        )
        self.send_button = letter_button(
            "Mark as sent…",
            "markAsSent",
            "Mark the referral as sent",
            self.mark_as_sent,
            tip="Record how and when the letter left the clinic",
        )
        self.email_button = letter_button(
            "Send…",
            "sendLetter",
            "Send the letter by secure e-mail or e-mail-to-fax",
            self.send_letter,
            tip="Send this exact letter to the recipient's e-mail or fax "
            "through the clinic's relay",
        )
        self.send_dialog: SendLetterDialog | None = None

        self.preview = PdfPreview(
            pdf=pdf,
            title="Referral letter",
            suggested_name=self._file_name(),
            extra_buttons=(self.contents_button, self.email_button, self.send_button),
            after_print=self._printed,
            after_save=self._saved,
        )
        self.close_button = letter_button("Close", "closeLetter", "Close the letter", self.close)

        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addSpacing(8)
        title_row.addLayout(self.chips)
        title_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.gaps)
        layout.addSpacing(4)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        self._say(f"Letter generated · {self.preview.page_count()} page(s).")

    def _show_view(self) -> None:
        view = self.view
        what = "Referral packet" if self.packet else "Referral letter"
        self.setWindowTitle(f"{what} — {view.patient_name} — {view.discipline.label}")
        self.title.setText(f"{what} to {view.discipline.label}")
        to = f"To {view.recipient_name}" if view.recipient_name else "Recipient not chosen yet"
        reference = f" · Ref. {view.reference}" if view.reference else ""
        self.subtitle.setText(
            f"{view.patient_name} · MRN {view.patient_mrn} · born "
            f"{view.patient_date_of_birth:%Y-%m-%d} · {to}{reference}"
        )
        try:
            gaps = letters.recipient_gaps(self.context.db, self.context.actor, self.referral_id)
        except CareCoordError:
            gaps = ()
        self.gaps.setText(
            "The letter prints, but to send it you still need: " + ", ".join(gaps) + "."
            if gaps
            else ""
        )
        self.gaps.setVisible(bool(gaps))
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        state = chip(view.state.label, "ok" if view.state == ReferralState.SENT else "info")
        state.setObjectName("letterStateChip")
        self.chips.addWidget(state)
        if view.sensitive:
            self.chips.addWidget(chip("Sensitive", "warning"))
        self.send_button.setVisible(view.may("send"))
        # The service's own rule: print the letter and handle the referral's logistics.
        self.email_button.setVisible(
            self.context.settings.relay_configured
            and view.may(referrals.LETTER)
            and view.may(referrals.NOTE)
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # ------------------------------------------------------------------ actions
    def _record(self, what: str) -> None:
        try:
            referrals.record_letter(self.context.db, self.context.actor, self.referral_id, what)
        except CareCoordError as error:
            show_problem(self, error, "Not recorded")
            return
        self.context.events.referral_changed.emit(self.referral_id)

    def _printed(self, pages: int) -> None:
        self._record("letter printed")
        self._say(f"Printed {pages} page(s); recorded in the referral's history.")

    def _saved(self, path: str) -> None:
        name = Path(path).name
        self._record(f"letter saved as {name}")
        self._say(f"Saved as {path}; recorded in the referral's history.")

    def _choose_contents(self) -> tuple[LetterOptions, bool] | None:
        dialog = LetterChoicesDialog(
            context=self.context, referral_id=self.referral_id, parent=self
        )
        if not dialog.exec():
            return None
        return dialog.options(), dialog.packet

    def change_contents(self) -> bool:
        """Choose the contents again and regenerate; True when the letter changed."""
        try:
            chosen = self.choose_contents()
            if chosen is None:
                return False
            self.options, self.packet = chosen
            pdf = self._generate()
        except CareCoordError as error:
            show_problem(self, error, "Letter not generated")
            return False
        self.preview.suggested_name = self._file_name()
        self.preview.set_pdf(pdf)
        self.context.events.referral_changed.emit(self.referral_id)
        self._show_view()
        self._say(f"Letter regenerated · {self.preview.page_count()} page(s).")
        return True

    def mark_as_sent(self) -> bool:
        """Ask how the letter left and move the referral to Sent (the shared controller).

        The controller keeps this exact PDF as the copy sent (letters service).
        """
        if not self.view.may("send"):
            return False
        asked: list[tuple[DeliveryMethod, date]] = []

        def ask(_key: str, _view: ReferralView) -> Answer | None:
            answer = self.ask_send()
            if answer is None:
                return None
            asked.append(answer)
            return Answer(sent_via=answer[0], on=answer[1], letter_pdf=self.preview.pdf_bytes())

        self.referral_actions.ask = ask
        moved = self.referral_actions.run(self.view, "send")
        if moved is None:
            return False
        method, sent_on = asked[0]
        self.view = moved
        self._show_view()
        how = DeliveryMethod(method).label.lower()
        self._say(f"Marked sent by {how} on {sent_on:%Y-%m-%d}; a copy of this letter is kept.")
        self.sent.emit(moved.id)
        return True

    def send_letter(self) -> SendLetterDialog | None:
        """Open Send… for the letter on show (the relay gets exactly these bytes)."""
        try:
            dialog = SendLetterDialog(
                context=self.context,
                referral_id=self.referral_id,
                pdf=self.preview.pdf_bytes(),
                parent=self,
            )
        except CareCoordError as error:
            show_problem(self, error, "Not sent")
            return None
        dialog.sent.connect(self._sent_by_relay)
        self.send_dialog = dialog
        dialog.open()
        return dialog

    def _sent_by_relay(self, result: DeliveryView) -> None:
        self.reload()
        how = "fax" if result.fax_number else "e-mail"
        self._say(
            f"Sent by {how} to {result.fax_number or result.address}; the relay accepted it "
            "and a copy of this letter is kept."
        )
        self.sent.emit(self.referral_id)

    def reload(self) -> None:
        """Read the referral again (its state may have moved elsewhere)."""
        try:
            self.view = referrals.get_referral(
                self.context.db, self.context.actor, self.referral_id
            )
        except CareCoordError as error:
            show_problem(self, error)
            return
        self._show_view()

    # ------------------------------------------------------------------ geometry


def open_letter(
    *, context: AppContext, referral_id: int, parent: QWidget | None = None
) -> LetterPreviewWindow | None:
    """Ask what goes in, then show the letter in a new (non-modal) preview window.

    Errors (not found, not allowed, an unreadable attachment) are shown to the person.

    Returns:
        The window shown, or None when the person cancelled or it failed.
    """
    try:
        dialog = LetterChoicesDialog(context=context, referral_id=referral_id, parent=parent)
        if not dialog.exec():
            return None
        window = LetterPreviewWindow(
            context=context,
            referral_id=referral_id,
            options=dialog.options(),
            packet=dialog.packet,
            parent=parent,
        )
    except CareCoordError as error:
        show_problem(parent, error, "Letter not generated")
        return None
    context.events.referral_changed.emit(referral_id)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window


class SentCopyWindow(PdfWindow):
    """A stored sent letter, marked "COPY of the letter sent on DATE" on every page."""

    NAME = "sentCopyWindow"

    def __init__(
        self, *, context: AppContext, document_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.document_id = document_id
        pdf = letters.sent_letter_copy(context.db, context.actor, document_id)
        self.setWindowTitle("Copy of a sent letter")
        self.preview = PdfPreview(
            pdf=pdf, title="Copy of a sent letter", suggested_name=f"sent-copy-{document_id}.pdf"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Copy of the letter as it was sent"))
        layout.addWidget(hint("The stored letter is never changed; this copy is marked as one."))
        layout.addWidget(self.preview, 1)
        self.place()


def open_sent_copy(
    *, context: AppContext, document_id: int, parent: QWidget | None = None
) -> SentCopyWindow | None:
    """Show a stored sent letter (errors are shown to the person).

    Returns:
        The window shown, or None when it could not be opened.
    """
    try:
        window = SentCopyWindow(context=context, document_id=document_id, parent=parent)
    except CareCoordError as error:
        show_problem(parent, error, "Copy not opened")
        return None
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
